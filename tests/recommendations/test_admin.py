"""The MOPAC staff admin: finding recommendations, recording and publishing updates, stale
edits, target dates, preview, the audit trail, the admin home, import and export."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from recommendations import services
from recommendations.admin import NewUpdateInline
from recommendations.models import (
    Recommendation,
    Status,
    StatusUpdate,
    TargetDateChange,
)
from tests.factories import RecommendationFactory, public_url, status_update

from .change_forms import form_data, inline_prefix

pytestmark = pytest.mark.django_db

Publication = StatusUpdate.Publication
CHANGELIST = "/admin/recommendations/recommendation/"
UPDATES = "/admin/recommendations/statusupdate/"


def change_url(recommendation):
    return reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])


def with_new_update(page, **values):
    """The change form's data with the next-update form filled in."""
    data = form_data(page)
    prefix = inline_prefix(page, NewUpdateInline)
    data.update({f"{prefix}-0-{name}": value for name, value in values.items()})
    return data


def listed(response):
    return set(response.context["cl"].result_list)


@pytest.fixture
def as_editor(editor, login):
    return login(editor)


class TestChangelist:
    def test_shows_number_review_text_lead_owner_status_last_published_and_flags(
        self, as_editor, own_rec
    ):
        status_update(own_rec, status=Status.RESOLVED)
        response = as_editor.get(CHANGELIST)
        assert response.status_code == 200
        row = response.content.decode().split("Own agency&#x27;s recommendation.")[1]
        row = row.split("</tr>")[0]
        assert "OWN" in row
        assert "Resolved" in row
        assert date_format(timezone.localdate()) in row
        headers = [str(h["text"]).lower() for h in response.context["result_headers"]]
        assert headers[1:] == [
            "number",
            "review",
            "text",
            "lead owner",
            "current status",
            "last published",
            "stale",
            "overdue",
            "drafts",
            "owner vs mopac",
        ]

    def test_filters_by_owning_agency_and_status(self, as_editor, own_rec, other_rec, own_agency):
        status_update(other_rec, status=Status.RESOLVED)
        by_agency = as_editor.get(CHANGELIST, {"owners__id__exact": own_agency.pk})
        assert listed(by_agency) == {own_rec}
        by_status = as_editor.get(CHANGELIST, {"current_status__exact": Status.RESOLVED})
        assert listed(by_status) == {other_rec}

    def test_filters_stale_overdue_drafts_and_differing_assessments(
        self, as_editor, own_rec, other_rec, settings
    ):
        settings.STALE_AFTER_MONTHS = 6
        long_ago = timezone.now() - datetime.timedelta(days=400)
        Recommendation.objects.filter(pk__in=[own_rec.pk, other_rec.pk]).update(created_at=long_ago)
        status_update(other_rec, assessment=StatusUpdate.Assessment.OWNER)
        status_update(other_rec, status=Status.RESOLVED, status_date=datetime.date(2024, 1, 1))
        status_update(own_rec, publication=Publication.DRAFT)
        Recommendation.objects.filter(pk=own_rec.pk).update(target_date=datetime.date(2020, 1, 1))

        def flagged(name):
            return listed(as_editor.get(CHANGELIST, {name: "yes"}))

        assert flagged("stale") == {own_rec}
        assert flagged("overdue") == {own_rec}
        assert flagged("drafts") == {own_rec}
        assert flagged("differ") == {other_rec}
        assert listed(as_editor.get(CHANGELIST, {"stale": "no"})) == {other_rec}

    def test_search_matches_the_exact_number_or_words_of_the_text(
        self, as_editor, own_rec, other_rec
    ):
        RecommendationFactory(review=own_rec.review, number="12", text="Twelve.")
        assert listed(as_editor.get(CHANGELIST, {"q": "1"})) == {own_rec}
        assert listed(as_editor.get(CHANGELIST, {"q": "other agency"})) == {other_rec}

    def test_differing_assessments_show_side_by_side_in_the_list(self, as_editor, own_rec):
        status_update(own_rec, status=Status.RESOLVED, assessment=StatusUpdate.Assessment.OWNER)
        status_update(own_rec, status=Status.IN_PROGRESS)
        assert "Owner: Resolved · MOPAC: In progress" in as_editor.get(CHANGELIST).content.decode()


