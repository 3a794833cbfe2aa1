"""record_status_update: the one way status changes, and its rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from recommendations import services
from recommendations.models import Recommendation, Status, StatusUpdate
from tests.factories import RecommendationFactory, UserFactory

pytestmark = pytest.mark.django_db

Publication = StatusUpdate.Publication


def record(recommendation, **values):
    values.setdefault("status", Status.IN_PROGRESS)
    values.setdefault("status_date", datetime.date(2017, 10, 25))
    values.setdefault("narrative", "Work is under way.")
    values.setdefault("publication", Publication.PUBLISHED)
    return services.record_status_update(recommendation=recommendation, **values)


def current(recommendation):
    return Recommendation.objects.values_list("current_status", "current_status_date").get(
        pk=recommendation.pk
    )


def test_a_published_update_moves_the_current_status():
    recommendation = RecommendationFactory()
    record(recommendation, status=Status.RESOLVED)
    assert current(recommendation) == (Status.RESOLVED, datetime.date(2017, 10, 25))


@pytest.mark.parametrize("publication", [Publication.DRAFT, Publication.WITHHELD])
def test_drafts_and_withheld_updates_leave_the_current_status_alone(publication):
    recommendation = RecommendationFactory()
    record(recommendation, status=Status.IN_PROGRESS)
    record(
        recommendation,
        status=Status.RESOLVED,
        status_date=datetime.date(2018, 1, 1),
        publication=publication,
        withheld_reason="Sensitive." if publication == Publication.WITHHELD else "",
    )
    assert current(recommendation) == (Status.IN_PROGRESS, datetime.date(2017, 10, 25))


def test_the_latest_dated_published_update_wins_whatever_the_order_recorded():
    recommendation = RecommendationFactory()
    record(recommendation, status=Status.RESOLVED, status_date=datetime.date(2019, 5, 1))
    record(recommendation, status=Status.IN_PROGRESS, status_date=datetime.date(2017, 10, 25))
    assert current(recommendation) == (Status.RESOLVED, datetime.date(2019, 5, 1))


def test_no_published_update_means_not_yet_assessed():
    recommendation = RecommendationFactory()
    record(recommendation, publication=Publication.DRAFT)
    assert current(recommendation) == (Status.NOT_ASSESSED, None)


def test_the_update_is_attributed_and_timed():
    officer = UserFactory()
    update = record(RecommendationFactory(), recorded_by=officer)
    assert update.recorded_by == officer
    assert update.published_at is not None


def test_a_draft_has_no_publication_time():
    update = record(RecommendationFactory(), publication=Publication.DRAFT)
    assert update.published_at is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"narrative": "  "}, "narrative"),
        ({"publication": Publication.WITHHELD}, "withheld_reason"),
        ({"withheld_reason": "Not withheld at all."}, "withheld_reason"),
        ({"status": "done"}, "status"),
        ({"publication": "secret"}, "publication"),
    ],
)
def test_bad_input_is_refused_with_a_field_message_and_nothing_written(values, field):
    recommendation = RecommendationFactory()
    with pytest.raises(ValidationError) as error:
        record(recommendation, **values)
    assert field in error.value.message_dict
    assert not StatusUpdate.objects.exists()
    assert current(recommendation) == (Status.NOT_ASSESSED, None)


def test_a_correction_must_be_of_the_same_recommendation():
    other = record(RecommendationFactory())
    with pytest.raises(ValidationError) as error:
        record(RecommendationFactory(), corrects=other)
    assert "corrects" in error.value.message_dict


def test_a_correction_is_a_new_update_and_keeps_the_original():
    recommendation = RecommendationFactory()
    original = record(recommendation, status=Status.RESOLVED)
    correction = record(
        recommendation,
        status=Status.IN_PROGRESS,
        narrative="Corrects the update of 25 October 2017: not yet resolved.",
        corrects=original,
    )
    assert list(recommendation.updates.all()) == [correction, original]
    assert current(recommendation)[0] == Status.IN_PROGRESS
