"""The public pages: dashboard, reviews, recommendations, agencies and changes. Read-only; they
read the published store only (``selectors.py``)."""

import datetime
from fractions import Fraction

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from harris.params import whole_number
from harris.statuses import Status

from . import rows, selectors
from .caching import cached_aggregate
from .filters import RecommendationFilter
from .forms import ChangesForm
from .models import PublishedAgency, PublishedRecommendation
from .paging import PAST_THE_CAP, CountedPaginator
from .reference import reference
from .templatetags.tracker import form_groups
from .version import HeldPerVersion

PAGE_SIZE = 50


def bad_request(request, template, context, message):
    """Render a page's error summary with HTTP 400: bad input is the visitor's to fix."""
    return render(request, template, {**context, "error_message": message}, status=400)


def paginate(request, queryset, total=None, count_key=None):
    """The requested page and None, or None and why it cannot be shown (for the visitor)."""
    paginator = CountedPaginator(queryset, PAGE_SIZE, total, count_key)
    number = whole_number(request.GET.get("page", "1"))
    if number is None or not 1 <= number <= paginator.num_pages:
        if number and number > 1 and paginator.capped:
            return None, PAST_THE_CAP
        return None, "That page number does not exist."
    return paginator.page(number), None


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


# ---- the dashboard and the about page ----


def headline_claim():
    """The 2017 report's claim about the 2016 review, recomputed, with its share."""
    claim = selectors.headline_claim()
    if claim is None:
        return None
    share = Fraction(claim["resolved"], claim["total"])
    return {**claim, "percent": round(100 * share), "over_two_thirds": share > Fraction(2, 3)}


@require_safe
def dashboard(request):
    """For each review: stated and loaded counts and the status split, now or as at a date."""
    filterset = RecommendationFilter(request.GET, queryset=PublishedRecommendation.objects.all())
    context = {"form": filterset.form}
    template = "public_data/dashboard.html"
    if not filterset.is_valid():
        return bad_request(request, template, context, "Check the date or report below.")
    as_at = filterset.form.cleaned_data.get("as_at")
    report = filterset.form.cleaned_data.get("report")
    if as_at is None and report is None:
        charts = selectors.charts_by("review", agency="")
    elif report is None:
        charts = cached_aggregate("dashboard", (as_at, None), lambda: selectors.charts_as_at(as_at))
    else:
        queryset = selectors.with_shown_status(PublishedRecommendation.objects.all(), as_at, report)
        charts = cached_aggregate(
            "dashboard",
            (as_at, report and report.slug),
            lambda: selectors.breakdowns_by(queryset, "review__slug"),
        )
    reviews = [
        {
            "review": review,
            "chart": charts.get(review.slug, []),
            "loaded": sum(row["count"] for row in charts.get(review.slug, [])),
            "list_url": filtered_list_url(request, review=review.slug),
        }
        for review in selectors.reviews()
    ]
    context.update(
        reviews=reviews,
        as_at=as_at,
        report=report,
        claim=cached_aggregate("claim", (), headline_claim),
        query=request.GET,
    )
    return render(request, template, context)


@require_safe
def about(request):
    """Where the data comes from, what the statuses mean, what is withheld and why."""
    statuses = [(status.label, Status.description(status)) for status in Status]
    return render(
        request, "public_data/about.html", {"statuses": statuses, "reviews": selectors.reviews()}
    )


# ---- reviews ----


@require_safe
def review_list(request):
    """Every document with its stated and loaded recommendation counts."""
    loaded = selectors.counts_by("review")
    reviews = [
        {"review": review, "loaded": loaded.get(review.slug, 0)} for review in selectors.reviews()
    ]
    return render(request, "public_data/review_list.html", {"reviews": reviews})


@require_safe
def review_detail(request, slug):
    """One document: its summary, stated vs loaded counts, status split, recommendations."""
    review = selectors.review(slug)
    if review is None:
        raise Http404("No review has this address.")
    chart = selectors.charts_by("review", agency="").get(review.slug, [])
    return render(
        request,
        "public_data/review_detail.html",
        {
            "review": review,
            "rows": rows.current_rows(
                selectors.recommendations().filter(review=review).values_list("pk", flat=True)
            ),
            "chart": chart,
            "loaded": sum(row["count"] for row in chart),
            "list_url": filtered_list_url(request, review=review.slug),
            "follow_ups": review.follow_ups.all(),
            "updates_from_it": review.timeline_entries.count(),
        },
    )


# ---- recommendations ----


def facet_counts(filterset):
    """For each facet, how many recommendations each option would give with the other filters
    applied, from the per-version aggregates; None (options shown without counts) when the
    filters go beyond what the aggregates hold."""
    fixed = filterset.counted_filters()
    if fixed is None:
        return None
    return cached_aggregate(
        "facets",
        tuple(sorted(fixed.items())),
        lambda: {
            facet: selectors.counts_by(facet, **{k: v for k, v in fixed.items() if k != facet})
            for facet in ("review", "agency", "status")
        },
    )


