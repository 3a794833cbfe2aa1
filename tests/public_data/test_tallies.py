"""Status tallies: the status of each review's recommendations as at any date, kept by the
projector through every write, equal at every date to counting every recommendation's history,
and rebuilt from scratch to the same rows."""

import datetime

import pytest

from public_data import projector, selectors, tallies
from public_data.models import PublishedRecommendation, PublishedStatusTally
from recommendations import services
from recommendations.models import Status, StatusUpdate
from tests.factories import RecommendationFactory, ReviewFactory, staff_user, status_update

pytestmark = pytest.mark.django_db
Publication = StatusUpdate.Publication
day = datetime.date


class TestSteps:
    def test_with_no_published_update_it_is_not_assessed_from_the_beginning(self):
        assert tallies.steps([]) == [(tallies.BEGINNING, Status.NOT_ASSESSED)]

    def test_of_one_day_s_updates_the_last_recorded_counts(self):
        entries = [
            (day(2020, 1, 10), 0, Status.RESOLVED),
            (day(2020, 1, 10), 1, Status.IN_PROGRESS),
        ]
        assert tallies.steps(entries) == [
            (tallies.BEGINNING, Status.NOT_ASSESSED),
            (day(2020, 1, 10), Status.IN_PROGRESS),
        ]

    def test_an_update_repeating_the_status_is_no_step(self):
        entries = [
            (day(2021, 1, 1), 2, Status.IN_PROGRESS),
            (day(2020, 1, 1), 0, Status.IN_PROGRESS),
            (day(2020, 6, 1), 1, Status.NOT_ASSESSED),
        ]
        assert tallies.steps(entries) == [
            (tallies.BEGINNING, Status.NOT_ASSESSED),
            (day(2020, 1, 1), Status.IN_PROGRESS),
            (day(2020, 6, 1), Status.NOT_ASSESSED),
            (day(2021, 1, 1), Status.IN_PROGRESS),
        ]


def counted_one_by_one(as_at):
    """The dashboard's charts as at a date the slow way: every recommendation's history."""
    everything = selectors.with_shown_status(PublishedRecommendation.objects.all(), as_at)
    return selectors.breakdowns_by(everything, "review__slug")


def counts(charts, review):
    return {row["status"]: row["count"] for row in charts.get(review.slug, []) if row["count"]}


@pytest.fixture
def histories():
    first, second = ReviewFactory(), ReviewFactory()
    a, b, e = (RecommendationFactory(review=first) for _ in range(3))
    c = RecommendationFactory(review=second)
    secret = RecommendationFactory(review=first, is_restricted=True)
    status_update(a, status=Status.IN_PROGRESS, status_date=day(2020, 1, 10))
    status_update(a, status=Status.RESOLVED, status_date=day(2021, 6, 1))
    status_update(
        a,
        status=Status.NOT_TAKEN_FORWARD,
        status_date=day(2022, 1, 1),
        publication=Publication.WITHHELD,
        withheld_reason="Sensitive.",
    )
    status_update(
        a, status=Status.NOT_TAKEN_FORWARD, status_date=day(2023, 1, 1), publication="draft"
    )
    status_update(b, status=Status.RESOLVED, status_date=day(2020, 1, 10))
    status_update(b, status=Status.IN_PROGRESS, status_date=day(2020, 1, 10))
    status_update(b, status=Status.IN_PROGRESS, status_date=day(2020, 3, 1))
    status_update(c, status=Status.RESOLVED, status_date=day(2020, 1, 10))
    # Recorded later, dated earlier: the tallies change before rows they already hold.
    status_update(c, status=Status.AWAITING_RESPONSE, status_date=day(2019, 5, 1))
    status_update(secret, status=Status.RESOLVED, status_date=day(2020, 1, 10))
    return {"first": first, "second": second, "a": a, "b": b, "c": c, "e": e, "secret": secret}


EDGES = [
    day(2019, 4, 30),
    day(2019, 5, 1),
    day(2020, 1, 9),
    day(2020, 1, 10),
    day(2020, 3, 1),
    day(2021, 5, 31),
    day(2021, 6, 1),
    day(2022, 1, 1),
    day(2023, 1, 1),
    day(2099, 12, 31),
]


