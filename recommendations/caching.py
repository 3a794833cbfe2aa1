"""Whole-response caching of public pages and API responses, invalidated exactly on change.

Public data changes only when staff write it, so an anonymous response can be served from the
cache until then. Every cached response is stamped with the *public data version* it was
rendered at and is served only while that is still the current version; any write to a public
model bumps the version once its transaction commits (``signals.py``), so the very next request
after a publish is rendered afresh. Version and entry are read in one round trip to the cache.
The version lives in the shared cache (Redis or the database in production), so every server
process sees a bump at once.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

VERSION_KEY = "public-data-version"
CACHED_HEADERS = ("Content-Type", "Content-Disposition")


def public_version():
    """The current public data version, created on first use."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh cache starts from the clock, so entries of an earlier life are never reused.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def bump_public_version():
    """Make every cached public response stale. Called after any public data changes."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)


def response_key(request):
    """The cache key of a response: host, negotiated format and full path. The entry itself
    records the public data version it was rendered at."""
    variant = "|".join(
        (request.get_host(), request.META.get("HTTP_ACCEPT", ""), request.get_full_path())
    )
    digest = hashlib.blake2b(variant.encode(), digest_size=16).hexdigest()
    return f"public-response:{digest}"


def _current_entry(key):
    """(version, entry or None) in one round trip to the cache: the entry only if it was
    rendered at the current version."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return public_version(), None
    entry = found.get(key)
    return version, entry if entry is not None and entry[0] == version else None


def cached_aggregate(name, params, compute):
    """An aggregate (counts, breakdowns) for these parameters, computed once per public data
    version: it is recomputed after the next change and never served stale."""
    seconds = settings.PUBLIC_AGGREGATE_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    digest = hashlib.blake2b(repr(params).encode(), digest_size=16).hexdigest()
    key = f"public-aggregate:{public_version()}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _cacheable(request):
    return (
        settings.PUBLIC_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
    )


def _store(key, version, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
    # Stamped with the version read before rendering: if a publish landed meanwhile, the entry
    # is already stale and is never served.
    cache.set(key, (version, response.content, headers), settings.PUBLIC_CACHE_SECONDS)


def cache_public_response(view):
    """Serve an anonymous GET from the cache when the public data has not changed since.

    Works on plain views and on DRF handlers (which it wraps after DRF's throttling has run, so
    cached API responses still count against the rate limit).
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = response_key(request)
        version, entry = _current_entry(key)
        if entry is not None:
            _, content, headers = entry
            response = HttpResponse(content, headers=headers)
            response["X-Public-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        response["X-Public-Cache"] = "miss"
        store = functools.partial(_store, key, version)
        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(store)
        else:
            store(response)
        return response

    return wrapper
