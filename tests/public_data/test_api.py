"""The public API: every endpoint, filter and error; caching, throttling, read-only; no leaks
and no N+1 queries; the OpenAPI schema and its documentation page."""

import datetime
import os
import re
import subprocess
import sys

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.utils import timezone

from public_data.api import views as api_views
from public_data.api.pagination import PagePagination
from public_data.filters import RecommendationFilter
from public_data.models import PublishedRecommendation
from public_data.projector import anchor
from public_data.serializers import api_url
from public_data.version import HeldPerVersion
from recommendations.models import RecommendationLink, Status
from reviews.models import Review
from tests.factories import (
    LEAK_PREFIX,
    AgencyFactory,
    RecommendationFactory,
    RecommendationLinkFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    plant_markers,
    status_update,
)
from tests.public_data.test_query_counts import add_recommendations, queries_per_page

pytestmark = pytest.mark.django_db


def api_urls(planted, searches):
    """For each API URL name, the URLs ``tests/public_data/test_public_leaks.py`` requests with
    ``plant_markers()``'s data: every endpoint, list and detail, the recommendation list with
    the site list's query ``searches``, valid and not, and the old id addresses."""
    public, restricted = planted["public"], planted["restricted"]
    review, agency = planted["review"].slug, planted["agency"].slug
    changes = ["", "?since=2000-01-01", f"?agency={agency}", f"?review={review}", "?since=bad"]
    return {
        "api:api-root": ["/api/"],
        "api:schema": ["/api/schema/"],
        "api:docs": ["/api/docs/", "/api/docs/?script="],
        "api:review-list": ["/api/reviews/"],
        "api:review-detail": [f"/api/reviews/{review}/", "/api/reviews/no-such-review/"],
        "api:agency-list": ["/api/agencies/"],
        "api:agency-detail": [f"/api/agencies/{agency}/", "/api/agencies/no-such-agency/"],
        "api:recommendation-list": [f"/api/recommendations/{query}" for query in searches],
        "api:recommendation-detail": [
            detail_url(public),
            # Where the restricted one would be, by its number.
            f"/api/reviews/{review}/recommendations/{restricted.number}/",
            f"/api/reviews/{review}/recommendations/unnumbered-1/",
        ],
        "api:recommendation-old": [
            f"/api/recommendations/{public.pk}/",
            f"/api/recommendations/{restricted.pk}/",
        ],
        "api:update-list": [f"/api/updates/{query}" for query in changes],
    }


