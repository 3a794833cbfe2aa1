"""The public serializers: they read store records only, a withheld entry shows its date and
reason alone, and every value of a row flattens to one CSV cell."""

import datetime

import pytest
from django.test import RequestFactory
from rest_framework import serializers as drf

from public_data import selectors, serializers
from public_data.exports import flatten
from public_data.filters import RecommendationFilter
from public_data.models import PublishedRecommendation, PublishedTimelineEntry
from recommendations.models import Status, StatusUpdate
from tests.factories import (
    RecommendationFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    plant_markers,
    status_update,
)

pytestmark = pytest.mark.django_db
Publication = StatusUpdate.Publication

MODEL_SERIALIZERS = [
    cls
    for cls in vars(serializers).values()
    if isinstance(cls, type)
    and issubclass(cls, drf.ModelSerializer)
    and cls is not serializers.PublicSerializer
]


@pytest.mark.parametrize("serializer_class", MODEL_SERIALIZERS, ids=lambda cls: cls.__name__)
def test_every_serializer_reads_a_store_model(serializer_class):
    assert serializer_class.Meta.model._meta.app_label == "public_data"


@pytest.fixture
def planted():
    return plant_markers()


def public_record(planted):
    return selectors.recommendations().get(source_id=planted["public"].pk)


def test_timeline_entries_show_all_of_a_published_update_and_little_of_a_withheld_one(planted):
    source = ReviewFactory(slug="the-source")
    status_update(planted["public"], source_review=source, status_date=datetime.date(2024, 2, 1))
    context = {"request": RequestFactory().get("/")}
    timeline = list(public_record(planted).timeline.all())
    entries = {}
    for entry in timeline:
        built = serializers.timeline_entry(entry)
        declared = (
            serializers.PublishedUpdateSerializer
            if entry.is_public_content
            else serializers.WithheldUpdateSerializer
        )
        # Built directly, it says what the declared fields say.
        assert built == declared(entry, context=context).data
        entries.setdefault(entry.publication, []).append(built)
    assert set(entries) == {"published", "withheld"}
    (withheld,) = entries["withheld"]
    assert set(withheld) == {"anchor", "status_date", "publication", "withheld_reason"}
    assert "Harbourquay progress." in {entry["narrative"] for entry in entries["published"]}
    assert "the-source" in {entry["source_review"] for entry in entries["published"]}


def test_a_withheld_entry_holds_no_status_nor_narrative(planted):
    (withheld,) = PublishedTimelineEntry.objects.filter(publication="withheld")
    assert (withheld.status, withheld.narrative, withheld.assessment) == ("", "", "")
    assert withheld.withheld_reason == "Withheld for its sensitive content."


def test_the_site_downloads_call_it_with_rows_and_their_owners_and_the_request(planted):
    request = RequestFactory().get("/recommendations/export.json")
    queryset = selectors.with_shown_status(selectors.recommendations())
    rows = serializers.RecommendationSerializer(
        selectors.with_owners(queryset), many=True, context={"request": request}
    ).data
    (row,) = rows
    record = public_record(planted)
    assert row["reference"] == f"public-review/{record.number}"
    assert row["url"] == (
        f"http://testserver/api/reviews/public-review/recommendations/{record.number}/"
    )
    assert "id" not in row and "position" not in row
    assert row["owners"][0]["slug"] == "public-agency"
    assert row["lead_owner"] == "public-agency"
    # Every value flattens to one CSV cell: no nested structure is left.
    for column, value in row.items():
        cell = flatten(value)
        assert cell is None or isinstance(cell, str | int | bool), column
    assert flatten(row["owners"]) == planted["agency"].name


def test_shown_status_falls_back_to_the_current_one_without_the_filter(planted):
    status_update(planted["public"], status=Status.RESOLVED, status_date=datetime.date(2024, 6, 1))
    (record,) = selectors.with_owners(
        PublishedRecommendation.objects.filter(source_id=planted["public"].pk)
    )
    row = serializers.RecommendationSerializer(
        record, context={"request": RequestFactory().get("/")}
    ).data
    assert (row["shown_status"], row["shown_status_date"]) == ("resolved", "2024-06-01")
    assert row["shown_status_label"] == "Resolved"


def declared_fields_output(serializer, record):
    """What DRF's field machinery gives for ``record``: the reference the direct builders
    must match."""
    return drf.Serializer.to_representation(serializer, record)


@pytest.mark.parametrize("query", ["", "?as_at=2024-01-01"])
def test_list_rows_built_directly_match_the_declared_fields(query):
    review = ReviewFactory(slug="the-review")
    numbered = RecommendationFactory(
        review=review, number="7", target_date=datetime.date(2025, 3, 1)
    )
    unnumbered = RecommendationFactory(review=review, number="", text="No number & <b>marks</b>")
    RecommendationOwnerFactory(recommendation=numbered, is_lead=True, agency__abbreviation="")
    RecommendationOwnerFactory(recommendation=numbered)
    status_update(numbered, status=Status.RESOLVED, status_date=datetime.date(2024, 6, 1))
    request = RequestFactory().get(f"/api/recommendations/{query}")
    filterset = RecommendationFilter(request.GET, queryset=selectors.recommendations())
    assert filterset.is_valid()
    records = selectors.with_owners(filterset.qs)
    assert {record.source_id for record in records} == {numbered.pk, unnumbered.pk}
    serializer = serializers.RecommendationSerializer(context={"request": request})
    for record in records:
        direct = serializer.to_representation(record)
        assert direct == declared_fields_output(serializer, record)
        assert list(direct) == list(serializer.fields)


def test_the_detail_built_directly_matches_the_declared_fields(planted):
    record, parts = selectors.recommendation_page("public-review", public_record(planted).key)
    context = {"request": RequestFactory().get("/"), "parts": parts}
    serializer = serializers.RecommendationDetailSerializer(context=context)
    assert parts["owners"] and parts["timeline"]
    direct = serializer.to_representation(record)
    assert direct == declared_fields_output(serializer, record)
    assert list(direct) == list(serializer.fields)
