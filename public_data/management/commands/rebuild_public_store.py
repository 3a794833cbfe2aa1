"""``manage.py rebuild_public_store``: recreate the published store from the staff tables, or
with ``--check`` say whether it matches them (exit 1 with the differences when it does not)."""

from django.core.management.base import BaseCommand, CommandError

from public_data import projector
from public_data.models import PublishedCount, PublishedRecommendation


class Command(BaseCommand):
    help = "Recreate the published store from the staff tables and check that it matches them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing: report whether the store matches what the staff tables project.",
        )

    def handle(self, *args, check=False, **options):
        if not check:
            projector.rebuild()
            self.stdout.write(
                f"Rebuilt the published store: {PublishedRecommendation.objects.count()} public "
                f"recommendations, {PublishedCount.objects.count()} aggregate rows."
            )
        differences = projector.differences()
        if differences:
            for table, (extra, missing) in differences.items():
                self.stderr.write(
                    f"{table}: {len(extra)} row(s) only in the store, {len(missing)} row(s) "
                    "missing from it"
                )
            raise CommandError("The published store does not match the staff tables.")
        self.stdout.write("The published store matches the staff tables.")
