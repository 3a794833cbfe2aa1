"""The one FilterSet behind the public list, its downloads and the API, over the store."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
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
PAST_STATUS = ("as_at", "report")


def section_choices():
    """The sections of public recommendations (held per public data version)."""
    return [(section, section) for section in reference().sections]


def _count_key_part(name, value):
    if name == "q":
        return " ".join(value.lower().split())  # what ``search`` matches on
    return getattr(value, "slug", None) or str(value)


class ReferenceChoiceField(forms.ChoiceField):
    """A review or agency given by its slug, cleaned to its store record from ``records()``,
    the reference data held per version: a filtered list runs no query to check its filters.
    A slug the held data lacks is looked up in ``queryset()`` (published since this process
    last looked). Both are functions, so the filter and field are copied cheaply on every
    request."""

    def __init__(self, *, records, queryset, empty_label, **kwargs):
        self.records, self.queryset, self.empty_label = records, queryset, empty_label
        super().__init__(choices=self.offered, **kwargs)

    def offered(self):
        return [("", self.empty_label), *((record.slug, str(record)) for record in self.records())]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        slug = str(value)
        found = next((record for record in self.records() if record.slug == slug), None)
        if found is None and "\x00" not in slug:  # PostgreSQL refuses NUL in a string
            found = self.queryset().filter(slug=slug).first()
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found

    def validate(self, value):
        forms.Field.validate(self, value)  # to_python has checked the choice


@extend_schema_field(OpenApiTypes.STR)
class ReferenceChoiceFilter(django_filters.Filter):
    """A filter on a review or agency by its slug (``ReferenceChoiceField``), a string in the
    API schema."""

    field_class = ReferenceChoiceField


class RecommendationFilter(django_filters.FilterSet):
    """Filters by review, owning agency, status, section and text; status as at a date or as
    published in a report; and ordering. Every value travels in the query string."""

    review = ReferenceChoiceFilter(
        records=lambda: reference().reviews,
        queryset=PublishedReview.objects.all,
        label="Review",
        empty_label="Any review",
    )
    agency = ReferenceChoiceFilter(
        records=lambda: reference().agencies,
        queryset=PublishedAgency.objects.all,
        method="owned_by",
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
    as_at = django_filters.DateFilter(
        method="keep",
        label="Status as at",
        help_text="For example, 2017-10-25",
        widget=IsoDateInput,
    )
    report = ReferenceChoiceFilter(
        records=lambda: reference().progress_reports,
        queryset=lambda: PublishedReview.objects.filter(kind="progress_report"),
        method="keep",
        label="Status as published in",
        empty_label="None: the latest status",
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

    def get_form_class(self):
        """The form class, built once per process: django-filter builds one per request, with
        the same fields every time."""
        filterset_class = type(self)
        if "_form_class" not in filterset_class.__dict__:
            filterset_class._form_class = super().get_form_class()
        return filterset_class._form_class

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

    def counted_filters(self, ignoring=()):
        """The review and agency slugs and the status filtered on ("" for any), when the
        per-version aggregates hold the answer; None when the filters, beside ``ignoring``, go
        beyond them (text, section, a past status)."""
        data = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value and name not in {"ordering", *ignoring}
        }
        if not set(data) <= COUNTED_FILTERS:
            return None
        return {
            "review": data["review"].slug if "review" in data else "",
            "agency": data["agency"].slug if "agency" in data else "",
            "status": data.get("status", ""),
        }

    def count_key(self):
        """The filters, ordering aside, as a key for a count held per public data version."""
        return tuple(
            (name, _count_key_part(name, value))
            for name, value in sorted(self.form.cleaned_data.items())
            if value and name != "ordering"
        )

    def counted_total(self):
        """The number of matches from the aggregates, or None when they do not hold it."""
        # A past status (as at a date, as published in a report) changes the status shown, not
        # which rows match, unless the list is filtered on the status.
        fixed = self.counted_filters(() if self.form.cleaned_data.get("status") else PAST_STATUS)
        if fixed is None:
            return None
        return cached_aggregate("count", tuple(sorted(fixed.items())), lambda: count(**fixed))
