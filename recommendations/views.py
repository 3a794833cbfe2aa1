"""The public pages about recommendations and agencies. Read-only; public data only."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from harris.params import whole_number
from reviews.models import Review

from . import selectors
from .caching import cached_aggregate
from .filters import RecommendationFilter
from .forms import ChangesForm
from .models import Agency, Recommendation, Status, StatusUpdate, TargetDateChange

PAGE_SIZE = 50
FACETS = {"review": "review__slug", "agency": "owners__slug", "status": "shown_status"}


def bad_request(request, template, context, message):
    """Render a page's error summary with HTTP 400: bad input is the visitor's to fix."""
    return render(request, template, {**context, "error_message": message}, status=400)


def paginate(request, queryset):
    """The requested page, or None when the page parameter is not a usable page number."""
    paginator = Paginator(queryset, PAGE_SIZE)
    number = whole_number(request.GET.get("page", "1"))
    if number is None or not 1 <= number <= paginator.num_pages:
        return None
    return paginator.page(number)


def facet_counts(request):
    """For each facet, how many recommendations each option would give with the other
    filters applied: one grouped query per facet, cached until public data changes."""
    params = sorted((key, request.GET.getlist(key)) for key in request.GET if key != "page")
    return cached_aggregate("facets", params, lambda: compute_facet_counts(request))


def compute_facet_counts(request):
    counts = {}
    for facet, field in FACETS.items():
        data = request.GET.copy()
        data.pop(facet, None)
        data.pop("ordering", None)
        others = RecommendationFilter(data, queryset=Recommendation.objects.public())
        if not others.is_valid():
            return {}
        counts[facet] = dict(
            others.qs.order_by()
            .values_list(field)
            .annotate(total=Count("pk", distinct=True))
            .values_list(field, "total")
        )
    return counts


def label_options_with_counts(form, counts):
    """Show each option's count in its label, e.g. "Metropolitan Police Service (45)"."""
    if not counts:
        return
    agency_counts, review_counts = counts["agency"], counts["review"]
    form.fields["agency"].label_from_instance = lambda agency: (
        f"{agency.name} ({agency_counts.get(agency.slug, 0)})"
    )
    form.fields["review"].label_from_instance = lambda review: (
        f"{review.short_name} ({review_counts.get(review.slug, 0)})"
    )
    form.fields["status"].choices = [("", "Any status")] + [
        (status.value, f"{status.label} ({counts['status'].get(status.value, 0)})")
        for status in Status
    ]


def filtered_list_url(request, **filters):
    """The recommendations list URL for these filters, keeping the request's as-at choice,
    ready for one more parameter (the chart tables append ``status=``)."""
    query = request.GET.copy()
    for name in list(query):
        if name not in {"as_at", "report"}:
            del query[name]
    query.update(filters)
    return f"{reverse('recommendations:list')}?{query.urlencode()}&"


def query_without_page(request):
    data = request.GET.copy()
    data.pop("page", None)
    return data.urlencode()


@require_safe
def recommendation_list(request):
    """Every public recommendation, filtered and sorted by the query string."""
    filterset = RecommendationFilter(request.GET, queryset=selectors.public_recommendations())
    context = {"filter": filterset, "form": filterset.form, "query": query_without_page(request)}
    template = "recommendations/recommendation_list.html"
    if not filterset.is_valid():
        return bad_request(request, template, context, "Check the filters below.")
    page = paginate(request, selectors.with_assessments(filterset.qs))
    if page is None:
        return bad_request(request, template, context, "That page number does not exist.")
    label_options_with_counts(filterset.form, facet_counts(request))
    context.update(page=page, recommendations=page.object_list)
    return render(request, template, context)


@require_safe
def recommendation_detail(request, pk):
    """One recommendation: text, owners, current status and its public timeline."""
    recommendation = get_object_or_404(selectors.public_recommendations(), pk=pk)
    outgoing, incoming = selectors.public_links(recommendation)
    latest = selectors.latest_by_assessment(recommendation)
    owner_view = latest.get(StatusUpdate.Assessment.OWNER)
    mopac_view = latest.get(StatusUpdate.Assessment.MOPAC)
    differ = owner_view and mopac_view and owner_view.status != mopac_view.status
    return render(
        request,
        "recommendations/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "status_description": Status.description(recommendation.current_status),
            "timeline": selectors.public_timeline(recommendation),
            "target_date_changes": recommendation.target_date_changes.only(
                "recommendation_id", *TargetDateChange.PUBLIC_FIELDS
            ),
            "outgoing_links": outgoing,
            "incoming_links": incoming,
            "owner_view": owner_view if differ else None,
            "mopac_view": mopac_view if differ else None,
        },
    )


@require_safe
def agency_list(request):
    """Every owning agency with its recommendations' status split across all reviews."""
    queryset = selectors.with_shown_status(Recommendation.objects.public())
    breakdowns = cached_aggregate(
        "agencies", (), lambda: selectors.breakdowns_by(queryset, "owners__slug")
    )
    agencies = [
        {"agency": agency, "chart": breakdowns.get(agency.slug, [])}
        for agency in Agency.objects.all()
    ]
    for row in agencies:
        row["total"] = sum(r["count"] for r in row["chart"])
    return render(request, "recommendations/agency_list.html", {"agencies": agencies})


@require_safe
def agency_detail(request, slug):
    """One agency's scorecard: per review, the status split and the recommendations."""
    agency = get_object_or_404(Agency, slug=slug)
    queryset = selectors.with_shown_status(
        selectors.public_recommendations().filter(owners=agency)
    ).order_by("review__published_on", "position")
    recommendations = list(selectors.with_assessments(queryset))
    breakdowns = selectors.breakdowns_by(queryset, "review_id")
    reviews = []
    for review in Review.objects.filter(pk__in=breakdowns):
        reviews.append(
            {
                "review": review,
                "chart": breakdowns[review.pk],
                "list_url": filtered_list_url(request, agency=agency.slug, review=review.slug),
                "recommendations": [r for r in recommendations if r.review_id == review.pk],
            }
        )
    return render(
        request,
        "recommendations/agency_detail.html",
        {"agency": agency, "reviews": reviews, "total": len(recommendations)},
    )


@require_safe
def changes(request):
    """Public updates since a date, for scrutiny meetings."""
    default_since = datetime.date.today() - datetime.timedelta(days=90)
    form = ChangesForm(request.GET or {"since": default_since.isoformat()})
    template = "recommendations/changes.html"
    context = {"form": form, "query": query_without_page(request)}
    if not form.is_valid():
        return bad_request(request, template, context, "Check the date below.")
    page = paginate(request, selectors.public_updates_since(form.cleaned_data["since"]))
    if page is None:
        return bad_request(request, template, context, "That page number does not exist.")
    context.update(page=page, updates=page.object_list, since=form.cleaned_data["since"])
    return render(request, template, context)
