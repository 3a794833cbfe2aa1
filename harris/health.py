"""What the health checks report: the state of each dependency, checked cheaply.

The database is asked ``SELECT 1``; the cache takes a small write through its circuit breaker
(``harris/cache.py``), so a cache known to be down is not waited for; the mail server is
connected to (SMTP ``NOOP``) at most once per ``MAIL_CHECK_SECONDS`` per process, since a mail
outage never stops the site serving and reminders are retried by the next run anyway.
"""

import smtplib
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

from .cache import cache_status

OK, UNAVAILABLE = "ok", "unavailable"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

_mail_lock = threading.Lock()
_mail_memo = (None, 0.0)  # (status, monotonic time checked)


def database_status():
    """'ok' when the database answers a query now."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return UNAVAILABLE
    return OK


def _probe_smtp():
    try:
        with smtplib.SMTP(
            settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.MAIL_CHECK_TIMEOUT
        ) as server:
            status, _ = server.noop()
    except (OSError, smtplib.SMTPException):  # timeouts are OSErrors
        return UNAVAILABLE
    return OK if status == 250 else UNAVAILABLE


def mail_status():
    """'ok' when mail can go out: the SMTP server answers (or mail is not sent over SMTP)."""
    global _mail_memo
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        return OK
    status, checked_at = _mail_memo
    if status is None or time.monotonic() - checked_at >= settings.MAIL_CHECK_SECONDS:
        status = _probe_smtp()
        with _mail_lock:
            _mail_memo = (status, time.monotonic())
    return status


def forget_mail_status():
    """Check the mail server afresh on the next call (for tests)."""
    global _mail_memo
    with _mail_lock:
        _mail_memo = (None, 0.0)


def dependencies():
    """Each dependency's status: database, cache and mail."""
    return {"database": database_status(), "cache": cache_status(cache), "mail": mail_status()}
