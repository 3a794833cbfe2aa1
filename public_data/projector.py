"""The projector: the write path's last step, copying what is public into the published store.

Every change to a staff model that the public can see (a review, an agency, a recommendation,
its owners, links, status history or target dates) marks what it touched; the projector then
re-derives those records from the staff tables in the writer's own transaction, so the store
commits or rolls back with the change. Inside ``batch()`` (the loader, imports, publishing a
round) the marks are gathered and projected once, at the end of the block.

It is the one place that decides what is public: restricted recommendations get no row, drafts
are left out, a withheld update keeps only its date and public reason, links keep only public
ends. ``build()`` applies the same rules to the unpublished state for the staff preview.
``rebuild()`` and ``differences()`` recreate and check the whole store (``manage.py
rebuild_public_store``).
"""

import contextlib
import dataclasses
import functools
import threading
from collections import Counter

from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.crypto import salted_hmac

from harris.statuses import Status
from recommendations.models import (
    Agency,
    Recommendation,
    RecommendationLink,
    RecommendationOwner,
    StatusUpdate,
    TargetDateChange,
)
from reviews.models import Review

from . import counts, tallies, version
from .models import (
    PublishedAgency,
    PublishedCount,
    PublishedLink,
    PublishedOwnership,
    PublishedRecommendation,
    PublishedReview,
    PublishedStatusTally,
    PublishedTargetDateChange,
    PublishedTimelineEntry,
)

Publication = StatusUpdate.Publication
UNNUMBERED_PREFIX = "unnumbered-"
RECOMMENDATION_COLUMNS = [
    field.name
    for field in PublishedRecommendation._meta.concrete_fields
    if not field.primary_key and field.name != "source_id"
]


# ---- what changed ----


@dataclasses.dataclass
class _Marks:
    depth: int = 0
    reviews: bool = False
    agencies: bool = False
    recommendations: set = dataclasses.field(default_factory=set)

    def clear(self):
        self.reviews = self.agencies = False
        self.recommendations = set()

    def __bool__(self):
        return self.reviews or self.agencies or bool(self.recommendations)


_local = threading.local()


def _marks():
    if not hasattr(_local, "marks"):
        _local.marks = _Marks()
    return _local.marks


@contextlib.contextmanager
def batch(*, discard=False):
    """Gather what the block changes and project it once at its end, in its transaction.

    ``discard`` is for a block whose writes are rolled back anyway (an import's dry run): its
    marks are dropped unprojected rather than projected only to be rolled back."""
    marks = _marks()
    with transaction.atomic():
        marks.depth += 1
        try:
            yield
            if marks.depth == 1 and not discard:
                flush()
        finally:
            marks.depth -= 1
            if marks.depth == 0:
                marks.clear()


def batched(function):
    """Decorate a write that makes many changes: atomic, projected once at the end."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with batch():
            return function(*args, **kwargs)

    return wrapper


def _changed(*, reviews=False, agencies=False, recommendations=()):
    marks = _marks()
    marks.reviews |= reviews
    marks.agencies |= agencies
    marks.recommendations.update(pk for pk in recommendations if pk is not None)
    if marks.depth == 0:
        flush()


@transaction.atomic
def flush():
    """Project everything marked since the last flush, then move the public data version."""
    marks = _marks()
    if not marks:
        return
    version.lock()
    if marks.reviews:
        _project_reviews()
    if marks.agencies:
        _project_agencies()
    count_changes = Counter()
    if marks.recommendations:
        count_changes = write(build(marks.recommendations), marks.recommendations)
    if marks.reviews or marks.agencies:
        counts.recount()  # a slug that keys the counts may have changed
    else:
        counts.apply(count_changes)
    version.bump()
    marks.clear()


# ---- signals: every write path, services and admin and loader alike, marks what it touched ----


def _on_review(sender, instance, **kwargs):
    _changed(reviews=True)


def _on_agency(sender, instance, **kwargs):
    _changed(agencies=True)


def _on_recommendation(sender, instance, **kwargs):
    _changed(recommendations=[instance.pk])


def _on_child(sender, instance, **kwargs):
    _changed(recommendations=[instance.recommendation_id])


def _on_update(sender, instance, **kwargs):
    # A draft is never public, and an update once published or withheld never becomes one
    # again: saving a draft changes nothing the public sees.
    if instance.publication != Publication.DRAFT:
        _changed(recommendations=[instance.recommendation_id])


def _on_link(sender, instance, **kwargs):
    _changed(recommendations=[instance.source_id, instance.target_id])


def _on_owners(sender, instance, **kwargs):
    _changed(recommendations=[instance.pk])


def connect():
    """Connect the projector to the staff models; called once from the app's ready()."""
    handlers = [
        (Review, _on_review),
        (Agency, _on_agency),
        (Recommendation, _on_recommendation),
        (RecommendationOwner, _on_child),
        (StatusUpdate, _on_update),
        (TargetDateChange, _on_child),
        (RecommendationLink, _on_link),
    ]
    for model, handler in handlers:
        uid = f"public-projector-{model._meta.label}"
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _on_owners, sender=Recommendation.owners.through, dispatch_uid="public-projector-owners"
    )


