"""The counts by review, agency and status: a write changes only the counts of what it
rewrites, and they always equal a count of the store from scratch."""

import pytest

from public_data import counts, projector, selectors
from public_data.models import PublishedCount
from recommendations import services
from recommendations.models import Status
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    staff_user,
    status_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned():
    review = ReviewFactory(slug="review")
    lead, partner = AgencyFactory(slug="lead"), AgencyFactory(slug="partner")
    recommendations = [RecommendationFactory(review=review) for _ in range(3)]
    for recommendation in recommendations:
        RecommendationOwnerFactory(recommendation=recommendation, agency=lead, is_lead=True)
    status_update(recommendations[0], status=Status.IN_PROGRESS)
    return {"review": review, "lead": lead, "partner": partner, "recommendations": recommendations}


def test_a_write_changes_only_the_counts_of_what_it_rewrites(owned):
    # A count no write touches is left as it is (a recount from scratch would mend it).
    PublishedCount.objects.filter(review="", agency="lead", status="").update(count=99)
    status_update(owned["recommendations"][1], status=Status.RESOLVED)
    assert selectors.counts_by("status", review="review") == {
        "in_progress": 1,
        "resolved": 1,
        "not_assessed": 1,
    }
    assert selectors.count(agency="lead") == 99
    assert selectors.count(agency="lead", status="resolved") == 1


def test_counts_follow_owners_added_and_removed(owned):
    editor = staff_user("MOPAC editor")
    first = owned["recommendations"][0]
    services.set_owners(first, lead=owned["partner"], others=[], changed_by=editor)
    assert selectors.counts_by("agency") == {"lead": 2, "partner": 1}
    assert selectors.counts_by("agency", status="in_progress") == {"partner": 1}
    assert projector.differences() == {}
    services.set_owners(first, lead=owned["lead"], others=[owned["partner"]], changed_by=editor)
    assert selectors.counts_by("agency") == {"lead": 3, "partner": 1}
    assert projector.differences() == {}


def test_a_count_that_falls_to_nothing_is_gone_and_the_total_stays(owned):
    editor = staff_user("MOPAC editor")
    for recommendation in owned["recommendations"]:
        recommendation.is_restricted = True
        services.save_recommendation(recommendation, changed_by=editor)
    assert list(PublishedCount.objects.values_list("review", "agency", "status", "count")) == [
        ("", "", "", 0)
    ]
    assert projector.differences() == {}


def test_an_agency_renamed_is_counted_under_its_new_slug(owned):
    lead = owned["lead"]
    lead.slug = "renamed"
    lead.save()
    assert selectors.counts_by("agency") == {"renamed": 3}
    assert projector.differences() == {}


def test_a_change_that_would_count_below_zero_is_refused(owned):
    with pytest.raises(ValueError, match="below zero"):
        counts.apply({("review", "partner", "resolved"): -1})
