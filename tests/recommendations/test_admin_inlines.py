"""A recommendation's page as a browser submits it: saving with nothing changed, ISO dates in
the date inputs, and owners and links saved through the services with errors beside the field."""

import datetime

import pytest
from django.urls import reverse

from recommendations.admin_inlines import LinkInline, OwnerInline
from recommendations.models import RecommendationLink, StatusUpdate
from tests.factories import AgencyFactory, RecommendationFactory, status_update

from .change_forms import form_data, inline_prefix

pytestmark = pytest.mark.django_db


def change_url(recommendation):
    return reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])


@pytest.fixture
def as_editor(editor, login):
    return login(editor)


class TestSavingUnchanged:
    def test_saving_the_page_as_rendered_saves_and_records_no_update(self, as_editor, own_rec):
        page = as_editor.get(change_url(own_rec))
        response = as_editor.post(change_url(own_rec), form_data(page))
        assert response.status_code == 302
        own_rec.refresh_from_db()
        assert own_rec.version == 1
        assert not StatusUpdate.objects.exists()
        assert own_rec.history.count() == 1  # only its creation

    def test_a_moved_target_date_with_its_reason_saves_without_an_update(self, as_editor, own_rec):
        own_rec.target_date = datetime.date(2026, 11, 25)
        own_rec.save()
        page = as_editor.get(change_url(own_rec))
        data = form_data(page)
        data.update(target_date="2027-03-31", target_date_reason="Funding arrives in March.")
        assert as_editor.post(change_url(own_rec), data).status_code == 302
        own_rec.refresh_from_db()
        assert own_rec.target_date == datetime.date(2027, 3, 31)
        assert not StatusUpdate.objects.exists()


class TestDateInputs:
    def test_every_date_input_holds_an_iso_date_the_browser_keeps(self, as_editor, own_rec):
        own_rec.target_date = datetime.date(2026, 11, 25)
        own_rec.save()
        page = as_editor.get(change_url(own_rec)).content.decode()
        assert 'type="date" name="target_date" value="2026-11-25"' in page
        prefix = "updates"
        today = datetime.date.today().isoformat()
        assert f'type="date" name="{prefix}-0-status_date" value="{today}"' in page
        assert "25/11/2026" not in page

    def test_the_draft_page_renders_its_date_in_iso(self, as_editor, own_rec):
        draft = status_update(
            own_rec,
            status_date=datetime.date(2026, 2, 3),
            publication=StatusUpdate.Publication.DRAFT,
        )
        url = reverse("admin:recommendations_statusupdate_change", args=[draft.pk])
        page = as_editor.get(url).content.decode()
        assert 'type="date" name="status_date" value="2026-02-03"' in page


class TestOwners:
    def owners_data(self, page, rows):
        data = form_data(page)
        prefix = inline_prefix(page, OwnerInline)
        for key in [key for key in data if key.startswith(f"{prefix}-")]:
            del data[key]
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, (agency, is_lead) in enumerate(rows):
            data[f"{prefix}-{index}-agency"] = str(agency.pk)
            if is_lead:
                data[f"{prefix}-{index}-is_lead"] = "on"
        return data

    def test_two_leads_is_an_error_beside_the_field_and_nothing_changes(
        self, as_editor, own_rec, own_agency
    ):
        own_rec.ownerships.all().delete()
        second = AgencyFactory()
        page = as_editor.get(change_url(own_rec))
        data = self.owners_data(page, [(own_agency, True), (second, True)])
        response = as_editor.post(change_url(own_rec), data)
        assert response.status_code == 200
        assert "Only one owner can lead" in response.content.decode()
        assert own_rec.ownerships.count() == 0

    def test_the_same_agency_twice_is_an_error(self, as_editor, own_rec, own_agency):
        own_rec.ownerships.all().delete()
        page = as_editor.get(change_url(own_rec))
        data = self.owners_data(page, [(own_agency, True), (own_agency, False)])
        response = as_editor.post(change_url(own_rec), data)
        assert response.status_code == 200
        assert "Please correct the duplicate data for agency" in response.content.decode()
        assert own_rec.ownerships.count() == 0

    def test_the_lead_moves_through_the_service_and_is_attributed(
        self, as_editor, editor, own_rec, own_agency
    ):
        second = AgencyFactory()
        page = as_editor.get(change_url(own_rec))
        prefix = inline_prefix(page, OwnerInline)
        data = form_data(page)
        data[f"{prefix}-TOTAL_FORMS"] = "2"
        data.pop(f"{prefix}-0-is_lead")
        data.update({f"{prefix}-1-agency": str(second.pk), f"{prefix}-1-is_lead": "on"})
        assert as_editor.post(change_url(own_rec), data).status_code == 302
        assert own_rec.lead_owner == second
        assert {o.agency for o in own_rec.ownerships.all()} == {own_agency, second}
        assert own_rec.ownerships.get(agency=second).history.first().history_user == editor


class TestLinks:
    def link_data(self, page, **values):
        data = form_data(page)
        prefix = inline_prefix(page, LinkInline)
        data[f"{prefix}-TOTAL_FORMS"] = "1"
        data.update({f"{prefix}-0-{name}": value for name, value in values.items()})
        return data

    def test_a_link_to_itself_is_an_error_beside_the_field(self, as_editor, own_rec):
        page = as_editor.get(change_url(own_rec))
        data = self.link_data(page, kind="related", target=str(own_rec.pk))
        response = as_editor.post(change_url(own_rec), data)
        assert response.status_code == 200
        assert "cannot link to itself" in response.content.decode()
        assert not RecommendationLink.objects.exists()

    def test_a_link_with_no_target_is_an_error(self, as_editor, own_rec):
        page = as_editor.get(change_url(own_rec))
        response = as_editor.post(change_url(own_rec), self.link_data(page, kind="related"))
        assert response.status_code == 200
        assert "Link either to one recommendation or to a whole review" in (
            response.content.decode()
        )

    def test_a_valid_link_is_saved_and_attributed(self, as_editor, editor, own_rec):
        other = RecommendationFactory(review=own_rec.review)
        page = as_editor.get(change_url(own_rec))
        data = self.link_data(page, kind="follows_up", target=str(other.pk), note="Same aim.")
        assert as_editor.post(change_url(own_rec), data).status_code == 302
        link = RecommendationLink.objects.get()
        assert (link.source, link.target, link.note) == (own_rec, other, "Same aim.")
        assert link.history.first().history_user == editor
