"""What an import's dry run would write, row by row, for the admin's import preview.

The library's own preview shows either the failing rows alone (their errors behind a badge) or one
very wide table of every column. Staff need each row's recommendation, what it changes, the owners
and the update it would write, and each error named by its column, side by side on one screen.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from import_export.results import RowResult

from .models import Status, StatusUpdate
from .resources import UPDATE_COLUMNS

# Shown in their own column of the preview, or never written.
NOT_A_CHANGE = {*UPDATE_COLUMNS, "current_status", "current_status_date"}
LABELS = {
    "status": Status,
    "assessment": StatusUpdate.Assessment,
    "publication": StatusUpdate.Publication,
}

OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: "New",
    RowResult.IMPORT_TYPE_UPDATE: "Changes",
    RowResult.IMPORT_TYPE_SKIP: "Unchanged",
    RowResult.IMPORT_TYPE_INVALID: "Not valid",
    RowResult.IMPORT_TYPE_ERROR: "Not valid",
}


def _value(row, column):
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _update(row):
    """The update the row would record, choices by their labels where they are valid."""
    update = {name: _value(row, column) for column, name in UPDATE_COLUMNS.items()}
    if not any(update.values()):
        return None
    for name, choices in LABELS.items():
        if update[name] in choices.values:
            update[name] = choices(update[name]).label
    return update


def _outcome(row_result, changes, update):
    if row_result.import_type == RowResult.IMPORT_TYPE_UPDATE and not changes and update:
        return "Adds an update"
    return OUTCOMES.get(row_result.import_type, row_result.import_type)


def _errors(row_result):
    """{column: [messages]}, with row-wide messages under "row"."""
    errors = {}
    if row_result.validation_error is not None:
        for field, messages in row_result.validation_error.message_dict.items():
            errors["row" if field == NON_FIELD_ERRORS else field] = messages
    for error in row_result.errors:
        errors.setdefault("row", []).append(str(error.error))
    return errors


def _changes(result, row_result):
    """(column, diff HTML) for each of the recommendation's own columns the row changes."""
    if row_result.import_type not in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
        return []
    return [
        # The library's diff is already escaped HTML (diff_match_patch's), marked safe.
        (column, diff)
        for column, diff in zip(result.diff_headers, row_result.diff or [], strict=False)
        if column not in NOT_A_CHANGE and ("<ins" in diff or "<del" in diff)
    ]


def preview_rows(result):
    """One entry per data row of the file, numbered as the file's data rows are."""
    rows = []
    for number, row_result in enumerate(result.rows, start=1):
        values = row_result.row_values
        changes = _changes(result, row_result)
        update = _update(values)
        rows.append(
            {
                "number": number,
                "outcome": _outcome(row_result, changes, update),
                "review": _value(values, "review"),
                "label": _value(values, "number") or f"position {_value(values, 'position')}",
                "text": _value(values, "text"),
                "changes": changes,
                "lead_owner": _value(values, "lead_owner"),
                "owners": _value(values, "owners"),
                "update": update,
                "errors": _errors(row_result),
            }
        )
    return rows
