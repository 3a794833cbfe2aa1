"""The public serializers show the models' PUBLIC_FIELDS and nothing else of theirs."""

import datetime

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory
from rest_framework import serializers as drf

from recommendations import selectors, serializers
from recommendations.exports import flatten
from recommendations.models import (
    Agency,
    Recommendation,
    RecommendationLink,
    Status,
    StatusUpdate,
)
from reviews.models import Review
from tests.factories import plant_markers, status_update

pytestmark = pytest.mark.django_db
Publication = StatusUpdate.Publication

PUBLIC_COLUMNS = {
    Agency: set(Agency.PUBLIC_FIELDS),
    Recommendation: set(Recommendation.PUBLIC_FIELDS),
    StatusUpdate: set(StatusUpdate.PUBLIC_FIELDS),
    Review: set(serializers.REVIEW_FIELDS),
    RecommendationLink: {"kind", "note"},
}
STAFF_ONLY = {
    "internal_notes",
    "is_restricted",
    "staff_detail",
    "recorded_by",
    "recorded_at",
    "created_at",
    "updated_at",
    "corrects",
}
MODEL_SERIALIZERS = [
    cls
    for cls in vars(serializers).values()
    if isinstance(cls, type)
    and issubclass(cls, drf.ModelSerializer)
    and cls is not serializers.PublicSerializer
]


def model_columns(serializer_class):
    """The names of the model's own (non-relation) columns a serializer shows, but its id."""
    model = serializer_class.Meta.model
    columns = set()
    for field in serializer_class().fields.values():
        if field.source in ("*", "id") or "." in field.source:
            continue
        try:
            model_field = model._meta.get_field(field.source)
        except FieldDoesNotExist:  # a property or a method, such as get_status_display
            continue
        if model_field.concrete and not model_field.is_relation:
            columns.add(field.source)
    return columns


@pytest.mark.parametrize("serializer_class", MODEL_SERIALIZERS, ids=lambda cls: cls.__name__)
def test_every_model_column_shown_is_a_public_field(serializer_class):
    model = serializer_class.Meta.model
    assert model_columns(serializer_class) <= PUBLIC_COLUMNS[model]


@pytest.mark.parametrize("serializer_class", MODEL_SERIALIZERS, ids=lambda cls: cls.__name__)
def test_no_serializer_names_a_staff_only_field(serializer_class):
    fields = serializer_class().fields
    assert not STAFF_ONLY & set(fields)
    assert not STAFF_ONLY & {field.source for field in fields.values()}


@pytest.mark.parametrize(
    "serializer_class, model",
    [
        (serializers.RecommendationSerializer, Recommendation),
        (serializers.RecommendationDetailSerializer, Recommendation),
        (serializers.AgencySerializer, Agency),
        (serializers.PublishedUpdateSerializer, StatusUpdate),
        (serializers.ReviewSerializer, Review),
    ],
)
def test_the_full_serializers_show_every_public_field(serializer_class, model):
    assert model_columns(serializer_class) == PUBLIC_COLUMNS[model]


def test_no_public_field_list_names_a_staff_only_column():
    for public in PUBLIC_COLUMNS.values():
        assert not STAFF_ONLY & public


def test_a_withheld_update_shows_only_a_subset_of_the_public_fields():
    assert set(serializers.WITHHELD_UPDATE_FIELDS) <= set(StatusUpdate.PUBLIC_FIELDS)
    assert set(serializers.WithheldUpdateSerializer().fields) == set(
        serializers.WITHHELD_UPDATE_FIELDS
    )


@pytest.fixture
def planted():
    return plant_markers()


def test_timeline_entries_show_all_of_a_published_update_and_little_of_a_withheld_one(planted):
    context = {"request": RequestFactory().get("/")}
    entries = {
        entry["publication"]: entry
        for entry in (
            serializers.timeline_entry(update, context)
            for update in selectors.public_timeline(planted["public"])
        )
    }
    assert set(entries) == {"published", "withheld"}
    assert set(entries["withheld"]) == set(serializers.WITHHELD_UPDATE_FIELDS)
    assert entries["published"]["narrative"] == "Harbourquay progress."


@pytest.mark.parametrize("publication", [Publication.DRAFT, Publication.WITHHELD])
def test_the_published_update_serializer_refuses_any_other_update(planted, publication):
    update = StatusUpdate.objects.get(recommendation=planted["public"], publication=publication)
    with pytest.raises(ValueError, match="is not published"):
        serializers.PublishedUpdateSerializer(update).data  # noqa: B018


def test_the_site_downloads_call_it_with_a_queryset_and_the_request(planted):
    request = RequestFactory().get("/recommendations/export.json")
    queryset = selectors.with_shown_status(selectors.public_recommendations())
    rows = serializers.RecommendationSerializer(
        queryset, many=True, context={"request": request}
    ).data
    (row,) = rows
    assert row["id"] == planted["public"].pk
    assert row["url"] == f"http://testserver/api/recommendations/{planted['public'].pk}/"
    assert row["owners"][0]["slug"] == "public-agency"
    assert row["lead_owner"] == "public-agency"
    # Every value flattens to one CSV cell: no nested structure is left.
    for column, value in row.items():
        cell = flatten(value)
        assert cell is None or isinstance(cell, str | int | bool), column
    assert flatten(row["owners"]) == planted["agency"].name


def test_shown_status_falls_back_to_the_current_one_without_the_filter(planted):
    public = selectors.public_recommendations().get(pk=planted["public"].pk)
    status_update(public, status=Status.RESOLVED, status_date=datetime.date(2024, 6, 1))
    public.refresh_from_db()
    row = serializers.RecommendationSerializer(
        public, context={"request": RequestFactory().get("/")}
    ).data
    assert (row["shown_status"], row["shown_status_date"]) == ("resolved", "2024-06-01")
    assert row["shown_status_label"] == "Resolved"
