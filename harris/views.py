"""Site-wide pages: the dashboard, the about page, the health checks and the 500 handler."""

import sys
from fractions import Fraction

from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from recommendations import selectors
from recommendations.caching import cached_aggregate
from recommendations.filters import RecommendationFilter
from recommendations.models import Recommendation, Status
from recommendations.views import filtered_list_url
from reviews.models import Review

from . import health as health_checks
from .middleware import DATABASE_ERRORS, database_unavailable_response

# The 2017 report's headline claim about the 2016 review, recomputed from the history.
CLAIM_REVIEW, CLAIM_REPORT = "harris-2016", "progress-2017"


def headline_claim():
    """How many 2016 recommendations the 2017 report marked resolved, or None without data."""
    report = Review.objects.filter(slug=CLAIM_REPORT).first()
    if report is None:
        return None
    queryset = selectors.with_shown_status(
        Recommendation.objects.public().filter(review__slug=CLAIM_REVIEW), report=report
    )
    resolved, total = selectors.resolved_share(queryset)
    if not total:
        return None
    share = Fraction(resolved, total)
    return {
        "report": report,
        "resolved": resolved,
        "total": total,
        "percent": round(100 * share),
        "over_two_thirds": share > Fraction(2, 3),
    }


@require_safe
def dashboard(request):
    """For each review: stated and loaded counts and the status split, now or as at a date."""
    filterset = RecommendationFilter(request.GET, queryset=Recommendation.objects.public())
    context = {"form": filterset.form}
    if not filterset.is_valid():
        context["error_message"] = "Check the date or report below."
        return render(request, "dashboard.html", context, status=400)
    as_at = filterset.form.cleaned_data.get("as_at")
    report = filterset.form.cleaned_data.get("report")
    queryset = selectors.with_shown_status(Recommendation.objects.public(), as_at, report)
    breakdowns = cached_aggregate(
        "dashboard",
        (as_at, report and report.pk),
        lambda: selectors.breakdowns_by(queryset, "review_id"),
    )
    reviews = [
        {
            "review": review,
            "chart": breakdowns.get(review.pk, []),
            "loaded": sum(row["count"] for row in breakdowns.get(review.pk, [])),
            "list_url": filtered_list_url(request, review=review.slug),
        }
        for review in Review.objects.all()
    ]
    context.update(
        reviews=reviews,
        as_at=as_at,
        report=report,
        claim=cached_aggregate("claim", (), headline_claim),
        query=request.GET,
    )
    return render(request, "dashboard.html", context)


@require_safe
def about(request):
    """Where the data comes from, what the statuses mean, what is withheld and why."""
    statuses = [(status.label, Status.description(status)) for status in Status]
    return render(request, "about.html", {"statuses": statuses, "reviews": Review.objects.all()})


@never_cache
@require_safe
def health(request):
    """Liveness, for load balancers: 200 while the site can serve (the database answers), else
    503. The body names each dependency's state, and says "degraded" when the cache or the mail
    server is down: the site still serves then, uncached or with reminders waiting."""
    parts = health_checks.dependencies()
    if parts["database"] != health_checks.OK:
        status, code = "error", 503
    elif all(state == health_checks.OK for state in parts.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, **parts}, status=code)


@never_cache
@require_safe
def ready(request):
    """Strict readiness, for monitoring and deploys: 503 unless every dependency is up."""
    parts = health_checks.dependencies()
    healthy = all(state == health_checks.OK for state in parts.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **parts}, status=200 if healthy else 503
    )


def server_error(request):
    """The 500 handler: a database outage met outside a view (in a middleware, say) is the 503
    page with Retry-After like any other; anything else is the friendly 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable_response()
    return defaults.server_error(request)
