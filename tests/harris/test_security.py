"""Production settings, security headers, staff login hardening and the 500 page (the health
checks are in test_health.py)."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unguessable passphrase 7"


def production_environment(**extra):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"}
    }
    environment.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="tracker.example.org",
        **extra,
    )
    return environment


def manage(*args, environment):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_the_documented_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=production_environment()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    environment = production_environment()
    del environment["SECRET_KEY"]
    result = manage("check", environment=environment)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


class TestHeaders:
    def test_public_pages_send_a_strict_content_security_policy(self, client):
        policy = client.get("/about/")["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy

    def test_other_security_headers(self, client):
        response = client.get("/about/")
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"

    def test_no_page_has_inline_script_or_style(self, client, real_data):
        for url in ["/", "/recommendations/", "/recommendations/1/", "/agencies/mps/"]:
            html = client.get(url).content.decode()
            assert "<style" not in html and " style=" not in html, url
            assert "<script" not in html, url

    def test_staff_pages_are_never_cached(self, client):
        client.force_login(UserFactory(is_superuser=True))
        cache_control = client.get("/admin/")["Cache-Control"]
        assert "no-cache" in cache_control and "private" in cache_control


def user_with_password(username, **values):
    user = UserFactory(username=username, **values)
    user.set_password(PASSWORD)
    user.save()
    return user


class TestStaffLogin:
    def login(self, client, username, password, address="10.0.0.1"):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password},
            REMOTE_ADDR=address,
        )

    def test_repeated_failures_lock_the_username_at_that_address(self, client):
        user_with_password("officer")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login(client, "officer", "wrong")
        locked = self.login(client, "officer", PASSWORD)
        assert locked.status_code == 429
        assert "_auth_user_id" not in client.session
        page = locked.content.decode()
        assert "Too many failed sign-in attempts" in page
        assert f"after {settings.AXES_FAILURE_LIMIT} failed sign-in attempts" in page
        assert "Try again in 60 minutes" in page

    def test_a_lockout_does_not_lock_out_others_behind_the_same_address(self, client):
        for name in ("officer", "colleague"):
            user_with_password(name)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login(client, "officer", "wrong")
        colleague = self.login(client, "colleague", PASSWORD)
        assert colleague.status_code == 302
        assert colleague["Location"] == "/admin/"

    def test_the_same_user_from_another_address_is_not_locked(self, client):
        user_with_password("officer")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login(client, "officer", "wrong", address="10.0.0.1")
        assert self.login(client, "officer", PASSWORD, address="10.0.0.2").status_code == 302

    @pytest.mark.parametrize("weak", ["password123", "short", "12345678901234", "officer2024!"])
    def test_weak_passwords_are_refused(self, weak):
        with pytest.raises(ValidationError):
            validate_password(weak, UserFactory.build(username="officer2024"))

    def test_sessions_expire(self):
        assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"

    def test_changing_the_password_logs_out_other_sessions(self, client):
        from django.test import Client

        officer = user_with_password("officer", is_superuser=True)
        elsewhere = Client()
        elsewhere.force_login(officer)
        assert elsewhere.get("/admin/").status_code == 200
        client.force_login(officer)
        new = PASSWORD + " changed"
        response = client.post(
            "/admin/password_change/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        assert response.status_code == 302
        assert elsewhere.get("/admin/").status_code == 302  # sent to the login page
        assert client.get("/admin/").status_code == 200  # the session that changed it stays


@pytest.mark.urls("tests.harris.urls_with_a_broken_view")
def test_the_500_page_is_friendly_and_shows_no_detail(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
    assert b"secret stack detail" not in response.content