class TestRecordingAnUpdate:
    def test_history_is_listed_newest_first_and_read_only(self, as_editor, own_rec):
        older = status_update(own_rec, status_date=datetime.date(2020, 1, 1), narrative="Older.")
        newer = status_update(own_rec, status_date=datetime.date(2023, 1, 1), narrative="Newer.")
        response = as_editor.get(change_url(own_rec))
        history = response.context["status_history"]
        assert [entry["update"] for entry in history] == [newer, older]
        assert [entry["next_step"][0] for entry in history] == ["Record a correction"] * 2
        page = response.content.decode()
        assert page.index("Newer.") < page.index("Older.")
        assert 'name="updates-0-narrative"' in page  # the next update's form, and only it
        assert 'name="updates-1-narrative"' not in page

    def test_a_report_made_on_an_agency_s_behalf_says_so_in_the_history(
        self, as_editor, own_rec, own_agency
    ):
        status_update(
            own_rec,
            assessment=StatusUpdate.Assessment.OWNER,
            publication=Publication.DRAFT,
            reported_on_behalf_of=own_agency,
        )
        page = as_editor.get(change_url(own_rec)).content.decode()
        assert "reported by MOPAC on behalf of Own Agency" in page

    def test_an_editor_records_and_publishes_from_the_recommendation_page(
        self, as_editor, editor, own_rec
    ):
        data = with_new_update(
            as_editor.get(change_url(own_rec)),
            status=Status.RESOLVED,
            status_date="2025-03-01",
            assessment=StatusUpdate.Assessment.MOPAC,
            publication=Publication.PUBLISHED,
            narrative="The work is complete.",
        )
        response = as_editor.post(change_url(own_rec), data)
        assert response.status_code == 302, response.context and response.context["errors"]
        update = own_rec.updates.get()
        assert (update.status, update.publication, update.recorded_by) == (
            Status.RESOLVED,
            Publication.PUBLISHED,
            editor,
        )
        own_rec.refresh_from_db()
        assert own_rec.current_status == Status.RESOLVED
        public = Client().get(public_url(own_rec)).content.decode()
        assert "The work is complete." in public

    def test_an_invalid_update_is_a_form_error_and_nothing_is_saved(self, as_editor, own_rec):
        data = with_new_update(
            as_editor.get(change_url(own_rec)),
            status=Status.RESOLVED,
            status_date="2025-03-01",
            publication=Publication.WITHHELD,
        )
        response = as_editor.post(change_url(own_rec), data)
        assert response.status_code == 200
        assert "Say publicly why this update is withheld." in response.content.decode()
        assert not own_rec.updates.exists()

    def test_drafts_are_published_in_bulk(self, as_editor, own_rec, other_rec):
        first = status_update(own_rec, publication=Publication.DRAFT, status=Status.RESOLVED)
        second = status_update(other_rec, publication=Publication.DRAFT)
        response = as_editor.post(
            UPDATES,
            {"action": "publish_selected_drafts", "_selected_action": [first.pk, second.pk]},
            follow=True,
        )
        assert "Published 2 update(s)." in response.content.decode()
        assert set(StatusUpdate.objects.published()) == {first, second}
        own_rec.refresh_from_db()
        assert own_rec.current_status == Status.RESOLVED

    def test_bulk_publishing_reports_drafts_it_cannot_publish(self, as_editor, own_rec):
        draft = status_update(own_rec, publication=Publication.DRAFT, narrative="")
        response = as_editor.post(
            UPDATES,
            {"action": "publish_selected_drafts", "_selected_action": [draft.pk]},
            follow=True,
        )
        assert "A published update needs a public narrative." in response.content.decode()
        draft.refresh_from_db()
        assert draft.publication == Publication.DRAFT

    def test_a_draft_is_withheld_from_its_page_with_a_public_reason(self, as_editor, own_rec):
        draft = status_update(own_rec, publication=Publication.DRAFT)
        url = reverse("admin:recommendations_statusupdate_change", args=[draft.pk])
        data = form_data(as_editor.get(url))
        data.update(publication=Publication.WITHHELD, withheld_reason="Operationally sensitive.")
        assert as_editor.post(url, data).status_code == 302
        draft.refresh_from_db()
        assert (draft.publication, draft.withheld_reason) == (
            Publication.WITHHELD,
            "Operationally sensitive.",
        )

    def test_published_updates_are_never_changed_or_deleted_through_the_admin(
        self, as_editor, own_rec
    ):
        update = status_update(own_rec)
        url = reverse("admin:recommendations_statusupdate_change", args=[update.pk])
        page = as_editor.get(url)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert as_editor.post(url, {"narrative": "Rewritten."}).status_code == 403
        delete = reverse("admin:recommendations_statusupdate_delete", args=[update.pk])
        assert as_editor.post(delete, {"post": "yes"}).status_code == 403
        update.refresh_from_db()
        assert update.narrative == "Work is under way."

    def test_a_correction_is_a_new_update_that_names_what_it_corrects(self, as_editor, own_rec):
        original = status_update(own_rec, status=Status.RESOLVED)
        page = as_editor.get(change_url(own_rec)).content.decode()
        add = reverse("admin:recommendations_statusupdate_add")
        link = f"{add}?recommendation={own_rec.pk}&amp;corrects={original.pk}"
        assert link in page
        form = as_editor.get(link.replace("&amp;", "&"))
        data = form_data(form)
        assert data["corrects"] == str(original.pk)
        data.update(
            status=Status.IN_PROGRESS,
            publication=Publication.PUBLISHED,
            narrative="Corrects the update of 15 January 2024: not yet resolved.",
        )
        assert as_editor.post(add, data).status_code == 302
        correction = own_rec.updates.latest_first().first()
        assert correction.corrects == original
        assert own_rec.updates.count() == 2


