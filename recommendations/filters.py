"""The one FilterSet behind the public list, its downloads and the API."""

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from harris.forms import IsoDateInput
from reviews.models import Review

from .models import Agency, Recommendation, Status
from .selectors import with_shown_status

ORDERINGS = {
    "document": ("review__published_on", "position"),
    "-document": ("-review__published_on", "-position"),
    "status": ("shown_status", "review__published_on", "position"),
    "-status": ("-shown_status", "review__published_on", "position"),
    "updated": ("shown_status_date", "review__published_on", "position"),
    "-updated": ("-shown_status_date", "review__published_on", "position"),
}
ORDERING_LABELS = {
    "document": "Review, then number (default)",
    "-document": "Review, then number (reversed)",
    "status": "Status",
    "-status": "Status (reversed)",
    "updated": "Status date, oldest first",
    "-updated": "Status date, newest first",
}


def section_choices():
    sections = (
        Recommendation.objects.public()
        .exclude(section="")
        .order_by("section")
        .values_list("section", flat=True)
        .distinct()
    )
    return [(section, section) for section in sections]


class RecommendationFilter(django_filters.FilterSet):
    """Filters by review, owning agency, status, section and text; status as at a date or as
    published in a report; and ordering. Every value travels in the query string."""

    review = django_filters.ModelChoiceFilter(
        queryset=Review.objects.all(),
        to_field_name="slug",
        label="Review",
        empty_label="Any review",
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(),
        to_field_name="slug",
        field_name="owners",
        label="Owner",
        empty_label="Any owner",
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, field_name="shown_status", label="Status", empty_label="Any status"
    )
    section = django_filters.ChoiceFilter(
        choices=section_choices, label="Section", empty_label="Any section"
    )
    q = django_filters.CharFilter(method="search", max_length=200, label="Text contains")
    as_at = django_filters.DateFilter(method="keep", label="Status as at", widget=IsoDateInput)
    # The API schema cannot infer a filter's type from a method: a report is given by its slug.
    report = extend_schema_field(OpenApiTypes.STR)(
        django_filters.ModelChoiceFilter(
            queryset=Review.objects.filter(kind=Review.Kind.PROGRESS_REPORT),
            to_field_name="slug",
            method="keep",
            label="Status as published in",
            empty_label="None: the latest status",
        )
    )
    ordering = django_filters.ChoiceFilter(
        choices=list(ORDERING_LABELS.items()),
        method="order",
        label="Sort by",
        empty_label="Review, then number",
    )

    class Meta:
        model = Recommendation
        fields = []

    def filter_queryset(self, queryset):
        """Compute the status shown (now, as at a date, or per report) before filtering on it."""
        data = self.form.cleaned_data
        queryset = with_shown_status(queryset, data.get("as_at"), data.get("report"))
        queryset = super().filter_queryset(queryset)
        if not data.get("ordering"):
            queryset = queryset.order_by(*ORDERINGS["document"])
        return queryset

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(Q(text__icontains=word) | Q(number=word))
        return queryset

    def keep(self, queryset, name, value):
        """as_at and report change the status shown, not which rows match (see
        ``filter_queryset``)."""
        return queryset

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])
