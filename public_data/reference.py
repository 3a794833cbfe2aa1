"""The reviews, agencies and sections of the published store, held by each process per public
data version.

They are a few hundred rows that change only when public data does, and nearly every public
answer needs them: a list row names its review and its owners, the filter form offers every
review, agency and section. Reading them once per version, rather than joining or prefetching
them on every request, keeps an uncached page to its own rows.

Held only outside a transaction (as ``version.current_version`` is), so a write or a preview
that is rolled back never leaves its state here.
"""

import dataclasses
import functools
import threading

from django.db import connection

from .models import PublishedAgency, PublishedRecommendation, PublishedReview
from .version import current_version

_lock = threading.Lock()
_memo = (None, None)  # (version, Reference)


@dataclasses.dataclass
class Reference:
    """Every public review (publication order) and agency (by name), with lookups, and the
    sections public recommendations are in."""

    reviews: list
    agencies: list
    sections: list

    @functools.cached_property
    def progress_reports(self):
        return [review for review in self.reviews if review.kind == "progress_report"]

    @functools.cached_property
    def review_by_id(self):
        return {review.pk: review for review in self.reviews}

    @functools.cached_property
    def review_by_slug(self):
        return {review.slug: review for review in self.reviews}

    @functools.cached_property
    def agency_by_id(self):
        return {agency.pk: agency for agency in self.agencies}


def _load():
    reviews = list(PublishedReview.objects.order_by("rank"))
    by_id = {review.pk: review for review in reviews}
    for review in reviews:  # follows_up without a query per review
        if review.follows_up_id is not None:
            review.follows_up = by_id.get(review.follows_up_id)
    sections = (
        PublishedRecommendation.objects.exclude(section="")
        .order_by("section")
        .values_list("section", flat=True)
        .distinct()
    )
    return Reference(
        reviews=reviews,
        agencies=list(PublishedAgency.objects.order_by("name")),
        sections=list(sections),
    )


def reference(*, refresh=False):
    """The current public reviews, agencies and sections; read afresh once the public data
    version moves, or when ``refresh`` is asked for."""
    global _memo
    version = current_version()
    if connection.in_atomic_block:
        return _load()
    held_version, held = _memo
    if held_version == version and not refresh:
        return held
    loaded = _load()
    with _lock:
        _memo = (version, loaded)
    return loaded


def reference_covering(*, review_ids=(), agency_ids=()):
    """The reference data, read afresh if it lacks any of these reviews or agencies: a reader
    met rows published since this process last saw the public data version."""
    known = reference()
    if (
        set(review_ids) - {None} <= known.review_by_id.keys()
        and set(agency_ids) <= known.agency_by_id.keys()
    ):
        return known
    return reference(refresh=True)
