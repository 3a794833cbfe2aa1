"""The cache backends: one Redis client per pool, and a cache that fails is a miss, never an
error, skipped for a while by its circuit breaker and logged once per interval."""

import logging
import time
import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction

from bench.redis_server import free_port
from harris.cache import (
    ResilientDatabaseCache,
    ResilientRedisCache,
    cache_available,
    cache_status,
    count_up,
)


def redis_cache(url):
    return ResilientRedisCache(url, {"KEY_PREFIX": f"test-{uuid.uuid4()}"})


@pytest.fixture
def fast_retry(settings):
    settings.CACHE_RETRY_SECONDS = 0.3
    settings.CACHE_LOG_SECONDS = 60


def test_one_client_serves_every_call(redis_server):
    client = redis_cache(redis_server.url)._cache
    assert client.get_client(write=True) is client.get_client(write=False)


def test_it_still_stores_and_reads(redis_server):
    cache = redis_cache(redis_server.url)
    cache.set("key", {"value": 1}, 30)
    assert cache.get_many(["key", "missing"]) == {"key": {"value": 1}}
    assert cache.add("counter", 1)
    assert cache.incr("counter") == 2
    assert cache_status(cache) == "ok"


def test_a_redis_counter_counts_up_in_one_round_trip_and_expires(redis_server):
    cache = redis_cache(redis_server.url)
    assert [count_up(cache, "counter", 120) for _ in range(3)] == [1, 2, 3]
    raw = cache._cache.get_client()
    key = cache.make_and_validate_key("counter")
    assert 119 <= raw.ttl(key) <= 120  # set by the first count, kept by the others
    assert cache.get("counter") == 3


def test_a_counter_in_any_other_cache_counts_up_and_expires():
    cache = LocMemCache(f"test-{uuid.uuid4()}", {})
    assert [count_up(cache, "counter", 120) for _ in range(3)] == [1, 2, 3]
    cache.touch("counter", -1)  # expired
    assert count_up(cache, "counter", 120) == 1


def test_a_counter_in_a_dead_redis_is_none(fast_retry):
    assert count_up(redis_cache(f"redis://127.0.0.1:{free_port()}/0"), "counter", 120) is None


def test_a_dead_redis_is_a_miss_and_is_not_tried_again_until_the_retry(fast_retry):
    cache = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    assert cache.get("key", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("key", 1) is None
    assert cache.add("key", 1) is False
    assert not cache_available(cache)
    started = time.monotonic()
    for _ in range(1000):
        cache.get("key")
    assert time.monotonic() - started < 0.1  # skipped, not tried
    time.sleep(0.35)
    assert cache_available(cache)  # due for another try
    assert cache_status(cache) == "unavailable"


def test_a_hung_redis_costs_a_request_at_most_its_socket_timeout(fast_retry, redis_server):
    cache = redis_cache(redis_server.url)
    cache.set("key", 1)
    redis_server.pause()
    try:
        started = time.monotonic()
        assert cache.get("key") is None
        assert time.monotonic() - started < 0.6
        started = time.monotonic()
        assert cache.get("key") is None
        assert time.monotonic() - started < 0.01  # the breaker is open
    finally:
        redis_server.resume()
    time.sleep(0.35)
    assert cache.get("key") == 1  # back by itself


def test_a_full_redis_stores_nothing_and_raises_nothing(fast_retry, redis_server):
    import redis

    cache = redis_cache(redis_server.url)
    redis.Redis.from_url(redis_server.url).config_set("maxmemory", 1)
    assert cache.set("key", "x" * 1000) is None
    assert cache.get("key") is None
    assert cache_status(cache) == "unavailable"


def test_an_outage_is_logged_once_per_interval_and_its_end_once(fast_retry, redis_server, caplog):
    cache = redis_cache(redis_server.url)
    redis_server.kill()
    with caplog.at_level(logging.WARNING, logger="harris.cache"):
        for _ in range(3):
            cache.get("key")
            time.sleep(0.35)  # the breaker lets one call try again each time
        redis_server.start()
        cache.get("key")
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    assert "unavailable" in messages[0] and "ConnectionError" in messages[0]
    assert "is back" in messages[1]


@pytest.mark.django_db
def test_a_database_cache_without_its_table_is_a_miss_and_spares_the_transaction(fast_retry):
    cache = ResilientDatabaseCache("no_such_cache_table", {})
    with transaction.atomic():
        assert cache.get("key", "default") == "default"
        cache.set("key", 1)
        with connection.cursor() as cursor:  # the transaction is still usable
            cursor.execute("SELECT 1")
    assert cache_status(cache) == "unavailable"


@pytest.mark.django_db
def test_a_database_cache_with_its_table_works(fast_retry):
    from django.core.management import call_command

    call_command("createcachetable", "test_harris_cache_table", verbosity=0)
    cache = ResilientDatabaseCache("test_harris_cache_table", {})
    cache.set("key", 1)
    assert cache.get("key") == 1
    assert cache_status(cache) == "ok"