def get_json(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return response.json()


def stored(recommendation):
    """A staff recommendation's record in the published store."""
    return PublishedRecommendation.objects.select_related("review").get(source_id=recommendation.pk)


def reference(recommendation):
    """A staff recommendation's public reference: "<review slug>/<number or unnumbered-N>"."""
    return stored(recommendation).reference


def detail_url(recommendation):
    """A staff recommendation's address in the API, by its review and key."""
    return api_url(stored(recommendation), None)


def assert_no_database_ids(recommendation):
    """A serialized recommendation names itself by reference only: no id, no position."""
    assert "id" not in recommendation and "position" not in recommendation, recommendation


def references(body):
    """The references of a list of recommendations, in order; none has an id or position."""
    for row in body["results"]:
        assert_no_database_ids(row)
    return [row["reference"] for row in body["results"]]


def anchors(body):
    """The anchors of a list of updates, in order; none has an id, nor its recommendation."""
    for row in body["results"]:
        assert "id" not in row, row
        assert_no_database_ids(row["recommendation"])
    return [row["anchor"] for row in body["results"]]


ANCHOR = re.compile("[0-9a-f]{16}")


@pytest.fixture
def planted():
    return plant_markers()


@pytest.fixture
def catalogue():
    """Two owners, a review with two recommendations, a committee report with one, and a
    progress report that assessed the review's recommendations."""
    harris = ReviewFactory(slug="harris", published_on=datetime.date(2016, 10, 1))
    progress = ReviewFactory(
        slug="progress",
        kind=Review.Kind.PROGRESS_REPORT,
        published_on=datetime.date(2017, 10, 25),
        follows_up=harris,
        stated_recommendation_count=None,
    )
    committee = ReviewFactory(slug="committee", published_on=datetime.date(2023, 3, 1))
    fire, police = AgencyFactory(slug="fire", name="Fire"), AgencyFactory(slug="police")
    brigade = RecommendationFactory(
        review=harris, number="1", position=1, section="Fire", text="Brigade response times."
    )
    armed = RecommendationFactory(
        review=harris, number="2", position=2, section="Police", text="Armed police numbers."
    )
    assembly = RecommendationFactory(
        review=committee, number="", position=1, section="", text="Exercise the plans."
    )
    RecommendationOwnerFactory(recommendation=brigade, agency=fire, is_lead=True)
    RecommendationOwnerFactory(recommendation=brigade, agency=police)
    RecommendationOwnerFactory(recommendation=armed, agency=police, is_lead=True)
    RecommendationOwnerFactory(recommendation=assembly, agency=fire)

    report_day = datetime.date(2017, 10, 25)
    status_update(brigade, status_date=report_day, source_review=progress)
    status_update(brigade, status=Status.RESOLVED, status_date=datetime.date(2019, 6, 1))
    status_update(armed, status=Status.RESOLVED, status_date=report_day, source_review=progress)
    return {
        "harris": harris,
        "progress": progress,
        "committee": committee,
        "fire": fire,
        "police": police,
        "brigade": brigade,
        "armed": armed,
        "assembly": assembly,
    }


# ---- Reviews and agencies ----


def test_reviews_list_every_document_with_its_public_recommendation_count(client, planted):
    body = get_json(client, "/api/reviews/")
    assert body["count"] == 1
    (review,) = body["results"]
    assert review["slug"] == "public-review"
    # One public recommendation: the restricted one is not counted.
    assert review["recommendation_count"] == 1
    assert review["url"] == "http://testserver/api/reviews/public-review/"
    assert review["html_url"] == "http://testserver/reviews/public-review/"
    assert (
        review["recommendations"] == "http://testserver/api/recommendations/?review=public-review"
    )
    assert review["kind_label"] == "Independent review"
    assert get_json(client, review["url"]) == review


def test_a_review_links_to_the_review_it_follows_up(client, catalogue):
    body = get_json(client, "/api/reviews/progress/")
    assert body["follows_up"] == "harris"
    assert body["stated_recommendation_count"] is None
    assert body["recommendation_count"] == 0
    assert get_json(client, "/api/reviews/harris/")["follows_up"] is None


def test_agencies_list_every_owner_with_its_public_recommendation_count(client, planted):
    body = get_json(client, "/api/agencies/")
    (agency,) = body["results"]
    assert agency["slug"] == "public-agency"
    assert agency["recommendation_count"] == 1
    assert agency["url"] == "http://testserver/api/agencies/public-agency/"
    assert agency["html_url"] == "http://testserver/agencies/public-agency/"
    listed = get_json(client, agency["recommendations"])
    assert references(listed) == [reference(planted["public"])]
    assert get_json(client, agency["url"]) == agency


@pytest.mark.parametrize("url", ["/api/reviews/no-such-review/", "/api/agencies/no-such-agency/"])
def test_an_unknown_slug_is_a_json_404(client, url):
    assert list(get_json(client, url, status=404)) == ["detail"]


# ---- Recommendations: rows and filters ----


def test_a_recommendation_row_has_its_public_fields_owners_and_links(client, catalogue):
    body = get_json(client, "/api/recommendations/")
    row = body["results"][0]
    assert row["reference"] == "harris/1" == reference(catalogue["brigade"])
    assert row["url"] == "http://testserver/api/reviews/harris/recommendations/1/"
    assert row["html_url"] == "http://testserver/reviews/harris/recommendations/1/"
    assert get_json(client, row["url"])["reference"] == "harris/1"
    assert client.get(row["html_url"]).status_code == 200
    assert row["review"] == "harris"
    assert row["review_url"] == "http://testserver/api/reviews/harris/"
    assert (row["number"], row["text"], row["section"]) == ("1", "Brigade response times.", "Fire")
    assert [owner["slug"] for owner in row["owners"]] == ["fire", "police"]
    assert row["owners"][0]["name"] == "Fire"
    assert row["lead_owner"] == "fire"
    assert (row["current_status"], row["current_status_label"]) == ("resolved", "Resolved")
    assert row["current_status_date"] == "2019-06-01"
    assert (row["shown_status"], row["shown_status_date"]) == ("resolved", "2019-06-01")
    assert (row["response"], row["response_label"]) == ("no_response", "No published response")
    assert "internal_notes" not in row
    assert "is_restricted" not in row
    assert_no_database_ids(row)


def test_an_unnumbered_recommendation_is_keyed_by_its_place_among_the_public_ones(client):
    review = ReviewFactory(slug="quoted")
    hidden = RecommendationFactory(review=review, number="", position=1, is_restricted=True)
    first = RecommendationFactory(review=review, number="", position=2, text="First public.")
    second = RecommendationFactory(review=review, number="", position=3, text="Second public.")
    numbered = RecommendationFactory(review=review, number="4", position=4)
    body = get_json(client, "/api/recommendations/?review=quoted")
    # The restricted one before them does not shift the public ones' keys: no gap hints at it.
    assert references(body) == ["quoted/unnumbered-1", "quoted/unnumbered-2", "quoted/4"]
    assert [reference(rec) for rec in (first, second, numbered)] == references(body)
    for row, key, text in [
        (body["results"][0], "unnumbered-1", "First public."),
        (body["results"][1], "unnumbered-2", "Second public."),
    ]:
        assert row["url"] == f"http://testserver/api/reviews/quoted/recommendations/{key}/"
        assert row["html_url"] == f"http://testserver/reviews/quoted/recommendations/{key}/"
        assert get_json(client, row["url"])["text"] == text
    get_json(client, "/api/reviews/quoted/recommendations/unnumbered-3/", status=404)
    get_json(client, f"/api/recommendations/{hidden.pk}/", status=404)


def test_the_list_is_in_document_order_by_default(client, catalogue):
    body = get_json(client, "/api/recommendations/")
    expected = ["harris/1", "harris/2", "committee/unnumbered-1"]
    assert expected == [reference(catalogue[name]) for name in ("brigade", "armed", "assembly")]
    assert references(body) == expected
    reversed_ = get_json(client, "/api/recommendations/?ordering=-document")
    assert references(reversed_) == expected[::-1]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("review=harris", ["brigade", "armed"]),
        ("review=committee", ["assembly"]),
        ("agency=fire", ["brigade", "assembly"]),
        ("agency=police", ["brigade", "armed"]),
        ("status=resolved", ["brigade", "armed"]),
        ("status=not_assessed", ["assembly"]),
        ("section=Police", ["armed"]),
        ("q=brigade", ["brigade"]),
        ("q=POLICE numbers", ["armed"]),
        ("q=2", ["armed"]),
        ("agency=police&status=resolved&review=harris", ["brigade", "armed"]),
        ("as_at=2018-01-01&status=in_progress", ["brigade"]),
        ("as_at=2017-01-01&status=not_assessed", ["brigade", "armed", "assembly"]),
        ("report=progress&status=resolved", ["armed"]),
        ("ordering=status", ["assembly", "brigade", "armed"]),
        ("ordering=-status", ["brigade", "armed", "assembly"]),
        ("ordering=-updated&review=harris", ["brigade", "armed"]),
        ("ordering=updated&review=harris", ["armed", "brigade"]),
    ],
)
def test_every_filter_of_the_site_list_filters_the_api_list(client, catalogue, query, expected):
    body = get_json(client, f"/api/recommendations/?{query}")
    assert references(body) == [reference(catalogue[name]) for name in expected]
    assert body["count"] == len(expected)