class TestStaleEdits:
    def test_the_second_of_two_concurrent_saves_is_refused_and_nothing_is_overwritten(
        self, editor, login, own_rec
    ):
        first, second = login(editor), login(editor)
        first_data = form_data(first.get(change_url(own_rec)))
        second_data = with_new_update(
            second.get(change_url(own_rec)),
            status=Status.RESOLVED,
            status_date="2025-03-01",
            narrative="Drafted on a stale page.",
        )

        first_data["text"] = "The first officer's wording."
        assert first.post(change_url(own_rec), first_data).status_code == 302

        second_data["text"] = "The second officer's wording."
        response = second.post(change_url(own_rec), second_data)
        assert response.status_code == 200
        assert "Someone else saved a change to this recommendation" in response.content.decode()
        own_rec.refresh_from_db()
        assert own_rec.text == "The first officer's wording."
        assert not own_rec.updates.exists()

    def test_a_status_update_recorded_meanwhile_also_makes_the_page_stale(self, as_editor, own_rec):
        data = form_data(as_editor.get(change_url(own_rec)))
        status_update(own_rec)
        data["section"] = "Changed section"
        response = as_editor.post(change_url(own_rec), data)
        assert "Someone else saved a change" in response.content.decode()
        own_rec.refresh_from_db()
        assert own_rec.section == "A section"

    def test_two_officers_editing_one_draft_cannot_overwrite_each_other(
        self, editor, login, own_rec
    ):
        draft = status_update(own_rec, publication=Publication.DRAFT)
        url = reverse("admin:recommendations_statusupdate_change", args=[draft.pk])
        first, second = login(editor), login(editor)
        first_data, second_data = form_data(first.get(url)), form_data(second.get(url))
        first_data["narrative"] = "First wording."
        second_data["narrative"] = "Second wording."
        assert first.post(url, first_data).status_code == 302
        assert "Someone else saved a change" in second.post(url, second_data).content.decode()
        draft.refresh_from_db()
        assert draft.narrative == "First wording."


class TestTargetDates:
    def test_moving_the_target_date_needs_a_reason_and_keeps_the_old_date(
        self, as_editor, editor, own_rec
    ):
        Recommendation.objects.filter(pk=own_rec.pk).update(target_date=datetime.date(2024, 6, 1))
        data = form_data(as_editor.get(change_url(own_rec)))
        data["target_date"] = "2025-06-01"
        refused = as_editor.post(change_url(own_rec), data)
        assert "Say why the target date moves" in refused.content.decode()
        assert not TargetDateChange.objects.exists()

        data = form_data(as_editor.get(change_url(own_rec)))
        data.update(target_date="2025-06-01", target_date_reason="Funding arrived late.")
        assert as_editor.post(change_url(own_rec), data).status_code == 302
        change = TargetDateChange.objects.get()
        assert (change.old_date, change.changed_by) == (datetime.date(2024, 6, 1), editor)
        page = as_editor.get(change_url(own_rec)).content.decode()
        assert "Funding arrived late." in page
        assert "Moved 1 time." in page

    def test_setting_the_first_target_date_needs_no_reason(self, as_editor, own_rec):
        data = form_data(as_editor.get(change_url(own_rec)))
        data["target_date"] = "2030-01-01"
        assert as_editor.post(change_url(own_rec), data).status_code == 302
        assert TargetDateChange.objects.get().old_date is None

    def test_an_overdue_recommendation_is_flagged_on_its_page(self, as_editor, own_rec):
        Recommendation.objects.filter(pk=own_rec.pk).update(target_date=datetime.date(2020, 1, 1))
        page = as_editor.get(change_url(own_rec)).content.decode()
        assert "Overdue: the target date has passed." in page


