"""The public template tags: select options written in Python must escape every value and say
what the template language would have said."""

import datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse

from public_data.filters import RecommendationFilter
from public_data.templatetags.tracker import (
    form_groups,
    options,
    page_url,
    plain_input,
    short_date,
)
from public_data.views import set_options
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


def test_offered_options_give_each_label_its_count_escaped():
    AgencyFactory(slug="fire", name="Fire & Rescue")
    AgencyFactory(slug="police", name="<Police>")
    form = RecommendationFilter({"agency": "police"}).form
    set_options(form, {"agency": {"fire": 3}})
    html = str(options(form["agency"]))
    assert '<option value="fire">Fire &amp; Rescue (3)</option>' in html
    assert '<option value="police" selected>&lt;Police&gt; (0)</option>' in html
    assert '<option value="">Any owner</option>' in html
    uncounted = str(options(form["review"]))
    assert uncounted == '<option value="" selected>Any review</option>'


def group_of(html, control_id):
    """The form group holding the control ``control_id``."""
    (group,) = [g for g in html.split('<div class="form-group') if f'for="{control_id}"' in g]
    return group


def test_form_groups_label_each_control_with_its_hint_and_no_error_when_valid():
    form = RecommendationFilter({"q": 'bridges & "tunnels"', "as_at": "2024-03-05"}).form
    assert form.is_valid()
    html = str(form_groups(form))
    assert html.count('<div class="form-group">') == len(form.fields)
    assert "error" not in html
    search = group_of(html, "id_q")
    assert '<label class="label" for="id_q">Text contains</label>' in search
    assert 'value="bridges &amp; &quot;tunnels&quot;"' in search
    as_at = group_of(html, "id_as_at")
    assert '<div class="hint" id="id_as_at_helptext">For example, 2017-10-25</div>' in as_at
    assert 'aria-describedby="id_as_at_helptext"' in as_at
    assert 'type="date" name="as_at" value="2024-03-05"' in as_at
    assert '<select name="status" id="id_status">' in group_of(html, "id_status")


def test_form_groups_give_each_field_in_error_one_message_its_control_names():
    form = RecommendationFilter({"status": "finished", "q": "nul\x00" + "x" * 201}).form
    assert not form.is_valid()
    html = str(form_groups(form))
    status = group_of(html, "id_status")
    assert status.startswith(' form-group--error">')
    assert 'id="id_status" aria-invalid="true" aria-describedby="id_status_error">' in status
    assert status.count('id="id_status_error"') == 1
    search = group_of(html, "id_q")
    assert search.count('id="id_q_error"') == 1
    assert search.count('<span class="visually-hidden">Error:</span>') == 2
    assert 'aria-describedby="id_q_error"' in search
    assert "form-group--error" not in group_of(html, "id_agency")


def test_page_url_says_what_reverse_says():
    for name in ("dashboard", "about", "recommendations:list", "recommendations:feed"):
        assert page_url(name) == reverse(name)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": 'a "bridge" & <tunnel>', "as_at": "2020-01-01"},
        {"q": "x" * 201, "as_at": "25/11/2026"},
        {"as_at": "2020-02-30"},
    ],
)
def test_inputs_written_in_python_say_what_their_widgets_would(data):
    form = RecommendationFilter(data).form
    form.is_valid()
    for name in ("q", "as_at"):
        assert plain_input(form[name]) == str(form[name])
