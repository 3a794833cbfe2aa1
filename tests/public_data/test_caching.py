"""The public response cache: hits until public data changes, and never a stale page after."""

import datetime
import gzip
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from public_data import caching, version
from public_data.version import HeldPerVersion
from recommendations import services
from recommendations.models import Status, StatusUpdate
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    UserFactory,
    public_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_on(settings):
    settings.PUBLIC_CACHE_SECONDS = 600


def publish(recommendation, status):
    return services.record_status_update(
        recommendation=recommendation,
        status=status,
        status_date=datetime.date(2024, 5, 1),
        narrative=f"Now {status}.",
        publication=StatusUpdate.Publication.PUBLISHED,
    )


def test_a_repeat_anonymous_request_is_served_from_the_cache(client, cache_on):
    RecommendationFactory()
    first, second = client.get("/recommendations/"), client.get("/recommendations/")
    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("miss", "hit")
    assert first.content == second.content
    assert second["Content-Security-Policy"]  # the middleware still adds its headers


def test_a_publish_is_visible_on_the_very_next_request(client, cache_on):
    recommendation = RecommendationFactory()
    url = public_url(recommendation)
    assert b"Not yet assessed" in client.get(url).content
    assert client.get(url)["X-Public-Cache"] == "hit"
    publish(recommendation, Status.RESOLVED)  # no on-commit hook is needed
    fresh = client.get(url)
    assert fresh["X-Public-Cache"] == "miss"
    assert b"Now resolved." in fresh.content


def test_a_draft_is_never_shown_even_after_the_version_moves(
    client, cache_on, django_capture_on_commit_callbacks
):
    recommendation = RecommendationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_status_update(
            recommendation=recommendation,
            status=Status.RESOLVED,
            status_date=datetime.date(2024, 5, 1),
            narrative="A draft.",
        )
    assert b"A draft." not in client.get(recommendation.get_absolute_url()).content


def test_different_queries_and_formats_are_cached_apart(client, cache_on):
    RecommendationFactory(text="Bridges.")
    RecommendationFactory(text="Airports.")
    assert client.get("/recommendations/?q=Bridges").context["page"].paginator.count == 1
    assert b"Airports." in client.get("/recommendations/?q=Airports").content
    csv = client.get("/recommendations/export.csv")
    assert csv["Content-Type"] == "text/csv; charset=utf-8"


def test_staff_are_never_served_from_the_cache(client, cache_on):
    RecommendationFactory()
    client.get("/recommendations/")
    client.force_login(UserFactory())
    assert not client.get("/recommendations/").has_header("X-Public-Cache")


def test_error_responses_are_not_cached(client, cache_on):
    client.get("/recommendations/?agency=nobody")
    assert client.get("/recommendations/?agency=nobody")["X-Public-Cache"] == "miss"


def test_api_answers_are_cached_until_a_publish(
    client, cache_on, django_capture_on_commit_callbacks
):
    recommendation = RecommendationFactory()
    url = f"/api{public_url(recommendation)}"
    assert client.get(url)["X-Public-Cache"] == "miss"
    assert client.get(url)["X-Public-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        publish(recommendation, Status.RESOLVED)
    fresh = client.get(url)
    assert fresh["X-Public-Cache"] == "miss"
    assert fresh.json()["current_status"] == Status.RESOLVED


def test_an_entry_rendered_before_a_publish_is_never_served_after_it(client, cache_on):
    recommendation = RecommendationFactory()
    url = public_url(recommendation)
    client.get(url)
    version.bump()  # as any write to public data does, in its transaction
    response = client.get(url)
    assert response["X-Public-Cache"] == "miss"


def is_response_key(key):
    """Whether a (local memory) cache key holds a whole page or API answer."""
    return ":public-page:" in key


def stored_responses():
    """How many whole responses the (local memory) cache holds."""
    return sum(is_response_key(key) for key in cache._cache)


def test_urls_with_parameters_no_page_reads_are_answered_but_never_cached(client, cache_on):
    RecommendationFactory()
    before = stored_responses()
    for index in range(1000):
        response = client.get("/about/", {"utm_source": f"junk{index}"})
        assert response.status_code == 200
        assert "X-Public-Cache" not in response
    assert client.get("/recommendations/", {"q": "x", "junk": "1"}).status_code == 200
    assert stored_responses() == before
    client.get("/recommendations/", {"q": "x"})
    assert stored_responses() == before + 1  # the count sees page entries


def test_the_order_of_parameters_does_not_make_another_entry(client, cache_on):
    RecommendationFactory()
    first = client.get("/recommendations/?status=resolved&q=text")
    second = client.get("/recommendations/?q=text&status=resolved")
    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("miss", "hit")
    assert client.get("/recommendations/?status=in_progress&q=text")["X-Public-Cache"] == "miss"


def test_every_entry_expires(client, cache_on):
    RecommendationFactory()
    client.get("/recommendations/")
    expiries = [cache._expire_info[key] for key in cache._cache if is_response_key(key)]
    assert expiries and all(expiry is not None for expiry in expiries)


def test_a_page_hit_is_answered_before_the_session_and_auth_middleware(client, cache_on):
    RecommendationFactory()
    miss = client.get("/recommendations/")
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request",
        side_effect=AssertionError("a hit must not reach the session middleware"),
    ):
        hit = client.get("/recommendations/")
    assert (miss["X-Public-Cache"], hit["X-Public-Cache"]) == ("miss", "hit")
    assert hit.content == miss.content
    # The headers the inner middleware gave the page are kept with it.
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type"):
        assert hit[header] == miss[header]


