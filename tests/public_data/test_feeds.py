"""The Atom feeds of published updates."""

import datetime
from xml.etree import ElementTree

import pytest

from public_data.projector import anchor
from recommendations import services
from recommendations.models import Status, StatusUpdate
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    public_url,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content).findall(f"{ATOM}entry")


def record(recommendation, publication=StatusUpdate.Publication.PUBLISHED, **values):
    return services.record_status_update(
        recommendation=recommendation,
        status=Status.IN_PROGRESS,
        status_date=datetime.date(2024, 1, 1),
        narrative=values.pop("narrative", "Progress made."),
        publication=publication,
        **values,
    )


def test_only_published_updates_each_with_a_unique_id(client):
    recommendation = RecommendationFactory()
    first, second = record(recommendation), record(recommendation)
    record(recommendation, StatusUpdate.Publication.DRAFT, narrative="Draft.")
    record(recommendation, StatusUpdate.Publication.WITHHELD, withheld_reason="Sensitive.")
    found = entries(client, "/feeds/updates/")
    ids = [entry.find(f"{ATOM}id").text for entry in found]
    assert len(found) == 2 and len(set(ids)) == 2
    assert {f"status-update/{anchor(first.pk)}", f"status-update/{anchor(second.pk)}"} == {
        entry_id.rsplit(":", 1)[1] for entry_id in ids
    }
    link = found[0].find(f"{ATOM}link").get("href")
    assert link.endswith(f"{public_url(recommendation)}#update-{anchor(second.pk)}")


def test_the_agency_feed_has_only_that_agencys_recommendations(client):
    agency = AgencyFactory()
    own = RecommendationOwnerFactory(agency=agency).recommendation
    record(own)
    record(RecommendationOwnerFactory().recommendation)
    assert len(entries(client, f"/feeds/agencies/{agency.slug}/")) == 1


def test_the_review_feed_has_only_that_reviews_recommendations(client):
    recommendation = RecommendationFactory()
    record(recommendation)
    record(RecommendationFactory())
    assert len(entries(client, f"/feeds/reviews/{recommendation.review.slug}/")) == 1


def test_unknown_agency_feed_is_404(client):
    assert client.get("/feeds/agencies/nobody/").status_code == 404
