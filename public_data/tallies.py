"""Status tallies as at a date: how many of each review's public recommendations had each status
on any day (``PublishedStatusTally``), so that a chart "as at" any date costs one index probe
per review and status, however many recommendations and updates there are.

A recommendation's status as at a date is the status of its latest published update on or before
it (of one day's updates, the last recorded), or "not yet assessed" before its first: a step
function of the date. Each step adds one to its status's tally from its date and takes it away
from the next step's. The projector gives ``apply`` the difference between the steps of the
recommendations it rewrites before and after the change, and only the tallies from the earliest
changed date on are read and rewritten. ``recount`` builds them all from the store.
"""

import datetime
from collections import Counter, defaultdict

from harris.statuses import Status

from .models import (
    PublishedRecommendation,
    PublishedStatusTally,
    PublishedTimelineEntry,
)

BEGINNING = datetime.date.min
PUBLISHED = PublishedTimelineEntry.Kind.PUBLISHED


def steps(entries):
    """[(since, status)]: the dates on which a recommendation's status as at a date changes,
    from its published timeline entries as (status date, sequence, status)."""
    latest_by_day = [(BEGINNING, Status.NOT_ASSESSED.value)]
    for status_date, _, status in sorted(entries):
        if status_date == latest_by_day[-1][0]:
            latest_by_day[-1] = (status_date, status)
        else:
            latest_by_day.append((status_date, status))
    changes = []
    for since, status in latest_by_day:
        if not changes or changes[-1][1] != status:
            changes.append((since, status))
    return changes


def tally_changes(recommendations):
    """{(review id, status, since): change} that these recommendations, given as (review id,
    published entries as for ``steps``), make to the tallies."""
    changes = Counter()
    for review_id, entries in recommendations:
        changed = steps(entries)
        for index, (since, status) in enumerate(changed):
            changes[(review_id, status, since)] += 1
            if index + 1 < len(changed):
                changes[(review_id, status, changed[index + 1][0])] -= 1
    return changes


def stored(records):
    """The store's own ``tally_changes`` of these store recommendations (before a rewrite)."""
    entries = defaultdict(list)
    published = PublishedTimelineEntry.objects.filter(
        recommendation__in=records, publication=PUBLISHED
    ).values_list("recommendation_id", "status_date", "sequence", "status")
    for recommendation_id, *entry in published:
        entries[recommendation_id].append(entry)
    return tally_changes((record.review_id, entries[record.pk]) for record in records)


def projected(projections):
    """The ``tally_changes`` of these projections (``projector.Projection``)."""
    return tally_changes(
        (
            projection.recommendation.review.pk,
            [
                (entry.status_date, entry.sequence, entry.status)
                for entry in projection.timeline
                if entry.publication == PUBLISHED
            ],
        )
        for projection in projections
    )


def apply(changes):
    """Add ``changes`` ({(review id, status, since): change from that date on}) to the stored
    tallies, keeping one row per date on which a tally changes."""
    for (review_id, status), changed in _by_series(changes).items():
        _apply_to_series(review_id, status, changed)


def _apply_to_series(review_id, status, changed):
    rows = PublishedStatusTally.objects.filter(review_id=review_id, status=status)
    first = min(changed)
    earlier = rows.filter(since__lt=first).order_by("-since").values_list("count", flat=True)
    value_before = earlier.first() or 0
    kept = {row.since: row for row in rows.filter(since__gte=first)}
    wanted, stored_value, added, previous = {}, value_before, 0, value_before
    for since in sorted(kept.keys() | changed.keys()):
        if since in kept:
            stored_value = kept[since].count
        added += changed.get(since, 0)
        value = stored_value + added
        if value < 0:
            raise ValueError(f"A status tally went below zero: {review_id}/{status} from {since}")
        if value != previous:
            wanted[since] = value
        previous = value
    PublishedStatusTally.objects.filter(
        pk__in=[row.pk for since, row in kept.items() if since not in wanted]
    ).delete()
    moved = [row for since, row in kept.items() if since in wanted and row.count != wanted[since]]
    for row in moved:
        row.count = wanted[row.since]
    PublishedStatusTally.objects.bulk_update(moved, ["count"])
    PublishedStatusTally.objects.bulk_create(
        PublishedStatusTally(review_id=review_id, status=status, since=since, count=value)
        for since, value in wanted.items()
        if since not in kept
    )


def recount(
    *,
    recommendations=PublishedRecommendation,
    entries=PublishedTimelineEntry,
    tallies=PublishedStatusTally,
):
    """Build every tally afresh from the store (the models are arguments for the migration that
    first fills them)."""
    tallies.objects.all().delete()
    by_recommendation = defaultdict(list)
    published = entries.objects.filter(publication=PUBLISHED).values_list(
        "recommendation_id", "status_date", "sequence", "status"
    )
    for recommendation_id, *entry in published.iterator(chunk_size=5000):
        by_recommendation[recommendation_id].append(entry)
    changes = tally_changes(
        (review_id, by_recommendation[pk])
        for pk, review_id in recommendations.objects.values_list("pk", "review_id")
    )
    rows = []
    for (review_id, status), changed in _by_series(changes).items():
        value = 0
        for since in sorted(changed):
            value += changed[since]
            rows.append(tallies(review_id=review_id, status=status, since=since, count=value))
    tallies.objects.bulk_create(rows, batch_size=2000)


def _by_series(changes):
    """{(review id, status): {since: change}}, leaving out no change."""
    series = defaultdict(dict)
    for (review_id, status, since), change in changes.items():
        if change:
            series[(review_id, status)][since] = change
    return series
