"""``manage.py extract_recommendations FILE --review SLUG``: a report's numbered
recommendations as the import CSV (the columns ``import_recommendations`` and the admin take).

Reads a PDF, DOCX or text file; writes the CSV to ``--out`` (default standard output) and a
report of what it could not place to standard error. Gaps or duplicates in the numbering are an
error (non-zero exit, nothing written) unless ``--allow-gaps``.
"""

import datetime
import io

from django.core.management.base import BaseCommand, CommandError

from extraction import services
from extraction.numbering import CHOICES
from reviews.models import Review


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--update-date {value!r} is not a date in the form YYYY-MM-DD."
        ) from error


class Command(BaseCommand):
    help = (
        "Find the numbered recommendations in a report (PDF, DOCX or text) and write them as "
        "the import CSV, with a report of what could not be placed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The report: .pdf, .docx or .txt.")
        parser.add_argument("--review", required=True, help="The review's slug.")
        parser.add_argument("--out", help="Write the CSV here (default: standard output).")
        parser.add_argument(
            "--numbering",
            default="auto",
            choices=[name for name, _label in CHOICES],
            help="The numbering style (default: detect it).",
        )
        parser.add_argument(
            "--kind",
            default="auto",
            choices=["auto", "review", "progress"],
            help="A progress report has an update after each recommendation (default: detect).",
        )
        parser.add_argument(
            "--update-date",
            help="For a progress report: the date of its updates (YYYY-MM-DD). They are written "
            "as each recommendation's next status update.",
        )
        parser.add_argument(
            "--publication",
            default="draft",
            choices=["draft", "published"],
            help="Whether those updates are imported as drafts (default) or published.",
        )
        parser.add_argument(
            "--allow-gaps",
            action="store_true",
            help="Write the CSV even if the numbering has gaps or duplicates (they are listed).",
        )

    def handle(self, *args, **options):
        try:
            review = Review.objects.get(slug=options["review"])
        except Review.DoesNotExist as error:
            raise CommandError(
                f"There is no review with the slug {options['review']!r}."
            ) from error
        update_date = _date(options["update_date"]) if options["update_date"] else None
        try:
            extraction = services.extract_file(
                path=options["file"], style=options["numbering"], kind=options["kind"]
            )
        except services.ExtractionError as error:
            raise CommandError(str(error)) from error
        for line in extraction.report():
            self.stderr.write(line)
        if not extraction.numbering_ok and not options["allow_gaps"]:
            raise CommandError(
                "The numbering has gaps or duplicates (listed above): nothing was written. "
                "Check the document, or pass --allow-gaps to write the CSV anyway."
            )
        if extraction.progress and update_date is None:
            raise CommandError(
                "This is a progress report: pass --update-date YYYY-MM-DD (the date of its "
                "updates) to import them, or --kind review to leave them out. Nothing was written."
            )
        headers, table = services.import_table(
            review_slug=review.slug,
            rows=services.proposal_rows(extraction),
            update_date=update_date,
            publication=options["publication"],
            citation=extraction.name,
        )
        self.write(headers, table, options["out"])
        self.stderr.write(
            f"{len(table)} recommendation(s) from {extraction.name} "
            f"(numbered as “{extraction.style}”"
            f"{', restarting per chapter' if extraction.chaptered else ''}"
            f"{', with progress updates' if extraction.progress else ''})."
        )

    def write(self, headers, table, out):
        """The CSV to ``out``, or to standard output."""
        if not out:
            buffer = io.StringIO()
            services.write_csv(headers, table, buffer)
            self.stdout.write(buffer.getvalue(), ending="")
            return
        try:
            with open(out, "w", encoding="utf-8", newline="") as stream:
                services.write_csv(headers, table, stream)
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from error
