"""Site-wide pages: the dashboard, the about page and the health check."""

from fractions import Fraction

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from recommendations import selectors
from recommendations.caching import cached_aggregate
from recommendations.filters import RecommendationFilter
from recommendations.models import Recommendation, Status
from recommendations.views import filtered_list_url
from reviews.models import Review

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
    """For load balancers and monitors: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
