"""``manage.py import_recommendations FILE``: the admin's spreadsheet import, for scripts.

Reads a CSV or XLSX file in the admin's columns (see ``recommendations.resources``), checks
every row, and writes all of it or nothing: any row error is listed by row number and the
database is left unchanged. ``--dry-run`` checks without writing.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.management.base import BaseCommand, CommandError
from import_export.formats.base_formats import CSV, XLSX
from tqdm import tqdm

from recommendations.resources import RecommendationResource

FORMATS = {".csv": CSV, ".xlsx": XLSX}


class Command(BaseCommand):
    help = (
        "Import recommendations (and their owners and next status updates) from a CSV or XLSX "
        "file with the admin's columns. All rows are written, or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv or .xlsx file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and write nothing."
        )
        parser.add_argument(
            "--user",
            help="Import as this user: their role and agencies apply and the audit trail names "
            "them. Without it the import runs as the system, with no limits.",
        )
        parser.add_argument(
            "--encoding", default="utf-8-sig", help="Of a CSV file (default: utf-8-sig)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        dataset = self.read(path, options["encoding"])
        user = self.user(options["user"])
        with tqdm(
            total=len(dataset),
            unit="row",
            desc="Checking" if options["dry_run"] else "Importing",
            file=options.get("stderr") or sys.stderr,
            disable=options["no_progress"],
        ) as bar:
            result = RecommendationResource(progress=bar.update, user=user).import_data(
                dataset,
                dry_run=options["dry_run"],
                user=user,
                use_transactions=True,
                rollback_on_validation_errors=True,
            )
        errors = list(self.errors(result))
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(f"{len(errors)} error(s) in {path.name}: nothing was imported.")
        totals = result.totals
        summary = (
            f"{totals['new']} new, {totals['update']} updated, {totals['skip']} unchanged "
            f"recommendation(s)"
        )
        if options["dry_run"]:
            self.stdout.write(f"Dry run, nothing written: {summary} would be imported.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {summary}."))

    def read(self, path, encoding):
        """The file as a dataset, or a CommandError saying why it cannot be read."""
        format_class = FORMATS.get(path.suffix.lower())
        if format_class is None:
            raise CommandError(f"{path.name}: give a .csv or .xlsx file.")
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        try:
            if format_class is CSV:
                return format_class().create_dataset(content.decode(encoding))
            return format_class().create_dataset(content)
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path.name} is not {encoding} text (byte {error.start}): save it as UTF-8 "
                "or pass --encoding."
            ) from error
        except Exception as error:  # the readers raise many kinds for a malformed file
            raise CommandError(
                f"{path.name} could not be read as {path.suffix}: {error}"
            ) from error

    def user(self, username):
        """The active user to import as, or None for the system."""
        if username is None:
            return None
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No active user {username!r}.") from error

    def errors(self, result):
        """One line per problem, "row N: column: message", counting rows from the first row
        under the header."""
        for error in result.base_errors:
            yield f"file: {error.error}"
        for number, row_errors in result.row_errors():
            for error in row_errors:
                yield f"row {number}: {error.error}"
        for row in result.invalid_rows:
            for field, messages in row.error_dict.items():
                where = (
                    f"row {row.number}"
                    if field == NON_FIELD_ERRORS
                    else f"row {row.number}: {field}"
                )
                for message in messages:
                    yield f"{where}: {message}"
