"""Django's built-in Redis cache backend, keeping one Redis client per connection pool.

The built-in backend builds a new ``redis.Redis`` object for every cache call, and building one
(about 170 response callbacks) costs more than the round trip to Redis for the small reads of a
cached page. A client only wraps its thread-safe connection pool, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    """Hands out one ``redis.Redis`` per connection pool instead of a new one per call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    """The built-in ``RedisCache`` with ``ReusingRedisCacheClient``."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
