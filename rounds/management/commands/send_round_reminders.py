"""``manage.py send_round_reminders``: email contributors whose owner's reports are due.

Run daily from cron. Each contributor with outstanding reports in the open round is emailed
once when the deadline is ROUND_REMINDER_DAYS days away or nearer, and once more when it has
passed. Sent reminders are logged, so running again sends nothing new; a reminder that fails
to send is not logged, so the next run retries it, and the command exits non-zero.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone

from rounds import selectors, services


class Command(BaseCommand):
    help = "Email each contributor whose reports in the open progress round are due or overdue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD); defaults to today.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be emailed; send nothing."
        )

    def handle(self, *args, **options):
        """Send each reminder due today, each in its own transaction with its log row."""
        today = options["date"] or timezone.localdate()
        round = selectors.current_round()
        if round is None:
            self.stdout.write("No progress round is open: nothing to send.")
            return
        due = selectors.reminders_due(round, today)
        if not due:
            self.stdout.write(f"{round}: no reminders due on {today:%Y-%m-%d}.")
            return
        failures = []
        for user, kind, items in due:
            what = f"{kind.label.lower()} reminder to {user.email} ({len(items)} outstanding)"
            if options["dry_run"]:
                self.stdout.write(f"Would send {what}.")
                continue
            try:
                services.send_reminder(
                    round=round, user=user, kind=kind, recommendations=items, today=today
                )
            except IntegrityError:
                # Another run sent it between our check and our send.
                self.stdout.write(f"Skipped {what}: already sent.")
            except Exception as error:  # SMTP or network: report it, keep going, retry later.
                failures.append(f"{what}: {error}")
                self.stderr.write(f"FAILED {what}: {error}")
            else:
                self.stdout.write(f"Sent {what}.")
        if failures:
            raise CommandError(
                f"{len(failures)} reminder(s) could not be sent and will be retried on the next "
                "run."
            )