def test_rows_show_the_status_as_at_a_date_or_report_beside_the_current_one(client, catalogue):
    as_at = get_json(client, "/api/recommendations/?as_at=2018-01-01&review=harris")
    brigade = as_at["results"][0]
    assert (brigade["shown_status"], brigade["shown_status_label"]) == (
        "in_progress",
        "In progress",
    )
    assert brigade["shown_status_date"] == "2017-10-25"
    assert brigade["current_status"] == "resolved"
    report = get_json(client, "/api/recommendations/?report=progress&review=committee")
    assert (report["results"][0]["shown_status"], report["results"][0]["shown_status_date"]) == (
        "not_assessed",
        None,
    )


def test_the_list_is_paginated_with_links_that_keep_the_filters(client, catalogue, monkeypatch):
    monkeypatch.setattr(PagePagination, "page_size", 2)
    first = get_json(client, "/api/recommendations/?ordering=-document")
    assert (first["count"], first["previous"]) == (3, None)
    assert references(first) == [reference(catalogue["assembly"]), reference(catalogue["armed"])]
    assert first["next"] == "http://testserver/api/recommendations/?ordering=-document&page=2"
    second = get_json(client, first["next"])
    assert references(second) == [reference(catalogue["brigade"])]
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/recommendations/?ordering=-document"


