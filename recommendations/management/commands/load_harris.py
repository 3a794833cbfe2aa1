"""``manage.py load_harris``: load the real review data from ``fixtures/``, idempotently."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommendations.loader import FixtureError, load_harris


class Command(BaseCommand):
    help = (
        "Load the reviews, agencies, recommendations and status history from the YAML data "
        "files. Safe to run again: it only adds what is missing; on any error nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures",
            default=str(settings.BASE_DIR / "fixtures"),
            help="Folder holding reviews.yaml, agencies.yaml and the recommendation files.",
        )

    def handle(self, *args, **options):
        try:
            report = load_harris(options["fixtures"])
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        for outcome in ("created", "changed"):
            for kind, count in sorted(getattr(report, outcome).items()):
                self.stdout.write(f"{outcome} {count} {kind}")
        if not report.wrote_anything:
            self.stdout.write("Already up to date: nothing changed.")
        self.stdout.write(self.style.SUCCESS("Harris data loaded."))
