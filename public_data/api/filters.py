"""The filters of the API's update list (recommendations use the site's
``RecommendationFilter``), and the backend that runs them."""

import django_filters
from django_filters import rest_framework, utils

from harris.statuses import Status

from .. import selectors
from ..models import PublishedAgency, PublishedReview, PublishedTimelineEntry


class UpdateFilter(django_filters.FilterSet):
    """Published updates since a date, on a review's or an agency's recommendations, by status."""

    since = django_filters.DateFilter(
        method="changed_since", label="Dated, or published, on or after this date (YYYY-MM-DD)."
    )
    review = django_filters.ModelChoiceFilter(
        queryset=PublishedReview.objects.all(),
        to_field_name="slug",
        field_name="recommendation__review",
        label="Updates on this review's recommendations (its slug).",
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=PublishedAgency.objects.all(),
        to_field_name="slug",
        field_name="recommendation__ownerships__agency",
        label="Updates on this agency's recommendations (its slug).",
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label="The status reported.")

    class Meta:
        model = PublishedTimelineEntry
        fields = []

    def changed_since(self, queryset, name, value):
        # The same rule as the site's changes page.
        return selectors.changed_since(queryset, value)


class CountingFilterBackend(rest_framework.DjangoFilterBackend):
    """django-filter's backend, which also tells the view its list's total when the filters
    give it from the per-version aggregates (``counted_total``), so the pagination never
    counts the rows, and else the key its capped count is held under (``count_key``)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        if hasattr(filterset, "counted_total"):
            view.counted_total = filterset.counted_total()
            view.count_key = filterset.count_key()
        return filterset.qs
