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
import threading

from django.db import connection

from .models import PublishedAgency, PublishedRecommendation, PublishedReview
from .version import current_version

_lock = threading.Lock()
_memo = (None, None)  # (version, Reference)


@dataclasses.dataclass(frozen=True)
class Reference:
    """Every public review (publication order) and agency (by name), with lookups, and the
    sections public recommendations are in."""

    reviews: list
    agencies: list
    sections: list

    @property
    def progress_reports(self):
        return [review for review in self.reviews if review.kind == "progress_report"]

    @property
    def review_by_id(self):
        return self._index("_review_by_id", self.reviews, "pk")

    @property
    def review_by_slug(self):
        return self._index("_review_by_slug", self.reviews, "slug")

    @property
    def agency_by_id(self):
        return self._index("_agency_by_id", self.agencies, "pk")

    def _index(self, name, records, attribute):
        if name not in self.__dict__:
            object.__setattr__(
                self, name, {getattr(record, attribute): record for record in records}
            )
        return self.__dict__[name]


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
    """The current public reviews and agencies; read afresh once the public data version
    moves, or when ``refresh`` is asked for (by a reader that met a review or agency newer
    than the version this process last saw)."""
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
