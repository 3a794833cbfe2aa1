"""Counts of public recommendations by review, agency and current status (``PublishedCount``):
the per-version aggregates behind every chart, facet and list total.

A write changes only the counts of the recommendations it rewrites: the projector gives
``apply`` the difference between their contributions before and after (a few rows read and
written, however large the store). ``recount`` counts everything afresh from the store: after a
review or agency changes (their slugs key the counts) and when the store is rebuilt.
"""

from collections import Counter, defaultdict

from django.db.models import Count

from .models import PublishedCount, PublishedOwnership, PublishedRecommendation, PublishedReview

TOTAL = ("", "", "")


def _review_keys(review, status):
    return ((review, "", status), (review, "", ""), ("", "", status), TOTAL)


def _agency_keys(review, agency, status):
    return ((review, agency, status), (review, agency, ""), ("", agency, status), ("", agency, ""))


def contributions(recommendations):
    """{(review, agency, status): count} of recommendations given as (review slug, current
    status, owning agencies' slugs)."""
    counted = Counter()
    for review, status, agencies in recommendations:
        counted.update(_review_keys(review, status))
        for agency in agencies:
            counted.update(_agency_keys(review, agency, status))
    return counted


def stored(records):
    """The store's own ``contributions`` of these store recommendations (before a rewrite)."""
    slugs = dict(PublishedReview.objects.values_list("pk", "slug"))
    owners = defaultdict(list)
    owned = PublishedOwnership.objects.filter(recommendation__in=records)
    for recommendation_id, agency in owned.values_list("recommendation_id", "agency__slug"):
        owners[recommendation_id].append(agency)
    return contributions(
        (slugs[record.review_id], record.current_status, owners[record.pk]) for record in records
    )


def projected(projections):
    """The ``contributions`` of these projections (``projector.Projection``)."""
    return contributions(
        (
            projection.recommendation.review.slug,
            projection.recommendation.current_status,
            [owner.agency.slug for owner in projection.owners],
        )
        for projection in projections
    )


def apply(changes):
    """Add ``changes`` ({(review, agency, status): change}) to the stored counts; a count that
    falls to zero is deleted (all but the total), as ``recount`` would leave it."""
    changed = {key: change for key, change in changes.items() if change}
    if not changed:
        return
    reviews, agencies, statuses = (set(part) for part in zip(*changed, strict=True))
    stored_rows = {
        (row.review, row.agency, row.status): row
        for row in PublishedCount.objects.filter(
            review__in=reviews, agency__in=agencies, status__in=statuses
        )
    }
    updated, created, emptied = [], [], []
    for key, change in changed.items():
        row = stored_rows.get(key)
        total = (row.count if row else 0) + change
        if total < 0:
            raise ValueError(f"A count went below zero: {key}")
        if row is None:
            created.append(PublishedCount(review=key[0], agency=key[1], status=key[2], count=total))
        elif total == 0 and key != TOTAL:
            emptied.append(row.pk)
        else:
            row.count = total
            updated.append(row)
    PublishedCount.objects.filter(pk__in=emptied).delete()
    PublishedCount.objects.bulk_update(updated, ["count"])
    PublishedCount.objects.bulk_create(created)


def recount():
    """Count everything afresh from the store, writing only the rows that changed (through
    ``apply``, with the difference from the stored counts)."""
    counter = Counter()
    by_review = (
        PublishedRecommendation.objects.order_by()
        .values_list("review__slug", "current_status")
        .annotate(total=Count("id"))
    )
    for review, status, total in by_review:
        for key in _review_keys(review, status):
            counter[key] += total
    by_agency = (
        PublishedOwnership.objects.order_by()
        .values_list(
            "recommendation__review__slug", "agency__slug", "recommendation__current_status"
        )
        .annotate(total=Count("id"))
    )
    for review, agency, status, total in by_agency:
        for key in _agency_keys(review, agency, status):
            counter[key] += total
    # The total is kept even at 0, so every list has one (``apply`` writes changes only).
    PublishedCount.objects.get_or_create(review="", agency="", status="", defaults={"count": 0})
    stored_counts = PublishedCount.objects.values_list("review", "agency", "status", "count")
    counter.subtract({(review, agency, status): n for review, agency, status, n in stored_counts})
    apply(counter)
