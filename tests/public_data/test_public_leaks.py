"""The gate: no public URL, in any format, shows anything staff-only.

Markers are planted in every staff-only field and in draft, withheld and restricted records
(``tests.factories.plant_markers``); every non-admin URL pattern is requested, with the query
variants a visitor can use, and no response may contain a marker. A URL pattern added without
an entry in ``public_urls`` fails ``test_every_public_url_pattern_is_covered``.
"""

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import LEAK_PREFIX, plant_markers, public_url
from tests.public_data.test_api import api_urls

pytestmark = pytest.mark.django_db

EXCLUDED_NAMESPACES = {"admin"}


def pattern_names(patterns=None, namespace=""):
    """Every named URL pattern outside the admin, as "namespace:name"."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            if inner in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            names |= pattern_names(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def public_urls(planted):
    """For each public URL name, the URLs to request: every format and query variant."""
    public, restricted = planted["public"], planted["restricted"]
    review, agency = planted["review"].slug, planted["agency"].slug
    searches = [
        "",
        "?q=Zanzibarquux",
        "?q=Harbourquay",
        f"?agency={agency}",
        f"?review={review}",
        "?status=not_taken_forward",
        "?status=in_progress",
        "?as_at=2024-02-01",
        "?ordering=-updated",
        "?agency=no-such-agency",
        "?page=999",
    ]
    return {
        "dashboard": ["/", "/?as_at=2024-02-01", "/?as_at=not-a-date"],
        "about": ["/about/"],
        "health": ["/healthz/"],
        "ready": ["/readyz/"],
        "reviews:list": ["/reviews/"],
        "reviews:detail": [f"/reviews/{review}/", "/reviews/no-such-review/"],
        "recommendations:list": [f"/recommendations/{query}" for query in searches],
        "recommendations:export_csv": [f"/recommendations/export.csv{q}" for q in searches],
        "recommendations:export_json": [f"/recommendations/export.json{q}" for q in searches],
        "recommendations:detail": [
            public_url(public),
            # Where the restricted one would be, were it public.
            f"/reviews/{review}/recommendations/{restricted.number}/",
        ],
        "recommendations:old_detail": [
            f"/recommendations/{public.pk}/",
            f"/recommendations/{restricted.pk}/",
        ],
        "recommendations:agency_list": ["/agencies/"],
        "recommendations:agency_detail": [f"/agencies/{agency}/"],
        "recommendations:changes": ["/changes/?since=2000-01-01", "/changes/?since=bad"],
        "recommendations:feed": ["/feeds/updates/"],
        "recommendations:agency_feed": [f"/feeds/agencies/{agency}/"],
        "recommendations:review_feed": [f"/feeds/reviews/{review}/"],
        **api_urls(planted, searches),
    }


@pytest.fixture
def planted():
    cache.clear()
    return plant_markers()


def test_every_public_url_pattern_is_covered(planted):
    assert pattern_names() == set(public_urls(planted))


def test_no_public_response_contains_a_marker(client, planted):
    requested = 0
    for name, urls in public_urls(planted).items():
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, url
            body = b"".join(response) if response.streaming else response.content
            assert LEAK_PREFIX.encode() not in body, f"{name}: {url} leaks a marker"
            requested += 1
    assert requested > 40


def test_restricted_recommendation_is_not_found(client, planted):
    restricted = planted["restricted"]
    assert client.get(f"/recommendations/{restricted.pk}/").status_code == 404
    address = f"/reviews/{planted['review'].slug}/recommendations/{restricted.number}/"
    assert client.get(address).status_code == 404


def test_search_does_not_find_restricted_text(client, planted):
    response = client.get("/recommendations/?q=Zanzibarquux")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_the_markers_are_really_in_the_database(planted):
    """Guards the gate itself: the leak test is only meaningful if the markers exist."""
    from recommendations.models import Recommendation, StatusUpdate

    markers = planted["markers"]
    assert Recommendation.objects.filter(internal_notes=markers["internal-notes"]).exists()
    assert StatusUpdate.objects.filter(narrative=markers["draft-narrative"]).exists()
    assert StatusUpdate.objects.filter(narrative=markers["withheld-narrative"]).exists()
    assert Recommendation.objects.filter(text__contains=markers["restricted-text"]).exists()
