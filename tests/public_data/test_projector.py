"""The projector: the store follows every staff write in its own transaction, holds only what
is public, and can be rebuilt and checked from scratch."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from public_data import projector, selectors
from public_data.models import (
    PublishedCount,
    PublishedLink,
    PublishedRecommendation,
    PublishedReview,
    PublishedTimelineEntry,
)
from recommendations import services
from recommendations.models import Status, StatusUpdate
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationLinkFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    staff_user,
    status_update,
)

pytestmark = pytest.mark.django_db
Publication = StatusUpdate.Publication


def record(recommendation):
    return PublishedRecommendation.objects.filter(source_id=recommendation.pk).first()


def restrict(recommendation, restricted=True):
    recommendation.is_restricted = restricted
    services.save_recommendation(recommendation, changed_by=staff_user("MOPAC editor"))


class TestFollowingWrites:
    def test_a_publish_reaches_the_store_inside_its_transaction(self):
        recommendation = RecommendationFactory()
        with transaction.atomic():
            status_update(recommendation, status=Status.RESOLVED)
            assert record(recommendation).current_status == Status.RESOLVED
        assert record(recommendation).current_status == Status.RESOLVED

    def test_a_write_rolled_back_leaves_the_store_as_it_was(self):
        recommendation = RecommendationFactory()
        with pytest.raises(RuntimeError), transaction.atomic():
            status_update(recommendation, status=Status.RESOLVED)
            raise RuntimeError("the writer fails after the update")
        assert record(recommendation).current_status == Status.NOT_ASSESSED

    def test_drafts_never_reach_the_store(self):
        recommendation = RecommendationFactory()
        status_update(recommendation, publication=Publication.DRAFT, narrative="Draft words.")
        assert not PublishedTimelineEntry.objects.exists()
        assert record(recommendation).current_status == Status.NOT_ASSESSED

    def test_a_withheld_update_is_stored_as_its_date_and_reason_only(self):
        recommendation = RecommendationFactory()
        status_update(
            recommendation,
            status=Status.RESOLVED,
            publication=Publication.WITHHELD,
            narrative="Secret words.",
            withheld_reason="Sensitive.",
            status_date=datetime.date(2023, 9, 29),
        )
        (entry,) = PublishedTimelineEntry.objects.all()
        assert (entry.publication, entry.status_date, entry.withheld_reason) == (
            "withheld",
            datetime.date(2023, 9, 29),
            "Sensitive.",
        )
        assert (entry.status, entry.narrative, entry.assessment, entry.published_at) == (
            "",
            "",
            "",
            None,
        )
        assert record(recommendation).current_status == Status.NOT_ASSESSED

    def test_an_agency_renamed_is_renamed_in_the_store(self):
        agency = AgencyFactory(name="Old name")
        agency.name = "New name"
        agency.save()
        assert {a.slug: a.name for a in selectors.agencies()}[agency.slug] == "New name"

    def test_a_review_moved_in_time_moves_its_recommendations_in_the_list(self):
        early, late = (
            ReviewFactory(published_on=datetime.date(2016, 1, 1)),
            ReviewFactory(published_on=datetime.date(2020, 1, 1)),
        )
        first, second = RecommendationFactory(review=early), RecommendationFactory(review=late)
        assert list(PublishedRecommendation.objects.values_list("source_id", flat=True)) == [
            first.pk,
            second.pk,
        ]
        late.published_on = datetime.date(2010, 1, 1)
        late.save()
        assert list(PublishedRecommendation.objects.values_list("source_id", flat=True)) == [
            second.pk,
            first.pk,
        ]
        assert PublishedReview.objects.get(slug=late.slug).rank == 0


class TestRestricted:
    def test_a_restricted_recommendation_leaves_the_store_with_its_links(self):
        public, secret = RecommendationFactory(), RecommendationFactory()
        RecommendationLinkFactory(source=public, target=secret)
        RecommendationLinkFactory(source=secret, target=public)
        assert PublishedLink.objects.count() == 2
        restrict(secret)
        assert record(secret) is None
        assert not PublishedLink.objects.exists()
        restrict(secret, restricted=False)
        assert PublishedLink.objects.count() == 2

    def test_a_restricted_recommendation_is_not_counted(self):
        review, agency = ReviewFactory(slug="review"), AgencyFactory(slug="agency")
        public, secret = (
            RecommendationOwnerFactory(
                agency=agency, recommendation=RecommendationFactory(review=review)
            ).recommendation
            for _ in range(2)
        )
        status_update(public, status=Status.RESOLVED)
        status_update(secret, status=Status.RESOLVED)
        assert selectors.count(review="review", agency="agency", status="resolved") == 2
        restrict(secret)
        assert selectors.count() == 1
        assert selectors.count(review="review", status="resolved") == 1
        assert selectors.count(agency="agency") == 1
        assert selectors.count(review="review", agency="agency", status="resolved") == 1

    def test_unnumbered_keys_count_public_recommendations_only(self):
        review = ReviewFactory(slug="committee")
        secret = RecommendationFactory(review=review, number="", position=1)
        public = RecommendationFactory(review=review, number="", position=2)
        assert (record(secret).key, record(public).key) == ("unnumbered-1", "unnumbered-2")
        restrict(secret)
        assert record(public).key == "unnumbered-1"
        assert record(public).get_absolute_url() == (
            "/reviews/committee/recommendations/unnumbered-1/"
        )


class TestCounts:
    def test_the_aggregates_match_a_count_of_the_store(self):
        review = ReviewFactory(slug="review")
        lead, partner = AgencyFactory(slug="lead"), AgencyFactory(slug="partner")
        for index in range(5):
            recommendation = RecommendationFactory(review=review)
            RecommendationOwnerFactory(recommendation=recommendation, agency=lead, is_lead=True)
            if index % 2:
                RecommendationOwnerFactory(recommendation=recommendation, agency=partner)
                status_update(recommendation, status=Status.IN_PROGRESS)
        assert selectors.counts_by("status") == {"not_assessed": 3, "in_progress": 2}
        assert selectors.counts_by("agency") == {"lead": 5, "partner": 2}
        assert selectors.counts_by("agency", status="in_progress") == {"lead": 2, "partner": 2}
        assert selectors.count(review="review") == 5
        # A count that falls to nothing is gone, not a stale number.
        assert not PublishedCount.objects.filter(count=0).exclude(review="", agency="", status="")


class TestRebuild:
    def planted(self):
        recommendation = RecommendationOwnerFactory(is_lead=True).recommendation
        status_update(recommendation, status=Status.IN_PROGRESS)
        status_update(recommendation, publication=Publication.WITHHELD, withheld_reason="Why.")
        RecommendationLinkFactory(source=recommendation)
        return recommendation

    def test_a_rebuild_gives_the_same_store(self):
        self.planted()
        before = projector.snapshot()
        projector.rebuild()
        assert projector.snapshot() == before
        assert projector.differences() == {}

    def test_the_check_finds_a_store_that_drifted(self, capsys):
        recommendation = self.planted()
        PublishedRecommendation.objects.filter(source_id=recommendation.pk).update(text="Edited.")
        assert set(projector.differences()) == {"recommendations"}
        with pytest.raises(CommandError, match="does not match"):
            call_command("rebuild_public_store", "--check")
        assert "recommendations: 1 row(s) only in the store" in capsys.readouterr().err
        # The check changed nothing; the rebuild mends it.
        assert record(recommendation).text == "Edited."
        call_command("rebuild_public_store")
        assert record(recommendation).text == recommendation.text
        call_command("rebuild_public_store", "--check")

    def test_a_batch_projects_once_at_its_end(self):
        review = ReviewFactory()
        with projector.batch():
            first = RecommendationFactory(review=review)
            status_update(first, status=Status.RESOLVED)
            assert record(first) is None  # not yet: at the end of the batch
        assert record(first).current_status == Status.RESOLVED

    def test_a_discarded_batch_projects_nothing(self):
        review = ReviewFactory()
        with transaction.atomic():
            sid = transaction.savepoint()
            with projector.batch(discard=True):
                RecommendationFactory(review=review)
            transaction.savepoint_rollback(sid)
        assert not PublishedRecommendation.objects.exists()


class TestStatusAsAt:
    def test_an_update_dated_the_as_at_day_counts(self):
        recommendation = RecommendationFactory()
        status_update(recommendation, status=Status.RESOLVED, status_date=datetime.date(2020, 1, 1))
        queryset = PublishedRecommendation.objects.filter(source_id=recommendation.pk)

        def shown(day):
            return selectors.with_shown_status(queryset, as_at=day).get().shown_status

        assert shown(datetime.date(2020, 1, 1)) == Status.RESOLVED
        assert shown(datetime.date(2019, 12, 31)) == Status.NOT_ASSESSED


def test_saving_a_draft_leaves_the_store_and_its_version_alone():
    from public_data import version

    recommendation = RecommendationFactory()
    before = (projector.snapshot(), version.current_version())
    draft = StatusUpdate(
        recommendation=recommendation,
        status=Status.RESOLVED,
        status_date=datetime.date(2024, 1, 1),
        narrative="Draft words.",
    )
    draft.save()
    assert (projector.snapshot(), version.current_version()) == before


def test_a_recommendation_keeps_its_row_through_a_publish():
    """Readers page and prefetch by row id: a publish updates the row in place."""
    review = ReviewFactory()
    first = RecommendationFactory(review=review, number="1")
    second = RecommendationFactory(review=review, number="2")
    before = record(first).pk
    status_update(first, status=Status.RESOLVED)
    assert record(first).pk == before
    # Two numbers swapped in one batch: both rows kept, keys exchanged.
    with projector.batch():
        first.number, second.number = "3", "1"
        first.save()
        second.save()
        first.number = "2"
        first.save()
    assert (record(first).pk, record(first).key, record(second).key) == (before, "2", "1")
