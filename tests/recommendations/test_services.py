"""record_status_update: the one way status changes, and its rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from recommendations import services
from recommendations.models import (
    HistoryIsAppendOnly,
    Recommendation,
    RecommendationOwner,
    Status,
    StatusUpdate,
    TargetDateChange,
)
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
)

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


def test_the_update_is_attributed_and_timed(editor):
    update = record(RecommendationFactory(), recorded_by=editor)
    assert update.recorded_by == editor
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


class TestRoles:
    """record_status_update holds the recording user to their role."""

    def test_an_agency_contributor_drafts_the_owner_s_report_for_their_agency(
        self, contributor, own_rec
    ):
        update = record(
            own_rec,
            publication=Publication.DRAFT,
            assessment=StatusUpdate.Assessment.OWNER,
            recorded_by=contributor,
        )
        assert update.recorded_by == contributor

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"publication": Publication.PUBLISHED}, "publication"),
            ({"publication": Publication.WITHHELD, "withheld_reason": "Why."}, "publication"),
            ({"assessment": StatusUpdate.Assessment.MOPAC}, "assessment"),
        ],
    )
    def test_an_agency_contributor_cannot_publish_withhold_or_assess_for_mopac(
        self, contributor, own_rec, values, field
    ):
        values = {
            "publication": Publication.DRAFT,
            "assessment": StatusUpdate.Assessment.OWNER,
            **values,
        }
        with pytest.raises(ValidationError) as error:
            record(own_rec, recorded_by=contributor, **values)
        assert field in error.value.message_dict
        assert not StatusUpdate.objects.exists()

    def test_an_agency_contributor_cannot_record_for_another_agency(self, contributor, other_rec):
        with pytest.raises(ValidationError) as error:
            record(
                other_rec,
                publication=Publication.DRAFT,
                assessment=StatusUpdate.Assessment.OWNER,
                recorded_by=contributor,
            )
        assert "your agencies' recommendations" in str(error.value)

    def test_a_read_only_reviewer_cannot_publish(self, reviewer, own_rec):
        with pytest.raises(ValidationError):
            record(own_rec, recorded_by=reviewer)


class TestVersionsAndStaleEdits:
    def test_every_recorded_update_raises_the_version(self):
        recommendation = RecommendationFactory()
        record(recommendation, publication=Publication.DRAFT)
        record(recommendation)
        assert Recommendation.objects.get(pk=recommendation.pk).version == 3

    def test_a_save_from_an_out_of_date_copy_is_refused_and_writes_nothing(self, editor):
        recommendation = RecommendationFactory(text="Original.")
        stale_copy = Recommendation.objects.get(pk=recommendation.pk)
        fresh = Recommendation.objects.get(pk=recommendation.pk)
        fresh.text = "Saved first."
        services.save_recommendation(fresh, changed_by=editor, expected_version=1)
        stale_copy.text = "Saved second."
        with pytest.raises(services.StaleEdit):
            services.save_recommendation(stale_copy, changed_by=editor, expected_version=1)
        stored = Recommendation.objects.get(pk=recommendation.pk)
        assert (stored.text, stored.version) == ("Saved first.", 2)

    def test_saving_never_overwrites_the_current_status_from_a_copy(self, editor):
        recommendation = RecommendationFactory()
        copy = Recommendation.objects.get(pk=recommendation.pk)
        record(recommendation, status=Status.RESOLVED)
        copy.section = "Renamed"
        services.save_recommendation(copy, changed_by=editor)
        assert current(recommendation)[0] == Status.RESOLVED

    def test_a_stale_expected_version_refuses_a_status_update(self):
        recommendation = RecommendationFactory()
        record(recommendation)
        with pytest.raises(services.StaleEdit):
            record(recommendation, expected_version=1)
        assert recommendation.updates.count() == 1


class TestTargetDates:
    def test_moving_a_target_date_logs_the_old_date_and_the_reason(self, editor):
        recommendation = RecommendationFactory(target_date=datetime.date(2024, 6, 1))
        recommendation.target_date = datetime.date(2025, 6, 1)
        services.save_recommendation(
            recommendation, changed_by=editor, target_date_reason="Funding arrived late."
        )
        change = TargetDateChange.objects.get()
        assert (change.old_date, change.new_date, change.reason, change.changed_by) == (
            datetime.date(2024, 6, 1),
            datetime.date(2025, 6, 1),
            "Funding arrived late.",
            editor,
        )

    @pytest.mark.parametrize("new_date", [datetime.date(2025, 6, 1), None])
    def test_moving_or_removing_a_target_date_needs_a_reason(self, editor, new_date):
        recommendation = RecommendationFactory(target_date=datetime.date(2024, 6, 1))
        recommendation.target_date = new_date
        with pytest.raises(ValidationError) as error:
            services.save_recommendation(recommendation, changed_by=editor)
        assert "target_date_reason" in error.value.message_dict
        assert Recommendation.objects.get(pk=recommendation.pk).target_date == datetime.date(
            2024, 6, 1
        )

    def test_the_first_target_date_needs_no_reason(self, editor):
        recommendation = RecommendationFactory()
        recommendation.target_date = datetime.date(2026, 1, 1)
        services.save_recommendation(recommendation, changed_by=editor)
        assert TargetDateChange.objects.get().old_date is None

    def test_the_change_log_is_append_only(self, editor):
        recommendation = RecommendationFactory()
        recommendation.target_date = datetime.date(2026, 1, 1)
        services.save_recommendation(recommendation, changed_by=editor)
        change = TargetDateChange.objects.get()
        change.reason = "Rewritten."
        with pytest.raises(HistoryIsAppendOnly):
            change.save()
        with pytest.raises(HistoryIsAppendOnly):
            change.delete()


class TestDrafts:
    def test_publishing_a_draft_moves_the_current_status(self, editor):
        recommendation = RecommendationFactory()
        draft = record(recommendation, status=Status.RESOLVED, publication=Publication.DRAFT)
        services.publish_update(draft, published_by=editor)
        draft.refresh_from_db()
        assert draft.publication == Publication.PUBLISHED
        assert draft.published_at is not None
        assert current(recommendation)[0] == Status.RESOLVED

    def test_withholding_needs_a_public_reason_and_leaves_the_status(self, editor):
        recommendation = RecommendationFactory()
        draft = record(recommendation, status=Status.RESOLVED, publication=Publication.DRAFT)
        with pytest.raises(ValidationError):
            services.publish_update(draft, published_by=editor, publication=Publication.WITHHELD)
        services.publish_update(
            draft,
            published_by=editor,
            publication=Publication.WITHHELD,
            withheld_reason="Operationally sensitive.",
        )
        assert StatusUpdate.objects.get(pk=draft.pk).publication == Publication.WITHHELD
        assert current(recommendation)[0] == Status.NOT_ASSESSED

    def test_a_published_update_is_never_published_again_or_edited(self, editor):
        update = record(RecommendationFactory())
        with pytest.raises(ValidationError) as error:
            services.publish_update(update, published_by=editor)
        assert "record a new update that corrects it" in str(error.value)
        update.narrative = "Rewritten."
        with pytest.raises(ValidationError):
            services.edit_draft(update, changed_by=editor)
        assert StatusUpdate.objects.get(pk=update.pk).narrative == "Work is under way."

    def test_an_agency_contributor_cannot_publish_a_draft(self, contributor, own_rec):
        draft = record(own_rec, publication=Publication.DRAFT)
        with pytest.raises(ValidationError):
            services.publish_update(draft, published_by=contributor)
        assert StatusUpdate.objects.get(pk=draft.pk).publication == Publication.DRAFT

    def test_contributors_change_only_their_agencies_drafts(self, contributor, own_rec, editor):
        theirs = record(
            own_rec,
            publication=Publication.DRAFT,
            assessment=StatusUpdate.Assessment.OWNER,
            recorded_by=contributor,
        )
        mopacs = record(
            own_rec,
            publication=Publication.DRAFT,
            assessment=StatusUpdate.Assessment.OWNER,
            recorded_by=editor,
        )
        theirs.narrative = "Reworded."
        services.edit_draft(theirs, changed_by=contributor)
        assert StatusUpdate.objects.get(pk=theirs.pk).narrative == "Reworded."
        mopacs.narrative = "Reworded."
        with pytest.raises(ValidationError):
            services.edit_draft(mopacs, changed_by=contributor)


class TestOwnersAndAudit:
    def test_set_owners_makes_exactly_these_the_owners_with_one_lead(self, editor):
        first, second, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
        recommendation = RecommendationFactory()
        RecommendationOwnerFactory(recommendation=recommendation, agency=first, is_lead=True)
        RecommendationOwnerFactory(recommendation=recommendation, agency=second)
        services.set_owners(recommendation, lead=second, others=[third], changed_by=editor)
        owners = {(o.agency, o.is_lead) for o in recommendation.ownerships.all()}
        assert owners == {(second, True), (third, False)}
        removed = RecommendationOwner.history.filter(agency_id=first.pk, history_type="-").get()
        assert removed.history_user == editor

    def test_the_services_attribute_every_audited_write(self, editor):
        recommendation = RecommendationFactory()
        draft = record(recommendation, publication=Publication.DRAFT, recorded_by=editor)
        services.publish_update(draft, published_by=editor)
        recommendation.text = "Reworded."
        services.save_recommendation(recommendation, changed_by=editor)
        assert [r.history_user for r in StatusUpdate.history.filter(id=draft.pk)] == [
            editor,
            editor,
        ]
        assert recommendation.history.first().history_user == editor
