"""Shared fixtures and the rule that a CI run may not quietly skip tests."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.backends.signals import connection_created
from django.test import Client
from django.test.utils import override_settings

from bench.redis_server import RedisServer

REAL_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"
POSTGRES_SKIP_REASON = "needs PostgreSQL: run with DATABASE_URL=postgres://..."


def read_uncommitted_in_shared_memory(sender, connection, **kwargs):
    """Let the live server's threads read while another writes. The SQLite test database is in
    memory with a shared cache, where a reader meets a writer's table lock as an immediate
    "database table is locked", with no busy timeout; a file database (development, or SQLite
    in production) lets readers wait instead. Test-only: it reads uncommitted rows."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


connection_created.connect(read_uncommitted_in_shared_memory)


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests, with the reason, when the suite runs on SQLite."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason=POSTGRES_SKIP_REASON)
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    """With HARRIS_REQUIRE_SERVICES=1 (set by .ci/run), a skipped test fails the run.

    The one skip allowed is a PostgreSQL-only test during the SQLite pass: CI runs the suite on
    PostgreSQL too, where nothing may skip.
    """
    if os.environ.get("HARRIS_REQUIRE_SERVICES") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    unexpected = [report for report in skipped if POSTGRES_SKIP_REASON not in str(report.longrepr)]
    if unexpected:
        for report in unexpected:
            reporter.write_line(f"NOT ALLOWED TO SKIP IN CI: {report.nodeid} {report.longrepr}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True, scope="session")
def plain_static_files():
    """Serve static files by their plain names: tests run without ``collectstatic``, so the
    production manifest does not exist. ``tests/harris/test_static.py`` checks the manifest."""
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_BACKEND}}
    with override_settings(STORAGES=plain):
        yield


@pytest.fixture(autouse=True, scope="session")
def unthrottled_api():
    """The whole suite talks to the API from one address, faster than any visitor may: only
    ``tests/recommendations/test_api.py``'s throttling test puts the real rate back."""
    rates = {"anon": "1000000/minute"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        yield


class ThrottleClock:
    """The API throttle's clock, stopped half a minute into a minute; ``advance`` moves it."""

    def __init__(self):
        self.now = 1_800_000_030.0  # 30 s past a whole minute

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def three_a_minute(settings, monkeypatch):
    """The API allows each address three requests a minute, counted from empty caches, on a
    stopped clock (so that no test straddles the turn of a minute by chance)."""
    from public_data.api.throttling import AnonymousThrottle, process_cache

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    clock = ThrottleClock()
    monkeypatch.setattr(AnonymousThrottle, "timer", staticmethod(clock))
    cache.clear()
    process_cache.clear()
    yield clock
    cache.clear()
    process_cache.clear()


@pytest.fixture(autouse=True)
def no_response_cache(settings):
    """Tests see every change at once: the public response cache is off unless a test turns it
    on (tests/recommendations/test_caching.py), and starts empty."""
    settings.PUBLIC_CACHE_SECONDS = 0
    settings.PUBLIC_AGGREGATE_CACHE_SECONDS = 0
    cache.clear()


@pytest.fixture
def real_data(db):
    """The real data, loaded from fixtures/ exactly as ``manage.py load_harris`` does."""
    from recommendations.loader import load_harris

    return load_harris(REAL_FIXTURES)


@pytest.fixture
def seed_text():
    """The 2017 progress report's text, for tests that check the data against the source."""
    path = SEEDS / "004_48b4fa5b1c47d680.txt"
    if not path.exists():
        pytest.skip(f"source documents not found at {SEEDS}")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def editor(db):
    """A MOPAC editor."""
    from recommendations.models import Role
    from tests.factories import staff_user

    return staff_user(Role.EDITOR, username="editor")


@pytest.fixture
def reviewer(db):
    """A read-only reviewer."""
    from recommendations.models import Role
    from tests.factories import staff_user

    return staff_user(Role.REVIEWER, username="reviewer")


@pytest.fixture
def login():
    """A test client signed in as the given user."""

    def client_for(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return client_for


REDIS_SKIP_REASON = "needs redis-server on PATH (apt-get install redis-server)"


@pytest.fixture
def redis_server():
    """A redis-server of the test's own, stopped afterwards."""
    if not RedisServer.installed():
        pytest.skip(REDIS_SKIP_REASON)
    with RedisServer() as server:
        yield server


@pytest.fixture
def site_on_redis(settings, redis_server):
    """The site's cache is the private Redis; the breaker retries quickly; responses cached."""
    settings.CACHES = {
        "default": {"BACKEND": "harris.cache.ResilientRedisCache", "LOCATION": redis_server.url}
    }
    settings.CACHE_RETRY_SECONDS = 0.5
    settings.PUBLIC_CACHE_SECONDS = 600
    settings.PUBLIC_AGGREGATE_CACHE_SECONDS = 600
    return redis_server