def test_a_visitor_with_a_session_is_never_served_from_the_page_cache(client, cache_on):
    RecommendationFactory()
    client.get("/recommendations/")
    stored = stored_responses()
    client.cookies["sessionid"] = "x" * 32
    assert "X-Public-Cache" not in client.get("/recommendations/")
    assert stored_responses() == stored


def test_the_api_is_served_from_the_cache_whatever_the_cookies(client, cache_on):
    RecommendationFactory()
    client.cookies["sessionid"] = "x" * 32  # the API reads no session
    first, second = client.get("/api/recommendations/"), client.get("/api/recommendations/")
    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("miss", "hit")
    assert second.json() == first.json()
    assert second["ETag"] == first["ETag"]


def test_a_conditional_api_request_is_answered_by_drf_with_its_304(client, cache_on):
    RecommendationFactory()
    etag = client.get("/api/recommendations/")["ETag"]
    client.get("/api/recommendations/")  # now held
    response = client.get("/api/recommendations/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_pages_are_gzipped_for_clients_that_accept_it(client, cache_on):
    RecommendationFactory()
    plain = client.get("/recommendations/")
    for _ in range(2):  # the miss and the hit
        compressed = client.get("/recommendations/", HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert compressed["Content-Encoding"] == "gzip"
        assert gzip.decompress(compressed.content) == plain.content
        assert int(compressed["Content-Length"]) == len(compressed.content)
    assert "Accept-Encoding" in plain["Vary"]
    assert not plain.has_header("Content-Encoding")


def test_cached_api_answers_still_count_against_the_throttle(client, cache_on, three_a_minute):
    responses = [client.get("/api/reviews/") for _ in range(5)]
    assert [response.status_code for response in responses] == [200, 200, 200, 429, 429]
    assert [response.get("X-Public-Cache") for response in responses[:3]] == [
        "miss",
        "hit",
        "hit",
    ]
    assert responses[3].json()["detail"].startswith("Request was throttled.")
    assert client.get("/api/reviews/", REMOTE_ADDR="192.0.2.7")["X-Public-Cache"] == "hit"


# ---- aggregates: shared per version, and held by each process ----


@pytest.fixture
def held_aggregates(settings, monkeypatch):
    """Aggregates kept (the suite turns them off), with nothing held from earlier tests."""
    settings.PUBLIC_AGGREGATE_CACHE_SECONDS = 3600
    monkeypatch.setattr(caching, "held_aggregates", HeldPerVersion(limit=100))


@pytest.mark.django_db(transaction=True)
def test_an_aggregate_is_held_by_the_process_until_the_version_moves(held_aggregates):
    computed = []

    def compute():
        computed.append(True)
        return len(computed)

    assert caching.cached_aggregate("test", ("a",), compute) == 1
    cache.clear()  # the process holds it: no round trip to the shared cache
    assert caching.cached_aggregate("test", ("a",), compute) == 1
    assert caching.cached_aggregate("test", ("b",), compute) == 2
    RecommendationFactory()  # a public write moves the version
    assert caching.cached_aggregate("test", ("a",), compute) == 3


@pytest.mark.django_db(transaction=True)
def test_the_list_total_from_the_aggregates_follows_each_publish(client, held_aggregates):
    RecommendationFactory()
    assert client.get("/recommendations/").context["page"].paginator.count == 1
    RecommendationFactory()
    assert client.get("/recommendations/").context["page"].paginator.count == 2
    hidden = RecommendationFactory()
    hidden.is_restricted = True
    hidden.save()
    response = client.get("/recommendations/")
    assert response.context["page"].paginator.count == 2
    assert b"<strong>2</strong> recommendations" in response.content


@pytest.mark.django_db(transaction=True)
def test_a_search_count_is_held_per_version_and_follows_each_publish(client, held_aggregates):
    RecommendationFactory(text="A bridge.")
    RecommendationFactory(text="A tunnel.")
    assert client.get("/recommendations/?q=Bridge").context["page"].paginator.count == 1
    with CaptureQueriesContext(connection) as queries:
        # The same words in other case and spacing, another page order: the same count.
        response = client.get("/recommendations/?q=%20bridge&ordering=-document")
    assert response.context["page"].paginator.count == 1
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    RecommendationFactory(text="Another bridge.")
    assert client.get("/recommendations/?q=bridge").context["page"].paginator.count == 2
    assert client.get("/api/recommendations/?q=bridge").json()["count"] == 2
    restricted = RecommendationFactory(text="A restricted bridge.")
    restricted.is_restricted = True
    restricted.save()
    assert client.get("/recommendations/?q=bridge").context["page"].paginator.count == 2


@pytest.mark.django_db(transaction=True)
def test_a_held_filter_form_shows_the_values_typed_and_counts_that_follow_each_publish(client):
    fire = AgencyFactory(slug="fire", name="Fire Brigade")
    RecommendationOwnerFactory(agency=fire, recommendation=RecommendationFactory(text="A bridge."))
    assert "Fire Brigade (1)" in client.get("/recommendations/?status=").content.decode()
    # Held for the version: the same filters on another page show what they showed.
    assert "Fire Brigade (1)" in client.get("/recommendations/?status=&page=1").content.decode()
    typed = client.get("/recommendations/?q=Bridge").content.decode()
    assert 'value="Bridge"' in typed
    assert 'value="bridge"' in client.get("/recommendations/?q=bridge").content.decode()
    RecommendationOwnerFactory(agency=fire)
    assert "Fire Brigade (2)" in client.get("/recommendations/?status=").content.decode()
