"""Malformed query parameters on the staff pages: a page, a redirect or a 400, never a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BAD = ["²", "٣", "9" * 5000, "\x00", "abc", "' OR 1=1", "-1", "1.5", ""]
PAGES = {
    "admin:recommendations_recommendation_changelist": [
        "p",
        "o",
        "q",
        "owners__id__exact",
        "stale",
        "drafts",
        "current_status__exact",
    ],
    "admin:recommendations_statusupdate_changelist": ["p", "o", "q", "agency", "publication"],
    "admin:recommendations_statusupdate_add": ["recommendation", "corrects"],
}


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize(
    ("name", "parameter"), [(name, p) for name, params in PAGES.items() for p in params]
)
def test_a_malformed_parameter_is_never_a_server_error(name, parameter, value, editor, login):
    response = login(editor).get(reverse(name), {parameter: value})
    assert response.status_code in (200, 302, 400), response.status_code


def test_a_malformed_recommendation_id_leaves_the_form_to_be_filled_in(editor, login, own_rec):
    url = reverse("admin:recommendations_statusupdate_add")
    response = login(editor).get(url, {"recommendation": "²"})
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("recommendation") is None
    chosen = login(editor).get(url, {"recommendation": own_rec.pk})
    assert chosen.context["adminform"].form.initial["recommendation"] == str(own_rec.pk)


@pytest.mark.parametrize(
    ("name", "parameter"),
    [
        ("admin:autocomplete", "term"),
        ("admin:recommendations_recommendation_changelist", "q"),
        ("admin:rounds_round_changelist", "q"),
    ],
)
def test_a_nul_in_a_staff_search_is_a_400_on_every_database(name, parameter, editor, login):
    response = login(editor).get(reverse(name), {parameter: "a\x00b"})
    assert response.status_code == 400
    assert b"NUL character" in response.content
