"""The API's pagination: numbered pages, and a page that does not exist is a 400."""

import functools

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from harris.params import whole_number

from ..paging import CountedPaginator

PAGE_SIZE = 50


class PagePagination(PageNumberPagination):
    """Numbered pages of ``PAGE_SIZE``; a page that does not exist is the client's error (400).

    Pages are fetched by their ids first; a view that knows its list's total (from the
    aggregates) sets ``counted_total`` and nothing counts the rows."""

    page_size = PAGE_SIZE
    invalid_page_message = "{message}."

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        if raw in self.last_page_strings:
            return paginator.num_pages
        if whole_number(raw) is None:
            raise ValidationError(
                {self.page_query_param: ["A page is a whole number from 1, in digits 0-9."]},
                code="invalid_page",
            )
        return raw

    def paginate_queryset(self, queryset, request, view=None):
        total = getattr(view, "counted_total", None)
        self.django_paginator_class = functools.partial(CountedPaginator, total=total)
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise ValidationError(
                {self.page_query_param: [str(error.detail)]}, code="invalid_page"
            ) from error

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