class TestAsAtADate:
    def test_counts_each_recommendation_by_its_latest_published_update_on_or_before_it(
        self, histories
    ):
        first, second = histories["first"], histories["second"]
        not_assessed, in_progress = Status.NOT_ASSESSED, Status.IN_PROGRESS
        # The restricted one is counted nowhere; a withheld or draft update changes nothing.
        assert counts(selectors.charts_as_at(day(2020, 1, 9)), first) == {not_assessed: 3}
        assert counts(selectors.charts_as_at(day(2020, 1, 10)), first) == {
            in_progress: 2,
            not_assessed: 1,
        }
        assert counts(selectors.charts_as_at(day(2021, 5, 31)), first) == {
            in_progress: 2,
            not_assessed: 1,
        }
        assert counts(selectors.charts_as_at(day(2021, 6, 1)), first) == {
            Status.RESOLVED: 1,
            in_progress: 1,
            not_assessed: 1,
        }
        assert counts(selectors.charts_as_at(day(2099, 12, 31)), first) == {
            Status.RESOLVED: 1,
            in_progress: 1,
            not_assessed: 1,
        }
        assert counts(selectors.charts_as_at(day(2019, 4, 30)), second) == {not_assessed: 1}
        assert counts(selectors.charts_as_at(day(2019, 5, 1)), second) == {
            Status.AWAITING_RESPONSE: 1
        }
        assert counts(selectors.charts_as_at(day(2020, 1, 10)), second) == {Status.RESOLVED: 1}

    @pytest.mark.parametrize("as_at", EDGES)
    def test_equal_to_counting_every_history_at_each_edge(self, histories, as_at):
        assert selectors.charts_as_at(as_at) == counted_one_by_one(as_at)

    def test_a_review_without_public_recommendations_has_no_chart(self, histories):
        empty = ReviewFactory()
        RecommendationFactory(review=empty, is_restricted=True)
        assert empty.slug not in selectors.charts_as_at(day(2099, 1, 1))


def assert_kept_exactly():
    for as_at in EDGES:
        assert selectors.charts_as_at(as_at) == counted_one_by_one(as_at), as_at
    assert projector.differences() == {}


class TestKeptThroughWrites:
    def test_through_restricting_and_releasing_a_recommendation(self, histories):
        editor = staff_user("MOPAC editor")
        b = histories["b"]
        b.is_restricted = True
        services.save_recommendation(b, changed_by=editor)
        assert counts(selectors.charts_as_at(day(2020, 1, 10)), histories["first"]) == {
            Status.IN_PROGRESS: 1,
            Status.NOT_ASSESSED: 1,
        }
        assert_kept_exactly()
        b.is_restricted = False
        services.save_recommendation(b, changed_by=editor)
        assert_kept_exactly()

    def test_through_a_recommendation_moved_to_another_review(self, histories):
        a = histories["a"]
        a.review = histories["second"]
        services.save_recommendation(a, changed_by=staff_user("MOPAC editor"))
        assert counts(selectors.charts_as_at(day(2021, 6, 1)), histories["second"]) == {
            Status.RESOLVED: 2
        }
        assert_kept_exactly()

    def test_through_a_draft_published_and_a_correction(self, histories):
        a = histories["a"]
        draft = StatusUpdate.objects.get(recommendation=a, publication=Publication.DRAFT)
        services.publish_update(draft, published_by=staff_user("MOPAC editor"))
        status_update(
            a,
            status=Status.IN_PROGRESS,
            status_date=day(2021, 6, 1),
            corrects=StatusUpdate.objects.get(recommendation=a, status=Status.RESOLVED),
        )
        assert (
            counts(selectors.charts_as_at(day(2023, 1, 1)), histories["first"])[
                Status.NOT_TAKEN_FORWARD
            ]
            == 1
        )
        assert_kept_exactly()

    def test_through_a_recommendation_deleted(self, histories):
        histories["e"].delete()
        assert_kept_exactly()

    def test_rows_only_where_a_tally_changes(self, histories):
        rows = PublishedStatusTally.objects.filter(
            review__slug=histories["second"].slug, status=Status.RESOLVED
        )
        assert list(rows.values_list("since", "count")) == [(day(2020, 1, 10), 1)]


def test_a_recount_from_the_store_gives_the_rows_the_writes_kept(histories):
    kept = projector.snapshot()["tallies"]
    tallies.recount()
    assert projector.snapshot()["tallies"] == kept
    assert len(kept) > 0