class TestPublicView:
    def test_view_on_site_opens_the_public_page(self, as_editor, own_rec):
        page = as_editor.get(change_url(own_rec))
        assert page.context["has_absolute_url"]
        assert page.context["absolute_url"] == own_rec.get_absolute_url()
        # The staff link is by id; it redirects for good to the page named by review and number.
        public = Client().get(page.context["absolute_url"], follow=True)
        assert public.redirect_chain == [(public_url(own_rec), 301)]
        assert public.status_code == 200

    def test_a_restricted_recommendation_has_no_view_on_site_link(self, as_editor, own_rec):
        Recommendation.objects.filter(pk=own_rec.pk).update(is_restricted=True)
        assert not as_editor.get(change_url(own_rec)).context["has_absolute_url"]

    def test_the_preview_is_exactly_what_publishing_the_drafts_shows(
        self, as_editor, editor, own_rec
    ):
        status_update(own_rec, narrative="Published words.")
        draft = status_update(
            own_rec,
            publication=Publication.DRAFT,
            narrative="Draft words.",
            status=Status.RESOLVED,
            status_date=datetime.date(2025, 1, 1),
        )
        own_rec.internal_notes = "Staff words."
        services.save_recommendation(own_rec, changed_by=editor)
        preview = as_editor.get(
            reverse("admin:recommendations_recommendation_preview", args=[own_rec.pk])
        )
        before = Client().get(public_url(own_rec))
        assert preview.status_code == before.status_code == 200
        assert b"Published words." in preview.content and b"Draft words." in preview.content
        assert b"Draft words." not in before.content
        assert b"Staff words." not in preview.content

        services.publish_update(draft, published_by=editor)
        after = Client().get(public_url(own_rec))
        banner = re.compile(rb'<div class="inset preview-banner" role="status">.*?</div>')
        assert banner.search(preview.content)
        assert banner.sub(b"", preview.content) == after.content

    def test_previewing_a_restricted_recommendation_says_it_has_no_public_page(
        self, as_editor, editor, own_rec
    ):
        url = public_url(own_rec)
        own_rec.is_restricted = True
        services.save_recommendation(own_rec, changed_by=editor)
        preview = as_editor.get(
            reverse("admin:recommendations_recommendation_preview", args=[own_rec.pk])
        )
        assert b"This recommendation has no public page" in preview.content
        assert Client().get(url).status_code == 404
        assert Client().get(own_rec.get_absolute_url()).status_code == 404

    def test_the_change_page_links_to_the_preview(self, as_editor, own_rec):
        page = as_editor.get(change_url(own_rec)).content.decode()
        assert reverse("admin:recommendations_recommendation_preview", args=[own_rec.pk]) in page
        assert "Preview as the public sees it" in page

    def test_differing_assessments_show_side_by_side_on_the_page(self, as_editor, own_rec):
        status_update(
            own_rec,
            status=Status.RESOLVED,
            assessment=StatusUpdate.Assessment.OWNER,
            narrative="We think it is done.",
        )
        status_update(own_rec, narrative="MOPAC disagrees.")
        page = as_editor.get(change_url(own_rec)).content.decode()
        assert "Reported by the owner" in page
        assert "Assessed by MOPAC" in page
        assert page.index("We think it is done.") < page.index("MOPAC disagrees.")


class TestAuditTrail:
    def test_every_admin_change_is_recorded_with_who_and_what(self, as_editor, editor, own_rec):
        data = form_data(as_editor.get(change_url(own_rec)))
        data["text"] = "Reworded by the editor."
        as_editor.post(change_url(own_rec), data)
        record = own_rec.history.first()
        assert record.history_user == editor
        delta = record.diff_against(record.prev_record)
        assert "text" in delta.changed_fields

    def test_the_history_page_shows_the_change_and_related_updates(self, as_editor, own_rec):
        data = form_data(as_editor.get(change_url(own_rec)))
        data["section"] = "A renamed section"
        as_editor.post(change_url(own_rec), data)
        status_update(own_rec, narrative="An update.")
        history = as_editor.get(
            reverse("admin:recommendations_recommendation_history", args=[own_rec.pk])
        )
        page = history.content.decode()
        assert history.status_code == 200
        assert "A renamed section" in page
        assert "editor" in page
        assert "Status update: In progress (15 Jan 2024)" in page

    def test_the_audit_trail_cannot_be_used_to_revert(self, as_editor, own_rec):
        data = form_data(as_editor.get(change_url(own_rec)))
        data["text"] = "Changed."
        as_editor.post(change_url(own_rec), data)
        old = own_rec.history.last()
        url = reverse(
            "admin:recommendations_recommendation_simple_history", args=[own_rec.pk, old.pk]
        )
        assert as_editor.get(url).status_code == 200
        assert as_editor.post(url, form_data(as_editor.get(change_url(own_rec)))).status_code == 403
        own_rec.refresh_from_db()
        assert own_rec.text == "Changed."

    def test_user_and_group_changes_are_logged(self, superuser, login, editor):
        client = login(superuser)
        url = reverse("admin:auth_user_change", args=[editor.pk])
        data = form_data(client.get(url))
        data["first_name"] = "Edith"
        assert client.post(url, data).status_code == 302
        entry = editor.logentry_set.model.objects.get(object_id=str(editor.pk))
        assert entry.user == superuser
        assert "First name" in entry.get_change_message()


