"""Pages of public lists, for the site and the API alike: the total from the per-version
aggregates where they hold it, and a page fetched by its ids first."""

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A paginator that may be told its total (from the aggregates; else it counts once), and
    fetches a page by its ids first: the skipped rows are read from an index, never built."""

    def __init__(self, queryset, per_page, total=None):
        super().__init__(queryset, per_page)
        if total is not None:
            self.__dict__["count"] = total

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        # One statement, so a publish landing meanwhile cannot leave a hole in the page.
        ids = self.object_list.values("pk")[start : start + self.per_page]
        return self._get_page(list(self.object_list.filter(pk__in=ids)), number, self)
