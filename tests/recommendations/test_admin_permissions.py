"""The permission matrix: each role x each admin action x a recommendation of the user's own
agency and one of another agency. Refusals come from the querysets and permission hooks, so a
guessed URL is refused as firmly as a hidden button."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recommendations.models import Recommendation, Role, Status, StatusUpdate
from tests.factories import staff_user, status_update

from .change_forms import form_data

pytestmark = pytest.mark.django_db

Publication = StatusUpdate.Publication
OK, HIDDEN, REFUSED = "ok", "hidden", "refused"


def outcome(response, done):
    """ok when the action took effect, else the HTTP refusal or "refused" (a form error, or
    the admin ignoring an action on objects the user may not touch)."""
    if response.status_code in (403, 404):
        return response.status_code
    return OK if done() else REFUSED


def admin_url(name, *args):
    return reverse(f"admin:recommendations_{name}", args=args)


def do_list(client, rec, setup):
    response = client.get(admin_url("recommendation_changelist"))
    return OK if rec in response.context["cl"].result_list else HIDDEN


def do_view(client, rec, setup):
    response = client.get(admin_url("recommendation_change", rec.pk))
    return outcome(response, lambda: True)


def do_change(client, rec, setup):
    data = form_data(setup.get(admin_url("recommendation_change", rec.pk)))
    data["text"] = "Changed by the user under test."
    response = client.post(admin_url("recommendation_change", rec.pk), data)
    return outcome(response, lambda: Recommendation.objects.get(pk=rec.pk).text == data["text"])


def do_draft(client, rec, setup):
    data = {
        "recommendation": rec.pk,
        "status": Status.IN_PROGRESS,
        "status_date": "2025-01-01",
        "assessment": StatusUpdate.Assessment.OWNER,
        "publication": Publication.DRAFT,
        "narrative": "Drafted by the user under test.",
    }
    response = client.post(admin_url("statusupdate_add"), data)
    return outcome(response, lambda: rec.updates.filter(narrative=data["narrative"]).exists())


def do_publish(client, rec, setup):
    draft = status_update(rec, publication=Publication.DRAFT)
    response = client.post(
        admin_url("statusupdate_changelist"),
        {"action": "publish_selected_drafts", "_selected_action": [draft.pk]},
    )
    return outcome(response, lambda: StatusUpdate.objects.get(pk=draft.pk).is_public_content)


def do_edit_draft(client, rec, setup, recorded_by=None):
    draft = status_update(
        rec,
        publication=Publication.DRAFT,
        recorded_by=recorded_by,
        assessment=StatusUpdate.Assessment.OWNER,
    )
    url = admin_url("statusupdate_change", draft.pk)
    data = form_data(setup.get(url))
    data.update(narrative="Reworded by the user under test.", assessment="owner")
    response = client.post(url, data)
    return outcome(
        response, lambda: StatusUpdate.objects.get(pk=draft.pk).narrative == data["narrative"]
    )


def do_history(client, rec, setup):
    return outcome(client.get(admin_url("recommendation_history", rec.pk)), lambda: True)


def do_preview(client, rec, setup):
    return outcome(client.get(admin_url("recommendation_preview", rec.pk)), lambda: True)


def do_see_internal_notes(client, rec, setup):
    Recommendation.objects.filter(pk=rec.pk).update(internal_notes="MOPAC-ONLY-NOTE")
    response = client.get(admin_url("recommendation_change", rec.pk))
    if response.status_code != 200:
        return response.status_code
    return OK if b"MOPAC-ONLY-NOTE" in response.content else HIDDEN


def do_import(client, rec, setup):
    content = (
        "review,number,update_status,update_date,update_narrative\n"
        f"{rec.review.slug},{rec.number},in_progress,2025-02-01,Imported by the user.\n"
    ).encode()
    response = client.post(
        admin_url("recommendation_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("u.csv", content)},
    )
    return outcome(response, lambda: "confirm_form" in response.context)


def do_export(client, rec, setup):
    return outcome(client.get(admin_url("recommendation_export")), lambda: True)


def do_user_admin(client, rec, setup):
    return outcome(client.get(reverse("admin:auth_user_changelist")), lambda: True)


ACTIONS = {
    "list": do_list,
    "view": do_view,
    "change": do_change,
    "draft": do_draft,
    "publish": do_publish,
    "edit draft": do_edit_draft,
    "history": do_history,
    "preview": do_preview,
    "see internal notes": do_see_internal_notes,
    "import": do_import,
    "export": do_export,
    "user admin": do_user_admin,
}

# role: {action: (outcome on the own agency's recommendation, on another agency's)}
MATRIX = {
    "editor": {
        "list": (OK, OK),
        "view": (OK, OK),
        "change": (OK, OK),
        "draft": (OK, OK),
        "publish": (OK, OK),
        "edit draft": (OK, OK),
        "history": (OK, OK),
        "preview": (OK, OK),
        "see internal notes": (OK, OK),
        "import": (OK, OK),
        "export": (OK, OK),
        "user admin": (403, 403),
    },
    "reviewer": {
        "list": (OK, OK),
        "view": (OK, OK),
        "change": (403, 403),
        "draft": (403, 403),
        "publish": (REFUSED, REFUSED),
        "edit draft": (403, 403),
        "history": (OK, OK),
        "preview": (OK, OK),
        "see internal notes": (OK, OK),
        "import": (403, 403),
        "export": (OK, OK),
        "user admin": (403, 403),
    },
    "contributor": {
        "list": (OK, HIDDEN),
        "view": (OK, 404),
        "change": (403, 404),
        "draft": (OK, REFUSED),
        "publish": (REFUSED, REFUSED),
        "edit draft": (OK, 404),
        "history": (403, 404),
        "preview": (OK, 404),
        "see internal notes": (HIDDEN, 404),
        "import": (OK, REFUSED),
        "export": (403, 403),
        "user admin": (403, 403),
    },
}

CASES = [
    pytest.param(role, action, whose, expected[index], id=f"{role}-{action}-{whose}")
    for role, actions in MATRIX.items()
    for action, expected in actions.items()
    for index, whose in enumerate(["own", "other"])
]


def test_the_matrix_covers_every_action_for_every_role():
    assert all(set(actions) == set(ACTIONS) for actions in MATRIX.values())


@pytest.mark.parametrize(("role", "action", "whose", "expected"), CASES)
def test_permission_matrix(
    request, login, superuser, own_rec, other_rec, role, action, whose, expected
):
    user = request.getfixturevalue(role)
    rec = own_rec if whose == "own" else other_rec
    do = ACTIONS[action]
    if do is do_edit_draft and role == "contributor" and whose == "own":
        # A contributor's own drafts, or a colleague's, are theirs to change.
        result = do_edit_draft(login(user), rec, login(superuser), recorded_by=user)
    else:
        result = do(login(user), rec, login(superuser))
    assert result == expected


def test_superusers_administer_users(login, superuser, own_rec):
    assert do_user_admin(login(superuser), own_rec, None) == OK


class TestStaffOnlyDetailOfOtherAgencies:
    """On a recommendation two agencies own, a contributor reads the staff-only detail of
    updates recorded within their agencies, never another agency's."""

    @pytest.fixture
    def shared(self, own_rec, other_agency):
        own_rec.ownerships.create(agency=other_agency)
        return own_rec

    def test_in_the_history_inline_and_on_the_update_page(
        self, login, contributor, shared, other_agency
    ):
        rival = staff_user(Role.CONTRIBUTOR, agencies=[other_agency], username="rival")
        owner = StatusUpdate.Assessment.OWNER
        draft = Publication.DRAFT
        theirs = status_update(
            shared,
            publication=draft,
            assessment=owner,
            staff_detail="RIVAL-NOTE",
            recorded_by=rival,
        )
        status_update(
            shared,
            publication=draft,
            assessment=owner,
            staff_detail="OWN-NOTE",
            recorded_by=contributor,
        )
        client = login(contributor)
        page = client.get(admin_url("recommendation_change", shared.pk)).content
        assert b"OWN-NOTE" in page
        assert b"RIVAL-NOTE" not in page
        update_page = client.get(admin_url("statusupdate_change", theirs.pk))
        assert update_page.status_code == 200
        assert b"RIVAL-NOTE" not in update_page.content

    def test_a_contributor_cannot_change_another_agency_s_draft(
        self, login, contributor, shared, other_agency, superuser
    ):
        rival = staff_user(Role.CONTRIBUTOR, agencies=[other_agency], username="rival")
        assert do_edit_draft(login(contributor), shared, login(superuser), recorded_by=rival) == 403


def test_a_contributor_s_import_preview_does_not_show_mopac_s_internal_notes(
    login, contributor, own_rec
):
    Recommendation.objects.filter(pk=own_rec.pk).update(internal_notes="MOPAC-ONLY-NOTE")
    client = login(contributor)
    assert do_import(client, own_rec, None) == OK
    content = (
        "review,number,internal_notes,update_status,update_date\n"
        f"{own_rec.review.slug},{own_rec.number},,in_progress,2025-02-01\n"
    ).encode()
    preview = client.post(
        admin_url("recommendation_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("u.csv", content)},
    )
    assert "confirm_form" in preview.context
    assert b"MOPAC-ONLY-NOTE" not in preview.content
    assert Recommendation.objects.get(pk=own_rec.pk).internal_notes == "MOPAC-ONLY-NOTE"