class TestAdminHome:
    def test_it_shows_drafts_awaiting_publication_and_stale_recommendations_per_agency(
        self, as_editor, own_rec, other_rec, settings
    ):
        settings.STALE_AFTER_MONTHS = 6
        Recommendation.objects.filter(pk=own_rec.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=400)
        )
        status_update(other_rec, publication=Publication.DRAFT)
        status_update(other_rec, publication=Publication.DRAFT)
        page = as_editor.get("/admin/").content.decode()
        attention = page.split('id="needs-attention"')[1].split("</div>")[0]
        assert "2 draft updates awaiting publication" in attention
        assert f"{UPDATES}?publication__exact=draft" in attention
        assert "Own Agency" in attention
        assert f"?owners__id__exact={own_rec.ownerships.get().agency_id}&amp;stale=yes" in (
            attention
        )
        assert "Other Agency" not in attention


class TestImportAndExport:
    def upload(self, client, content, name="recommendations.csv", file_format="0"):
        return client.post(
            reverse("admin:recommendations_recommendation_import"),
            {
                "resource": "0",
                "format": file_format,
                "import_file": SimpleUploadedFile(name, content),
            },
        )

    def test_the_dry_run_previews_rows_and_writes_nothing_until_confirmed(
        self, as_editor, own_rec, own_agency
    ):
        review = own_rec.review.slug
        content = (
            "review,number,position,text,lead_owner\n"
            f"{review},7,7,A new recommendation.,{own_agency.slug}\n"
        ).encode()
        preview = self.upload(as_editor, content)
        assert preview.status_code == 200
        assert "A new recommendation." in preview.content.decode()
        assert not Recommendation.objects.filter(number="7").exists()
        confirm = preview.context["confirm_form"]
        response = as_editor.post(
            reverse("admin:recommendations_recommendation_process_import"),
            {name: confirm.initial[name] for name in confirm.fields},
        )
        assert response.status_code == 302
        created = Recommendation.objects.get(number="7")
        assert created.lead_owner == own_agency
        assert created.history.first().history_user.username == "editor"

    def test_row_errors_are_shown_and_nothing_is_written(self, as_editor, own_rec):
        review = own_rec.review.slug
        content = (
            "review,number,position,text,lead_owner\n"
            f"{review},8,8,A good row.,own\n"
            f"{review},9,9,A bad agency.,nobody\n"
        ).encode()
        preview = self.upload(as_editor, content)
        page = preview.content.decode()
        assert "There is no agency with the slug &#x27;nobody&#x27;." in page
        assert "confirm_form" not in preview.context
        assert not Recommendation.objects.filter(number__in=["8", "9"]).exists()

    def test_a_file_in_the_wrong_encoding_is_refused_with_a_clear_message(self, as_editor, own_rec):
        content = f"review,number,position,text\n{own_rec.review.slug},8,8,Caf\xe9\n"
        preview = self.upload(as_editor, content.encode("latin-1"))
        assert "The file is not UTF-8 text." in preview.content.decode()
        assert not Recommendation.objects.filter(number="8").exists()

    def test_the_filtered_changelist_exports_to_xlsx_with_formulae_neutralised(
        self, as_editor, own_rec, other_rec, own_agency
    ):
        Recommendation.objects.filter(pk=own_rec.pk).update(text="=HYPERLINK(1)")
        response = as_editor.post(
            reverse("admin:recommendations_recommendation_export")
            + f"?owners__id__exact={own_agency.pk}",
            {"format": "1", "resource": "0", "recommendationresource_text": "on"},
        )
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.values)
        assert len(rows) == 2
        assert rows[1][rows[0].index("text")] == "'=HYPERLINK(1)"
        assert sheet.cell(row=2, column=rows[0].index("text") + 1).data_type == "s"
