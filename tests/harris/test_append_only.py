"""The database itself refuses to rewrite history (harris/append_only.py): raw SQL,
``QuerySet.update()`` and ``_raw_delete`` cannot change or delete published and withheld status
updates, target date changes or audit rows, on SQLite and PostgreSQL alike; drafts stay
editable; and flushing the database (between transactional tests, ``manage.py flush``) still
works."""

import datetime

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal, sql_flush
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.models import HistoricalChanges

from harris import append_only
from recommendations import services
from recommendations.models import Role, StatusUpdate, TargetDateChange
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    RecommendationFactory,
    RecommendationLinkFactory,
    RecommendationOwnerFactory,
    UserFactory,
    staff_user,
    status_update,
)
from tests.rounds.factories import ReminderSentFactory, RoundFactory, RoundItemFactory

Publication = StatusUpdate.Publication
STATUS_REFUSED = "status history is append-only"
TARGET_REFUSED = "target date history is append-only"
AUDIT_REFUSED = "the audit trail is append-only"


# Every django-simple-history model of every app.
HISTORY_MODELS = [
    model for model in global_apps.get_models() if issubclass(model, HistoricalChanges)
]


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def refused(message):
    """Expect the statement to be refused by the trigger: IntegrityError with ``message``."""
    return pytest.raises(IntegrityError, match=message)


def raw_update(model, pk, column):
    table, pk_column = connection.ops.quote_name(model._meta.db_table), model._meta.pk.column
    column = connection.ops.quote_name(column)
    sql(f"UPDATE {table} SET {column} = {column} WHERE {pk_column} = %s", [pk])


