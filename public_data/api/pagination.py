"""The API's pagination: numbered pages, and a page that does not exist is a 400."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from harris.params import whole_number

from ..paging import COUNT_CAP, PAST_THE_CAP, CountedPaginator

PAGE_SIZE = 50


class PagePagination(PageNumberPagination):
    """Numbered pages of ``PAGE_SIZE``; a page that does not exist is the client's error (400).

    Pages are fetched by their ids first; a view that knows its list's total (from the
    aggregates) sets ``counted_total`` and nothing counts the rows; else they are counted up
    to ``COUNT_CAP`` and ``count_capped`` says whether more match."""

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
        count_key = getattr(view, "count_key", None)
        paginators = []

        def paginator(queryset, per_page):
            paginators.append(CountedPaginator(queryset, per_page, total, count_key))
            return paginators[-1]

        self.django_paginator_class = paginator
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            message = str(error.detail)
            if paginators and paginators[-1].capped:
                message = PAST_THE_CAP
            raise ValidationError(
                {self.page_query_param: [message]}, code="invalid_page"
            ) from error

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema):
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["required"].append("count_capped")
        response_schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": (
                f"True when more than {COUNT_CAP:,} match a list the API cannot total in advance"
                f" (a text search, a section, a past status, updates since a date): count is"
                f" then {COUNT_CAP:,} and the pages reach the first {COUNT_CAP:,}; narrower"
                f" filters reach the rest."
            ),
            "example": False,
        }
        return response_schema

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
