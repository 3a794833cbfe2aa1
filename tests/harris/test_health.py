"""/healthz/ (liveness: 200 while the site can serve) and /readyz/ (503 if anything is down)."""

from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.db import DatabaseError

from bench.redis_server import free_port
from harris import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """Mail goes over SMTP to a port of our own, checked afresh on every call."""
    settings.EMAIL_BACKEND = health.SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.MAIL_CHECK_SECONDS = 0
    health.forget_mail_status()
    yield settings.EMAIL_PORT
    health.forget_mail_status()


def test_all_well(client):
    for url in ("/healthz/", "/readyz/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "mail": "ok"}
        assert "no-cache" in response["Cache-Control"]


def test_database_down_is_a_503_on_both(client):
    with mock.patch("harris.health.connection.cursor", side_effect=DatabaseError("down")):
        for url in ("/healthz/", "/readyz/"):
            response = client.get(url)
            assert response.status_code == 503
            assert response.json()["database"] == "unavailable"


def test_cache_down_is_degraded_for_liveness_and_not_ready(client, site_on_redis):
    site_on_redis.kill()
    live = client.get("/healthz/")
    assert live.status_code == 200
    assert live.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "mail": "ok",
    }
    assert client.get("/readyz/").status_code == 503


def test_mail_down_is_degraded_for_liveness_and_not_ready(client, smtp):
    live = client.get("/healthz/")
    assert (live.status_code, live.json()["status"], live.json()["mail"]) == (
        200,
        "degraded",
        "unavailable",
    )
    assert client.get("/readyz/").status_code == 503


def test_mail_up_over_smtp(client, smtp):
    controller = Controller(object(), hostname="127.0.0.1", port=smtp)
    controller.start()
    try:
        assert client.get("/readyz/").json()["mail"] == "ok"
    finally:
        controller.stop()


def test_the_mail_server_is_checked_at_most_once_per_interval(smtp, settings):
    settings.MAIL_CHECK_SECONDS = 60
    with mock.patch("harris.health._probe_smtp", return_value="ok") as probe:
        health.mail_status()
        health.mail_status()
    assert probe.call_count == 1
