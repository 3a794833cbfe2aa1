"""A subquery's rows as one JSON array, read back as model instances, on either database."""

import datetime

import pytest
from django.db.models import OuterRef

from harris.json_rows import JSONRows, columns, instance, json_list
from public_data.models import PublishedRecommendation, PublishedTimelineEntry
from recommendations.models import Status, StatusUpdate
from tests.factories import RecommendationFactory, status_update

pytestmark = pytest.mark.django_db


def timeline_rows(recommendation):
    entries = PublishedTimelineEntry.objects.filter(recommendation=OuterRef("pk"))
    record = (
        PublishedRecommendation.objects.filter(source_id=recommendation.pk)
        .annotate(timeline_rows=JSONRows(entries, columns(PublishedTimelineEntry)))
        .get()
    )
    return json_list(record.timeline_rows)


def test_the_rows_read_back_as_the_stored_instances_with_their_types():
    recommendation = RecommendationFactory()
    correction_of = status_update(recommendation, status_date=datetime.date(2024, 2, 29))
    status_update(recommendation, status=Status.RESOLVED, corrects=correction_of)
    status_update(
        recommendation,
        status_date=datetime.date(2024, 3, 1),
        publication=StatusUpdate.Publication.WITHHELD,
        withheld_reason="Sensitive.",
    )
    stored = {entry.pk: entry for entry in PublishedTimelineEntry.objects.all()}

    made = [instance(PublishedTimelineEntry, row) for row in timeline_rows(recommendation)]

    assert len(made) == len(stored) == 3
    for entry in made:
        original = stored[entry.pk]
        for field in PublishedTimelineEntry._meta.concrete_fields:
            assert getattr(entry, field.attname) == getattr(original, field.attname), field.name
    assert {type(entry.status_date) for entry in made} == {datetime.date}
    assert {entry.is_correction for entry in made} == {True, False}
    published_at = [entry.published_at for entry in made if entry.published_at is not None]
    assert len(published_at) == 2
    assert all(moment.tzinfo is not None for moment in published_at)


def test_no_rows_is_an_empty_list():
    recommendation = RecommendationFactory()
    assert timeline_rows(recommendation) == []


def test_joined_columns_come_with_each_row():
    recommendation = RecommendationFactory(number="41")
    status_update(recommendation)
    entries = PublishedTimelineEntry.objects.filter(recommendation=OuterRef("pk"))
    record = (
        PublishedRecommendation.objects.filter(source_id=recommendation.pk)
        .annotate(
            listed=JSONRows(
                entries,
                {
                    "pk": columns(PublishedTimelineEntry)["id"],
                    **columns(PublishedRecommendation, "recommendation__"),
                },
            )
        )
        .get()
    )
    (row,) = json_list(record.listed)
    assert instance(PublishedRecommendation, row).number == "41"
