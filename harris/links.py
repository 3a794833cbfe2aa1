"""Addresses of pages, reversed once: a list page links to hundreds of objects, and reversing
each address afresh costs more than the rest of its row."""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=65536)
def _reversed(urlconf, prefix, name, args):
    return reverse(name, urlconf=urlconf, args=args)


def cached_reverse(name, *args):
    """``reverse(name, args=args)``, remembered per URL configuration and script prefix."""
    return _reversed(get_urlconf(), get_script_prefix(), name, args)