# ---- reviews and agencies: few rows, projected whole ----


def _review_values(review, rank):
    return {
        "slug": review.slug,
        "title": review.title,
        "short_name": review.short_name,
        "kind": review.kind,
        "kind_label": review.get_kind_display(),
        "author_body": review.author_body,
        "published_on": review.published_on,
        "published_precision": review.published_precision,
        "published_display": review.published_display,
        "stated_recommendation_count": review.stated_recommendation_count,
        "summary": review.summary,
        "data_note": review.data_note,
        "rank": rank,
    }


def _upsert(model, rows):
    """Make ``model`` hold exactly ``rows`` ({source_id: values}); return {source_id: record}."""
    existing = {record.source_id: record for record in model.objects.all()}
    model.objects.exclude(source_id__in=rows).delete()
    changed = [
        pk for pk, values in rows.items() if pk in existing and _differs(existing[pk], values)
    ]
    # Two rows may swap slugs: each changed row lets go of its slug first, so none collide.
    for pk in changed:
        model.objects.filter(source_id=pk).update(slug=f"~{pk}")
    records = {}
    for pk, values in rows.items():
        record = existing.get(pk) or model(source_id=pk)
        if record.pk is None or pk in changed:
            for name, value in values.items():
                setattr(record, name, value)
            record.save()
        records[pk] = record
    return records


def _differs(record, values):
    return any(getattr(record, name) != value for name, value in values.items())


def _project_reviews():
    reviews = list(Review.objects.order_by("published_on", "slug"))
    rows = {review.pk: _review_values(review, rank) for rank, review in enumerate(reviews)}
    records = _upsert(PublishedReview, rows)
    for review in reviews:
        record = records[review.pk]
        follows_up = records[review.follows_up_id] if review.follows_up_id else None
        if record.follows_up_id != (follows_up and follows_up.pk):
            record.follows_up = follows_up
            record.save(update_fields=["follows_up"])
    for review in reviews:
        record = records[review.pk]
        PublishedRecommendation.objects.filter(review=record).exclude(
            review_rank=record.rank
        ).update(review_rank=record.rank)
        PublishedOwnership.objects.filter(recommendation__review=record).exclude(
            review_rank=record.rank
        ).update(review_rank=record.rank)


def _project_agencies():
    rows = {
        agency.pk: {
            "slug": agency.slug,
            "name": agency.name,
            "abbreviation": agency.abbreviation,
            "sector": agency.sector,
            "sector_label": agency.get_sector_display(),
        }
        for agency in Agency.objects.all()
    }
    _upsert(PublishedAgency, rows)


# ---- recommendations ----


@dataclasses.dataclass
class Projection:
    """What the public sees of one recommendation, as unsaved store records."""

    recommendation: PublishedRecommendation
    owners: list
    timeline: list
    target_date_changes: list
    # The staff links from and to it; ``write`` keeps those whose other end is public.
    links: list


def anchor(update_pk):
    """A status update's public anchor: stable, and no clue to the staff row's id."""
    return salted_hmac("harris.public-anchor", str(update_pk)).hexdigest()[:16]


