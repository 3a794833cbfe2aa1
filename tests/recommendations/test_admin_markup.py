"""What the staff admin's pages show (the list's flags, a recommendation's summary after a refused
save) and how they are marked up for assistive technology. The browser tests
(tests/browser/test_staff_*.py) found these; here they are caught fast."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from .change_forms import form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:recommendations_recommendation_changelist")


def flag_icons(html, column):
    """The alternative texts of the yes/no icons in a changelist column."""
    cells = re.findall(rf'<td class="field-{column}[^"]*">(.*?)</td>', html, re.S)
    return [re.search(r'alt="([^"]*)"', cell).group(1) for cell in cells]


def test_a_new_recommendation_with_no_target_date_is_neither_stale_nor_overdue(
    editor, login, own_rec
):
    # Never published, created today, no target date: the SQL flags are NULL, not "unknown".
    html = login(editor).get(CHANGELIST).content.decode()
    assert flag_icons(html, "stale") == ["False"]
    assert flag_icons(html, "overdue") == ["False"]


def test_stale_and_overdue_recommendations_are_flagged(editor, login, own_rec):
    own_rec.target_date = timezone.localdate() - datetime.timedelta(days=1)
    own_rec.save()
    type(own_rec).objects.filter(pk=own_rec.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=800)
    )
    html = login(editor).get(CHANGELIST).content.decode()
    assert flag_icons(html, "stale") == ["True"]
    assert flag_icons(html, "overdue") == ["True"]


def test_every_owner_row_field_and_delete_box_has_a_label(editor, login, own_rec):
    url = reverse("admin:recommendations_recommendation_change", args=[own_rec.pk])
    html = login(editor).get(url).content.decode()
    assert '<th class="original"><span class="visually-hidden">Saved as</span></th>' in html
    for name in ("agency", "is_lead", "DELETE"):
        assert f'<label class="visually-hidden" for="id_ownerships-0-{name}">' in html


def test_every_admin_page_loads_the_script_that_names_autocomplete_boxes(editor, login):
    html = login(editor).get(reverse("admin:recommendations_statusupdate_add")).content.decode()
    assert 'src="/static/js/admin-autocomplete-labels.js" defer' in html


def test_a_form_with_errors_summarises_the_saved_recommendation_not_the_typed_text(
    editor, login, own_rec
):
    own_rec.target_date = datetime.date(2026, 11, 25)
    own_rec.save()
    client = login(editor)
    url = reverse("admin:recommendations_recommendation_change", args=[own_rec.pk])
    data = form_data(client.get(url))
    data.update(text="Typed but never saved.", target_date="2027-03-31")  # no reason: refused
    response = client.post(url, data)
    assert response.status_code == 200
    summary = response.content.decode().split('class="module recommendation-summary"')[1]
    summary = summary.split("</div>")[0]
    assert "Own agency&#x27;s recommendation." in summary
    assert "25 November 2026" in summary
    assert "Typed but never saved." not in summary
