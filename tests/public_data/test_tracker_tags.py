"""The public template tags: table rows and select options written in Python must escape
every value and say what the template language would have said."""

import datetime

import pytest
from django.template.defaultfilters import date as date_filter

from public_data import selectors
from public_data.filters import RecommendationFilter
from public_data.templatetags.tracker import options, recommendation_rows, short_date
from recommendations.models import Status, StatusUpdate
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    public_url,
    status_update,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("day", [1, 28])
def test_short_date_says_what_the_date_filter_says(month, day):
    value = datetime.date(2024, month, day)
    assert short_date(value) == date_filter(value, "j M Y")


def listed(*recommendations):
    records = selectors.with_owners(
        selectors.with_shown_status(
            selectors.recommendations().filter(source_id__in=[r.pk for r in recommendations])
        )
    )
    return str(recommendation_rows(records))


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


def test_options_select_the_bound_value_and_escape_labels():
    AgencyFactory(slug="fire", name="Fire & Rescue")
    form = RecommendationFilter({"agency": "fire"}).form
    html = str(options(form["agency"]))
    assert '<option value="fire" selected>Fire &amp; Rescue</option>' in html
    assert '<option value="">Any owner</option>' in html
