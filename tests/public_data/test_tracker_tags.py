"""The public template tags: select options written in Python must escape every value and say
what the template language would have said."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse

from public_data.filters import RecommendationFilter
from public_data.selectors import chart_rows
from public_data.templatetags.tracker import (
    form_groups,
    options,
    page_url,
    plain_input,
    short_date,
    status_chart,
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


# The chart as the template language wrote it before ``status_chart`` replaced it.
CHART_TEMPLATE = """<figure class="chart">
  <svg class="chart__svg" viewBox="0 0 100 60" preserveAspectRatio="none" width="100%"
   height="90" role="img"
   aria-label="{{ caption }}: bar chart; the numbers are in the table that follows"
   focusable="false">
    {% for row in chart %}
      <rect class="chart__track" x="0" y="{{ row.y }}" width="100" height="6"></rect>
      <rect class="chart__bar status-fill--{{ row.status }}" x="0" y="{{ row.y }}"
       width="{{ row.percent }}" height="6"></rect>
    {% endfor %}
  </svg>
  <div class="table-wrapper">
  <table class="table table--compact">
    <caption class="table__caption">{{ caption }}</caption>
    <thead><tr><th scope="col">Status</th><th scope="col" class="numeric">Count</th>
    <th scope="col" class="numeric">Share</th></tr></thead>
    <tbody>
    {% for row in chart %}
      <tr>
        <th scope="row"><span class="swatch status-fill--{{ row.status }}" aria-hidden="true">
        </span>{% if list_url and row.count %}<a href="{{ list_url }}status={{ row.status }}">
        {{ row.label }}</a>{% else %}{{ row.label }}{% endif %}</th>
        <td class="numeric">{{ row.count }}</td>
        <td class="numeric">{{ row.percent }}%</td>
      </tr>
    {% endfor %}
    </tbody>
  </table>
  </div>
</figure>"""


def squeezed(html):
    """``html`` with the whitespace between and inside tags, which no reader sees, removed."""
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", str(html)))).strip()


@pytest.mark.parametrize(
    ("counts", "list_url"),
    [
        ({"resolved": 3, "in_progress": 1}, "/recommendations/?review=harris-2016&"),
        ({"resolved": 1234}, ""),
        ({}, "/recommendations/?agency=a%26b&"),
    ],
)
def test_status_chart_says_what_the_template_said(counts, list_url):
    chart = chart_rows(counts)
    caption = 'Fire & "Rescue" <Service>: recommendations by status'
    expected = Template(CHART_TEMPLATE).render(
        Context({"chart": chart, "caption": caption, "list_url": list_url})
    )
    assert squeezed(status_chart(chart, caption, list_url)) == squeezed(expected)
