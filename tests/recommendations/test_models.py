"""The model rules that must never break, most of them enforced by the database itself."""

import datetime

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recommendations.models import (
    HistoryIsAppendOnly,
    Recommendation,
    RecommendationLink,
    RecommendationOwner,
    Role,
    Status,
    StatusUpdate,
    months_before,
)
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    UserFactory,
    plant_markers,
    staff_user,
)
from tests.public_data.test_public_leaks import public_urls

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

    def test_withheld_content_never_reaches_the_published_store(self):
        from public_data.models import PublishedTimelineEntry

        make_update(
            RecommendationFactory(),
            publication=StatusUpdate.Publication.WITHHELD,
            narrative="The sensitive content.",
        )
        assert PublishedTimelineEntry.objects.get().narrative == ""


def test_every_status_has_a_public_description():
    for status in Status:
        assert Status.description(status)


def test_ownership_string_says_lead():
    ownership = RecommendationOwner(agency=AgencyFactory.build(name="MOPAC"), is_lead=True)
    assert str(ownership) == "MOPAC (lead)"


class TestStaffQueries:
    """The querysets that scope and flag what staff see."""

    def test_contributors_see_only_their_agencies_recommendations(
        self, contributor, editor, reviewer, own_rec, other_rec
    ):
        assert set(Recommendation.objects.visible_to(contributor)) == {own_rec}
        assert set(Recommendation.objects.visible_to(editor)) == {own_rec, other_rec}
        assert set(Recommendation.objects.visible_to(reviewer)) == {own_rec, other_rec}
        assert not Recommendation.objects.visible_to(AnonymousUser()).exists()
        own_update, _ = make_update(own_rec), make_update(other_rec)
        assert set(StatusUpdate.objects.visible_to(contributor)) == {own_update}

    def test_a_user_without_a_role_or_agency_sees_nothing(self, own_rec):
        assert not Recommendation.objects.visible_to(UserFactory()).exists()

    @pytest.mark.parametrize(
        ("date", "months", "expected"),
        [
            (datetime.date(2025, 3, 31), 1, datetime.date(2025, 2, 28)),
            (datetime.date(2024, 3, 31), 1, datetime.date(2024, 2, 29)),
            (datetime.date(2025, 1, 15), 12, datetime.date(2024, 1, 15)),
            (datetime.date(2025, 1, 15), 13, datetime.date(2023, 12, 15)),
        ],
    )
    def test_months_before_counts_calendar_months(self, date, months, expected):
        assert months_before(date, months) == expected

    def test_stale_means_no_published_update_within_the_configured_months(self, settings):
        settings.STALE_AFTER_MONTHS = 12
        today = datetime.date(2025, 6, 1)
        long_ago = timezone.make_aware(datetime.datetime(2024, 1, 1))
        recent = timezone.make_aware(datetime.datetime(2025, 1, 1))
        never_updated_old = RecommendationFactory()
        never_updated_new = RecommendationFactory()
        updated_long_ago = RecommendationFactory()
        updated_recently = RecommendationFactory()
        resolved_long_ago = RecommendationFactory()
        make_update(updated_long_ago, published_at=long_ago)
        make_update(updated_recently, published_at=recent)
        make_update(resolved_long_ago, published_at=long_ago, status=Status.RESOLVED)
        Recommendation.objects.filter(pk=resolved_long_ago.pk).update(
            current_status=Status.RESOLVED
        )
        Recommendation.objects.exclude(pk=never_updated_new.pk).update(created_at=long_ago)
        Recommendation.objects.filter(pk=never_updated_new.pk).update(created_at=recent)
        stale = set(Recommendation.objects.stale(today))
        assert stale == {never_updated_old, updated_long_ago}
        flags = dict(Recommendation.objects.with_flags(today).values_list("pk", "is_stale"))
        assert {pk for pk, flag in flags.items() if flag} == {r.pk for r in stale}

    def test_overdue_means_an_open_recommendation_past_its_target_date(self):
        today = datetime.date(2025, 6, 1)
        past = RecommendationFactory(target_date=datetime.date(2025, 5, 31))
        RecommendationFactory(target_date=today)
        RecommendationFactory(target_date=datetime.date(2020, 1, 1), current_status=Status.RESOLVED)
        RecommendationFactory(
            target_date=datetime.date(2020, 1, 1), current_status=Status.NOT_TAKEN_FORWARD
        )
        assert list(Recommendation.objects.overdue(today)) == [past]

    def test_assessments_differ_compares_the_latest_published_of_each(self):
        differ = RecommendationFactory()
        agree = RecommendationFactory()
        only_owner = RecommendationFactory()
        owner = StatusUpdate.Assessment.OWNER
        make_update(differ, assessment=owner, status=Status.RESOLVED)
        make_update(differ, status=Status.IN_PROGRESS)
        make_update(
            agree, assessment=owner, status=Status.RESOLVED, status_date=datetime.date(2016, 1, 1)
        )
        make_update(agree, assessment=owner, status=Status.IN_PROGRESS)
        make_update(agree, status=Status.IN_PROGRESS)
        make_update(only_owner, assessment=owner)
        assert list(Recommendation.objects.assessments_differ()) == [differ]

    def test_contributors_read_staff_detail_only_within_their_agencies(
        self, contributor, own_rec, other_agency
    ):
        rival = staff_user(Role.CONTRIBUTOR, agencies=[other_agency])
        colleague = staff_user(Role.CONTRIBUTOR, agencies=[own_rec.ownerships.get().agency])
        make_update(own_rec, recorded_by=rival, staff_detail="Rival's note.")
        make_update(own_rec, recorded_by=colleague, staff_detail="Colleague's note.")
        make_update(own_rec, staff_detail="MOPAC's note.")
        notes = set(
            StatusUpdate.objects.with_staff_note_for(contributor).values_list(
                "staff_note", flat=True
            )
        )
        assert notes == {"Colleague's note.", ""}
        everything = StatusUpdate.objects.with_staff_note_for(
            staff_user(Role.REVIEWER)
        ).values_list("staff_note", flat=True)
        assert set(everything) == {"Rival's note.", "Colleague's note.", "MOPAC's note."}


class TestAuditTrail:
    def test_every_model_keeps_a_history(self):
        models = [
            model
            for app in ("recommendations", "reviews")
            for model in django_apps.get_app_config(app).get_models()
            if not model.__name__.startswith("Historical")
        ]
        assert len(models) == 8
        assert [model for model in models if not hasattr(model, "history")] == []

    def test_a_change_records_who_when_and_what(self, editor):
        recommendation = RecommendationFactory(text="Before.")
        recommendation.text = "After."
        recommendation._history_user = editor
        recommendation.save()
        latest = recommendation.history.first()
        assert latest.history_user == editor
        assert latest.history_date is not None
        change = latest.diff_against(latest.prev_record).changes[0]
        assert (change.field, change.old, change.new) == ("text", "Before.", "After.")

    def test_no_public_url_reads_the_history_tables(self, client):
        """History copies staff-only fields, so the public site must never query it."""
        planted = plant_markers()
        with CaptureQueriesContext(connection) as queries:
            for urls in public_urls(planted).values():
                for url in urls:
                    client.get(url)
        assert queries.captured_queries
        assert not [q["sql"] for q in queries.captured_queries if "historical" in q["sql"]]
