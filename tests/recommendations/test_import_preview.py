"""The import's dry run, row by row: errors named by row and column, what the good rows would
write, nothing written before the confirm, and an exported sheet that imports back unchanged."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recommendations.models import Recommendation, Status, StatusUpdate
from recommendations.resources import COLUMNS
from tests.factories import AgencyFactory, status_update

pytestmark = pytest.mark.django_db

IMPORT = "admin:recommendations_recommendation_import"


@pytest.fixture
def as_editor(editor, login):
    return login(editor)


def upload(client, content, name="recommendations.csv"):
    return client.post(
        reverse(IMPORT),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(
        reverse("admin:recommendations_recommendation_process_import"),
        {name: form.initial[name] for name in form.fields},
    )


def rows_by_number(preview):
    return {row["number"]: row for row in preview.context["preview_rows"]}


def test_a_bad_row_is_named_by_row_and_column_beside_the_good_rows_values(
    as_editor, own_rec, own_agency
):
    second = AgencyFactory(slug="second")
    own = f"{own_rec.review.slug},1,{own_rec.position},{own_rec.text}"
    review = own_rec.review.slug
    content = (
        "review,number,position,text,lead_owner,owners,update_status,update_date,update_narrative\n"
        f"{own},own,second,in_progress,2026-11-01,Fencing ordered.\n"
        f"{review},9,9,A bad row.,own,,bogus,31/02/2026,\n"
    ).encode()
    preview = upload(as_editor, content)
    rows = rows_by_number(preview)
    assert rows[2]["errors"].keys() == {"update_status", "update_date"}
    assert "'31/02/2026' is not a date" in " ".join(rows[2]["errors"]["update_date"])
    assert rows[2]["outcome"] == "Not valid"
    good = rows[1]
    assert (good["errors"], good["lead_owner"], good["owners"]) == ({}, "own", "second")
    assert good["update"]["status"] == "In progress"
    assert good["update"]["narrative"] == "Fencing ordered."
    page = preview.content.decode()
    assert "Column update_date:" in page
    assert "Fencing ordered." in page
    assert "confirm_form" not in preview.context
    assert not StatusUpdate.objects.exists()
    assert not Recommendation.objects.filter(number="9").exists()
    assert own_rec.ownerships.filter(agency=second).count() == 0


def test_fixed_and_confirmed_the_file_is_written(as_editor, editor, own_rec):
    own = f"{own_rec.review.slug},1,{own_rec.position},{own_rec.text}"
    content = (
        "review,number,position,text,lead_owner,update_status,update_date,update_narrative\n"
        f"{own},own,in_progress,2026-11-01,Fencing ordered.\n"
    ).encode()
    preview = upload(as_editor, content)
    assert rows_by_number(preview)[1]["outcome"] == "Adds an update"
    assert not StatusUpdate.objects.exists()
    assert confirm(as_editor, preview).status_code == 302
    update = StatusUpdate.objects.get()
    assert (update.recommendation, update.status, update.status_date, update.recorded_by) == (
        own_rec,
        Status.IN_PROGRESS,
        datetime.date(2026, 11, 1),
        editor,
    )
    assert update.publication == StatusUpdate.Publication.DRAFT


def test_the_exported_filtered_list_imports_back_unchanged(
    as_editor, own_rec, other_rec, own_agency
):
    status_update(own_rec, status=Status.IN_PROGRESS)
    Recommendation.objects.filter(pk=own_rec.pk).update(
        target_date=datetime.date(2027, 1, 31), internal_notes="Ask again in January."
    )
    exported = as_editor.post(
        reverse("admin:recommendations_recommendation_export")
        + f"?owners__id__exact={own_agency.pk}",
        {"format": "0", "resource": "0", **{f"recommendationresource_{c}": "on" for c in COLUMNS}},
    )
    sheet = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8"))))
    assert [row["number"] for row in sheet] == ["1"]
    own_rec.refresh_from_db()
    before = (Recommendation.history.count(), StatusUpdate.objects.count(), own_rec.version)
    preview = upload(as_editor, exported.content)
    assert [row["outcome"] for row in preview.context["preview_rows"]] == ["Unchanged"]
    assert confirm(as_editor, preview).status_code == 302
    own_rec.refresh_from_db()
    after = (Recommendation.history.count(), StatusUpdate.objects.count(), own_rec.version)
    assert after == before


def test_a_nul_character_in_a_cell_is_an_error_named_by_its_column(as_editor, own_rec):
    own = f"{own_rec.review.slug},1,{own_rec.position},{own_rec.text}"
    content = (
        "review,number,position,text,update_status,update_date,update_narrative\n"
        f"{own},in_progress,2026-11-01,Fencing\x00 ordered.\n"
    ).encode()
    preview = upload(as_editor, content)
    assert "NUL character" in " ".join(rows_by_number(preview)[1]["errors"]["update_narrative"])
    assert not StatusUpdate.objects.exists()
