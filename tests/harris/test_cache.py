"""The Redis cache backend that keeps one client per connection pool."""

import uuid

import pytest
import redis

from harris.cache import ReusingRedisCache

REDIS_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def redis_cache():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip(f"needs Redis at {REDIS_URL} (apt-get install redis-server)")
    return ReusingRedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4()}"})


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache
    assert client.get_client(write=True) is client.get_client(write=False)


def test_it_still_stores_and_reads(redis_cache):
    redis_cache.set("key", {"value": 1}, 30)
    assert redis_cache.get_many(["key", "missing"]) == {"key": {"value": 1}}
    assert redis_cache.add("counter", 1)
    assert redis_cache.incr("counter") == 2
