"""The API throttle while the shared cache is down: it fails open to a per-process count."""

import time

import pytest

from public_data.api.throttling import process_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    process_cache.clear()
    yield
    process_cache.clear()


def test_with_the_cache_down_each_process_still_limits_each_address(
    client, site_on_redis, three_a_minute
):
    site_on_redis.kill()
    statuses = [client.get("/api/reviews/").status_code for _ in range(6)]
    # The request that finds the cache down is let through and counted by this process.
    assert statuses == [200, 200, 200, 429, 429, 429]
    assert client.get("/api/reviews/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_once_the_cache_is_back_the_shared_count_applies_again(
    client, site_on_redis, three_a_minute, settings
):
    site_on_redis.kill()
    client.get("/api/reviews/")
    site_on_redis.start()  # empty: its count starts afresh
    time.sleep(settings.CACHE_RETRY_SECONDS + 0.1)
    statuses = [client.get("/api/reviews/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
