"""``manage.py restore_data FILE``: load a backup_data file into an empty, migrated database."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from public_data import projector
from recommendations.models import Agency, Recommendation, StatusUpdate
from reviews.models import Review


class Command(BaseCommand):
    help = (
        "Restore a backup_data file into an empty database (run migrate first). Refuses a "
        "database that already holds data, so a restore never mixes two states."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="The file written by backup_data.")

    def handle(self, *args, **options):
        occupied = [
            str(model._meta.verbose_name_plural)
            for model in (Review, Agency, Recommendation, StatusUpdate, get_user_model())
            if model.objects.exists()
        ]
        if occupied:
            raise CommandError(
                f"The database is not empty (it holds {', '.join(occupied)}): restore into a "
                "new database."
            )
        try:
            # The published store is projected from the restored rows, once, at the end.
            with projector.batch():
                call_command("loaddata", options["input"], verbosity=0)
        except Exception as error:  # loaddata raises many kinds; none may leave a half-restore
            raise CommandError(f"Nothing was restored: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored from {options['input']}"))