def _timeline_entry(update, sequence, reviews, as_published):
    published = as_published or update.publication == Publication.PUBLISHED
    entry = PublishedTimelineEntry(
        anchor=anchor(update.pk),
        publication=(
            PublishedTimelineEntry.Kind.PUBLISHED
            if published
            else PublishedTimelineEntry.Kind.WITHHELD
        ),
        status_date=update.status_date,
        sequence=sequence,
    )
    if published:
        entry.status = update.status
        entry.narrative = update.narrative
        entry.assessment = update.assessment
        entry.assessment_label = update.get_assessment_display()
        entry.source_review = reviews.get(update.source_review_id)
        entry.source_citation = update.source_citation
        entry.is_correction = update.corrects_id is not None
        entry.published_at = update.published_at
    else:
        entry.withheld_reason = update.withheld_reason
    return entry


def build(recommendation_ids, *, drafts=False):
    """{staff id: Projection} for the public ones among ``recommendation_ids``.

    With ``drafts``, the unpublished state as publishing would show it: every draft as if
    published (the staff preview). Restricted recommendations have no projection.
    """
    recommendations = list(Recommendation.objects.public().filter(pk__in=recommendation_ids))
    if not recommendations:
        return {}
    ids = [recommendation.pk for recommendation in recommendations]
    reviews = {record.source_id: record for record in PublishedReview.objects.all()}
    if any(recommendation.review_id not in reviews for recommendation in recommendations):
        _project_reviews()  # a review saved without signals (a data migration, say)
        reviews = {record.source_id: record for record in PublishedReview.objects.all()}
    owned = list(RecommendationOwner.objects.filter(recommendation__in=ids))
    agencies = {record.source_id: record for record in PublishedAgency.objects.all()}
    if any(ownership.agency_id not in agencies for ownership in owned):
        _project_agencies()
        agencies = {record.source_id: record for record in PublishedAgency.objects.all()}
    updates = StatusUpdate.objects.filter(recommendation__in=ids)
    updates = (updates if drafts else updates.public()).order_by(
        "recommendation", "status_date", "recorded_at", "id"
    )
    grouped = {pk: {"owners": [], "updates": [], "changes": [], "links": []} for pk in ids}
    for ownership in owned:
        grouped[ownership.recommendation_id]["owners"].append(ownership)
    for update in updates:
        grouped[update.recommendation_id]["updates"].append(update)
    for change in TargetDateChange.objects.filter(recommendation__in=ids):
        grouped[change.recommendation_id]["changes"].append(change)
    for link in RecommendationLink.objects.filter(Q(source__in=ids) | Q(target__in=ids)):
        for end in {link.source_id, link.target_id} & set(ids):
            grouped[end]["links"].append(link)

    projections = {}
    for recommendation in recommendations:
        parts = grouped[recommendation.pk]
        timeline = [
            _timeline_entry(update, sequence, reviews, drafts and update.publication == "draft")
            for sequence, update in enumerate(parts["updates"])
        ]
        published = [entry for entry in timeline if entry.is_public_content]
        latest = published[-1] if published else None
        by_assessment = {entry.assessment: entry.status for entry in published}
        review = reviews[recommendation.review_id]
        record = PublishedRecommendation(
            source_id=recommendation.pk,
            review=review,
            review_rank=review.rank,
            position=recommendation.position,
            number=recommendation.number,
            key=recommendation.number,
            text=recommendation.text,
            section=recommendation.section,
            response=recommendation.response,
            response_label=recommendation.get_response_display(),
            response_reason=recommendation.response_reason,
            target_date=recommendation.target_date,
            current_status=latest.status if latest else Status.NOT_ASSESSED,
            current_status_date=latest.status_date if latest else None,
            owner_status=by_assessment.get(StatusUpdate.Assessment.OWNER, ""),
            mopac_status=by_assessment.get(StatusUpdate.Assessment.MOPAC, ""),
            search_text=f"{recommendation.number} {recommendation.text}".lower(),
        )
        owners = [
            PublishedOwnership(
                recommendation=record,
                agency=agencies[ownership.agency_id],
                is_lead=ownership.is_lead,
                review_rank=review.rank,
                position=recommendation.position,
            )
            for ownership in sorted(
                parts["owners"],
                key=lambda o: (not o.is_lead, agencies[o.agency_id].name),
            )
        ]
        changes = [
            PublishedTargetDateChange(
                recommendation=record,
                old_date=change.old_date,
                new_date=change.new_date,
                reason=change.reason,
                changed_at=change.changed_at,
            )
            for change in parts["changes"]
        ]
        timeline.reverse()  # newest first, as every public page lists it
        for entry in timeline:
            entry.recommendation = record
        projections[recommendation.pk] = Projection(
            record, owners, timeline, changes, parts["links"]
        )
    return projections


