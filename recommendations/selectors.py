"""Reads shared by the public pages, the downloads and the API."""

import datetime

from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Recommendation, Status, StatusUpdate


def _status_subquery(updates, field):
    latest = updates.filter(recommendation=OuterRef("pk")).latest_first().values(field)[:1]
    return Subquery(latest)


def with_shown_status(queryset, as_at=None, report=None):
    """Annotate ``shown_status`` and ``shown_status_date``: the current status, or the status
    as at a date, or as published in a given report, computed from the dated public history."""
    if as_at is None and report is None:
        return queryset.annotate(
            shown_status=Coalesce("current_status", Value(Status.NOT_ASSESSED)),
            shown_status_date=F("current_status_date"),
        )
    updates = StatusUpdate.objects.published()
    if as_at is not None:
        updates = updates.filter(status_date__lte=as_at)
    if report is not None:
        updates = updates.filter(source_review=report)
    return queryset.annotate(
        shown_status=Coalesce(_status_subquery(updates, "status"), Value(Status.NOT_ASSESSED)),
        shown_status_date=_status_subquery(updates, "status_date"),
    )


def with_assessments(queryset):
    """Annotate ``owner_status`` and ``mopac_status``: the latest published status reported by
    the owning agency and assessed by MOPAC, so lists can show both where they differ."""
    published = StatusUpdate.objects.published()
    return queryset.annotate(
        owner_status=_status_subquery(
            published.filter(assessment=StatusUpdate.Assessment.OWNER), "status"
        ),
        mopac_status=_status_subquery(
            published.filter(assessment=StatusUpdate.Assessment.MOPAC), "status"
        ),
    )


def public_recommendations():
    """The public recommendations with what every list row shows, in two queries in all."""
    return (
        Recommendation.objects.public()
        .select_related("review")
        .prefetch_related("ownerships__agency")
    )


CHART_ROW_HEIGHT = 10


def chart_rows(breakdown):
    """Each status's count, share of the total (whole per cent) and bar position, for the
    server-drawn SVG charts."""
    total = sum(count for _, _, count in breakdown)
    return [
        {
            "status": status,
            "label": label,
            "count": count,
            "percent": round(100 * count / total) if total else 0,
            "y": index * CHART_ROW_HEIGHT + 2,
        }
        for index, (status, label, count) in enumerate(breakdown)
    ]


def breakdowns_by(queryset, field):
    """{value of ``field``: chart rows} in one grouped query over ``shown_status``."""
    grouped = {}
    for key, status, total in (
        queryset.order_by()
        .values_list(field, "shown_status")
        .annotate(total=Count("pk", distinct=True))
    ):
        grouped.setdefault(key, {})[status] = total
    return {
        key: chart_rows([(status, status.label, counts.get(status.value, 0)) for status in Status])
        for key, counts in grouped.items()
    }


def resolved_share(queryset):
    """(resolved, total) over ``shown_status``: Resolved and Resolved by other means."""
    total = queryset.count()
    resolved = queryset.filter(shown_status__in=Status.closed()).count()
    return resolved, total


def public_timeline(recommendation):
    """The updates the public may know of, newest first, with their source documents."""
    return (
        StatusUpdate.objects.public()
        .filter(recommendation=recommendation)
        .select_related("source_review")
        .latest_first()
    )


def staff_history(recommendation, user):
    """A recommendation's whole status history for a staff user, newest first, each update
    with ``staff_note``: its staff-only detail where the user may read it."""
    return (
        StatusUpdate.objects.filter(recommendation=recommendation)
        .with_staff_note_for(user)
        .select_related("recorded_by", "corrects", "reported_on_behalf_of")
        .latest_first()
    )


def latest_by_assessment(recommendation):
    """{assessment: latest published update} — the owner's report and MOPAC's assessment."""
    latest = {}
    for update in recommendation.updates.published().latest_first():
        latest.setdefault(update.assessment, update)
    return latest


def public_links(recommendation):
    """Typed links from and to this recommendation, leaving out restricted ones."""
    outgoing = recommendation.outgoing_links.filter(
        Q(target__isnull=True) | Q(target__is_restricted=False)
    ).select_related("target__review", "target_review")
    incoming = recommendation.incoming_links.filter(source__is_restricted=False).select_related(
        "source__review"
    )
    return list(outgoing), list(incoming)


def changed_since(updates, since):
    """The updates dated, or published, on or after ``since``: a late-published update about an
    earlier date counts. Compares ``published_at`` with the day's start, so its index is used."""
    start_of_day = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    return updates.filter(Q(status_date__gte=since) | Q(published_at__gte=start_of_day))


def public_updates_since(since):
    """Public updates dated or published on or after ``since``, newest first."""
    return (
        changed_since(StatusUpdate.objects.public(), since)
        .select_related("recommendation__review", "source_review")
        .latest_first()
    )
