"""The API's pagination: numbered pages, and a page that does not exist is a 400."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 50


class PagePagination(PageNumberPagination):
    """Numbered pages of ``PAGE_SIZE``; a page that does not exist is the client's error (400)."""

    page_size = PAGE_SIZE
    invalid_page_message = "{message}."

    def paginate_queryset(self, queryset, request, view=None):
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
