"""The API's throttle: each client address, anonymous or not, at ``API_THROTTLE_RATE``.

Each address has one counter per window of the rate (the minute, for "120/minute"), kept in the
shared cache so every server process counts the same requests. A request costs one atomic
increment of a small integer, whatever the rate: DRF's own throttle reads and writes back the
address's whole request history (thousands of timestamps for a busy client), and two processes
doing so at once lose each other's requests. The windows are the clock's, so an address may
make up to twice the rate across the turn of a window.

While the shared cache is down (its circuit breaker is open, see ``harris/cache.py``) the throttle
fails open to a count kept in this process's memory: each server process then allows the rate on
its own, so an address may get up to the rate times the number of processes until the cache is
back. The request that finds the cache down is let through.
"""

import math

from django.core.cache import cache as shared_cache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from harris.cache import cache_available, count_up

# Bounded: one entry per address seen during an outage, the oldest dropped first.
process_cache = LocMemCache("api-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})


class AnonymousThrottle(SimpleRateThrottle):
    """Throttles each address; reads its rate on every request so a settings change applies."""

    scope = "anon"

    @property
    def cache(self):
        """The shared cache, or this process's own while the shared one is down."""
        return shared_cache if cache_available(shared_cache) else process_cache

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        # By address alone: the API authenticates no one, and the page cache's middleware
        # counts a cached answer with this on the plain request, before any user is known.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        """Count the request in its address's current window; True while within the rate."""
        if self.rate is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.seconds_left = (window + 1) * self.duration - now
        return self.counted(f"{self.get_cache_key(request, view)}_{window}") <= self.num_requests

    def counted(self, key):
        """The window's count with this request; 0 when the cache failed during the call."""
        # The counter outlives its window, so it cannot expire between Django's check for it
        # and its increment (an increment of an expired key starts a counter without expiry).
        return count_up(self.cache, key, 2 * self.duration) or 0

    def wait(self):
        """Whole seconds until the window turns: the answer's ``Retry-After``."""
        return max(1, math.ceil(self.seconds_left))