def set_options(form, counts):
    """Offer every review, agency, status and progress report from the reference data (no
    query per request), each review, agency and status with its count where the aggregates
    hold it, e.g. "Metropolitan Police Service (45)". The ``options`` template filter reads
    them from ``form.offered`` as (value, label, count or None)."""
    known = reference()
    counts = counts or {}

    def offer(name, options):
        counted = counts.get(name)
        return [
            ("", form.fields[name].empty_label, None),
            *(
                (key, label, None if counted is None else counted.get(key, 0))
                for key, label in options
            ),
        ]

    form.offered = {
        "review": offer("review", [(r.slug, r.short_name) for r in known.reviews]),
        "agency": offer("agency", [(a.slug, a.name) for a in known.agencies]),
        "status": offer("status", Status.choices),
        "report": offer("report", [(r.slug, r.short_name) for r in known.progress_reports]),
    }


# A valid list's filter form, written once per public data version for the values it shows
# (about 15 KB each): the same on every page of that list and for every visitor.
held_filter_forms = HeldPerVersion(limit=200)


def filter_form(filterset):
    """The filter form's groups for a valid filterset, each option with its count."""
    form = filterset.form

    def write(keys):
        set_options(form, facet_counts(filterset))
        return {keys[0]: form_groups(form)}

    (written,) = held_filter_forms.get([tuple(form.data.get(name) for name in form.fields)], write)
    return written


@require_safe
def recommendation_list(request):
    """Every public recommendation, filtered and sorted by the query string."""
    filterset = RecommendationFilter(request.GET, queryset=selectors.recommendations())
    context = {"filter": filterset, "form": filterset.form, "query": query_without_page(request)}
    template = "public_data/recommendation_list.html"
    if not filterset.is_valid():
        set_options(filterset.form, None)
        context["filter_form"] = form_groups(filterset.form)
        return bad_request(request, template, context, "Check the filters below.")
    cleaned = filterset.form.cleaned_data
    current = cleaned.get("as_at") is None and cleaned.get("report") is None
    # With the current status, a page needs only its ids: rows are held per version.
    listed = filterset.qs.values_list("pk", flat=True) if current else filterset.qs
    page, problem = paginate(request, listed, filterset.counted_total(), filterset.count_key())
    context["filter_form"] = filter_form(filterset)
    if page is None:
        return bad_request(request, template, context, problem)
    shown = rows.current_rows(page.object_list) if current else rows.rows(page.object_list)
    context.update(page=page, rows=shown)
    return render(request, template, context)


def recommendation_context(recommendation, parts):
    """The context of a recommendation's page, from its store record and its parts (as
    ``selectors.recommendation_page`` gives them): the same for the public page and the staff
    preview."""
    latest = selectors.latest_by_assessment(parts["timeline"])
    owner_view = latest.get("owner")
    mopac_view = latest.get("mopac")
    differ = owner_view and mopac_view and owner_view.status != mopac_view.status
    return {
        "recommendation": recommendation,
        "status_description": Status.description(recommendation.current_status),
        **parts,
        "owner_view": owner_view if differ else None,
        "mopac_view": mopac_view if differ else None,
    }


@require_safe
def recommendation_detail(request, review, key):
    """One recommendation: text, owners, current status and its public timeline."""
    found = selectors.recommendation_page(review, key)
    if found is None:
        raise Http404("No public recommendation has this address.")
    context = recommendation_context(*found)
    return render(request, "public_data/recommendation_detail.html", context)


@require_safe
def recommendation_by_old_id(request, pk):
    """The old address of a recommendation's page (by database id): moved for good."""
    recommendation = get_object_or_404(
        PublishedRecommendation.objects.select_related("review"), source_id=pk
    )
    return redirect(recommendation, permanent=True)


# ---- agencies ----


@require_safe
def agency_list(request):
    """Every owning agency with its recommendations' status split across all reviews."""
    charts = selectors.charts_by("agency", review="")
    agencies = [
        {"agency": agency, "chart": charts.get(agency.slug, [])} for agency in selectors.agencies()
    ]
    for row in agencies:
        row["total"] = sum(r["count"] for r in row["chart"])
    return render(request, "public_data/agency_list.html", {"agencies": agencies})


@require_safe
def agency_detail(request, slug):
    """One agency's scorecard: per review, the status split and the recommendations."""
    agency = get_object_or_404(PublishedAgency, slug=slug)
    charts = selectors.charts_by("review", agency=agency.slug)
    owned = list(
        selectors.recommendations().filter(ownerships__agency=agency).values_list("pk", "review_id")
    )
    reviews = [
        {
            "review": review,
            "chart": charts[review.slug],
            "list_url": filtered_list_url(request, agency=agency.slug, review=review.slug),
            "rows": rows.current_rows(pk for pk, review_id in owned if review_id == review.pk),
        }
        for review in selectors.reviews()
        if review.slug in charts
    ]
    return render(
        request,
        "public_data/agency_detail.html",
        {"agency": agency, "reviews": reviews, "total": len(owned)},
    )


# ---- changes ----


@require_safe
def changes(request):
    """Public updates since a date, for scrutiny meetings."""
    default_since = datetime.date.today() - datetime.timedelta(days=90)
    form = ChangesForm(request.GET or {"since": default_since.isoformat()})
    template = "public_data/changes.html"
    context = {"form": form, "query": query_without_page(request)}
    if not form.is_valid():
        return bad_request(request, template, context, "Check the date below.")
    since = form.cleaned_data["since"]
    page, problem = paginate(request, selectors.changed_since(selectors.entries(), since))
    if page is None:
        return bad_request(request, template, context, problem)
    context.update(page=page, updates=page.object_list, since=since)
    return render(request, template, context)
