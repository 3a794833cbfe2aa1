"""The round's state changes: opening with its default scope, scope edits, reports and
assessments by role, publishing all or nothing, and a closed round staying closed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from public_data import selectors as public_selectors
from public_data.models import (
    PublishedRecommendation,
    PublishedReview,
    PublishedTimelineEntry,
)
from recommendations import services as recommendation_services
from recommendations.models import Status, StatusUpdate
from reviews.models import Review
from rounds import selectors, services
from rounds.models import Round, RoundIsClosed, RoundItem
from tests.factories import RecommendationFactory, ReviewFactory, status_update

from .conftest import DEADLINE, TODAY, assess, owned, report

pytestmark = pytest.mark.django_db
Publication, Assessment = StatusUpdate.Publication, StatusUpdate.Assessment


def in_scope(round):
    return set(round.items.values_list("recommendation__number", flat=True))


class TestOpening:
    def test_every_open_recommendation_of_the_reviews_is_in_scope(self, round, recs):
        assert in_scope(round) == {"1", "2", "3", "4", "5"}  # not 6, resolved
        assert round.is_open and round.opened_by.username == "editor"

    def test_a_round_covers_several_reviews(self, recs, review, editor, agencies):
        other = ReviewFactory(short_name="Assembly 2023", published_on=datetime.date(2023, 3, 1))
        owned(other, "1", agencies["fire"])
        round = services.open_round(
            title="Both", reviews=[review, other], deadline=DEADLINE, opened_by=editor, today=TODAY
        )
        assert round.items.count() == 6
        assert selectors.first_review(round) == review  # published 2016, the earlier

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"title": "  "}, "title"),
            ({"title": "x" * 81}, "title"),
            ({"deadline": None}, "deadline"),
            ({"deadline": TODAY - datetime.timedelta(days=1)}, "deadline"),
            ({"reviews": []}, "reviews"),
        ],
    )
    def test_bad_input_is_refused_by_field(self, recs, review, editor, values, field):
        arguments = {"title": "Progress", "reviews": [review], "deadline": DEADLINE, **values}
        with pytest.raises(ValidationError) as raised:
            services.open_round(opened_by=editor, today=TODAY, **arguments)
        assert field in raised.value.message_dict
        assert not Round.objects.exists()

    def test_only_one_round_is_open_at_a_time(self, round, review, editor):
        with pytest.raises(ValidationError, match="still open"):
            services.open_round(
                title="Another", reviews=[review], deadline=DEADLINE, opened_by=editor
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Round.objects.create(title="Bypassing the service", deadline=DEADLINE)

    def test_only_editors_open_rounds(self, recs, review, police_contributor, reviewer):
        for user in (police_contributor, reviewer):
            with pytest.raises(ValidationError, match="Only MOPAC editors"):
                services.open_round(title="No", reviews=[review], deadline=DEADLINE, opened_by=user)

    def test_opening_and_the_scope_are_in_the_audit_trail(self, round, editor):
        record = round.history.earliest()
        assert (record.history_type, record.history_user) == ("+", editor)
        # Setting the reviews is recorded too, with them.
        latest = round.history.latest()
        assert [r.review for r in latest.reviews.all()] == list(round.reviews.all())
        assert RoundItem.history.filter(round_id=round.pk).count() == 5


class TestScope:
    def test_editors_add_and_remove_recommendations(self, round, recs, editor):
        extra = RecommendationFactory(number="99", is_restricted=True)
        added = services.add_to_scope(
            round=round, recommendations=[extra, recs["police"]], added_by=editor
        )
        assert added == 1  # the police one was already in
        removed = services.remove_from_scope(
            round=round, recommendations=[recs["fire"]], removed_by=editor
        )
        assert removed == 1
        assert in_scope(round) == {"1", "2", "4", "5", "99"}
        assert RoundItem.history.filter(history_type="-").count() == 1

    def test_contributors_cannot_change_the_scope(self, round, recs, police_contributor):
        with pytest.raises(ValidationError):
            services.remove_from_scope(
                round=round, recommendations=[recs["police"]], removed_by=police_contributor
            )

    def test_title_and_deadline_change_while_open(self, round, editor):
        later = DEADLINE + datetime.timedelta(days=14)
        services.edit_round(round=round, title="Renamed", deadline=later, changed_by=editor)
        round.refresh_from_db()
        assert (round.title, round.deadline) == ("Renamed", later)


class TestReports:
    def test_contributors_report_on_their_own_agencies_only(self, round, recs, police_contributor):
        update = report(round, recs["police"], police_contributor)
        assert (update.assessment, update.publication) == (Assessment.OWNER, Publication.DRAFT)
        assert update.reported_on_behalf_of is None
        with pytest.raises(ValidationError, match="your agencies"):
            report(round, recs["fire"], police_contributor)

    def test_mopac_reports_on_behalf_of_an_owner_and_it_is_marked(
        self, round, recs, editor, agencies
    ):
        with pytest.raises(ValidationError) as raised:
            report(round, recs["silent"], editor)
        assert "on_behalf_of" in raised.value.message_dict
        with pytest.raises(ValidationError) as raised:
            report(round, recs["silent"], editor, on_behalf_of=agencies["police"])
        assert "on_behalf_of" in raised.value.message_dict
        update = report(round, recs["silent"], editor, on_behalf_of=agencies["silent"])
        assert update.reported_on_behalf_of == agencies["silent"]

    def test_contributors_cannot_report_on_behalf(self, round, recs, police_contributor):
        with pytest.raises(ValidationError):
            report(
                round,
                recs["police"],
                police_contributor,
                on_behalf_of=recs["police"].owners.get(),
            )

    def test_the_database_keeps_on_behalf_to_owners_reports(self, recs, agencies):
        with pytest.raises(IntegrityError), transaction.atomic():
            StatusUpdate.objects.create(
                recommendation=recs["police"],
                status=Status.IN_PROGRESS,
                status_date=TODAY,
                assessment=Assessment.MOPAC,
                reported_on_behalf_of=agencies["police"],
            )

    def test_reports_need_a_narrative_and_a_recommendation_in_scope(
        self, round, recs, police_contributor
    ):
        with pytest.raises(ValidationError) as raised:
            report(round, recs["police"], police_contributor, narrative=" ")
        assert "narrative" in raised.value.message_dict
        with pytest.raises(ValidationError, match="not in this round"):
            report(round, recs["done"], police_contributor)

    def test_a_second_assessment_revises_the_round_s_draft(self, round, recs, editor):
        first = assess(round, recs["police"], editor, status=Status.IN_PROGRESS)
        second = assess(round, recs["police"], editor, status=Status.RESOLVED)
        assert first.pk == second.pk
        assert StatusUpdate.objects.get(pk=first.pk).status == Status.RESOLVED

    def test_contributors_do_not_assess(self, round, recs, police_contributor):
        with pytest.raises(ValidationError):
            assess(round, recs["police"], police_contributor)


def publishable(round, recs, editor, police_contributor):
    report(round, recs["police"], police_contributor, status=Status.IN_PROGRESS)
    assess(round, recs["police"], editor, status=Status.RESOLVED)
    assess(round, recs["fire"], editor, status=Status.IN_PROGRESS, narrative="Fire: under way.")
    assess(round, recs["secret"], editor, narrative="SECRETTEXT assessed.")


def shown_in(report):
    """{number: status} of the public recommendations as published in ``report``."""
    queryset = public_selectors.with_shown_status(
        PublishedRecommendation.objects.all(),
        report=PublishedReview.objects.get(source_id=report.pk),
    )
    return dict(queryset.values_list("number", "shown_status"))


class TestPublishing:
    def test_publishing_makes_the_report_publishes_the_assessments_and_closes_the_round(
        self, round, recs, review, editor, police_contributor
    ):
        earlier = ReviewFactory(kind=Review.Kind.PROGRESS_REPORT, slug="progress-2017")
        status_update(recs["police"], status=Status.IN_PROGRESS, source_review=earlier)
        publishable(round, recs, editor, police_contributor)
        report_before = shown_in(earlier)

        new = services.publish_round(round=round, published_by=editor, today=TODAY)

        assert (new.kind, new.follows_up, new.published_on) == (
            Review.Kind.PROGRESS_REPORT,
            review,
            TODAY,
        )
        assert (new.slug, new.short_name, new.author_body) == (
            "progress-report-2030",
            "Progress report 2030",
            "MOPAC for the Mayor of London",
        )
        published = StatusUpdate.objects.filter(source_review=new)
        assert published.count() == 3
        assert set(published.values_list("publication", flat=True)) == {Publication.PUBLISHED}
        # The owner's report stays a draft; MOPAC's assessment is the new current status.
        assert StatusUpdate.objects.drafts().filter(assessment=Assessment.OWNER).count() == 1
        recs["police"].refresh_from_db()
        assert recs["police"].current_status == Status.RESOLVED
        shown = shown_in(new)
        assert (shown["1"], shown["3"], shown["2"]) == (
            Status.RESOLVED,
            Status.IN_PROGRESS,
            Status.NOT_ASSESSED,
        )
        # Earlier reports' snapshots do not change.
        assert shown_in(earlier) == report_before
        round.refresh_from_db()
        assert (round.state, round.report, round.closed_at is not None) == (
            Round.State.CLOSED,
            new,
            True,
        )
        # Restricted assessments are published but never public.
        assert not StatusUpdate.objects.public().filter(narrative__contains="SECRETTEXT")
        assert not PublishedTimelineEntry.objects.filter(narrative__contains="SECRETTEXT")

    def test_a_failure_half_way_writes_nothing(
        self, round, recs, editor, police_contributor, monkeypatch
    ):
        publishable(round, recs, editor, police_contributor)
        real_publish, calls = recommendation_services.publish_update, []

        def publish_then_fail(update, **kwargs):
            calls.append(update.pk)
            if len(calls) == 2:
                raise RuntimeError("the database went away")
            return real_publish(update, **kwargs)

        monkeypatch.setattr(recommendation_services, "publish_update", publish_then_fail)
        reviews_before = Review.objects.count()
        with pytest.raises(RuntimeError):
            services.publish_round(round=round, published_by=editor, today=TODAY)
        assert len(calls) == 2
        assert Review.objects.count() == reviews_before
        assert not selectors.round_updates(round).published()
        assert not StatusUpdate.objects.exclude(source_review=None).exists()
        round.refresh_from_db()
        assert round.is_open and round.report is None
        recs["police"].refresh_from_db()
        assert recs["police"].current_status == Status.NOT_ASSESSED

    def test_nothing_to_publish_is_refused(self, round, editor):
        with pytest.raises(ValidationError, match="Nothing to publish"):
            services.publish_round(round=round, published_by=editor)

    def test_only_editors_publish(self, round, recs, editor, reviewer, police_contributor):
        publishable(round, recs, editor, police_contributor)
        for user in (reviewer, police_contributor):
            with pytest.raises(ValidationError, match="Only MOPAC editors"):
                services.publish_round(round=round, published_by=user)

    def test_the_slug_is_unique(self, round, recs, editor, police_contributor):
        ReviewFactory(slug="progress-report-2030")
        publishable(round, recs, editor, police_contributor)
        assert services.publish_round(round=round, published_by=editor).slug == (
            "progress-report-2030-2"
        )


class TestClosedRound:
    @pytest.fixture
    def closed(self, round, recs, editor, police_contributor):
        publishable(round, recs, editor, police_contributor)
        services.publish_round(round=round, published_by=editor, today=TODAY)
        round.refresh_from_db()
        return round

    def test_services_refuse_every_change(self, closed, recs, editor, police_contributor):
        attempts = [
            lambda: services.edit_round(
                round=closed, title="Again", deadline=DEADLINE, changed_by=editor
            ),
            lambda: services.add_to_scope(
                round=closed, recommendations=[recs["done"]], added_by=editor
            ),
            lambda: services.remove_from_scope(
                round=closed, recommendations=[recs["police"]], removed_by=editor
            ),
            lambda: report(closed, recs["shared"], police_contributor),
            lambda: assess(closed, recs["shared"], editor),
            lambda: services.publish_round(round=closed, published_by=editor),
        ]
        for attempt in attempts:
            with pytest.raises(RoundIsClosed):
                attempt()

    def test_the_models_refuse_too(self, closed, recs):
        closed.state = Round.State.OPEN
        with pytest.raises(RoundIsClosed):
            closed.save()
        with pytest.raises(RoundIsClosed):
            closed.delete()
        with pytest.raises(RoundIsClosed):
            closed.items.first().delete()
        with pytest.raises(RoundIsClosed):
            RoundItem(round=closed, recommendation=recs["done"]).save()

    def test_the_database_keeps_state_report_and_close_time_together(self, closed):
        with pytest.raises(IntegrityError), transaction.atomic():
            Round.objects.filter(pk=closed.pk).update(state=Round.State.OPEN)
        with pytest.raises(IntegrityError), transaction.atomic():
            Round.objects.filter(pk=closed.pk).update(report=None)

    def test_a_new_round_may_open_once_the_last_is_closed(self, closed, review, editor):
        services.open_round(
            title="Progress report 2031", reviews=[review], deadline=DEADLINE, opened_by=editor
        )
        assert Round.objects.open().count() == 1

    def test_the_closed_round_keeps_its_counts(self, closed):
        # Reports and assessments are counted within the time the round was open.
        assert selectors.totals(closed) == {
            "in_scope": 5,
            "reported": 1,
            "assessed": 3,
            "outstanding": 4,
        }
