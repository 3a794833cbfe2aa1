"""The cache backends: a cache that is down, slow or full degrades the site, never breaks it.

``ResilientRedisCache`` (used when ``REDIS_URL`` is set) and ``ResilientDatabaseCache`` (the
production default) send every call through a per-process circuit breaker. A call that fails
(Redis down, slower than its socket timeout or out of memory; the cache table missing) is
answered as a miss: ``get`` gives its default, ``get_many`` nothing, ``set`` stores nothing,
``add`` gives False. The breaker then opens: for ``CACHE_RETRY_SECONDS`` every call skips the
cache without trying, so a dead Redis does not add its timeout to every request, and after that
one call tries again. The outage is logged when it starts, at most once per
``CACHE_LOG_SECONDS`` while it lasts, and when it ends.

Nothing may depend on the cache for correctness: the public data version is in the database
(``public_data/version.py``), and the API throttle falls back to a per-process count
(``public_data/api/throttling.py``).

``ReusingRedisCache`` also keeps one Redis client per connection pool: the built-in backend
builds a new ``redis.Redis`` for every call, which costs more (about 170 response callbacks)
than the round trip to Redis for the small reads of a cached page.
"""

import logging
import threading
import time

import redis
from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError, connections, router, transaction

logger = logging.getLogger("harris.cache")

# Short enough that a cache which stopped answering costs a request little, once per retry.
REDIS_TIMEOUT_DEFAULTS = {"socket_connect_timeout": 0.2, "socket_timeout": 0.25}
HEALTH_PROBE_KEY = "harris-health-probe"


class CircuitBreaker:
    """Whether one cache may be tried, shared by every thread of the process."""

    def __init__(self, name):
        self.name = name
        self.open_until = 0.0
        self.failing_since = None
        self.failure_count = 0
        self.logged_at = None
        self._lock = threading.Lock()

    @property
    def available(self):
        """True when the cache may be tried: it is working, or it is due for another try."""
        return time.monotonic() >= self.open_until

    @property
    def healthy(self):
        """True unless the last call to the cache failed."""
        return self.failing_since is None

    def failed(self, error):
        """Record a failed call: skip the cache for ``CACHE_RETRY_SECONDS``; log if due."""
        now = time.monotonic()
        with self._lock:
            self.failure_count += 1
            self.open_until = now + settings.CACHE_RETRY_SECONDS
            if self.failing_since is None:
                self.failing_since = now
            due = self.logged_at is None or now - self.logged_at >= settings.CACHE_LOG_SECONDS
            if due:
                self.logged_at = now
        if due:
            logger.error(
                "Cache %s unavailable (%s: %s): serving uncached, trying again every %s s",
                self.name,
                type(error).__name__,
                error,
                settings.CACHE_RETRY_SECONDS,
            )

    def succeeded(self):
        """Record a call that worked: close the breaker, and say so if it was open."""
        if self.failing_since is None:
            return
        with self._lock:
            since, self.failing_since, self.open_until = self.failing_since, None, 0.0
            self.logged_at = None
        if since is not None:
            logger.warning("Cache %s is back after %.1f s", self.name, time.monotonic() - since)


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(name):
    """The process's one breaker for the cache called ``name`` (backends are per thread)."""
    with _breakers_lock:
        return _breakers.setdefault(name, CircuitBreaker(name))


def _guarded(name, fallback):
    """A cache method that answers ``fallback(*args)`` instead of failing."""

    def method(self, *args, **kwargs):
        breaker = self.breaker
        if not breaker.available:
            return fallback(*args, **kwargs)
        failures_before = breaker.failure_count
        try:
            result = self._call(name, *args, **kwargs)
        except self.failures as error:
            breaker.failed(error)
            return fallback(*args, **kwargs)
        # A nested call (DatabaseCache.get calls get_many) may have failed and answered a miss.
        if breaker.failure_count == failures_before:
            breaker.succeeded()
        return result

    method.__name__ = name
    method.__doc__ = f"``{name}``, answered as a miss when the cache is unavailable."
    return method


class ResilientCacheMixin:
    """Answers every call as a miss, and skips the cache for a while, when it fails."""

    failures = ()  # the exceptions that mean the cache is unavailable

    def __init__(self, server, params):
        super().__init__(server, params)
        self.breaker = breaker_for(f"{type(self).__name__}:{server}")

    def _call(self, name, *args, **kwargs):
        return getattr(super(), name)(*args, **kwargs)

    def ping(self):
        """Whether the cache takes a write now (skipped, False, while the breaker is open)."""
        self.set(HEALTH_PROBE_KEY, 1, 10)
        return self.breaker.healthy

    get = _guarded("get", lambda key, default=None, version=None: default)
    get_many = _guarded("get_many", lambda keys, version=None: {})
    set = _guarded("set", lambda *args, **kwargs: None)
    add = _guarded("add", lambda *args, **kwargs: False)
    set_many = _guarded("set_many", lambda data, *args, **kwargs: list(data))
    touch = _guarded("touch", lambda *args, **kwargs: False)
    has_key = _guarded("has_key", lambda *args, **kwargs: False)
    delete = _guarded("delete", lambda *args, **kwargs: False)
    delete_many = _guarded("delete_many", lambda *args, **kwargs: None)
    incr = _guarded("incr", lambda *args, **kwargs: None)
    decr = _guarded("decr", lambda *args, **kwargs: None)
    clear = _guarded("clear", lambda: None)


def cache_available(cache):
    """False while ``cache``'s breaker is open; True for a cache without one (local memory)."""
    breaker = getattr(cache, "breaker", None)
    return breaker is None or breaker.available


def cache_status(cache):
    """'ok' when ``cache`` takes a write now, else 'unavailable'."""
    ping = getattr(cache, "ping", None)
    return "ok" if ping is None or ping() else "unavailable"


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

    def count_up(self, key, timeout):
        """``count_up`` in one round trip: the counter is created with its expiry, if missing,
        and incremented in one pipeline (Django's ``incr`` checks for the key first)."""
        key = self.make_and_validate_key(key)
        pipeline = self._cache.get_client(key, write=True).pipeline(transaction=False)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        return pipeline.execute()[1]


def count_up(cache, key, timeout):
    """Add one to the counter ``key`` in ``cache``, created to expire ``timeout`` seconds after
    its first count; the new count, or None when the cache failed."""
    own = getattr(cache, "count_up", None)
    if own is not None:
        return own(key, timeout)
    try:
        return cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout):
            return 1
        return cache.incr(key)  # another process created it meanwhile


class ResilientRedisCache(ResilientCacheMixin, ReusingRedisCache):
    """Redis, with short socket timeouts and the circuit breaker."""

    failures = (redis.RedisError, OSError)
    count_up = _guarded("count_up", lambda *args, **kwargs: None)

    def __init__(self, server, params):
        options = {**REDIS_TIMEOUT_DEFAULTS, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})


class ResilientDatabaseCache(ResilientCacheMixin, DatabaseCache):
    """The database cache table, with the circuit breaker: a missing table (before
    ``createcachetable``) or a database error is a miss, never an error."""

    failures = (DatabaseError,)

    def _call(self, name, *args, **kwargs):
        database = router.db_for_write(self.cache_model_class)
        if not connections[database].in_atomic_block:
            return super()._call(name, *args, **kwargs)
        # A savepoint, so a failed cache query cannot abort the caller's transaction.
        with transaction.atomic(using=database):
            return super()._call(name, *args, **kwargs)
