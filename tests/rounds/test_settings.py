"""Email is configured from the environment: printed to the console in development with no
mail server, sent by SMTP otherwise."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SHOW = (
    "import json, harris.settings as s; print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, "
    "s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.ROUND_REMINDER_DAYS]))"
)
NAMES = ["EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL", "ROUND_REMINDER_DAYS"]


def settings_with(**env):
    base = {key: value for key, value in os.environ.items() if key not in NAMES}
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"DEBUG": "1"},
            ["django.core.mail.backends.console.EmailBackend", "localhost", 25, False],
        ),
        (
            {"DEBUG": "1", "EMAIL_HOST": "mail.example.org", "EMAIL_PORT": "587"},
            ["django.core.mail.backends.smtp.EmailBackend", "mail.example.org", 587, False],
        ),
        (
            {
                "DEBUG": "0",
                "SECRET_KEY": "x" * 50,
                "ALLOWED_HOSTS": "tracker.example.org",
                "EMAIL_USE_TLS": "1",
            },
            ["django.core.mail.backends.smtp.EmailBackend", "localhost", 25, True],
        ),
    ],
)
def test_the_email_backend_follows_debug_and_email_host(env, expected):
    assert settings_with(**env)[:4] == expected


def test_sender_and_reminder_days_come_from_the_environment():
    values = settings_with(DEFAULT_FROM_EMAIL="tracker@example.org", ROUND_REMINDER_DAYS="3")
    assert values[4:] == ["tracker@example.org", 3]