def resolve_links(projection, store):
    """The projection's links whose ends are both public, as (outgoing, incoming) store records.
    ``store`` maps staff ids to store recommendations (the projection's own included)."""
    outgoing, incoming = [], []
    reviews = None
    own = projection.recommendation.source_id
    for link in projection.links:
        other = link.target_id if link.source_id == own else link.source_id
        if link.target_review_id is not None:
            if link.source_id != own:
                continue
            if reviews is None:
                reviews = {record.source_id: record for record in PublishedReview.objects.all()}
            target, target_review = None, reviews.get(link.target_review_id)
        else:
            target, target_review = store.get(link.target_id), None
            if other not in store:
                continue
        record = PublishedLink(
            source=store[link.source_id],
            kind=link.kind,
            kind_label=link.get_kind_display(),
            target=target,
            target_review=target_review,
            note=link.note,
        )
        (outgoing if link.source_id == own else incoming).append(record)
    return outgoing, incoming


def write(projections, marked):
    """Make the store's records of the ``marked`` staff ids match ``projections``.

    A recommendation that stays public keeps its row (and id), updated in place, so a reader
    paging or prefetching across a concurrent publish never loses it; its owners, timeline,
    target dates and links are replaced. Brings the status tallies up to date and returns
    the changes to the counts (``counts.apply``)."""
    existing = {
        record.source_id: record
        for record in PublishedRecommendation.objects.filter(source_id__in=marked)
    }
    reviews = {record.review_id for record in existing.values()}
    tally_changes = tallies.projected(projections.values())
    tally_changes.subtract(tallies.stored(existing.values()))
    count_changes = counts.projected(projections.values())
    count_changes.subtract(counts.stored(existing.values()))
    PublishedRecommendation.objects.filter(
        pk__in=[record.pk for pk, record in existing.items() if pk not in projections]
    ).delete()
    kept = [record.pk for pk, record in existing.items() if pk in projections]
    for model in (PublishedOwnership, PublishedTimelineEntry, PublishedTargetDateChange):
        model.objects.filter(recommendation__in=kept).delete()
    PublishedLink.objects.filter(Q(source__in=kept) | Q(target__in=kept)).delete()
    # Every kept key steps aside first: two rows may swap numbers in one batch.
    PublishedRecommendation.objects.filter(pk__in=kept).update(
        key=Concat(Value("~"), Cast("source_id", CharField()))
    )

    records = [projection.recommendation for projection in projections.values()]
    _assign_keys(records)
    for record in records:
        if record.source_id in existing:
            record.pk = existing[record.source_id].pk
    PublishedRecommendation.objects.bulk_create([r for r in records if r.pk is None])
    PublishedRecommendation.objects.bulk_update(
        [r for r in records if r.pk is not None], RECOMMENDATION_COLUMNS, batch_size=500
    )
    PublishedOwnership.objects.bulk_create(
        owner for projection in projections.values() for owner in projection.owners
    )
    PublishedTimelineEntry.objects.bulk_create(
        entry for projection in projections.values() for entry in projection.timeline
    )
    PublishedTargetDateChange.objects.bulk_create(
        change for projection in projections.values() for change in projection.target_date_changes
    )
    other_ends = {
        end
        for projection in projections.values()
        for link in projection.links
        for end in (link.source_id, link.target_id)
        if end is not None
    }
    store = {
        record.source_id: record
        for record in PublishedRecommendation.objects.filter(source_id__in=other_ends)
    }
    links = {}
    for projection in projections.values():
        outgoing, incoming = resolve_links(projection, store)
        for link in outgoing + incoming:
            # A link between two projected recommendations appears from both ends: once.
            links[(link.source.source_id, link.kind, link.target_id, link.target_review_id)] = link
    PublishedLink.objects.bulk_create(links.values())
    _renumber_unnumbered(reviews | {record.review_id for record in records})
    tallies.apply(tally_changes)
    return count_changes


def _assign_keys(records):
    # A provisional key for unnumbered ones, unique until _renumber_unnumbered orders them.
    for record in records:
        if not record.number:
            record.key = f"~{record.source_id}"


