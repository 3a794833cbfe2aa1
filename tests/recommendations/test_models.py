"""The model rules that must never break, most of them enforced by the database itself."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from recommendations.models import (
    HistoryIsAppendOnly,
    Recommendation,
    RecommendationLink,
    RecommendationOwner,
    Status,
    StatusUpdate,
)
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def make_update(recommendation, publication=StatusUpdate.Publication.PUBLISHED, **values):
    values.setdefault("status", Status.IN_PROGRESS)
    values.setdefault("status_date", datetime.date(2017, 10, 25))
    values.setdefault("narrative", "Narrative.")
    if publication == StatusUpdate.Publication.PUBLISHED:
        values.setdefault("published_at", timezone.now())
    if publication == StatusUpdate.Publication.WITHHELD:
        values.setdefault("withheld_reason", "Sensitive.")
    return StatusUpdate.objects.create(
        recommendation=recommendation, publication=publication, **values
    )


class TestRecommendationRules:
    def test_number_is_unique_within_a_review(self):
        first = RecommendationFactory(number="7")
        with pytest.raises(IntegrityError), transaction.atomic():
            RecommendationFactory(review=first.review, number="7")

    def test_same_number_is_allowed_in_another_review(self):
        RecommendationFactory(number="7")
        RecommendationFactory(number="7")
        assert Recommendation.objects.filter(number="7").count() == 2

    def test_several_unnumbered_recommendations_can_share_a_review(self):
        review = ReviewFactory()
        RecommendationFactory(review=review, number="")
        RecommendationFactory(review=review, number="")
        assert review.recommendations.filter(number="").count() == 2

    def test_not_accepted_needs_a_reason_in_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            RecommendationFactory(response=Recommendation.Response.NOT_ACCEPTED)

    def test_not_accepted_needs_a_reason_in_forms(self):
        recommendation = RecommendationFactory.build(
            response=Recommendation.Response.NOT_ACCEPTED, response_reason="  "
        )
        with pytest.raises(Exception, match="reason"):
            recommendation.clean()

    def test_only_one_lead_owner(self):
        ownership = RecommendationOwnerFactory(is_lead=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            RecommendationOwnerFactory(recommendation=ownership.recommendation, is_lead=True)

    def test_lead_owner_is_the_lead_agency(self):
        recommendation = RecommendationFactory()
        lead = AgencyFactory()
        RecommendationOwnerFactory(recommendation=recommendation, agency=AgencyFactory())
        RecommendationOwnerFactory(recommendation=recommendation, agency=lead, is_lead=True)
        assert recommendation.lead_owner == lead

    def test_no_lead_owner_when_none_is_clear(self):
        ownership = RecommendationOwnerFactory(is_lead=False)
        assert ownership.recommendation.lead_owner is None

    def test_an_agency_with_recommendations_cannot_be_deleted(self):
        ownership = RecommendationOwnerFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            ownership.agency.delete()

    def test_a_review_with_recommendations_cannot_be_deleted(self):
        recommendation = RecommendationFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            recommendation.review.delete()

    def test_public_excludes_restricted_recommendations(self):
        visible = RecommendationFactory()
        RecommendationFactory(is_restricted=True)
        assert list(Recommendation.objects.public()) == [visible]


class TestLinks:
    def test_a_link_points_at_a_recommendation_or_a_review(self):
        source, target = RecommendationFactory(), RecommendationFactory()
        RecommendationLink.objects.create(source=source, kind="follows_up", target=target)
        RecommendationLink.objects.create(
            source=source, kind="follows_up", target_review=target.review
        )
        assert source.outgoing_links.count() == 2

    @pytest.mark.parametrize("with_target", [True, False])
    def test_a_link_needs_exactly_one_target(self, with_target):
        source = RecommendationFactory()
        values = (
            {"target": RecommendationFactory(), "target_review": source.review}
            if with_target
            else {}
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            RecommendationLink.objects.create(source=source, kind="related", **values)

    def test_a_recommendation_cannot_link_to_itself(self):
        source = RecommendationFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            RecommendationLink.objects.create(source=source, kind="related", target=source)


class TestAppendOnlyHistory:
    @pytest.mark.parametrize(
        "publication", [StatusUpdate.Publication.PUBLISHED, StatusUpdate.Publication.WITHHELD]
    )
    def test_a_published_or_withheld_update_cannot_be_rewritten(self, publication):
        update = make_update(RecommendationFactory(), publication=publication)
        update.narrative = "Rewritten."
        with pytest.raises(HistoryIsAppendOnly):
            update.save()
        update.refresh_from_db()
        assert update.narrative != "Rewritten."

    def test_a_draft_can_still_be_edited(self):
        update = make_update(RecommendationFactory(), publication=StatusUpdate.Publication.DRAFT)
        update.narrative = "Second thoughts."
        update.save()
        update.refresh_from_db()
        assert update.narrative == "Second thoughts."

    def test_an_update_cannot_be_deleted(self):
        update = make_update(RecommendationFactory(), publication=StatusUpdate.Publication.DRAFT)
        with pytest.raises(HistoryIsAppendOnly):
            update.delete()
        with pytest.raises(HistoryIsAppendOnly):
            StatusUpdate.objects.all().delete()
        assert StatusUpdate.objects.filter(pk=update.pk).exists()

    def test_a_recommendation_with_history_cannot_be_deleted(self):
        update = make_update(RecommendationFactory())
        with pytest.raises(IntegrityError), transaction.atomic():
            Recommendation.objects.filter(pk=update.recommendation_id).delete()

    def test_withheld_needs_a_public_reason_in_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_update(
                RecommendationFactory(),
                publication=StatusUpdate.Publication.WITHHELD,
                withheld_reason="",
            )

    def test_published_needs_a_publication_time(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_update(RecommendationFactory(), published_at=None)


class TestPublicHistory:
    def test_public_updates_are_published_and_withheld_ones_only(self):
        recommendation = RecommendationFactory()
        published = make_update(recommendation)
        withheld = make_update(recommendation, publication=StatusUpdate.Publication.WITHHELD)
        make_update(recommendation, publication=StatusUpdate.Publication.DRAFT)
        assert set(StatusUpdate.objects.public()) == {published, withheld}

    def test_updates_of_restricted_recommendations_are_not_public(self):
        make_update(RecommendationFactory(is_restricted=True))
        assert not StatusUpdate.objects.public().exists()

    def test_withheld_content_is_never_the_public_narrative(self):
        withheld = make_update(
            RecommendationFactory(),
            publication=StatusUpdate.Publication.WITHHELD,
            narrative="The sensitive content.",
        )
        assert withheld.public_narrative == ""


def test_every_status_has_a_public_description():
    for status in Status:
        assert Status.description(status)


def test_ownership_string_says_lead():
    ownership = RecommendationOwner(agency=AgencyFactory.build(name="MOPAC"), is_lead=True)
    assert str(ownership) == "MOPAC (lead)"
