"""The spreadsheet round trip in a real browser: export an agency's recommendations, fill in the
next updates, see a bad row's errors by row and column beside what the good rows would write,
nothing written; fix it, confirm, see it written and public; and an untouched export imports
back unchanged."""

import csv

import pytest
from playwright.sync_api import expect

from recommendations.models import Recommendation, StatusUpdate

from . import staff

pytestmark = staff.STAFF_TESTS


@pytest.fixture
def tracker():
    return staff.make_tracker()


def export_csv(page, live_server, agency):
    """Export the changelist filtered by ``agency`` as CSV through the export page; the rows."""
    page.goto(staff.admin_url(live_server, "recommendation_changelist"))
    page.locator("#changelist-filter").get_by_role("link", name=agency.name).click()
    page.get_by_role("link", name="Export").click()
    page.get_by_label("Format").select_option(label="csv")
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    with open(download.value.path(), encoding="utf-8") as exported:
        return list(csv.DictReader(exported))


def upload(page, live_server, rows, tmp_path):
    """Upload ``rows`` as a CSV file on the import page and wait for its preview."""
    path = tmp_path / "next-updates.csv"
    with path.open("w", encoding="utf-8", newline="") as sheet:
        writer = csv.DictWriter(sheet, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    page.goto(staff.admin_url(live_server, "recommendation_import"))
    page.get_by_label("File to import").set_input_files(path)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("table.import-rows")).to_be_visible()


def preview_row(page, number):
    return page.locator("table.import-rows tbody tr").nth(number - 1)


def test_a_bad_row_is_shown_by_row_and_column_then_the_fixed_file_is_written(
    page, live_server, tracker, tmp_path, screenshot
):
    staff.editor()
    staff.sign_in(page, live_server, "editor")
    rows = export_csv(page, live_server, tracker.police)
    assert [row["number"] for row in rows] == ["3", "5"]
    airport, exercises = rows
    airport.update(
        update_status="in_progress",
        update_date="2026-11-20",
        update_publication="published",
        update_narrative="Perimeter fencing is being replaced.",
    )
    exercises.update(update_status="finished", update_date="20/11/2026")

    upload(page, live_server, rows, tmp_path)
    screenshot("staff-import-preview-with-errors")
    bad = preview_row(page, 2)
    expect(bad).to_contain_text("Not valid")
    expect(bad).to_contain_text("Column update_status: 'finished' is not one of")
    expect(bad).to_contain_text("Column update_date: '20/11/2026' is not a date")
    good = preview_row(page, 1)
    expect(good).to_contain_text("Adds an update")
    expect(good).to_contain_text("Lead: mps")
    expect(good).to_contain_text("In progress 2026-11-20 · Published")
    expect(good).to_contain_text("Perimeter fencing is being replaced.")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= staff.SCREEN["width"]
    staff.assert_no_axe_violations(page)
    assert not StatusUpdate.objects.filter(narrative__startswith="Perimeter").exists()

    exercises.update(update_status="in_progress", update_date="2026-11-20")
    upload(page, live_server, rows, tmp_path)
    expect(preview_row(page, 2)).to_contain_text("Adds an update")
    screenshot("staff-import-preview-valid")
    page.get_by_role("button", name="Confirm import").click()
    expect(staff.success_message(page)).to_contain_text("Import finished")

    published = StatusUpdate.objects.get(recommendation=tracker.airport)
    assert (published.publication, published.recorded_by.username) == ("published", "editor")
    draft = StatusUpdate.objects.drafts().get(recommendation=tracker.exercises)
    assert draft.status_date.isoformat() == "2026-11-20"
    assert "Perimeter fencing is being replaced." in staff.public_page(
        page, live_server, tracker.airport
    )


def test_the_exported_list_imports_back_unchanged(page, live_server, tracker, tmp_path, screenshot):
    staff.editor()
    staff.sign_in(page, live_server, "editor")
    before = list(Recommendation.history.order_by("pk").values_list("pk", flat=True))
    rows = export_csv(page, live_server, tracker.police)
    upload(page, live_server, rows, tmp_path)
    outcomes = page.locator("table.import-rows .import-outcome").all_inner_texts()
    assert outcomes == ["Unchanged", "Unchanged"]
    screenshot("staff-import-unchanged")
    page.get_by_role("button", name="Confirm import").click()
    expect(staff.success_message(page)).to_contain_text("Import finished")
    assert list(Recommendation.history.order_by("pk").values_list("pk", flat=True)) == before
