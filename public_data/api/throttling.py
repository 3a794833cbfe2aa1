"""The API's throttle: each client address, anonymous or not, at ``API_THROTTLE_RATE``.

Counts are kept in the shared cache, so every server process sees the same ones. While the
shared cache is down (its circuit breaker is open, see ``harris/cache.py``) the throttle fails
open to a count kept in this process's memory: each server process then allows the rate on its
own, so an address may get up to the rate times the number of processes until the cache is back.
The request that finds the cache down is let through.
"""

from django.core.cache import cache as shared_cache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from harris.cache import cache_available

# Bounded: one entry per address seen during an outage, the oldest dropped first.
process_cache = LocMemCache("api-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})


class AnonymousThrottle(AnonRateThrottle):
    """Throttles each address; reads its rate on every request so a settings change applies."""

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
