"""A round on one review: the police own two open recommendations (one restricted), the fire
brigade one, an agency with no account one; one recommendation is already resolved."""

import datetime

import pytest

from recommendations.models import Role, Status
from rounds import services
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    staff_user,
    status_update,
)

TODAY = datetime.date(2030, 6, 1)
DEADLINE = datetime.date(2030, 6, 30)


@pytest.fixture
def agencies(db):
    return {
        "police": AgencyFactory(name="Metropolitan Police Service", abbreviation="MPS"),
        "fire": AgencyFactory(name="London Fire Brigade", abbreviation="LFB"),
        "silent": AgencyFactory(name="Port of London Authority", abbreviation="PLA"),
    }


def owned(review, number, *agencies, **values):
    recommendation = RecommendationFactory(review=review, number=number, **values)
    for index, agency in enumerate(agencies):
        RecommendationOwnerFactory(recommendation=recommendation, agency=agency, is_lead=not index)
    return recommendation


@pytest.fixture
def review(db):
    return ReviewFactory(short_name="Harris 2016", slug="harris-2016")


@pytest.fixture
def recs(review, agencies):
    police, fire, silent = agencies["police"], agencies["fire"], agencies["silent"]
    recs = {
        "police": owned(review, "1", police, text="Police recommendation text."),
        "shared": owned(review, "2", police, fire),
        "fire": owned(review, "3", fire),
        "secret": owned(review, "4", police, is_restricted=True, text="SECRETTEXT restricted."),
        "silent": owned(review, "5", silent),
        "done": owned(review, "6", police),
    }
    status_update(recs["done"], status=Status.RESOLVED)
    return recs


@pytest.fixture
def police_contributor(agencies):
    return staff_user(Role.CONTRIBUTOR, agencies=[agencies["police"]], username="police")


@pytest.fixture
def fire_contributor(agencies):
    return staff_user(Role.CONTRIBUTOR, agencies=[agencies["fire"]], username="fire")


@pytest.fixture
def round(recs, review, editor):
    return services.open_round(
        title="Progress report 2030",
        reviews=[review],
        deadline=DEADLINE,
        opened_by=editor,
        today=TODAY,
    )


def report(round, recommendation, user, status=Status.IN_PROGRESS, **values):
    """An owner's report through the service."""
    values.setdefault("narrative", "Work continues.")
    return services.record_owner_report(
        round=round,
        recommendation=recommendation,
        recorded_by=user,
        status=status,
        status_date=values.pop("status_date", TODAY),
        **values,
    )


def assess(round, recommendation, user, status=Status.RESOLVED, **values):
    """MOPAC's assessment through the service."""
    values.setdefault("narrative", "MOPAC agrees the work is done.")
    return services.record_assessment(
        round=round,
        recommendation=recommendation,
        recorded_by=user,
        status=status,
        status_date=values.pop("status_date", TODAY),
        **values,
    )
