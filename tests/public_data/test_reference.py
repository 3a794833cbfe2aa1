"""The reviews and agencies each process holds per public data version: read once per version,
never inside a transaction, and read afresh when a reader meets a newer one."""

import pytest
from django.db import transaction

from public_data import reference as reference_module
from public_data import selectors
from public_data.filters import RecommendationFilter
from public_data.models import PublishedRecommendation
from public_data.reference import reference
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
)

# Outside a test transaction, as a served request is.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def frozen_version(monkeypatch):
    """This process's view of the public data version stays put, as another process's does
    for up to a second after a publish here."""
    monkeypatch.setattr(reference_module, "current_version", lambda: 7)
    monkeypatch.setattr(reference_module, "_memo", (None, None))


def test_it_is_read_once_per_version(frozen_version, django_assert_num_queries):
    ReviewFactory(slug="first")
    with django_assert_num_queries(3):  # reviews, agencies, sections
        assert [review.slug for review in reference().reviews] == ["first"]
    with django_assert_num_queries(0):
        assert [review.slug for review in reference().reviews] == ["first"]


def test_it_is_read_afresh_when_the_version_moves(monkeypatch):
    monkeypatch.setattr(reference_module, "_memo", (None, None))
    ReviewFactory(slug="first")
    assert [review.slug for review in reference().reviews] == ["first"]
    ReviewFactory(slug="second")  # the projector moves the version as it commits
    assert {review.slug for review in reference().reviews} == {"first", "second"}


def test_inside_a_transaction_it_is_never_held(frozen_version):
    with transaction.atomic():
        ReviewFactory(slug="uncommitted")
        assert [review.slug for review in reference().reviews] == ["uncommitted"]
    assert reference_module._memo == (None, None)


def test_a_row_owned_by_an_agency_newer_than_the_held_version_still_lists(frozen_version):
    reference()  # held before the agency exists
    ownership = RecommendationOwnerFactory(agency=AgencyFactory(name="New agency"))
    (record,) = selectors.with_owners(
        PublishedRecommendation.objects.filter(source_id=ownership.recommendation_id)
    )
    assert [owner.agency.name for owner in record.owners] == ["New agency"]
    assert record.review.source_id == ownership.recommendation.review_id


def test_a_review_newer_than_the_held_version_is_still_found(frozen_version):
    reference()
    ReviewFactory(slug="brand-new")
    assert selectors.review("brand-new").slug == "brand-new"
    assert selectors.review("no-such-review") is None


def test_it_holds_the_public_sections_once_each_in_order(monkeypatch):
    monkeypatch.setattr(reference_module, "_memo", (None, None))
    for section in ("Training", "Command", "Training", ""):
        RecommendationFactory(section=section)
    RecommendationFactory(section="Restricted section", is_restricted=True)
    assert reference().sections == ["Command", "Training"]


def list_filter(query):
    return RecommendationFilter(query, queryset=selectors.recommendations())


def test_the_list_s_review_agency_and_report_filters_are_checked_without_a_query(
    frozen_version, django_assert_num_queries
):
    review = ReviewFactory(slug="harris")
    report = ReviewFactory(slug="progress", kind="progress_report")
    agency = AgencyFactory(slug="brigade")
    reference()
    with django_assert_num_queries(0):
        filterset = list_filter({"review": "harris", "agency": "brigade", "report": "progress"})
        assert filterset.is_valid(), filterset.errors
    cleaned = filterset.form.cleaned_data
    assert (cleaned["review"].source_id, cleaned["agency"].source_id) == (review.pk, agency.pk)
    assert cleaned["report"].source_id == report.pk


def test_a_review_or_agency_newer_than_the_held_version_is_still_a_valid_filter(frozen_version):
    reference()  # held before they exist
    ReviewFactory(slug="committee")
    AgencyFactory(slug="new-agency")
    filterset = list_filter({"review": "committee", "agency": "new-agency"})
    assert filterset.is_valid(), filterset.errors


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"review": "nowhere"}, "review"),
        ({"agency": "nobody"}, "agency"),
        ({"report": "harris"}, "report"),  # a review, not a progress report
        ({"agency": "no\x00body"}, "agency"),
    ],
)
def test_an_unknown_slug_is_not_a_valid_choice(frozen_version, query, field):
    ReviewFactory(slug="harris")
    filterset = list_filter(query)
    assert not filterset.is_valid()
    assert "Select a valid choice" in filterset.errors[field][0]
