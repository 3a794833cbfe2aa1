"""Append-only history, enforced by the database: triggers that refuse UPDATE and DELETE.

The models already refuse to rewrite history (``StatusUpdate.save``/``delete``, the querysets'
``delete``), but ``QuerySet.update()``, ``_raw_delete`` and raw SQL go around Python. These
triggers refuse them in the database itself, on PostgreSQL and SQLite alike:

- ``recommendations_statusupdate``: a published or withheld update can be neither changed nor
  deleted (a draft can still be edited, published or withheld);
- ``recommendations_targetdatechange``: no row can be changed or deleted;
- the audit trail, every django-simple-history table of every app (found from the models, so a
  new ``HistoricalRecords`` is covered by the next ``migrate``): no row can be changed or
  deleted, with one exception. Deleting a user sets ``history_user`` to NULL in the rows they
  made (simple-history's ``on_delete=SET_NULL``), so an UPDATE that clears ``history_user_id``
  and changes nothing else is let through; deleting a staff user through the admin keeps
  working, while nothing a row records can be rewritten.

A refusal is an ``IntegrityError`` on both databases (SQLSTATE 23000 on PostgreSQL,
``RAISE(ABORT)`` on SQLite) whose message says the history is append-only.

Migration ``recommendations.0006_append_only_history`` installs the triggers, and every later
``migrate`` reinstalls them (``reinstall_after_migrate``): SQLite drops a table's triggers
whenever a migration rebuilds the table, and new history tables need theirs. ``flush`` leaves
them alone: PostgreSQL's TRUNCATE fires no row triggers, and the SQLite backend in
``harris/db/sqlite3`` lifts them around its DELETEs.

These guard against mistakes and against code that should not write here; a database role that
may drop triggers can still remove them.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from simple_history.models import HistoricalChanges

MIGRATION = ("recommendations", "0006_append_only_history")

STATUS_UPDATES = "recommendations_statusupdate"
TARGET_DATE_CHANGES = "recommendations_targetdatechange"

STATUS_UPDATE_MESSAGE = (
    "status history is append-only: a published or withheld update cannot be changed or "
    "deleted; record a correction"
)
TARGET_DATE_MESSAGE = (
    "target date history is append-only: a target date change cannot be changed or deleted; "
    "record a new change"
)
AUDIT_MESSAGE = "the audit trail is append-only: rows of {table} cannot be changed or deleted"

# Deleting a user clears this column in the audit rows they made (see the module docstring).
HISTORY_USER = "history_user_id"

# PostgreSQL: one function raises every refusal; each trigger passes it its message.
PG_FUNCTION = "harris_append_only_refuse"


@dataclass(frozen=True)
class Protected:
    """One append-only table and how its triggers refuse changes."""

    table: str
    message: str
    # SQL on OLD: only rows for which it holds are protected (None: every row).
    condition: str | None = None
    # An audit table with ``history_user_id``: its other columns, which the one UPDATE allowed
    # (clearing that column) must leave as they were. Empty: no UPDATE is allowed.
    kept_columns: tuple[str, ...] = ()


def protected_tables(apps=global_apps):
    """The append-only tables, from ``apps`` (a migration's model state or the live models)."""
    published = "OLD.publication IN ('published', 'withheld')"
    tables = [
        Protected(STATUS_UPDATES, STATUS_UPDATE_MESSAGE, condition=published),
        Protected(TARGET_DATE_CHANGES, TARGET_DATE_MESSAGE),
    ]
    for model in apps.get_models():
        if not issubclass(model, HistoricalChanges):
            continue
        table = model._meta.db_table
        columns = [field.column for field in model._meta.local_concrete_fields]
        kept = tuple(column for column in columns if column != HISTORY_USER)
        tables.append(
            Protected(
                table,
                AUDIT_MESSAGE.format(table=table),
                kept_columns=kept if HISTORY_USER in columns else (),
            )
        )
    return sorted(tables, key=lambda protected: protected.table)


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def _trigger_name(vendor, table, event):
    # SQLite trigger names are global; PostgreSQL's are per table (and cut at 63 characters).
    return f"{table}_append_only_{event}" if vendor == "sqlite" else f"append_only_{event}"


def _user_cleared_only(protected, vendor):
    """SQL true when an UPDATE only clears ``history_user_id`` (a deleted user's rows)."""
    cleared = f"OLD.{HISTORY_USER} IS NOT NULL AND NEW.{HISTORY_USER} IS NULL"
    if vendor == "postgresql":
        # The whole row but that column, so a column added later is covered without a change.
        unchanged = f"to_jsonb(OLD) - '{HISTORY_USER}' = to_jsonb(NEW) - '{HISTORY_USER}'"
    else:
        unchanged = " AND ".join(
            f'OLD."{column}" IS NEW."{column}"' for column in protected.kept_columns
        )
    return f"{cleared} AND {unchanged}"


def _triggers(protected, vendor):
    """(name suffix, SQL event, condition or None) for each trigger of the table."""
    if protected.kept_columns:
        return [
            ("delete", "DELETE", None),
            ("update", "UPDATE", f"NOT ({_user_cleared_only(protected, vendor)})"),
        ]
    if vendor == "postgresql":
        return [("change", "UPDATE OR DELETE", protected.condition)]
    # SQLite: a trigger has one event.
    return [
        ("update", "UPDATE", protected.condition),
        ("delete", "DELETE", protected.condition),
    ]


def create_statements(vendor, tables):
    """The SQL creating the triggers of ``tables`` (``Protected``) on ``vendor``."""
    if vendor == "postgresql":
        yield (
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "    RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], TABLE = TG_TABLE_NAME,\n"
            "        ERRCODE = 'integrity_constraint_violation';\n"
            "END\n"
            "$$"
        )
    for protected in tables:
        message = _literal(protected.message)
        action = (
            f"EXECUTE FUNCTION {PG_FUNCTION}({message})"
            if vendor == "postgresql"
            else f"BEGIN SELECT RAISE(ABORT, {message}); END"
        )
        for suffix, event, condition in _triggers(protected, vendor):
            name = _trigger_name(vendor, protected.table, suffix)
            when = f" WHEN ({condition})" if condition else ""
            yield (
                f'CREATE TRIGGER "{name}" BEFORE {event} ON "{protected.table}" '
                f"FOR EACH ROW{when} {action}"
            )


def drop_statements(vendor, tables):
    """The SQL dropping the triggers of ``tables`` where they exist."""
    for protected in tables:
        for suffix in ("change", "update", "delete"):
            name = _trigger_name(vendor, protected.table, suffix)
            on_table = f' ON "{protected.table}"' if vendor == "postgresql" else ""
            yield f'DROP TRIGGER IF EXISTS "{name}"{on_table}'


def _execute(connection, statements):
    if connection.vendor not in ("postgresql", "sqlite"):
        return  # No other database is supported; the Python guards still apply.
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection, apps=global_apps):
    """(Re)create every append-only trigger: each is dropped first, so this may run again."""
    tables = protected_tables(apps)
    vendor = connection.vendor
    _execute(connection, [*drop_statements(vendor, tables), *create_statements(vendor, tables)])


def uninstall(connection, apps=global_apps):
    """Drop every append-only trigger (and, on PostgreSQL, their function)."""
    statements = list(drop_statements(connection.vendor, protected_tables(apps)))
    if connection.vendor == "postgresql":
        statements.append(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    _execute(connection, statements)


def install_migration(apps, schema_editor):
    """RunPython forwards for the migration."""
    install(schema_editor.connection, apps)


def uninstall_migration(apps, schema_editor):
    """RunPython backwards for the migration."""
    uninstall(schema_editor.connection, apps)


def reinstall_after_migrate(sender, using, **kwargs):
    """post_migrate receiver: after ``migrate`` (not ``flush``), put back every trigger, with
    one for any new history table, once the migration that introduced them is applied."""
    if "plan" not in kwargs:
        return  # ``flush``: the triggers were left in place (see the module docstring).
    connection = connections[using]
    if MIGRATION in MigrationRecorder(connection).applied_migrations():
        install(connection, kwargs.get("apps") or global_apps)
