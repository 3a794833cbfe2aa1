"""Reads of the published store, shared by the public pages, downloads, feeds and the API.

Everything here reads the store only (``models.py``): what it returns is public by
construction.
"""

import datetime

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from harris.statuses import Status

from .models import (
    PublishedAgency,
    PublishedCount,
    PublishedOwnership,
    PublishedRecommendation,
    PublishedReview,
    PublishedTimelineEntry,
)

CHART_ROW_HEIGHT = 10


def reviews():
    """Every document, oldest first."""
    return PublishedReview.objects.select_related("follows_up")


def agencies():
    """Every owning agency, by name."""
    return PublishedAgency.objects.all()


def recommendations():
    """Public recommendations with what every list row shows (review, owners lead first)."""
    owners = PublishedOwnership.objects.select_related("agency")
    return PublishedRecommendation.objects.select_related("review").prefetch_related(
        Prefetch("ownerships", queryset=owners)
    )


def _latest(entries, field):
    latest = entries.filter(recommendation=OuterRef("pk")).order_by("-status_date", "-sequence")
    return Subquery(latest.values(field)[:1])


def with_shown_status(queryset, as_at=None, report=None):
    """Annotate ``shown_status`` and ``shown_status_date``: the current status, or the status as
    at a date, or as published in a given report, from the public timeline."""
    if as_at is None and report is None:
        return queryset.annotate(
            shown_status=F("current_status"), shown_status_date=F("current_status_date")
        )
    entries = PublishedTimelineEntry.objects.filter(
        publication=PublishedTimelineEntry.Kind.PUBLISHED
    )
    if as_at is not None:
        entries = entries.filter(status_date__lte=as_at)
    if report is not None:
        entries = entries.filter(source_review=report)
    return queryset.annotate(
        shown_status=Coalesce(_latest(entries, "status"), Value(Status.NOT_ASSESSED.value)),
        shown_status_date=_latest(entries, "status_date"),
    )


# ---- counts: from the per-version aggregates ----


def count(*, review="", agency="", status=""):
    """How many public recommendations match (slugs and a status code; "" for any)."""
    row = PublishedCount.objects.filter(review=review, agency=agency, status=status).first()
    return row.count if row else 0


def counts_by(dimension, *, review="", agency="", status=""):
    """{value: count} over one of "review", "agency" or "status", the others fixed ("" any)."""
    fixed = {"review": review, "agency": agency, "status": status}
    fixed.pop(dimension)
    rows = PublishedCount.objects.filter(**fixed).exclude(**{dimension: ""})
    return dict(rows.values_list(dimension, "count"))


def chart_rows(counts):
    """Chart rows for {status: count}: each status's count, share (whole per cent) and bar
    position, for the server-drawn SVG charts."""
    total = sum(counts.values())
    return [
        {
            "status": status.value,
            "label": status.label,
            "count": counts.get(status.value, 0),
            "percent": round(100 * counts.get(status.value, 0) / total) if total else 0,
            "y": index * CHART_ROW_HEIGHT + 2,
        }
        for index, status in enumerate(Status)
    ]


def charts_by(dimension, **fixed):
    """{value of ``dimension`` ("review" or "agency"): chart rows} of the current status."""
    grouped = {}
    rows = PublishedCount.objects.filter(**fixed).exclude(**{dimension: ""}).exclude(status="")
    for key, status, total in rows.values_list(dimension, "status", "count"):
        grouped.setdefault(key, {})[status] = total
    return {key: chart_rows(counts) for key, counts in grouped.items()}


def breakdowns_by(queryset, field):
    """{value of ``field``: chart rows} over ``shown_status``, counted in one grouped query;
    for status as at a date or per report, which the aggregates do not hold."""
    grouped = {}
    for key, status, total in (
        queryset.order_by().values_list(field, "shown_status").annotate(total=Count("pk"))
    ):
        grouped.setdefault(key, {})[status] = total
    return {key: chart_rows(counts) for key, counts in grouped.items()}


# ---- one recommendation ----


def recommendation(review_slug, key):
    """The public recommendation at /reviews/<review>/recommendations/<key>/, or None."""
    if "\x00" in review_slug or "\x00" in key:
        return None  # no address holds one, and PostgreSQL refuses NUL in a string
    return (
        PublishedRecommendation.objects.select_related("review")
        .filter(review__slug=review_slug, key=key)
        .first()
    )


def page_parts(recommendation):
    """What a recommendation's page shows besides its own columns, as lists."""
    outgoing = recommendation.outgoing_links.select_related("target__review", "target_review")
    incoming = recommendation.incoming_links.select_related("source__review")
    return {
        "owners": list(recommendation.ownerships.select_related("agency")),
        "timeline": list(recommendation.timeline.select_related("source_review")),
        "target_date_changes": list(recommendation.target_date_changes.all()),
        "outgoing_links": list(outgoing),
        "incoming_links": list(incoming),
    }


def latest_by_assessment(timeline):
    """{assessment: latest published entry} of a newest-first timeline."""
    latest = {}
    for entry in timeline:
        if entry.is_public_content:
            latest.setdefault(entry.assessment, entry)
    return latest


# ---- the timeline across recommendations ----


def entries():
    """Public timeline entries newest first, with their recommendation and source."""
    return PublishedTimelineEntry.objects.select_related(
        "recommendation__review", "source_review"
    ).order_by("-status_date", "-sequence", "-id")


def published_entries():
    return entries().filter(publication=PublishedTimelineEntry.Kind.PUBLISHED)


def changed_since(queryset, since):
    """The entries dated, or published, on or after ``since``: a late-published update about
    an earlier date counts. Compares ``published_at`` with the day's start, so its index is
    used."""
    start_of_day = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    return queryset.filter(Q(status_date__gte=since) | Q(published_at__gte=start_of_day))


# ---- the headline ----

# The 2017 report's headline claim about the 2016 review, recomputed from the history.
CLAIM_REVIEW, CLAIM_REPORT = "harris-2016", "progress-2017"


def headline_claim():
    """How many 2016 recommendations the 2017 report marked resolved, or None without data."""
    report = PublishedReview.objects.filter(slug=CLAIM_REPORT).first()
    if report is None:
        return None
    queryset = with_shown_status(
        PublishedRecommendation.objects.filter(review__slug=CLAIM_REVIEW), report=report
    )
    total = queryset.count()
    if not total:
        return None
    resolved = queryset.filter(shown_status__in=Status.closed()).count()
    return {"report": report, "resolved": resolved, "total": total}