def raw_delete(model, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    sql(f"DELETE FROM {table} WHERE {model._meta.pk.column} = %s", [pk])


def assert_all_refused(model, pk, changes, column, message):
    """Raw UPDATE, raw DELETE, ``QuerySet.update()`` and ``_raw_delete`` are all refused, each
    inside its own savepoint so the test's transaction stays usable."""
    rows = model._base_manager.filter(pk=pk)
    attempts = [
        lambda: raw_update(model, pk, column),
        lambda: raw_delete(model, pk),
        lambda: rows.update(**changes),
        lambda: rows._raw_delete(connection.alias),
    ]
    for attempt in attempts:
        with refused(message), transaction.atomic():
            attempt()
    assert rows.exists()


@pytest.fixture
def editor_user(db):
    return staff_user(Role.EDITOR, username="history-editor")


@pytest.mark.django_db
class TestStatusUpdates:
    @pytest.mark.parametrize("publication", [Publication.PUBLISHED, Publication.WITHHELD])
    def test_published_and_withheld_updates_cannot_be_changed_or_deleted(self, publication):
        update = status_update(
            RecommendationFactory(),
            publication=publication,
            withheld_reason="Operationally sensitive." if publication == "withheld" else "",
        )
        assert_all_refused(
            StatusUpdate, update.pk, {"narrative": "Rewritten."}, "narrative", STATUS_REFUSED
        )
        update.refresh_from_db()
        assert update.narrative == "Work is under way."
        assert update.publication == publication

    def test_the_message_says_what_to_do(self):
        update = status_update(RecommendationFactory())
        with pytest.raises(IntegrityError) as refusal, transaction.atomic():
            StatusUpdate.objects.filter(pk=update.pk).update(status="resolved")
        assert append_only.STATUS_UPDATE_MESSAGE in str(refusal.value)

    def test_a_published_update_cannot_go_back_to_draft(self):
        update = status_update(RecommendationFactory())
        with refused(STATUS_REFUSED), transaction.atomic():
            StatusUpdate.objects.filter(pk=update.pk).update(publication=Publication.DRAFT)

    def test_a_draft_can_still_be_edited_and_published(self, editor_user):
        draft = status_update(RecommendationFactory(), publication=Publication.DRAFT)
        StatusUpdate.objects.filter(pk=draft.pk).update(narrative="Edited by SQL.")
        draft.refresh_from_db()
        draft.narrative = "Edited through the services."
        services.edit_draft(draft, changed_by=editor_user)
        published = services.publish_update(draft, published_by=editor_user)
        published.refresh_from_db()
        assert published.publication == Publication.PUBLISHED
        assert published.narrative == "Edited through the services."
        with refused(STATUS_REFUSED), transaction.atomic():
            StatusUpdate.objects.filter(pk=draft.pk).update(narrative="Too late.")

    def test_a_draft_can_be_withheld(self, editor_user):
        draft = status_update(RecommendationFactory(), publication=Publication.DRAFT)
        services.publish_update(
            draft,
            published_by=editor_user,
            publication=Publication.WITHHELD,
            withheld_reason="Operationally sensitive.",
        )
        assert StatusUpdate.objects.get(pk=draft.pk).publication == Publication.WITHHELD

    def test_the_database_would_let_a_draft_be_deleted(self):
        """Only the Python guard refuses deleting a draft: the triggers keep published and
        withheld updates, which is what the public has seen."""
        draft = status_update(RecommendationFactory(), publication=Publication.DRAFT)
        raw_delete(StatusUpdate, draft.pk)
        assert not StatusUpdate.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_target_date_changes_cannot_be_changed_or_deleted(editor_user):
    recommendation = RecommendationFactory()
    recommendation.target_date = datetime.date(2026, 1, 1)
    services.save_recommendation(recommendation, changed_by=editor_user)
    change = TargetDateChange.objects.get()
    assert_all_refused(
        TargetDateChange, change.pk, {"reason": "Rewritten."}, "reason", TARGET_REFUSED
    )
    assert TargetDateChange.objects.get().new_date == datetime.date(2026, 1, 1)


@pytest.fixture
def audit_trail(editor_user):
    """A row in every history table, most of them made by ``editor_user``."""
    recommendation = RecommendationFactory()
    RecommendationOwnerFactory(recommendation=recommendation)
    RecommendationLinkFactory(source=recommendation)
    AgencyMembershipFactory(agency=AgencyFactory())
    status_update(recommendation, recorded_by=editor_user)
    recommendation.target_date = datetime.date(2026, 1, 1)
    services.save_recommendation(recommendation, changed_by=editor_user)
    round = RoundFactory(reviews=[recommendation.review])
    RoundItemFactory(round=round, recommendation=recommendation)
    ReminderSentFactory(round=round)
    return recommendation


def test_every_history_model_is_protected():
    protected = {protected.table for protected in append_only.protected_tables()}
    assert {model._meta.db_table for model in HISTORY_MODELS} <= protected
    names = {model.__name__ for model in HISTORY_MODELS}
    assert {
        "HistoricalStatusUpdate",
        "HistoricalTargetDateChange",
        "HistoricalRecommendation",
        "HistoricalReview",
        "HistoricalRound",
        "HistoricalRound_reviews",
        "HistoricalRoundItem",
        "HistoricalReminderSent",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model.__name__)
def test_audit_rows_cannot_be_changed_or_deleted(audit_trail, model):
    row = model._base_manager.order_by("pk").first()
    assert row is not None, f"the fixture made no {model.__name__} row"
    fields = {field.name for field in model._meta.get_fields()}
    if "history_change_reason" in fields:
        changes, column = {"history_change_reason": "Rewritten."}, "history_change_reason"
    else:  # The history of a many-to-many field has no reason to rewrite: try its key.
        changes, column = {model._meta.pk.name: F(model._meta.pk.name)}, model._meta.pk.column
    assert_all_refused(model, row.pk, changes, column, AUDIT_REFUSED)
    with refused(AUDIT_REFUSED), transaction.atomic():
        model._base_manager.all().delete()


@pytest.mark.django_db
class TestDeletedUsers:
    """Deleting a user sets ``history_user`` to NULL in the audit rows they made (simple-history's
    ``on_delete=SET_NULL``): the one UPDATE the audit trail lets through."""

    def test_a_user_who_made_changes_can_still_be_deleted(self):
        user = UserFactory(username="leaver")
        agency = AgencyFactory()
        agency.name = "Renamed agency"
        agency._history_user = user
        agency.save()
        History = agency.history.model
        assert History.objects.filter(history_user=user).count() == 1
        user.delete()
        row = History.objects.get(name="Renamed agency")
        assert row.history_user_id is None
        assert row.history_type == "~"

    def test_attribution_cannot_be_moved_to_someone_else(self, editor_user):
        other = UserFactory(username="someone-else")
        agency = AgencyFactory()
        agency._history_user = editor_user
        agency.save()
        rows = agency.history.model.objects.filter(history_user=editor_user)
        with refused(AUDIT_REFUSED), transaction.atomic():
            rows.update(history_user=other)

    def test_clearing_the_user_cannot_hide_another_change(self, editor_user):
        agency = AgencyFactory()
        agency._history_user = editor_user
        agency.save()
        rows = agency.history.model.objects.filter(history_user=editor_user)
        with refused(AUDIT_REFUSED), transaction.atomic():
            rows.update(history_user=None, name="Rewritten")
        with refused(AUDIT_REFUSED), transaction.atomic():
            rows.update(history_user=None, history_date=timezone.now())
        assert rows.get().name == agency.name


@pytest.mark.django_db
def test_every_migrate_puts_the_triggers_back():
    """A migration that rebuilds a table on SQLite drops its triggers: migrate restores them."""
    update = status_update(RecommendationFactory())
    append_only.uninstall(connection)
    StatusUpdate.objects.filter(pk=update.pk).update(narrative="Rewritten while unguarded.")
    emit_post_migrate_signal(0, False, connection.alias, apps=global_apps, plan=[])
    with refused(STATUS_REFUSED), transaction.atomic():
        StatusUpdate.objects.filter(pk=update.pk).update(narrative="Rewritten again.")


def published_history():
    """Published and withheld updates, a target date change and their audit rows."""
    editor = staff_user(Role.EDITOR, username="flush-editor")
    recommendation = RecommendationFactory()
    status_update(recommendation, recorded_by=editor)
    status_update(recommendation, publication=Publication.WITHHELD, withheld_reason="Sensitive.")
    recommendation.target_date = datetime.date(2026, 1, 1)
    services.save_recommendation(recommendation, changed_by=editor)


def assert_history_empty():
    for protected in append_only.protected_tables():
        table = connection.ops.quote_name(protected.table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            assert cursor.fetchone()[0] == 0, f"{protected.table} was not emptied"


def assert_still_guarded():
    update = status_update(RecommendationFactory())
    with refused(STATUS_REFUSED), transaction.atomic():
        raw_delete(StatusUpdate, update.pk)


@pytest.mark.django_db(transaction=True)
class TestFlush:
    """Transactional tests empty the database by flushing it: SQLite with DELETE, which the
    triggers would refuse, PostgreSQL with TRUNCATE, which fires no row trigger. These run in
    order: the second sees what the first left behind."""

    def test_history_is_written(self):
        published_history()
        assert StatusUpdate.objects.published().exists()

    def test_the_next_test_starts_empty_and_still_guarded(self):
        assert_history_empty()
        assert_still_guarded()

    def test_manage_py_flush(self):
        published_history()
        call_command("flush", interactive=False, verbosity=0)
        assert_history_empty()
        assert_still_guarded()

    def test_flush_resetting_sequences_and_cascading(self):
        published_history()
        statements = sql_flush(no_style(), connection, reset_sequences=True, allow_cascade=True)
        connection.ops.execute_sql_flush(statements)
        assert_history_empty()
        assert_still_guarded()