def _renumber_unnumbered(review_ids):
    """Key each review's public unnumbered recommendations "unnumbered-1", "-2"... in document
    order, counting public ones only."""
    unnumbered = PublishedRecommendation.objects.filter(review__in=review_ids, number="").order_by(
        "review", "position"
    )
    wanted, place = {}, Counter()
    for record in unnumbered:
        place[record.review_id] += 1
        wanted[record] = f"{UNNUMBERED_PREFIX}{place[record.review_id]}"
    moving = [record for record, key in wanted.items() if record.key != key]
    for record in moving:  # out of the way first, so no two rows hold one key at once
        PublishedRecommendation.objects.filter(pk=record.pk).update(key=f"~{record.source_id}")
    for record in moving:
        PublishedRecommendation.objects.filter(pk=record.pk).update(key=wanted[record])


# ---- the whole store ----

STORE_MODELS = (
    PublishedCount,
    PublishedStatusTally,
    PublishedLink,
    PublishedTargetDateChange,
    PublishedTimelineEntry,
    PublishedOwnership,
    PublishedRecommendation,
    PublishedAgency,
    PublishedReview,
)


@transaction.atomic
def rebuild():
    """Recreate the whole store from the staff tables."""
    for model in STORE_MODELS:
        model.objects.all().delete()
    with batch():
        _changed(
            reviews=True,
            agencies=True,
            recommendations=Recommendation.objects.values_list("pk", flat=True),
        )


def has_staff_data():
    """Whether the staff tables hold anything to project."""
    return Review.objects.exists() or Agency.objects.exists()


def snapshot():
    """The store's content as comparable rows per table, without its own ids."""
    return {
        "reviews": sorted(
            PublishedReview.objects.values_list(
                "source_id",
                "slug",
                "title",
                "short_name",
                "kind",
                "published_on",
                "summary",
                "data_note",
                "stated_recommendation_count",
                "rank",
                "follows_up__source_id",
            )
        ),
        "agencies": sorted(
            PublishedAgency.objects.values_list(
                "source_id", "slug", "name", "abbreviation", "sector"
            )
        ),
        "recommendations": sorted(
            PublishedRecommendation.objects.values_list(
                "source_id",
                "review__source_id",
                "review_rank",
                "position",
                "number",
                "key",
                "text",
                "section",
                "response",
                "response_reason",
                "target_date",
                "current_status",
                "current_status_date",
                "owner_status",
                "mopac_status",
                "search_text",
            )
        ),
        "owners": sorted(
            PublishedOwnership.objects.values_list(
                "recommendation__source_id",
                "agency__source_id",
                "is_lead",
                "review_rank",
                "position",
            )
        ),
        "timeline": sorted(
            PublishedTimelineEntry.objects.values_list(
                "recommendation__source_id",
                "anchor",
                "publication",
                "status_date",
                "sequence",
                "withheld_reason",
                "status",
                "narrative",
                "assessment",
                "source_review__source_id",
                "source_citation",
                "is_correction",
                "published_at",
            )
        ),
        "links": sorted(
            PublishedLink.objects.values_list(
                "source__source_id",
                "kind",
                "target__source_id",
                "target_review__source_id",
                "note",
            ),
            key=repr,
        ),
        "target_date_changes": sorted(
            PublishedTargetDateChange.objects.values_list(
                "recommendation__source_id", "old_date", "new_date", "reason", "changed_at"
            ),
            key=repr,
        ),
        "counts": sorted(PublishedCount.objects.values_list("review", "agency", "status", "count")),
        "tallies": sorted(
            PublishedStatusTally.objects.values_list(
                "review__source_id", "status", "since", "count"
            )
        ),
    }


def differences():
    """{table: (rows only in the store, rows only in a fresh projection)} for every table where
    the store differs from what the staff tables project to; empty when it matches. Checks
    inside a transaction that is rolled back, so the store is untouched."""
    found = {}
    stored = snapshot()

    class _Discard(Exception):
        pass

    try:
        with transaction.atomic():
            rebuild()
            fresh = snapshot()
            raise _Discard
    except _Discard:
        pass
    for table, rows in stored.items():
        # As multisets: a table holds up to hundreds of thousands of rows.
        held, wanted = Counter(rows), Counter(fresh[table])
        extra, missing = list((held - wanted).elements()), list((wanted - held).elements())
        if extra or missing:
            found[table] = (extra, missing)
    return found
