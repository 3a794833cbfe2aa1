"""Reads of the published store, shared by the public pages, downloads, feeds and the API.

Everything here reads the store only (``models.py``): what it returns is public by
construction.
"""

import datetime
from collections import namedtuple

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from harris.json_rows import JSONRows, columns, instance, json_list
from harris.prepared import PreparedQuery
from harris.statuses import Status

from .models import (
    PublishedCount,
    PublishedLink,
    PublishedOwnership,
    PublishedRecommendation,
    PublishedReview,
    PublishedStatusTally,
    PublishedTargetDateChange,
    PublishedTimelineEntry,
)
from .reference import reference, reference_covering

CHART_ROW_HEIGHT = 10


# An agency's ownership of a listed recommendation.
Owner = namedtuple("Owner", ["agency", "is_lead"])


def _owner_order(owner):
    """The lead owner first, then by name."""
    return (not owner.is_lead, owner.agency.name)


def reviews():
    """Every document, oldest first."""
    return reference().reviews


def agencies():
    """Every owning agency, by name."""
    return reference().agencies


def recommendations():
    """Public recommendations; ``with_owners`` completes a page of them for its rows."""
    return PublishedRecommendation.objects.all()


def with_owners(records):
    """``records`` (store recommendations), each given its review and its ``owners`` (lead
    first, then by name) from the reference data and one query: what every list row shows."""
    # A whole filtered list (a download) is matched by a subquery, not thousands of ids.
    ids = records.values("pk") if isinstance(records, QuerySet) else None
    records = list(records)
    owned = {record.pk: [] for record in records}
    rows = PublishedOwnership.objects.filter(
        recommendation__in=list(owned) if ids is None else ids
    ).values_list("recommendation_id", "agency_id", "is_lead")
    rows = list(rows.order_by())
    known = reference_covering(
        review_ids=[record.review_id for record in records],
        agency_ids=[agency_id for _, agency_id, _ in rows],
    )
    review_by_id, agency_by_id = known.review_by_id, known.agency_by_id
    for recommendation_id, agency_id, is_lead in rows:
        owned[recommendation_id].append(Owner(agency_by_id[agency_id], is_lead))
    for record in records:
        record.review = review_by_id[record.review_id]
        record.owners = sorted(owned[record.pk], key=_owner_order)
    return records


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


def charts_as_at(as_at):
    """{review slug: chart rows} of the status as at ``as_at``, for the reviews with public
    recommendations, from the status tallies: one index probe per review and status."""

    def tally(status):
        latest = PublishedStatusTally.objects.filter(
            review=OuterRef("pk"), status=status, since__lte=as_at
        ).order_by("-since")
        return Subquery(latest.values("count")[:1])

    names = {f"tally_{status.value}": status.value for status in Status}
    tallied = PublishedReview.objects.annotate(
        **{name: tally(status) for name, status in names.items()}
    ).values("slug", *names)
    charts = {}
    for row in tallied:
        counts = {status: row[name] or 0 for name, status in names.items()}
        if any(counts.values()):
            charts[row["slug"]] = chart_rows(counts)
    return charts


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


def review(slug):
    """The public review with this slug, or None."""
    if "\x00" in slug:
        return None  # no address holds NUL, and PostgreSQL refuses it in a string
    found = reference().review_by_slug.get(slug)
    if found is None:  # or published since this process last looked
        found = PublishedReview.objects.filter(slug=slug).first()
    return found


def _page(*, review, key):
    """The recommendation with this review id and key, with its owners, timeline, target date
    moves and links (each with its other end) as ``JSONRows`` annotations."""
    this = OuterRef("pk")

    def links(this_end, other_end):
        return JSONRows(
            PublishedLink.objects.filter(**{this_end: this}),
            {
                **columns(PublishedLink),
                "other": JSONObject(**columns(PublishedRecommendation, f"{other_end}__")),
            },
        )

    return (
        PublishedRecommendation.objects.filter(review=review, key=key)
        .order_by()
        .annotate(
            owner_rows=JSONRows(
                PublishedOwnership.objects.filter(recommendation=this), columns(PublishedOwnership)
            ),
            timeline_rows=JSONRows(
                PublishedTimelineEntry.objects.filter(recommendation=this),
                columns(PublishedTimelineEntry),
            ),
            date_change_rows=JSONRows(
                PublishedTargetDateChange.objects.filter(recommendation=this),
                columns(PublishedTargetDateChange),
            ),
            outgoing_rows=links("source", "target"),
            incoming_rows=links("target", "source"),
        )
    )


# Compiled once per process: the ORM takes longer to compile it than the database to run it.
_page_query = PreparedQuery(_page, review=int, key=str)


def recommendation_page(review_slug, key):
    """(record, parts) of the public recommendation at /reviews/<review>/recommendations/<key>/
    in one query, or None. ``parts`` is what its page shows besides the record's own columns,
    as lists: its owners, its timeline (newest first), target date moves and links. Reviews and
    agencies come from the reference data."""
    review_record = review(review_slug)
    if review_record is None or "\x00" in key:
        return None
    record = next(iter(_page_query.raw(review=review_record.pk, key=key)), None)
    if record is None:
        return None
    ownerships = [instance(PublishedOwnership, row) for row in json_list(record.owner_rows)]
    timeline = [instance(PublishedTimelineEntry, row) for row in json_list(record.timeline_rows)]
    changes = [
        instance(PublishedTargetDateChange, row) for row in json_list(record.date_change_rows)
    ]
    outgoing = _links(record, json_list(record.outgoing_rows), this_end="source")
    incoming = _links(record, json_list(record.incoming_rows), this_end="target")
    ends = [link.target for link in outgoing if link.target_id] + [link.source for link in incoming]
    known = reference_covering(
        review_ids=[entry.source_review_id for entry in timeline]
        + [link.target_review_id for link in outgoing]
        + [other.review_id for other in ends],
        agency_ids=[ownership.agency_id for ownership in ownerships],
    )
    record.review = review_record
    for other in ends:
        other.review = known.review_by_id[other.review_id]
    for entry in timeline:
        entry.source_review = known.review_by_id.get(entry.source_review_id)
    for link in outgoing:
        link.target_review = known.review_by_id.get(link.target_review_id)
    owners = [Owner(known.agency_by_id[row.agency_id], row.is_lead) for row in ownerships]
    return record, {
        "owners": sorted(owners, key=_owner_order),
        "timeline": sorted(
            timeline,
            key=lambda entry: (entry.status_date, entry.sequence, entry.pk),
            reverse=True,
        ),
        "target_date_changes": sorted(
            changes, key=lambda change: (change.changed_at, change.pk), reverse=True
        ),
        "outgoing_links": sorted(outgoing, key=_link_order),
        "incoming_links": sorted(incoming, key=_link_order),
    }


def _links(record, link_rows, *, this_end):
    """Store links from ``JSONRows`` rows, ``this_end`` ("source" or "target") being
    ``record`` and the other end read from the row when it is a recommendation."""
    other_end = "target" if this_end == "source" else "source"
    links = []
    for row in link_rows:
        link = instance(PublishedLink, row)
        setattr(link, this_end, record)
        if getattr(link, f"{other_end}_id") is not None:
            setattr(link, other_end, instance(PublishedRecommendation, row["other"]))
        links.append(link)
    return links


def _link_order(link):
    return (link.kind, link.pk)


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
