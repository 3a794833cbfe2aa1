"""Whole-response caching of public pages and API responses, invalidated exactly on change.

Public data changes only when staff write it, so an anonymous response can be served from the
cache until then. Every cache key includes the *public data version*, which lives in the
database (``version.py``) and moves inside the transaction of every write to the published store
(``projector.py``): the moment a publish commits, every entry of the older version is
unreachable, so no page is ever served stale, even by a cache that kept its entries through an
outage. The cache itself is optional: when it is down every call is a miss (``harris/cache.py``)
and pages are rendered afresh.
"""

import functools
import gzip
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from .api.throttling import AnonymousThrottle
from .version import HeldPerVersion, current_version


@functools.cache
def public_parameters():
    """Every query parameter a public page or API endpoint reads."""
    # Read when the first request comes, not at import: the filters read this module too.
    from .api.filters import UpdateFilter
    from .filters import RecommendationFilter
    from .forms import ChangesForm

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
    return f"public-page:{version}:{digest}"


# Aggregates this process has read, per public data version: a hit costs no cache round trip.
held_aggregates = HeldPerVersion(limit=5_000)


def cached_aggregate(name, params, compute):
    """An aggregate (counts, breakdowns) for these (hashable) parameters, computed once per
    public data version, kept in the shared cache and held by each process that reads it: it
    is recomputed after the next change and never served stale."""
    seconds = settings.PUBLIC_AGGREGATE_CACHE_SECONDS
    if seconds <= 0:
        return compute()

    def shared(keys):
        digest = hashlib.blake2b(repr(params).encode(), digest_size=16).hexdigest()
        key = f"public-aggregate:{current_version()}:{name}:{digest}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, seconds)
        return {keys[0]: value}

    (value,) = held_aggregates.get([(name, params)], shared)
    return value


def cache_public_response(view):
    """Mark a view's answers as ones ``PublicPageCacheMiddleware`` may keep (it serves and
    stores them, before the rest of the middleware runs). Only what the middleware found
    cacheable, and an answer of 200, is kept."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(request, "public_cache_key", None):
            response.public_cacheable = True
        return response

    return wrapper


# ---- pages and API answers, served before the session, auth, messages and CSP middleware ----

UNCACHED_PREFIXES = ("/admin/", "/static/")
API_PREFIX = "/api/"
GZIP_MIN_BYTES = 512


def _anonymous(request):
    # A visitor without a session is anonymous whatever happens below: no session, no login.
    # The API authenticates no one, so every API request is anonymous.
    return (
        request.path.startswith(API_PREFIX) or settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _may_serve_hit(request):
    """A page hit is served at once. An API hit is served only once the API's throttle has
    counted it, and not to a conditional request (DRF answers those, with their 304); else the
    request goes on to DRF, which answers the 429 itself."""
    if not request.path.startswith(API_PREFIX):
        return True
    if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
        return False
    return AnonymousThrottle().allow_request(request, None)


def _accepts_gzip(request):
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")


def _page_entry(response):
    """What to keep of a page's final answer: its body, plain and gzipped, and every header the
    middleware gave it; None when it must not be kept."""
    if (
        not getattr(response, "public_cacheable", False)
        or response.status_code != 200
        or response.streaming
        or response.cookies
    ):
        return None
    patch_vary_headers(response, ("Accept-Encoding",))
    headers = dict(response.items())
    content = response.content
    compressed = gzip.compress(content, 6, mtime=0) if len(content) >= GZIP_MIN_BYTES else None
    return content, compressed, headers


def _page_response(request, entry, outcome):
    content, compressed, headers = entry
    response = HttpResponse(status=200, headers=headers)
    if compressed is not None and _accepts_gzip(request):
        response.content = compressed
        response["Content-Encoding"] = "gzip"
    else:
        response.content = content
    response["Content-Length"] = str(len(response.content))
    response["X-Public-Cache"] = outcome
    return response


class PublicPageCacheMiddleware:
    """Serves anonymous GET and HEAD requests for public pages and API answers from the cache,
    before the session, CSRF, auth, messages and CSP middleware: a hit costs a version check
    and one cache read (and for the API, its throttle's count). A miss runs the whole stack,
    and its final answer (the CSP and other headers included, built once) is kept, with a
    gzipped body for clients that accept one, under the public data version; the next publish
    puts every entry out of reach."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self.key(request)
        if key is None:
            return self.get_response(request)
        entry = cache.get(key)
        if entry is not None and _may_serve_hit(request):
            return _page_response(request, entry, "hit")
        request.public_cache_key = key
        response = self.get_response(request)
        entry = _page_entry(response)
        if entry is None:
            response["X-Public-Cache"] = "miss"
            return response
        # Keyed by the version read before rendering: if a publish landed meanwhile, the entry
        # is already out of reach.
        cache.set(key, entry, settings.PUBLIC_CACHE_SECONDS)
        return _page_response(request, entry, "miss")

    @staticmethod
    def key(request):
        """The request's cache key, or None when it is not one for the page cache."""
        if (
            settings.PUBLIC_CACHE_SECONDS <= 0
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(UNCACHED_PREFIXES)
            or not _anonymous(request)
        ):
            return None
        query = canonical_query(request)
        if query is None:
            return None
        return response_key(request, current_version(), query)
