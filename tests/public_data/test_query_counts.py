"""Every public page runs the same number of SQL queries whatever the amount of data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations import services
from recommendations.models import Status, StatusUpdate
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationLinkFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    public_url,
)

pytestmark = pytest.mark.django_db
Publication = StatusUpdate.Publication

PAGES = [
    "/",
    "/?as_at=2020-01-01",
    "/about/",
    "/reviews/",
    "/reviews/{review}/",
    "/recommendations/",
    "/recommendations/?agency={agency}&status=resolved&q=text",
    "/recommendations/?as_at=2019-03-01&ordering=-updated",
    "{recommendation}",
    "/recommendations/export.csv",
    "/recommendations/export.json?agency={agency}",
    "/agencies/",
    "/agencies/{agency}/",
    "/changes/?since=2000-01-01",
    "/feeds/updates/",
    "/feeds/agencies/{agency}/",
    "/feeds/reviews/{review}/",
]


def add_recommendations(count, review=None, lead=None, partner=None):
    """Add ``count`` recommendations to a review, owned by two agencies, each with history."""
    lead, partner = lead or AgencyFactory(), partner or AgencyFactory()
    review = review or ReviewFactory()
    for index in range(count):
        recommendation = RecommendationFactory(review=review)
        RecommendationOwnerFactory(recommendation=recommendation, agency=lead, is_lead=True)
        RecommendationOwnerFactory(recommendation=recommendation, agency=partner)
        for status, publication in [
            (Status.IN_PROGRESS, Publication.PUBLISHED),
            (Status.RESOLVED if index % 2 else Status.IN_PROGRESS, Publication.PUBLISHED),
            (Status.RESOLVED, Publication.WITHHELD),
        ]:
            services.record_status_update(
                recommendation=recommendation,
                status=status,
                status_date=datetime.date(2019, 1, 1) + datetime.timedelta(days=index),
                narrative="Progress.",
                publication=publication,
                withheld_reason="Sensitive." if publication == Publication.WITHHELD else "",
            )
    return review, lead, partner


def queries_per_page(client, names, pages=PAGES):
    counts = {}
    for page in pages:
        url = page.format(**names)
        client.get(url)  # once-per-connection work (a database feature check) done
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_the_data(client):
    review, lead, partner = add_recommendations(10)
    first = review.recommendations.first()
    names = {"review": review.slug, "agency": lead.slug, "recommendation": public_url(first)}
    with_10 = queries_per_page(client, names)
    add_recommendations(190, review, lead, partner)
    assert review.recommendations.count() == 200
    assert queries_per_page(client, names) == with_10


@pytest.mark.django_db(transaction=True)
def test_a_recommendation_is_one_query_with_its_owners_timeline_and_links(client):
    """Outside a transaction, as in production, where the reference data is held."""
    review, _, _ = add_recommendations(3)
    first, second, third = review.recommendations.order_by("pk")
    RecommendationLinkFactory(source=first, target=second)
    RecommendationLinkFactory(source=third, target=first)
    page = public_url(first)
    for url in (page, "/api" + page):
        client.get(url)  # the reference data is held from now on
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        store_queries = [q["sql"] for q in queries if "publicdataversion" not in q["sql"]]
        assert len(store_queries) == 1, store_queries
        assert public_url(second) in response.content.decode()
        assert public_url(third) in response.content.decode()