@pytest.mark.parametrize(
    "query, field",
    [
        ("agency=no-such-agency", "agency"),
        ("review=no-such-review", "review"),
        ("report=harris", "report"),
        ("status=done", "status"),
        ("section=Nowhere", "section"),
        ("as_at=yesterday", "as_at"),
        ("as_at=2024-02-30", "as_at"),
        ("ordering=popularity", "ordering"),
        ("q=" + "x" * 201, "q"),
        ("q=%00", "q"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=2", "page"),
        ("page=%C2%B2", "page"),
        ("page=%D9%A3", "page"),
        ("page=" + "9" * 5000, "page"),
    ],
)
def test_invalid_recommendation_parameters_are_a_400_naming_the_field(
    client, catalogue, query, field
):
    body = get_json(client, f"/api/recommendations/?{query}", status=400)
    assert body["detail"] == "Invalid query parameters."
    assert list(body["errors"]) == [field]
    (error,) = body["errors"][field]
    assert error["message"] and error["code"]


def test_every_invalid_parameter_is_named_at_once(client, catalogue):
    body = get_json(client, "/api/recommendations/?agency=nope&as_at=bad&ordering=zzz", status=400)
    assert set(body["errors"]) == {"agency", "as_at", "ordering"}
    assert body["errors"]["as_at"][0] == {"message": "Enter a valid date.", "code": "invalid"}


def test_a_page_past_the_end_says_so(client, catalogue):
    body = get_json(client, "/api/recommendations/?page=9", status=400)
    assert body["errors"]["page"] == [
        {"message": "That page contains no results.", "code": "invalid_page"}
    ]


def test_the_list_ignores_unknown_parameters(client, catalogue):
    assert get_json(client, "/api/recommendations/?colour=blue")["count"] == 3


# ---- One recommendation: timeline and links ----


def test_the_timeline_shows_published_updates_and_only_date_and_reason_of_withheld_ones(
    client, planted
):
    body = get_json(client, detail_url(planted["public"]))
    assert_no_database_ids(body)
    assert body["status_description"] == Status.description(Status.IN_PROGRESS)
    by_publication = {entry["publication"]: entry for entry in body["timeline"]}
    assert len(body["timeline"]) == 2, "the draft is left out"
    published, withheld = by_publication["published"], by_publication["withheld"]
    assert withheld == {
        "anchor": withheld["anchor"],
        "status_date": "2024-01-15",
        "publication": "withheld",
        "withheld_reason": "Withheld for its sensitive content.",
    }
    update = planted["published_update"]
    assert published["anchor"] == anchor(update.pk)
    # Anchors are opaque: no database id, in the clear or otherwise.
    for entry in body["timeline"]:
        assert ANCHOR.fullmatch(entry["anchor"]), entry
        assert "id" not in entry
    assert withheld["anchor"] != published["anchor"]
    assert "withheld_reason" not in published
    assert published["publication"] == "published"
    assert (published["status"], published["status_label"]) == ("in_progress", "In progress")
    assert published["narrative"] == "Harbourquay progress."
    assert published["assessment_label"] == "Assessed by MOPAC for the Mayor"
    assert published["source_review"] is None
    assert published["is_correction"] is False
    assert "staff_detail" not in published


def test_the_timeline_is_newest_first_with_sources_and_corrections(client, catalogue):
    brigade = catalogue["brigade"]
    earlier = brigade.updates.get(status=Status.IN_PROGRESS)
    status_update(brigade, status_date=datetime.date(2017, 10, 26), corrects=earlier)
    body = get_json(client, detail_url(brigade))
    dates = [entry["status_date"] for entry in body["timeline"]]
    assert dates == ["2019-06-01", "2017-10-26", "2017-10-25"]
    assert [entry["is_correction"] for entry in body["timeline"]] == [False, True, False]
    assert body["timeline"][2]["source_review"] == "progress"


def test_links_go_both_ways_to_recommendations_and_reviews(client, catalogue):
    brigade, armed, assembly = catalogue["brigade"], catalogue["armed"], catalogue["assembly"]
    RecommendationLinkFactory(
        source=assembly, target=brigade, kind=RecommendationLink.Kind.REITERATES, note="Again."
    )
    RecommendationLinkFactory(source=brigade, target=armed, kind=RecommendationLink.Kind.RELATED)
    RecommendationLinkFactory(
        source=brigade,
        target=None,
        target_review=catalogue["committee"],
        kind=RecommendationLink.Kind.SUPERSEDES,
    )
    links = get_json(client, detail_url(brigade))["links"]
    by_kind = {link["kind"]: link for link in links["outgoing"]}
    related = by_kind["related"]["recommendation"]
    assert_no_database_ids(related)
    assert related["reference"] == "harris/2" == reference(armed)
    assert related["url"] == "http://testserver/api/reviews/harris/recommendations/2/"
    assert related["html_url"] == "http://testserver/reviews/harris/recommendations/2/"
    assert by_kind["related"]["review"] is None
    assert by_kind["supersedes"]["recommendation"] is None
    assert by_kind["supersedes"]["review"]["slug"] == "committee"
    assert by_kind["supersedes"]["kind_label"] == "Supersedes"
    (incoming,) = links["incoming"]
    assert_no_database_ids(incoming["recommendation"])
    assert (
        incoming["recommendation"]["reference"] == "committee/unnumbered-1" == reference(assembly)
    )
    assert (incoming["kind"], incoming["note"]) == ("reiterates", "Again.")


def test_links_from_and_to_restricted_recommendations_are_left_out(client, planted):
    links = get_json(client, detail_url(planted["public"]))["links"]
    assert links == {"outgoing": [], "incoming": []}


def test_a_restricted_recommendation_is_as_not_found_as_a_missing_one(client, planted):
    review, restricted = planted["review"].slug, planted["restricted"]
    assert restricted.number, "addressed by its number, as a public one would be"
    hidden = get_json(
        client, f"/api/reviews/{review}/recommendations/{restricted.number}/", status=404
    )
    missing = get_json(client, f"/api/reviews/{review}/recommendations/999999/", status=404)
    assert hidden == missing
    assert list(hidden) == ["detail"]
    # By its old id too: as not found as an id no recommendation ever had.
    old = get_json(client, f"/api/recommendations/{restricted.pk}/", status=404)
    assert old == get_json(client, "/api/recommendations/999999/", status=404) == hidden


@pytest.mark.parametrize(
    "path",
    [
        "reviews/no-such-review/recommendations/1/",
        "reviews/harris/recommendations/3/",
        "reviews/harris/recommendations/abc/",
        "reviews/harris/recommendations/1.5/",
        "reviews/harris/recommendations/-1/",
        "reviews/harris/recommendations/%F0%9F%99%82/",
        "reviews/%F0%9F%99%82/recommendations/1/",
        "reviews/harris%00/recommendations/1/",
        "reviews/harris/recommendations/1%00/",
        "reviews/committee/recommendations/1/",
        "reviews/committee/recommendations/unnumbered-0/",
        "reviews/committee/recommendations/unnumbered-2/",
        "reviews/committee/recommendations/unnumbered-/",
        "reviews/committee/recommendations/UNNUMBERED-1/",
        "reviews/committee/recommendations/%7E1/",
        "reviews/progress/recommendations/1/",
        "recommendations/abc/",
        "recommendations/1.5/",
        "recommendations/-1/",
        "recommendations/%F0%9F%99%82/",
        "recommendations/%C2%B2/",
        "recommendations/1%00/",
        "recommendations/99999999999999999999/",
        "recommendations/" + "9" * 5000 + "/",
    ],
)
def test_an_address_that_names_no_public_recommendation_is_a_json_404(client, catalogue, path):
    assert list(get_json(client, f"/api/{path}", status=404)) == ["detail"]


def test_a_provisional_key_is_never_an_address(client, catalogue):
    # The store keys an unnumbered recommendation "~<id>" while it renumbers them.
    assembly = catalogue["assembly"]
    url = f"/api/reviews/committee/recommendations/~{assembly.pk}/"
    assert list(get_json(client, url, status=404)) == ["detail"]


def test_the_old_id_address_moves_for_good_to_the_new_one(client, catalogue):
    brigade = catalogue["brigade"]
    for method in (client.get, client.head):
        response = method(f"/api/recommendations/{brigade.pk}/")
        assert response.status_code == 301
        assert response["Location"] == "/api/reviews/harris/recommendations/1/"
    assembly = client.get(f"/api/recommendations/{catalogue['assembly'].pk}/")
    assert assembly["Location"] == detail_url(catalogue["assembly"])
    assert assembly["Location"] == "/api/reviews/committee/recommendations/unnumbered-1/"
    moved = client.get(f"/api/recommendations/{brigade.pk}/?page=2", follow=True)
    assert moved.redirect_chain == [("/api/reviews/harris/recommendations/1/", 301)]
    assert moved.json()["reference"] == "harris/1"


def test_the_old_id_address_is_read_only_json_and_answers_any_accept_header(client, catalogue):
    url = f"/api/recommendations/{catalogue['brigade'].pk}/"
    assert client.get(url, HTTP_ACCEPT="text/html").status_code == 301
    response = client.post(url, data={}, content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json()["detail"] == 'Method "POST" not allowed.'
    missing = client.get("/api/recommendations/999999/", HTTP_ACCEPT="text/html")
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/json")


def test_a_detail_url_ignores_list_parameters(client, planted):
    body = get_json(client, f"{detail_url(planted['public'])}?agency=nope&page=x")
    assert body["reference"] == reference(planted["public"])


# ---- Updates ----


def test_updates_are_published_ones_on_public_recommendations_only(client, planted):
    body = get_json(client, "/api/updates/")
    assert anchors(body) == [anchor(planted["published_update"].pk)]
    (update,) = body["results"]
    assert ANCHOR.fullmatch(update["anchor"])
    assert "withheld_reason" not in update
    assert update["recommendation"]["reference"] == reference(planted["public"])
    assert update["recommendation"]["url"] == f"http://testserver{detail_url(planted['public'])}"
    assert update["recommendation"]["review"] == "public-review"
    assert update["narrative"] == "Harbourquay progress."


@pytest.fixture
def dated_updates(catalogue):
    """An update dated and published long ago, and one dated long ago but published late."""

    def publish(dated, published):
        return status_update(
            catalogue["assembly"],
            status=Status.AWAITING_RESPONSE,
            status_date=dated,
            published_at=timezone.make_aware(datetime.datetime.combine(published, datetime.time())),
        )

    old = publish(datetime.date(2014, 1, 1), datetime.date(2014, 1, 2))
    late = publish(datetime.date(2014, 6, 1), datetime.date(2018, 1, 1))
    return old, late


def test_updates_since_a_date_include_those_published_since(client, catalogue, dated_updates):
    old, late = dated_updates
    old, late = anchor(old.pk), anchor(late.pk)
    everything = anchors(get_json(client, "/api/updates/"))
    assert old in everything and late in everything
    since = anchors(get_json(client, "/api/updates/?since=2017-01-01"))
    assert late in since and old not in since
    assert len(since) == len(everything) - 1
    assert anchors(get_json(client, "/api/updates/?since=2100-01-01")) == []


@pytest.mark.parametrize(
    "query, expected",
    [
        ("review=committee", {"assembly"}),
        ("review=harris", {"brigade", "armed"}),
        ("agency=police", {"brigade", "armed"}),
        ("status=awaiting_response", {"assembly"}),
        ("status=in_progress", {"brigade"}),
        ("status=resolved&agency=fire", {"brigade"}),
    ],
)
def test_updates_filter_by_review_agency_and_status(
    client, catalogue, dated_updates, query, expected
):
    body = get_json(client, f"/api/updates/?{query}")
    anchors(body)
    assert {reference(catalogue[name]) for name in expected} == {
        row["recommendation"]["reference"] for row in body["results"]
    }


def test_updates_are_newest_first(client, catalogue, dated_updates):
    dates = [row["status_date"] for row in get_json(client, "/api/updates/")["results"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "query, field",
    [
        ("since=bad", "since"),
        ("since=2024-02-30", "since"),
        ("review=nope", "review"),
        ("agency=nope", "agency"),
        ("status=nope", "status"),
        ("page=abc", "page"),
    ],
)
def test_invalid_update_parameters_are_a_400_naming_the_field(client, catalogue, query, field):
    body = get_json(client, f"/api/updates/?{query}", status=400)
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize("url", ["/api/reviews/?page=2", "/api/agencies/?page=x"])
def test_a_bad_page_of_any_list_is_a_400(client, planted, url):
    assert list(get_json(client, url, status=400)["errors"]) == ["page"]


# ---- HTTP behaviour ----

ENDPOINTS = [
    "/api/reviews/",
    "/api/reviews/public-review/",
    "/api/agencies/",
    "/api/agencies/public-agency/",
    "/api/recommendations/",
    "{public}",
    "/api/updates/",
]


@pytest.fixture
def endpoints(planted):
    return [url.format(public=detail_url(planted["public"])) for url in ENDPOINTS]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, endpoints, method):
    for url in endpoints:
        response = getattr(client, method)(url, data={}, content_type="application/json")
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response.json()["detail"] == f'Method "{method.upper()}" not allowed.'


def test_head_and_options_answer(client, endpoints):
    for url in endpoints:
        head = client.head(url)
        assert head.status_code == 200 and head.content == b"", url
        assert client.options(url).status_code == 200, url


def test_anonymous_gets_are_cacheable_with_an_etag(client, endpoints):
    for url in endpoints:
        response = client.get(url)
        assert response["Cache-Control"] == "public, no-cache", url
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert unchanged.status_code == 304, url


def test_errors_are_not_marked_cacheable(client, planted):
    response = client.get("/api/recommendations/?agency=nope")
    assert response.status_code == 400
    assert "public" not in response.get("Cache-Control", "")


def test_the_api_answers_json_whatever_the_accept_header(client, planted):
    body = get_json(client, "/api/reviews/", HTTP_ACCEPT="text/html")
    assert body["count"] == 1


def test_the_api_sends_no_cors_headers_and_sets_no_cookies(client, endpoints):
    for url in endpoints:
        response = client.get(url, HTTP_ORIGIN="https://elsewhere.example")
        assert not any(name.startswith("Access-Control-") for name in response.headers), url
        assert not response.cookies, url


def test_a_logged_in_member_of_staff_sees_only_public_data(client, planted):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    body = get_json(client, "/api/recommendations/")
    assert references(body) == [reference(planted["public"])]
    restricted = planted["restricted"]
    get_json(client, f"/api/reviews/public-review/recommendations/{restricted.number}/", status=404)
    get_json(client, f"/api/recommendations/{restricted.pk}/", status=404)


def test_anonymous_requests_past_the_rate_are_a_429(client, planted, three_a_minute):
    statuses = [client.get("/api/reviews/").status_code for _ in range(3)]
    throttled = client.get("/api/recommendations/")
    throttled_old = client.get(f"/api/recommendations/{planted['public'].pk}/")
    other_address = client.get("/api/reviews/", REMOTE_ADDR="192.0.2.7")
    assert statuses == [200, 200, 200]
    assert throttled.status_code == 429
    assert throttled.json()["detail"].startswith("Request was throttled.")
    assert throttled["Retry-After"] == "30"  # the clock stands 30 s before the minute turns
    assert throttled_old.status_code == 429
    assert other_address.status_code == 200


@pytest.mark.parametrize("configured, rate", [(None, "120/minute"), ("10/second", "10/second")])
def test_the_throttle_rate_is_sensible_by_default_and_configurable(configured, rate):
    environment = {k: v for k, v in os.environ.items() if k != "API_THROTTLE_RATE"}
    if configured:
        environment["API_THROTTLE_RATE"] = configured
    code = "import harris.settings as s; print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon'])"
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == rate


# ---- No leaks, no N+1 ----


def test_no_api_response_contains_a_marker(client, planted):
    from tests.public_data.test_public_leaks import public_urls

    requested = 0
    for name, urls in public_urls(planted).items():
        if not name.startswith("api:"):
            continue
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, url
            assert LEAK_PREFIX.encode() not in response.content, f"{name}: {url} leaks a marker"
            requested += 1
    assert requested > 25


def test_the_leak_test_requests_every_api_url_name(planted):
    from tests.public_data.test_public_leaks import pattern_names

    api_names = {name for name in pattern_names() if name.startswith("api:")}
    assert set(api_urls(planted, [""])) == api_names


def test_search_does_not_find_restricted_text(client, planted):
    assert get_json(client, "/api/recommendations/?q=Zanzibarquux")["count"] == 0


API_PAGES = [
    "/api/reviews/",
    "/api/reviews/{review}/",
    "/api/agencies/",
    "/api/agencies/{agency}/",
    "/api/recommendations/",
    "/api/recommendations/?agency={agency}&status=resolved&q=text",
    "/api/recommendations/?as_at=2019-03-01&ordering=-updated&review={review}",
    "{recommendation}",
    "/api/updates/",
    "/api/updates/?since=2019-01-01&agency={agency}&review={review}",
]


def test_query_counts_do_not_grow_with_the_data(client):
    review, lead, partner = add_recommendations(10)
    first = review.recommendations.first()
    others = list(review.recommendations.exclude(pk=first.pk))
    RecommendationLinkFactory(source=others[0], target=first)
    RecommendationLinkFactory(source=first, target=others[1])
    names = {"review": review.slug, "agency": lead.slug, "recommendation": detail_url(first)}
    with_10 = queries_per_page(client, names, API_PAGES)
    add_recommendations(190, review, lead, partner)
    for other in review.recommendations.exclude(pk=first.pk)[2:40]:
        RecommendationLinkFactory(source=other, target=first)
        RecommendationLinkFactory(source=first, target=other)
    assert review.recommendations.count() == 200
    assert queries_per_page(client, names, API_PAGES) == with_10


# ---- The schema and its documentation ----


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_documents_every_error_the_api_can_answer(schema):
    operations = {
        (path, method): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert {path for path, _ in operations} == {
        "/api/reviews/",
        "/api/reviews/{slug}/",
        "/api/agencies/",
        "/api/agencies/{slug}/",
        "/api/recommendations/",
        "/api/reviews/{review}/recommendations/{key}/",
        "/api/updates/",
    }  # Not the old id addresses: they only redirect.
    for (path, method), operation in operations.items():
        assert method == "get"
        is_detail = path.endswith("}/")
        expected = {"200", "404" if is_detail else "400", "429"}
        assert set(operation["responses"]) == expected, path


def test_the_schema_names_recommendations_by_reference_and_updates_by_anchor(schema):
    components = schema["components"]["schemas"]
    for name in ("Recommendation", "RecommendationDetail", "RecommendationReference"):
        properties = components[name]["properties"]
        assert "reference" in components[name]["required"], name
        assert not {"id", "position"} & set(properties), name
    for name in ("Update", "PublishedUpdate", "WithheldUpdate"):
        assert "anchor" in components[name]["required"], name
        assert "id" not in components[name]["properties"], name
    parameters = schema["paths"]["/api/reviews/{review}/recommendations/{key}/"]["get"]
    assert {parameter["name"] for parameter in parameters["parameters"]} == {"review", "key"}


def test_the_schema_lists_the_recommendation_filters(schema):
    parameters = schema["paths"]["/api/recommendations/"]["get"]["parameters"]
    names = {parameter["name"] for parameter in parameters}
    assert names == {*RecommendationFilter.base_filters, "page"}
    ordering = next(p for p in parameters if p["name"] == "ordering")
    assert set(ordering["schema"]["enum"]) == {
        "document",
        "-document",
        "status",
        "-status",
        "updated",
        "-updated",
    }


def test_the_schema_tells_withheld_timeline_entries_apart(schema):
    components = schema["components"]["schemas"]
    assert components["WithheldUpdate"]["required"] == [
        "anchor",
        "publication",
        "status_date",
        "withheld_reason",
    ]
    assert set(components["WithheldUpdate"]["properties"]) == {
        "anchor",
        "publication",
        "status_date",
        "withheld_reason",
    }
    assert "withheld_reason" not in components["PublishedUpdate"]["properties"]
    assert components["TimelineEntry"]["discriminator"]["propertyName"] == "publication"


def test_the_docs_load_their_assets_from_this_site_only(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 5
    assert all(asset.startswith("/") for asset in assets), assets
    assert "<style" not in html and "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"] == "application/javascript"
    # Swagger UI's validator badge would fetch from a third-party site.
    assert '"validatorUrl": null' in script.content.decode()
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset


@pytest.mark.django_db(transaction=True)
def test_list_rows_held_per_version_show_a_publish_at_once_and_as_at_lists_their_past(
    client, monkeypatch
):
    """Outside a test transaction, as a served request is: the rows with the current status
    are held per public data version (``RecommendationViewSet``), a row showing a past status
    is not."""
    monkeypatch.setattr(api_views, "current_rows", HeldPerVersion(limit=100))
    recommendation = RecommendationFactory(number="7")
    record = PublishedRecommendation.objects.get(source_id=recommendation.pk)
    status_update(recommendation, status=Status.IN_PROGRESS, status_date=datetime.date(2024, 1, 2))

    def shown(query=""):
        (row,) = client.get(f"/api/recommendations/{query}").json()["results"]
        return row["shown_status"], row["shown_status_date"], row["url"]

    assert shown() == ("in_progress", "2024-01-02", f"http://testserver{api_url(record, None)}")
    status_update(recommendation, status=Status.RESOLVED, status_date=datetime.date(2024, 1, 3))
    assert shown()[:2] == ("resolved", "2024-01-03")
    assert shown("?as_at=2024-01-02")[:2] == ("in_progress", "2024-01-02")
    assert shown("?as_at=2024-01-01")[:2] == ("not_assessed", None)
    assert len(api_views.current_rows._memo[1]) == 1
