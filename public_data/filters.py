"""The one FilterSet behind the public list, its downloads and the API, over the store."""

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from harris.forms import IsoDateInput
from harris.statuses import Status

from .caching import cached_aggregate
from .models import PublishedAgency, PublishedRecommendation, PublishedReview
from .reference import reference
from .selectors import count, with_shown_status

DOCUMENT_ORDER = ("review_rank", "position")
ORDERINGS = {
    "document": DOCUMENT_ORDER,
    "-document": ("-review_rank", "-position"),
    "status": ("shown_status", *DOCUMENT_ORDER),
    "-status": ("-shown_status", *DOCUMENT_ORDER),
    "updated": ("shown_status_date", *DOCUMENT_ORDER),
    "-updated": ("-shown_status_date", *DOCUMENT_ORDER),
}
ORDERING_LABELS = {
    "document": "Review, then number (default)",
    "-document": "Review, then number (reversed)",
    "status": "Status",
    "-status": "Status (reversed)",
    "updated": "Status date, oldest first",
    "-updated": "Status date, newest first",
}
# The filters whose totals the per-version aggregates hold (``PublishedCount``).
COUNTED_FILTERS = {"review", "agency", "status"}


def section_choices():
    """The sections of public recommendations (held per public data version)."""
    return [(section, section) for section in reference().sections]


class RecommendationFilter(django_filters.FilterSet):
    """Filters by review, owning agency, status, section and text; status as at a date or as
    published in a report; and ordering. Every value travels in the query string."""

    review = django_filters.ModelChoiceFilter(
        queryset=PublishedReview.objects.all(),
        to_field_name="slug",
        label="Review",
        empty_label="Any review",
    )
    agency = extend_schema_field(OpenApiTypes.STR)(
        django_filters.ModelChoiceFilter(
            queryset=PublishedAgency.objects.all(),
            to_field_name="slug",
            method="owned_by",
            label="Owner",
            empty_label="Any owner",
        )
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, field_name="shown_status", label="Status", empty_label="Any status"
    )
    section = django_filters.ChoiceFilter(
        choices=section_choices, label="Section", empty_label="Any section"
    )
    q = django_filters.CharFilter(method="search", max_length=200, label="Text contains")
    as_at = django_filters.DateFilter(
        method="keep",
        label="Status as at",
        help_text="For example, 2017-10-25",
        widget=IsoDateInput,
    )
    # The API schema cannot infer a filter's type from a method: a report is given by its slug.
    report = extend_schema_field(OpenApiTypes.STR)(
        django_filters.ModelChoiceFilter(
            queryset=PublishedReview.objects.filter(kind="progress_report"),
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
        model = PublishedRecommendation
        fields = []

    def filter_queryset(self, queryset):
        """Compute the status shown (now, as at a date, or per report) before filtering on it."""
        data = self.form.cleaned_data
        queryset = with_shown_status(queryset, data.get("as_at"), data.get("report"))
        queryset = super().filter_queryset(queryset)
        if not data.get("ordering"):
            # One agency's list in document order walks that agency's ownerships, which copy
            # the order (and are indexed on it), rather than every recommendation.
            by_agency = ("ownerships__review_rank", "ownerships__position")
            queryset = queryset.order_by(*(by_agency if data.get("agency") else DOCUMENT_ORDER))
        return queryset

    def owned_by(self, queryset, name, value):
        return queryset.filter(ownerships__agency=value)

    def search(self, queryset, name, value):
        # Every word must occur in the number or text (the store keeps them in lower case; on
        # PostgreSQL a trigram index answers each word).
        for word in value.lower().split():
            queryset = queryset.filter(Q(search_text__contains=word) | Q(number=word))
        return queryset

    def keep(self, queryset, name, value):
        """as_at and report change the status shown, not which rows match (see
        ``filter_queryset``)."""
        return queryset

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])

    def counted_filters(self):
        """The review and agency slugs and the status filtered on ("" for any), when the
        per-version aggregates hold the answer; None when the filters go beyond them (text,
        section, a past status)."""
        data = {name: value for name, value in self.form.cleaned_data.items() if value}
        data.pop("ordering", None)
        if not set(data) <= COUNTED_FILTERS:
            return None
        return {
            "review": data["review"].slug if "review" in data else "",
            "agency": data["agency"].slug if "agency" in data else "",
            "status": data.get("status", ""),
        }

    def counted_total(self):
        """The number of matches from the aggregates, or None when they do not hold it."""
        fixed = self.counted_filters()
        if fixed is None:
            return None
        return cached_aggregate("count", tuple(sorted(fixed.items())), lambda: count(**fixed))
