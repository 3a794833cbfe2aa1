"""The public template tags: select options written in Python must escape every value and say
what the template language would have said."""

import datetime

import pytest
from django.template.defaultfilters import date as date_filter

from public_data.filters import RecommendationFilter
from public_data.templatetags.tracker import options, short_date
from tests.factories import (
    AgencyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("day", [1, 28])
def test_short_date_says_what_the_date_filter_says(month, day):
    value = datetime.date(2024, month, day)
    assert short_date(value) == date_filter(value, "j M Y")


def test_options_select_the_bound_value_and_escape_labels():
    AgencyFactory(slug="fire", name="Fire & Rescue")
    form = RecommendationFilter({"agency": "fire"}).form
    html = str(options(form["agency"]))
    assert '<option value="fire" selected>Fire &amp; Rescue</option>' in html
    assert '<option value="">Any owner</option>' in html
