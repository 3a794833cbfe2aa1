"""Loading a review from its document in a real browser: upload a PDF progress report, check
the proposed rows beside the source text, correct one, preview the import, confirm, and see the
recommendations and their updates on the public site. A file that cannot be read is answered
beside its field, with nothing written."""

import pytest
from playwright.sync_api import expect

from recommendations.models import Recommendation
from tests.extraction.documents import pdf_bytes
from tests.factories import AgencyFactory, ReviewFactory

from . import staff

pytestmark = staff.STAFF_TESTS

REPORT = """Airport Security Review: Progress Report

Recommendations for the Police

1.

The Metropolitan Police Service should review perimeter security at London City Airport \
with the airport's management.

A full review was carried out with the airport in 2017 and its findings are being put in place.

This recommendation has been resolved.

2.

The MPS should run a live exercise at the airport every year.

The first exercise took place in March; the next is planned.

Other Recommendations

3.

Transport for London should publish its plans for closing stations in an emergency.

Transport for London has published its plans on its website.

This recommendation has been resolved by other means.
"""


@pytest.fixture
def review():
    AgencyFactory(name="Metropolitan Police Service", abbreviation="MPS", slug="mps")
    AgencyFactory(name="Transport for London", abbreviation="TfL", slug="tfl")
    return ReviewFactory(short_name="Airport Security Review", slug="airport-security")


def open_upload(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Load a review from its document").click()
    expect(page.locator("h1")).to_have_text("Load a review from its document")


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= staff.SCREEN["width"]


def test_an_editor_loads_a_progress_report_corrects_a_row_and_imports_it(
    page, live_server, review, tmp_path, screenshot
):
    staff.editor()
    staff.sign_in(page, live_server, "editor")
    document = tmp_path / "airport-progress.pdf"
    document.write_bytes(pdf_bytes(REPORT))

    open_upload(page, live_server)
    page.get_by_label("Review", exact=True).select_option(label="Airport Security Review")
    page.get_by_label("Document", exact=True).set_input_files(document)
    page.get_by_label("Date of the updates").fill("2017-10-25")
    page.get_by_label("Import the updates as").select_option(label="Published at once")
    screenshot("staff-extraction-upload")
    staff.assert_no_axe_violations(page)
    page.get_by_role("button", name="Read the document").click()

    rows = page.locator("table.extraction-rows tbody tr")
    expect(rows).to_have_count(3)
    first = rows.nth(0)
    expect(first.locator(".extraction-source")).to_contain_text("A full review was carried out")
    expect(first.locator(".extraction-proposal")).to_contain_text("Recommendations for the Police")
    expect(first.locator(".extraction-proposal")).to_contain_text(
        "Lead: Metropolitan Police Service"
    )
    expect(first.locator(".extraction-proposal")).to_contain_text("Resolved")
    expect(rows.nth(1).locator(".extraction-proposal")).to_contain_text("In progress")
    expect(rows.nth(2).locator(".extraction-proposal")).to_contain_text("Other recommendations")
    expect(rows.nth(2).locator(".extraction-proposal")).to_contain_text("Resolved by other means")
    screenshot("staff-extraction-rows")
    no_sideways_scroll(page)
    staff.assert_no_axe_violations(page)
    assert not Recommendation.objects.exists()

    rows.nth(1).get_by_role("link", name="Correct row 2").click()
    expect(page.locator(".extraction-source-panel")).to_contain_text("The first exercise took")
    text = page.get_by_label("Text")
    text.fill("The MPS should run a live exercise at the airport twice a year.")
    screenshot("staff-extraction-correct-row")
    staff.assert_no_axe_violations(page)
    page.get_by_role("button", name="Save this row").click()
    expect(staff.success_message(page)).to_contain_text("Row 2 (recommendation 2) corrected")
    expect(rows.nth(1)).to_contain_text("twice a year")
    expect(rows.nth(1)).to_contain_text("corrected")
    assert not Recommendation.objects.exists()

    page.get_by_role("button", name="Check the import").first.click()
    expect(page.locator("table.import-rows")).to_be_visible()
    outcomes = page.locator("table.import-rows .import-outcome").all_inner_texts()
    assert outcomes == ["New", "New", "New"]
    expect(page.locator("table.import-rows")).to_contain_text("twice a year")
    screenshot("staff-extraction-preview")
    no_sideways_scroll(page)
    staff.assert_no_axe_violations(page)
    assert not Recommendation.objects.exists()

    page.get_by_role("button", name="Confirm import").click()
    expect(staff.success_message(page)).to_contain_text(
        "Imported 3 recommendation(s) from airport-progress.pdf into Airport Security Review: 3 new"
    )
    screenshot("staff-extraction-imported")

    corrected = Recommendation.objects.get(review=review, number="2")
    assert corrected.text == "The MPS should run a live exercise at the airport twice a year."
    assert corrected.history.first().history_user.username == "editor"
    public = staff.public_page(page, live_server, corrected)
    assert "twice a year" in public and "The first exercise took place in March" in public
    resolved = staff.public_page(page, live_server, Recommendation.objects.get(number="1"))
    assert "Resolved" in resolved and "A full review was carried out" in resolved


def test_a_file_that_cannot_be_read_is_answered_beside_its_field(
    page, live_server, review, tmp_path, screenshot
):
    staff.editor()
    staff.sign_in(page, live_server, "editor")
    junk = tmp_path / "scan.pdf"
    junk.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    open_upload(page, live_server)
    page.get_by_label("Review", exact=True).select_option(label="Airport Security Review")
    page.get_by_label("Document", exact=True).set_input_files(junk)
    page.get_by_role("button", name="Read the document").click()
    expect(staff.error_beside(page, "document")).to_contain_text(
        "scan.pdf is not a PDF that can be read"
    )
    screenshot("staff-extraction-upload-error")
    staff.assert_no_axe_violations(page)
    assert not Recommendation.objects.exists()
