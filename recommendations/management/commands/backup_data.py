"""``manage.py backup_data FILE``: export every row the tracker holds to one XML file.

XML rather than JSON: Django's JSON encoder rounds times to the millisecond, and a backup must
give back exactly what it took.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by ``migrate`` or transient (the public data version starts afresh): not backed up.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "public_data"]


class Command(BaseCommand):
    help = (
        "Write all data (reviews, recommendations, history, audit trail, users and groups) to a "
        "file that restore_data can load into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="The file to write, e.g. backup.xml.")

    def handle(self, *args, **options):
        call_command(
            "dumpdata",
            format="xml",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            indent=1,
            output=options["output"],
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Backed up to {options['output']}"))
