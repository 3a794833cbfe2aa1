"""Pages of public lists, for the site and the API alike: the total from the per-version
aggregates where they hold it, else counted up to a cap, and a page fetched by its ids first."""

from array import array

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .caching import cached_aggregate
from .version import HeldPerVersion

# A list the aggregates cannot count (a text search, a section, a past status, updates since a
# date) is counted only this far, so a request never counts every row: past it, the list says
# "more than" and offers its first pages; narrower filters reach the rest.
COUNT_CAP = 1000
PAST_THE_CAP = f"Only the first {COUNT_CAP:,} are listed: narrow the filters to reach the rest."

# Past this page, a list of ids reads its page from all its ids, held by each process per public
# data version (8 bytes an id: 400 KB for 50,000) rather than by an OFFSET, which reads every
# index entry before the page (about 4 ms of PostgreSQL for the last of 50,000).
DEEP_PAGE = 20
held_ids = HeldPerVersion(limit=16)


class CountedPaginator(Paginator):
    """A paginator that may be told its total (from the aggregates; else it counts, up to
    ``COUNT_CAP``, once per public data version for a list named by ``count_key``), and
    fetches a page by its ids first: the skipped rows are read from an index, never built.
    ``capped`` says whether more rows match than ``count``."""

    def __init__(self, queryset, per_page, total=None, count_key=None):
        super().__init__(queryset, per_page)
        self.capped = False
        self.count_key = count_key
        if total is not None:
            self.__dict__["count"] = total

    @cached_property
    def count(self):
        if self.count_key is None:
            counted = self._count_to_cap()
        else:
            counted = cached_aggregate("count-to-cap", self.count_key, self._count_to_cap)
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)

    def _count_to_cap(self):
        return self.object_list[: COUNT_CAP + 1].count()

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        window = slice(start, min(start + self.per_page, self.count))
        if self._lists_ids():
            ids = self._all_ids() if number > DEEP_PAGE else self.object_list
            return self._get_page(list(ids[window]), number, self)
        # One statement, so a publish landing meanwhile cannot leave a hole in the page.
        ids = self.object_list.values("pk")[window]
        return self._get_page(list(self.object_list.filter(pk__in=ids)), number, self)

    def _lists_ids(self):
        """Whether the list gives ids only (``values_list("pk")``): its page is read straight
        from an index, and no row is built to skip."""
        query = self.object_list.query
        pk = query.model._meta.pk
        return len(query.values_select) == 1 and query.values_select[0] in {"pk", pk.name}

    def _all_ids(self):
        """Every id of the list in its order, held per version under the list's statement."""
        (ids,) = held_ids.get(
            [self.object_list.query.sql_with_params()],
            lambda keys: {keys[0]: array("q", self.object_list.all())},
        )
        return ids
