"""Every state change of loading a review from its document, and the steps that lead to them.

Reading and parsing write nothing. The proposals staff check and correct are kept in their
session (``store_draft``, ``correct_row``, ``discard_draft``) until they confirm; only
``import_rows`` writes recommendations, through ``RecommendationResource`` (which calls the
recommendations services, so every change is audited with the user), in one transaction.
"""

import csv
import io
import secrets
from pathlib import Path

import tablib
from django.db import transaction

from recommendations.models import Agency
from recommendations.resources import COLUMNS, RecommendationResource

from .numbering import NumberingError
from .parser import AgencyName, parse
from .readers import ReadError, check_size, kind_of, read_document

SESSION_KEY = "extraction_drafts"
KEPT_DRAFTS = 3
ROW_FIELDS = ("number", "section", "text", "lead_owner", "owners", "status", "narrative")


class ExtractionError(Exception):
    """The document cannot be turned into recommendations; the message says why."""


class ImportRefused(Exception):
    """The rows no longer pass the import's checks; nothing was written."""

    def __init__(self, result):
        super().__init__("The rows no longer pass the import's checks: nothing was imported.")
        self.result = result


def agency_names():
    """The agencies to look for in recommendation texts, as stored."""
    return [AgencyName.from_agency(agency) for agency in Agency.objects.all()]


def extract(*, name, data, style="auto", kind="auto"):
    """Read and parse a document given as bytes: an ``Extraction``, or ExtractionError."""
    try:
        document = read_document(name, data)
        return parse(document, agencies=agency_names(), style=style, kind=kind)
    except (ReadError, NumberingError) as error:
        raise ExtractionError(str(error)) from error


def extract_upload(*, upload, style="auto", kind="auto"):
    """An uploaded file's recommendations. Its size and type are checked before it is read."""
    try:
        check_size(upload.size, upload.name)
        kind_of(upload.name)
    except ReadError as error:
        raise ExtractionError(str(error)) from error
    return extract(name=upload.name, data=upload.read(), style=style, kind=kind)


def extract_file(*, path, style="auto", kind="auto"):
    """A file's recommendations. Its size and type are checked before it is read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        check_size(size, path.name)
        kind_of(path.name)
        data = path.read_bytes()
    except ReadError as error:
        raise ExtractionError(str(error)) from error
    except OSError as error:
        raise ExtractionError(f"{path}: {error.strerror}") from error
    return extract(name=path.name, data=data, style=style, kind=kind)


def proposal_rows(extraction):
    """The proposals as plain rows (what the session keeps and staff correct)."""
    return [
        {
            "number": p.number,
            "section": p.section,
            "text": p.text,
            "narrative": p.narrative,
            "status": p.status,
            "status_sentence": p.status_sentence,
            "lead_owner": p.lead_owner,
            "owners": list(p.owners),
            "source": p.source,
            "page": p.page,
            "position": p.position,
            "include": True,
        }
        for p in extraction.proposals
    ]


def import_table(*, review_slug, rows, update_date=None, publication="draft", citation=""):
    """The rows in the import's columns (``recommendations.resources.COLUMNS``): only the
    columns extraction fills, so an import never blanks what staff entered elsewhere. The
    narratives and statuses become updates only with an ``update_date``."""
    with_updates = update_date is not None and any(row.get("status") for row in rows)
    filled = {"review", "number", "position", "section", "text", "lead_owner", "owners"}
    if with_updates:
        filled |= {
            "update_status", "update_date", "update_publication", "update_narrative",
            "update_source_citation",
        }  # fmt: skip
    headers = [column for column in COLUMNS if column in filled]
    table = []
    for row in rows:
        if not row.get("include", True):
            continue
        values = {
            "review": review_slug,
            "number": row["number"],
            "position": str(row["position"]),
            "section": row["section"],
            "text": row["text"],
            "lead_owner": row["lead_owner"],
            "owners": "; ".join(row["owners"]),
        }
        if with_updates and row.get("status"):
            values.update(
                update_status=row["status"],
                update_date=update_date.isoformat(),
                update_publication=publication,
                update_narrative=row["narrative"],
                update_source_citation=citation,
            )
        table.append([values.get(column, "") for column in headers])
    return headers, table


def write_csv(headers, table, stream):
    """Write the import table as CSV to a text stream."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(table)


def dataset(headers, table):
    """The import table as the dataset the resource reads (exactly what its CSV would give)."""
    buffer = io.StringIO()
    write_csv(headers, table, buffer)
    return tablib.Dataset().load(buffer.getvalue(), format="csv")


def dry_run(*, headers, table, user):
    """Check the rows through the import without writing anything: the import's result."""
    return RecommendationResource(user=user).import_data(
        dataset(headers, table),
        dry_run=True,
        user=user,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )


def import_rows(*, headers, table, user):
    """Write the rows through the import, all or nothing; ImportRefused if any row fails."""
    with transaction.atomic():
        result = RecommendationResource(user=user).import_data(
            dataset(headers, table),
            dry_run=False,
            user=user,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        if result.has_errors() or result.has_validation_errors():
            transaction.set_rollback(True)
            raise ImportRefused(result)
    return result


# ---- the proposals staff are checking, kept in their session until they confirm ----


def store_draft(*, session, extraction, review, update_date=None, publication="draft"):
    """Keep an extraction's proposals in the session for checking; returns its token. Only
    the latest few drafts are kept."""
    token = secrets.token_urlsafe(8)
    drafts = dict(session.get(SESSION_KEY, {}))
    drafts[token] = {
        "review": review.slug,
        "review_name": str(review),
        "name": extraction.name,
        "style": extraction.style,
        "progress": extraction.progress,
        "update_date": update_date.isoformat() if update_date else "",
        "publication": publication,
        "report": extraction.report(),
        "numbering": [*extraction.gaps, *extraction.duplicates],
        "rows": proposal_rows(extraction),
    }
    for old in list(drafts)[:-KEPT_DRAFTS]:
        del drafts[old]
    session[SESSION_KEY] = drafts
    return token


def get_draft(*, session, token):
    """The draft with this token, or None."""
    return session.get(SESSION_KEY, {}).get(token)


def correct_row(*, session, token, index, values):
    """Replace the fields ``ROW_FIELDS`` (and ``include``) of one proposal with staff's
    corrections; the source text is kept as read."""
    drafts = dict(session.get(SESSION_KEY, {}))
    row = drafts[token]["rows"][index]
    for name in (*ROW_FIELDS, "include"):
        if name in values:
            row[name] = values[name]
    row["corrected"] = True
    session[SESSION_KEY] = drafts
    session.modified = True
    return row


def discard_draft(*, session, token):
    """Forget a draft (after its import, or when staff abandon it)."""
    drafts = dict(session.get(SESSION_KEY, {}))
    drafts.pop(token, None)
    session[SESSION_KEY] = drafts
