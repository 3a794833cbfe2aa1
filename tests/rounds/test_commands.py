"""``send_round_reminders`` against a real SMTP server on loopback (aiosmtpd): who is emailed
what, only what each reader may see, nothing twice, and a failed send retried next run."""

import datetime
import email
import socket
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command

from recommendations.models import Role
from rounds.models import ReminderSent
from tests.factories import staff_user

from .conftest import report

pytestmark = pytest.mark.django_db

DUE_SOON = "2030-06-23"  # the deadline, 30 June, is 7 days away
TOO_EARLY = "2030-06-22"
OVERDUE = "2030-07-01"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping each message received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        self.messages.append((envelope.rcpt_tos, message["Subject"], message.get_payload()))
        return "250 OK"

    def to(self, address):
        return [(subject, body) for rcpt, subject, body in self.messages if address in rcpt]


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 5
    settings.ROUND_REMINDER_DAYS = 7
    return port


@pytest.fixture
def smtp_server(smtp_port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def people(police_contributor, fire_contributor, editor, agencies):
    staff_user(Role.CONTRIBUTOR, agencies=[agencies["police"]], username="noemail", email="")
    staff_user(Role.CONTRIBUTOR, agencies=[agencies["fire"]], username="gone", is_active=False)
    return police_contributor, fire_contributor


def run(date, expect_failure=False):
    out, err = StringIO(), StringIO()
    if expect_failure:
        with pytest.raises(CommandError) as raised:
            call_command("send_round_reminders", "--date", date, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue(), str(raised.value)
    call_command("send_round_reminders", "--date", date, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), ""


def test_each_contributor_gets_their_own_outstanding_items_once(round, recs, people, smtp_server):
    fire = people[1]
    report(round, recs["shared"], fire)

    out, _, _ = run(DUE_SOON)

    assert set(ReminderSent.objects.values_list("user__username", "kind")) == {
        ("police", "due_soon"),
        ("fire", "due_soon"),
    }
    assert "Sent deadline approaching reminder to police@example.org (2 outstanding)" in out
    assert "to fire@example.org (1 outstanding)" in out
    [(subject, body)] = smtp_server.to("police@example.org")
    assert subject == "Due 30 June 2030: 2 owner's report(s) for Progress report 2030"
    assert "Recommendation 1: Police recommendation text." in body
    assert "Recommendation 4 (restricted: read it in the tracker)" in body
    assert "SECRETTEXT" not in body  # restricted texts never leave the tracker
    assert "Recommendation 2" not in body  # reported by the fire brigade
    assert "http://127.0.0.1:8000/admin/rounds/round/queue/" in body
    [(_, fire_body)] = smtp_server.to("fire@example.org")
    assert "Recommendation 3" in fire_body
    assert "Police recommendation text" not in fire_body  # not the fire brigade's to see
    assert len(smtp_server.messages) == 2  # no one without an address, inactive, or MOPAC

    out, _, _ = run(DUE_SOON)
    assert "no reminders due" in out
    assert len(smtp_server.messages) == 2


def test_nothing_before_the_reminder_window_and_again_once_overdue(
    round, recs, people, smtp_server
):
    assert "no reminders due" in run(TOO_EARLY)[0]
    run(DUE_SOON)
    report(round, recs["police"], people[0])
    out, _, _ = run(OVERDUE)
    assert "Sent deadline passed reminder to police@example.org (2 outstanding)" in out
    subjects = [subject for subject, _ in smtp_server.to("police@example.org")]
    assert subjects[-1] == "Overdue: 2 owner's report(s) for Progress report 2030"
    assert run(OVERDUE)[0].endswith("no reminders due on 2030-07-01.\n")


def test_no_email_for_those_with_nothing_outstanding(round, recs, people, smtp_server):
    fire = people[1]
    report(round, recs["shared"], fire)
    report(round, recs["fire"], fire)
    run(DUE_SOON)
    assert smtp_server.to("fire@example.org") == []


def test_with_smtp_down_nothing_is_logged_and_the_next_run_sends(round, recs, people, smtp_port):
    _, err, error = run(DUE_SOON, expect_failure=True)
    assert "2 reminder(s) could not be sent and will be retried" in error
    assert "FAILED deadline approaching reminder to police@example.org" in err
    assert not ReminderSent.objects.exists()

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        run(DUE_SOON)
    finally:
        controller.stop()
    assert ReminderSent.objects.count() == 2
    assert {rcpt[0] for rcpt, _, _ in inbox.messages} == {
        "police@example.org",
        "fire@example.org",
    }


def test_no_open_round_sends_nothing(db, smtp_port):
    assert "No progress round is open" in run(DUE_SOON)[0]


def test_a_dry_run_sends_and_logs_nothing(round, recs, people, smtp_port):
    out = StringIO()
    call_command("send_round_reminders", "--date", DUE_SOON, "--dry-run", stdout=out)
    assert "Would send deadline approaching reminder to police@example.org" in out.getvalue()
    assert not ReminderSent.objects.exists()


def test_reminder_days_come_from_the_settings(round, recs, people, smtp_server, settings):
    settings.ROUND_REMINDER_DAYS = 10
    run((datetime.date(2030, 6, 30) - datetime.timedelta(days=10)).isoformat())
    assert len(smtp_server.messages) == 2
