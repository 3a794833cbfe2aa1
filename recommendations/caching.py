"""Whole-response caching of public pages and API responses, invalidated exactly on change.

Public data changes only when staff write it, so an anonymous response can be served from the
cache until then. Every cache key includes the *public data version*, which lives in the
database (``public_data/version.py``) and moves inside the transaction of any write to a public
model (``signals.py``): the moment a publish commits, every entry of the older version is
unreachable, so no page is ever served stale, even by a cache that kept its entries through an
outage. The cache itself is optional: when it is down every call is a miss (``harris/cache.py``)
and pages are rendered afresh.
"""

import functools
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from public_data.version import current_version

from .api.filters import UpdateFilter
from .filters import RecommendationFilter
from .forms import ChangesForm

CACHED_HEADERS = ("Content-Type", "Content-Disposition")


@functools.cache
def public_parameters():
    """Every query parameter a public page or API endpoint reads."""
    return frozenset(
        {
            *RecommendationFilter.base_filters,
            *UpdateFilter.base_filters,
            *ChangesForm.base_fields,
            "page",
        }
    )


def canonical_query(request):
    """The query string with its parameters in one order, or None when it names a parameter
    no public page reads: such a request is answered afresh and never cached, so junk in URLs
    cannot fill the cache."""
    if not set(request.GET) <= public_parameters():
        return None
    return urlencode(
        sorted((name, value) for name, values in request.GET.lists() for value in values)
    )


def response_key(request, version, query):
    """The cache key of a response: the public data version, the host, the path and the
    canonical query. (Every public response is JSON, HTML, CSV or Atom by its URL alone, so the
    Accept header is not part of it: an unacceptable one is a 406, which is never stored.)"""
    variant = "|".join((request.get_host(), request.path, query))
    digest = hashlib.blake2b(variant.encode(), digest_size=16).hexdigest()
    return f"public-response:{version}:{digest}"


def cached_aggregate(name, params, compute):
    """An aggregate (counts, breakdowns) for these parameters, computed once per public data
    version: it is recomputed after the next change and never served stale."""
    seconds = settings.PUBLIC_AGGREGATE_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    digest = hashlib.blake2b(repr(params).encode(), digest_size=16).hexdigest()
    key = f"public-aggregate:{current_version()}:{name}:{digest}"
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


def _store(key, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
    # Keyed by the version read before rendering: if a publish landed meanwhile, the entry is
    # already out of reach.
    cache.set(key, (response.content, headers), settings.PUBLIC_CACHE_SECONDS)


def cache_public_response(view):
    """Serve an anonymous GET from the cache when the public data has not changed since.

    Works on plain views and on DRF handlers (which it wraps after DRF's throttling has run, so
    cached API responses still count against the rate limit).
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        query = canonical_query(request) if _cacheable(request) else None
        if query is None:
            return view(request, *args, **kwargs)
        key = response_key(request, current_version(), query)
        entry = cache.get(key)
        if entry is not None:
            content, headers = entry
            response = HttpResponse(content, headers=headers)
            response["X-Public-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        response["X-Public-Cache"] = "miss"
        store = functools.partial(_store, key)
        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(store)
        else:
            store(response)
        return response

    return wrapper
