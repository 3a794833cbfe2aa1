"""The API throttle: a count per address and window, shared by every process through the cache,
and failing open to a per-process count while the cache is down."""

import time

import pytest
from django.test import RequestFactory

from public_data.api.throttling import AnonymousThrottle

pytestmark = pytest.mark.django_db


def api_statuses(client, count, **extra):
    return [client.get("/api/reviews/", **extra).status_code for _ in range(count)]


def test_the_count_starts_afresh_when_the_minute_turns(client, three_a_minute):
    assert api_statuses(client, 4) == [200, 200, 200, 429]
    three_a_minute.advance(29.999)  # the last moment of the minute
    refused = client.get("/api/reviews/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    three_a_minute.advance(0.001)  # the minute turns
    assert api_statuses(client, 4) == [200, 200, 200, 429]


def test_a_request_at_the_turn_of_the_minute_waits_the_whole_next_minute(client, three_a_minute):
    three_a_minute.advance(30)
    assert api_statuses(client, 3) == [200, 200, 200]
    assert client.get("/api/reviews/")["Retry-After"] == "60"


def test_every_throttle_instance_shares_one_count_per_address(three_a_minute):
    request = RequestFactory().get("/api/reviews/", REMOTE_ADDR="192.0.2.9")
    # A new instance per request, as DRF and the page cache's middleware make them.
    allowed = [AnonymousThrottle().allow_request(request, None) for _ in range(5)]
    assert allowed == [True, True, True, False, False]


def test_with_the_cache_down_each_process_still_limits_each_address(
    client, site_on_redis, three_a_minute
):
    site_on_redis.kill()
    # The request that finds the cache down is let through and counted by this process.
    assert api_statuses(client, 6) == [200, 200, 200, 429, 429, 429]
    assert client.get("/api/reviews/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_once_the_cache_is_back_the_shared_count_applies_again(
    client, site_on_redis, three_a_minute, settings
):
    site_on_redis.kill()
    client.get("/api/reviews/")
    site_on_redis.start()  # empty: its count starts afresh
    time.sleep(settings.CACHE_RETRY_SECONDS + 0.1)
    assert api_statuses(client, 4) == [200, 200, 200, 429]
