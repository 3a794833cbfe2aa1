"""The rows of the recommendation tables: written in Python, every value escaped; with the
current status, held per public data version, never inside a transaction, and never after the
version moves."""

import datetime

import pytest

from public_data import rows, selectors
from public_data.models import PublishedRecommendation
from public_data.version import HeldPerVersion
from recommendations.models import Status, StatusUpdate
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    public_url,
    status_update,
)

pytestmark = pytest.mark.django_db


def listed(*recommendations):
    records = selectors.with_owners(
        selectors.with_shown_status(
            selectors.recommendations().filter(source_id__in=[r.pk for r in recommendations])
        )
    )
    return "".join(rows.rows(records))


def test_a_row_escapes_the_text_and_the_owners_names():
    recommendation = RecommendationFactory(text="Check <script>alert(1)</script> & report")
    RecommendationOwnerFactory(
        recommendation=recommendation, agency=AgencyFactory(name="Fire & Rescue", abbreviation="")
    )
    row = listed(recommendation)
    assert "<script>" not in row
    assert "Check &lt;script&gt;alert(1)&lt;/script&gt; &amp; report" in row
    assert ">Fire &amp; Rescue</a>" in row


def test_a_row_links_the_page_names_the_lead_and_shortens_long_text():
    recommendation = RecommendationFactory(number="41", text=" ".join(["word"] * 45))
    lead = AgencyFactory(name="Metropolitan Police Service", abbreviation="MPS")
    RecommendationOwnerFactory(recommendation=recommendation, agency=lead, is_lead=True)
    RecommendationOwnerFactory(
        recommendation=recommendation, agency=AgencyFactory(name="Another", abbreviation="")
    )
    row = listed(recommendation)
    assert f'href="{public_url(recommendation)}"' in row
    assert ": recommendation 41</a>" in row
    assert f'<a href="{lead.get_absolute_url()}">MPS</a> (lead), ' in row
    assert " ".join(["word"] * 40) + " …</p>" in row


def test_a_row_shows_the_status_its_date_and_where_owner_and_mopac_differ():
    recommendation = RecommendationFactory()
    status_update(
        recommendation,
        status=Status.RESOLVED,
        status_date=datetime.date(2024, 3, 5),
        assessment=StatusUpdate.Assessment.OWNER,
    )
    status_update(
        recommendation,
        status=Status.IN_PROGRESS,
        status_date=datetime.date(2024, 3, 6),
        assessment=StatusUpdate.Assessment.MOPAC,
    )
    row = listed(recommendation)
    assert '<strong class="tag status-tag--in_progress">In progress</strong>' in row
    assert '<span class="caption">6 Mar 2024</span>' in row
    assert "The owner reports Resolved; MOPAC assesses In progress." in row


def test_an_unnumbered_row_says_so():
    assert ": unnumbered recommendation</a>" in listed(RecommendationFactory(number=""))


# ---- held per version: outside a test transaction, as a served request is ----

held = pytest.mark.django_db(transaction=True)


def store_ids(*recommendations):
    by_source = dict(
        PublishedRecommendation.objects.filter(
            source_id__in=[r.pk for r in recommendations]
        ).values_list("source_id", "pk")
    )
    return [by_source[r.pk] for r in recommendations]


@pytest.fixture
def fresh(monkeypatch):
    """Nothing held from earlier tests."""
    monkeypatch.setattr(rows, "held", HeldPerVersion(limit=rows.held.limit))


@held
def test_current_rows_are_the_rows_with_the_current_status_in_the_order_asked(
    fresh, django_assert_max_num_queries
):
    first, second = RecommendationFactory(number="1"), RecommendationFactory(number="2")
    ids = store_ids(second, first)
    written = rows.current_rows(ids)
    assert written == [
        "".join(rows.rows(selectors.with_shown_status(selectors.recommendations().filter(pk=pk))))
        for pk in ids
    ]
    with django_assert_max_num_queries(1):  # the version at most: the rows are held
        assert rows.current_rows(ids) == written


@held
def test_a_publish_shows_at_once_in_the_rows_of_the_process_that_made_it(fresh):
    recommendation = RecommendationFactory()
    status_update(recommendation, status=Status.IN_PROGRESS, status_date=datetime.date(2024, 1, 2))
    ids = store_ids(recommendation)
    assert "status-tag--in_progress" in rows.current_rows(ids)[0]
    status_update(recommendation, status=Status.RESOLVED, status_date=datetime.date(2024, 1, 3))
    (row,) = rows.current_rows(ids)
    assert "status-tag--resolved" in row
    assert "3 Jan 2024" in row


@held
def test_a_recommendation_no_longer_public_is_left_out(fresh):
    kept, withdrawn = RecommendationFactory(number="1"), RecommendationFactory(number="2")
    ids = store_ids(kept, withdrawn)
    rows.current_rows(ids)
    withdrawn.is_restricted = True
    withdrawn.save()
    (row,) = rows.current_rows(ids)
    assert ": recommendation 1<" in row
