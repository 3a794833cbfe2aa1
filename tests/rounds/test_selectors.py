"""What each role sees of a round: the to-report queue per agency, the assessment queue, the
per-agency numbers and the publish preview."""

import pytest

from recommendations.models import Status
from rounds import selectors, services
from tests.factories import staff_user

from .conftest import TODAY, assess, report

pytestmark = pytest.mark.django_db


def numbers(queryset):
    return [recommendation.number for recommendation in queryset]


class TestToReportQueue:
    def test_each_contributor_sees_their_agencies_outstanding_recommendations(
        self, round, recs, police_contributor, fire_contributor
    ):
        assert numbers(selectors.to_report(round, police_contributor)) == ["1", "2", "4"]
        assert numbers(selectors.to_report(round, fire_contributor)) == ["2", "3"]

    def test_a_report_from_any_owner_takes_it_off_every_owner_s_queue(
        self, round, recs, police_contributor, fire_contributor
    ):
        report(round, recs["shared"], fire_contributor)
        report(round, recs["police"], police_contributor)
        assert numbers(selectors.to_report(round, police_contributor)) == ["4"]
        assert numbers(selectors.to_report(round, fire_contributor)) == ["3"]
        assert numbers(selectors.reported_by_agencies(round, police_contributor)) == ["1", "2"]

    def test_reports_recorded_before_the_round_opened_do_not_count(
        self, recs, review, editor, police_contributor
    ):
        from recommendations import services as recommendation_services

        recommendation_services.record_status_update(
            recommendation=recs["police"],
            status=Status.IN_PROGRESS,
            status_date=TODAY,
            narrative="Last year's report.",
            assessment="owner",
            recorded_by=police_contributor,
        )
        round = services.open_round(
            title="Later", reviews=[review], deadline=TODAY, opened_by=editor, today=TODAY
        )
        assert "1" in numbers(selectors.to_report(round, police_contributor))

    def test_mopac_sees_every_agency_s_outstanding_recommendations(self, round, recs, editor):
        assert numbers(selectors.to_report(round, editor)) == ["1", "2", "3", "4", "5"]

    def test_a_user_without_agencies_sees_nothing(self, round):
        from recommendations.models import Role

        assert not selectors.to_report(round, staff_user(Role.CONTRIBUTOR))


class TestMopacViews:
    def test_the_assessment_queue_is_reported_and_not_assessed(
        self, round, recs, editor, police_contributor, fire_contributor
    ):
        report(round, recs["police"], police_contributor)
        report(round, recs["fire"], fire_contributor)
        assess(round, recs["fire"], editor)
        assert numbers(selectors.assessment_queue(round)) == ["1"]

    def test_per_agency_progress(self, round, recs, editor, police_contributor, agencies):
        report(round, recs["police"], police_contributor)
        report(round, recs["shared"], police_contributor)
        report(round, recs["silent"], editor, on_behalf_of=agencies["silent"])
        assess(round, recs["police"], editor)
        assess(round, recs["fire"], editor)  # MOPAC may assess what was not reported
        progress = {row["name"]: row for row in selectors.agency_progress(round)}
        assert {
            name: (row["in_scope"], row["reported"], row["assessed"], row["outstanding"])
            for name, row in progress.items()
        } == {
            "London Fire Brigade": (2, 1, 1, 1),
            "Metropolitan Police Service": (3, 2, 1, 1),
            "Port of London Authority": (1, 1, 0, 0),
        }
        assert selectors.totals(round) == {
            "in_scope": 5,
            "reported": 3,
            "assessed": 2,
            "outstanding": 2,
        }

    def test_recommendations_with_no_owner_are_counted_apart(self, round, editor):
        from tests.factories import RecommendationFactory

        services.add_to_scope(
            round=round, recommendations=[RecommendationFactory()], added_by=editor
        )
        last = selectors.agency_progress(round)[-1]
        assert (last["agency_id"], last["name"], last["in_scope"]) == (
            None,
            "No owning agency",
            1,
        )

    def test_the_publish_preview(self, round, recs, editor):
        assess(round, recs["police"], editor, status=Status.RESOLVED)
        assess(round, recs["shared"], editor, status=Status.RESOLVED)
        assess(round, recs["secret"], editor, status=Status.IN_PROGRESS)
        preview = selectors.publish_preview(round)
        assert [(row["status"], row["count"]) for row in preview["by_status"]] == [
            (Status.RESOLVED, 2),
            (Status.IN_PROGRESS, 1),
        ]
        assert (preview["assessments"], preview["restricted"]) == (3, 1)
        assert numbers(preview["unassessed"]) == ["3", "5"]
        assert preview["follows_up"] == round.reviews.get()
        assert not preview["several_reviews"]
