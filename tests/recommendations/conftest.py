"""Staff fixtures: the three roles, and a recommendation of the contributor's own agency and one
of another agency."""

import pytest

from recommendations.models import Role
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    staff_user,
)


@pytest.fixture
def own_agency(db):
    return AgencyFactory(name="Own Agency", abbreviation="OWN", slug="own")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(name="Other Agency", abbreviation="OTH", slug="other")


@pytest.fixture
def own_rec(own_agency):
    recommendation = RecommendationFactory(number="1", text="Own agency's recommendation.")
    RecommendationOwnerFactory(recommendation=recommendation, agency=own_agency, is_lead=True)
    return recommendation


@pytest.fixture
def other_rec(other_agency, own_rec):
    recommendation = RecommendationFactory(
        review=own_rec.review, number="2", text="Other agency's recommendation."
    )
    RecommendationOwnerFactory(recommendation=recommendation, agency=other_agency, is_lead=True)
    return recommendation


@pytest.fixture
def contributor(own_agency):
    return staff_user(Role.CONTRIBUTOR, agencies=[own_agency], username="contributor")


@pytest.fixture
def superuser(db):
    return staff_user(username="superuser")
