"""A MOPAC editor's journeys through the staff admin in a real browser, on a laptop screen: edit a
recommendation, record, publish, withhold and correct updates, publish drafts in bulk, preview,
filter the list; mistakes come back beside the field. Each ends by checking the database and
what an anonymous visitor then sees."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recommendations.models import Status, StatusUpdate, TargetDateChange

from . import staff

pytestmark = staff.STAFF_TESTS

Publication = StatusUpdate.Publication


@pytest.fixture
def tracker():
    return staff.make_tracker()


@pytest.fixture
def signed_in(page, live_server, tracker):
    staff.editor()
    staff.sign_in(page, live_server, "editor")
    return page


def test_the_home_lists_drafts_and_stale_and_overdue_recommendations_per_agency(
    signed_in, live_server, tracker, screenshot
):
    page = signed_in
    staff.draft(tracker.exercises, "Westminster and Bank exercised.")
    page.reload()
    attention = page.locator("#needs-attention")
    expect(attention).to_contain_text("1 draft update awaiting publication")
    rows = attention.locator("tbody tr")
    expect(rows).to_have_text(
        [
            "London Fire Brigade 1 0",
            "Metropolitan Police Service 0 1",
        ]
    )
    screenshot("staff-home")

    # The stale count of the fire brigade opens the list filtered to it.
    staff.follow(page, rows.filter(has_text="London Fire Brigade").get_by_role("link", name="1"))
    assert staff.listed_numbers(page) == ["4"]


def test_an_editor_filters_the_list_by_agency_status_stale_and_overdue(
    signed_in, live_server, tracker, screenshot
):
    page = signed_in
    staff.follow(page, page.locator("#recommendations-recommendation").get_by_role("link"))
    assert staff.listed_numbers(page) == ["3", "4", "5"]

    staff.choose_filter(page, "owners", "Metropolitan Police Service")
    assert staff.listed_numbers(page) == ["3", "5"]
    staff.choose_filter(page, "current status", "In progress")
    rows = staff.changelist_rows(page)
    assert [(row["label"], row["lead"], row["current_status"]) for row in rows] == [
        ("5", "MPS", "In progress")
    ]
    expect(page.locator("#changelist-filter")).to_contain_text("Clear all filters")
    screenshot("staff-changelist-filtered")

    staff.follow(page, page.get_by_role("link", name="Clear all filters"))
    staff.choose_filter(page, "stale (no recent published update)", "Yes")
    [row] = staff.changelist_rows(page)
    flags = (row["label"], row["lead"], row["stale"], row["overdue"])
    assert flags == ("4", "LFB", "True", "False")
    two_years_ago = timezone.localdate() - datetime.timedelta(days=730)
    assert row["last_published"] == two_years_ago.strftime("%-d %b %Y")

    staff.follow(page, page.get_by_role("link", name="Clear all filters"))
    staff.choose_filter(page, "overdue", "Yes")
    [row] = staff.changelist_rows(page)
    assert (row["label"], row["current_status"], row["stale"], row["overdue"]) == (
        "3",
        "Not yet assessed",
        "False",
        "True",
    )
    # Every column is on screen, none scrolled out of view.
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")


def test_an_editor_edits_text_owners_and_target_date_without_an_update(
    signed_in, live_server, tracker
):
    page = signed_in
    airport = tracker.airport
    staff.open_recommendation(page, live_server, airport)
    old_target = airport.target_date

    page.get_by_label("Text:", exact=True).fill(
        "A full review of perimeter security at London City Airport, with the airport operator."
    )
    # Transport for London joins and leads; the police stay as an owner.
    page.get_by_role("button", name="Add another Owner").click()
    owners = page.locator("#ownerships-group tbody tr.form-row:not(.empty-form)")
    expect(owners).to_have_count(2)
    staff.pick_agency(page, owners.last, "transp", "Transport for London")
    owners.first.locator("input[name$='-is_lead']").uncheck()
    owners.last.locator("input[name$='-is_lead']").check()
    page.get_by_label("Target date:", exact=True).fill("2027-03-31")
    page.get_by_label("Reason for moving the target date:").fill(
        "The airport operator's contract is renewed in March 2027."
    )
    response = staff.follow(page, staff.top_save(page))

    assert response.status == 200
    expect(staff.success_message(page)).to_contain_text("was changed successfully")
    airport.refresh_from_db()
    assert airport.text.endswith("with the airport operator.")
    assert airport.target_date == datetime.date(2027, 3, 31)
    assert {(o.agency.abbreviation, o.is_lead) for o in airport.ownerships.all()} == {
        ("TfL", True),
        ("MPS", False),
    }
    move = TargetDateChange.objects.get(recommendation=airport)
    assert (move.old_date, move.new_date, move.reason) == (
        old_target,
        datetime.date(2027, 3, 31),
        "The airport operator's contract is renewed in March 2027.",
    )
    assert move.changed_by.username == "editor"
    assert not airport.updates.exists()

    public = staff.public_page(page, live_server, airport)
    assert "with the airport operator." in public
    assert "31 March 2027" in public
    assert "The airport operator's contract is renewed in March 2027." in public
    assert "Transport for London (lead owner)" in public


def test_an_editor_records_a_draft_and_publishes_it_seen_at_the_next_request(
    signed_in, live_server, tracker, settings, screenshot
):
    # The public response cache is on, as in production: publishing must invalidate it.
    settings.PUBLIC_CACHE_SECONDS = 3600
    page = signed_in
    airport = tracker.airport
    staff.open_recommendation(page, live_server, airport)
    screenshot("staff-recommendation-change")

    form = staff.next_update_form(page)
    form.get_by_label("Status:", exact=True).select_option(label="Resolved")
    form.get_by_label("Status date:").fill("2026-11-20")
    form.get_by_label("Narrative:").fill("The perimeter review is complete; fencing is renewed.")
    expect(form.get_by_label("Publication:")).to_have_value("draft")
    staff.follow(page, staff.top_save(page))
    expect(staff.success_message(page)).to_contain_text("was changed successfully")
    update = airport.updates.get()
    assert (update.publication, update.status, update.recorded_by.username) == (
        Publication.DRAFT,
        Status.RESOLVED,
        "editor",
    )
    before = staff.public_page(page, live_server, airport)  # cached from here on
    assert "fencing is renewed" not in before
    assert "Not yet assessed" in before

    staff.open_recommendation(page, live_server, airport)
    page.locator(".status-history").get_by_role("link", name="Open this draft").click()
    expect(page.get_by_role("heading", name="Change status update")).to_be_visible()
    screenshot("staff-update-draft-page")
    page.get_by_label("Publication:").select_option(label="Published")
    staff.follow(page, page.get_by_role("button", name="Save", exact=True))
    expect(staff.success_message(page)).to_contain_text("was changed successfully")

    update.refresh_from_db()
    airport.refresh_from_db()
    assert update.publication == Publication.PUBLISHED
    assert update.published_at is not None
    assert (airport.current_status, airport.current_status_date) == (
        Status.RESOLVED,
        datetime.date(2026, 11, 20),
    )
    after = staff.public_page(page, live_server, airport)
    assert "The perimeter review is complete; fencing is renewed." in after
    assert "Resolved since 20 November 2026" in after


def test_an_editor_withholds_a_draft_and_the_public_sees_only_date_and_reason(
    signed_in, live_server, tracker, screenshot
):
    page = signed_in
    exercises = tracker.exercises
    staff.draft(
        exercises,
        "The exercise found radio black spots at Bank station.",
        status_date=datetime.date(2026, 11, 2),
    )
    staff.open_recommendation(page, live_server, exercises)
    page.locator(".status-history").get_by_role("link", name="Open this draft").click()
    page.get_by_label("Publication:").select_option(label="Withheld")
    page.get_by_label("Withheld reason:").fill("It would reveal a vulnerability on the network.")
    staff.follow(page, page.get_by_role("button", name="Save", exact=True))
    expect(staff.success_message(page)).to_contain_text("was changed successfully")

    withheld = exercises.updates.get(status_date=datetime.date(2026, 11, 2))
    assert withheld.publication == Publication.WITHHELD
    assert withheld.withheld_reason == "It would reveal a vulnerability on the network."
    exercises.refresh_from_db()
    assert exercises.current_status_date != withheld.status_date  # status did not move

    staff.open_recommendation(page, live_server, exercises)
    entry = page.locator(".history-entry.publication-withheld")
    expect(entry).to_contain_text("Withheld: It would reveal a vulnerability on the network.")
    entry.scroll_into_view_if_needed()
    screenshot("staff-update-withheld")

    public = staff.public_page(page, live_server, exercises)
    assert (
        "Update of 2 November 2026 withheld: It would reveal a vulnerability on the network."
        in public
    )
    assert "radio black spots" not in public


def test_an_editor_records_a_correction_of_a_published_update(
    signed_in, live_server, tracker, screenshot
):
    page = signed_in
    exercises = tracker.exercises
    wrong = exercises.updates.get()
    staff.open_recommendation(page, live_server, exercises)
    page.locator(".status-history").get_by_role("link", name="Record a correction").click()
    expect(page.get_by_role("heading", name="Add status update")).to_be_visible()
    expect(page.locator(".field-recommendation .select2-selection__rendered")).to_contain_text(
        "Recommendation 5"
    )
    expect(page.get_by_label("Corrects:")).to_have_value(str(wrong.pk))
    page.get_by_label("Status:", exact=True).select_option(label="In progress")
    page.get_by_label("Status date:").fill(wrong.status_date.isoformat())
    page.get_by_label("Publication:").select_option(label="Published")
    page.get_by_label("Narrative:").fill(
        "Correction: the first exercise was held at Bank station, not Westminster."
    )
    screenshot("staff-update-add-correction")
    staff.follow(page, page.get_by_role("button", name="Save", exact=True))
    expect(staff.success_message(page)).to_contain_text("was added successfully")

    correction = exercises.updates.exclude(pk=wrong.pk).get()
    assert correction.corrects == wrong
    assert correction.publication == Publication.PUBLISHED
    wrong.refresh_from_db()
    assert wrong.narrative == "The first exercise was held at Westminster station."  # kept

    public = staff.public_page(page, live_server, exercises)
    assert "Correction: the first exercise was held at Bank station" in public
    assert "Corrects an earlier update" in public


def test_an_editor_publishes_drafts_in_bulk(signed_in, live_server, tracker, screenshot):
    page = signed_in
    staff.draft(tracker.airport, "Perimeter fencing has been ordered.")
    staff.draft(tracker.stations, "All five stations have now held an exercise.")
    page.reload()
    page.get_by_role("link", name="2 draft updates awaiting publication").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    staff.select_every_row(page)
    page.get_by_label("Action:").select_option(label="Publish selected drafts")
    staff.follow(page, page.get_by_role("button", name="Go"))
    expect(staff.success_message(page)).to_contain_text("Published 2 update(s).")
    screenshot("staff-updates-bulk-published")

    assert not StatusUpdate.objects.drafts().exists()
    assert "Perimeter fencing has been ordered." in staff.public_page(
        page, live_server, tracker.airport
    )
    assert "All five stations have now held an exercise." in staff.public_page(
        page, live_server, tracker.stations
    )


def test_the_preview_shows_the_public_page_as_publishing_the_drafts_will(
    signed_in, live_server, tracker, screenshot
):
    page = signed_in
    exercises = tracker.exercises
    staff.draft(exercises, "Draft: the Northern line exercise is postponed.")
    assert "Northern line exercise" not in staff.public_page(page, live_server, exercises)
    staff.open_recommendation(page, live_server, exercises)
    page.get_by_role("link", name="Preview as the public sees it").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 5")
    main = page.locator("main")
    expect(main).to_contain_text("Preview for staff.")
    expect(main).to_contain_text("The first exercise was held at Westminster station.")
    expect(main).to_contain_text("Draft: the Northern line exercise is postponed.")
    # The public template, not the admin's: no staff header or admin styling.
    expect(page.locator("#user-tools")).to_have_count(0)
    expect(page.get_by_role("link", name="Skip to main content")).to_have_count(1)
    screenshot("staff-preview")
    banner = page.get_by_role("status").filter(has_text="Preview for staff.").inner_text()
    preview = main.inner_text().replace(banner, "", 1).strip()

    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="1 draft update awaiting publication").click()
    staff.select_every_row(page)
    page.get_by_label("Action:").select_option(label="Publish selected drafts")
    staff.follow(page, page.get_by_role("button", name="Go"))
    expect(staff.success_message(page)).to_contain_text("Published 1 update(s).")
    assert staff.public_page(page, live_server, exercises).strip() == preview


# ---- mistakes come back beside the field, never as a 500 ----


def test_two_lead_owners_is_an_error_beside_the_field_and_nothing_is_saved(
    signed_in, live_server, tracker, screenshot
):
    page = signed_in
    exercises = tracker.exercises  # MPS leads, TfL is an owner
    staff.open_recommendation(page, live_server, exercises)
    page.get_by_label("Text:", exact=True).fill("Changed text that must not be saved.")
    transport = page.locator("#ownerships-group tbody tr.form-row", has_text="Transport for London")
    transport.locator("input[name$='-is_lead']").check()
    response = staff.follow(page, staff.top_save(page))

    assert (response.status, response.request.method) == (200, "POST")
    expect(page.locator(".errornote")).to_be_visible()
    error = transport.locator("td.field-is_lead .errorlist")
    expect(error).to_have_text("Only one owner can lead: untick all but one.")
    # The summary at the top still shows what is saved, not what was typed.
    expect(page.locator(".recommendation-summary")).to_contain_text(
        "Run a live counter-terrorism exercise on the Underground every year."
    )
    screenshot("staff-error-two-leads")
    exercises.refresh_from_db()
    assert exercises.text == "Run a live counter-terrorism exercise on the Underground every year."
    assert [(o.agency.abbreviation, o.is_lead) for o in exercises.ownerships.all()] == [
        ("MPS", True),
        ("TfL", False),
    ]


def test_moving_the_target_date_without_a_reason_is_an_error_beside_the_reason(
    signed_in, live_server, tracker, screenshot
):
    page = signed_in
    stations = tracker.stations
    staff.open_recommendation(page, live_server, stations)
    page.get_by_label("Target date:", exact=True).fill("2028-01-31")
    response = staff.follow(page, staff.top_save(page))

    assert (response.status, response.request.method) == (200, "POST")
    error = staff.error_beside(page, "target_date_reason")
    expect(error).to_contain_text("Say why the target date moves")
    error.scroll_into_view_if_needed()
    screenshot("staff-error-target-date-reason")
    stations.refresh_from_db()
    assert stations.target_date != datetime.date(2028, 1, 31)
    assert not TargetDateChange.objects.exists()


def test_publishing_without_a_narrative_is_an_error_beside_the_narrative(
    signed_in, live_server, tracker, screenshot
):
    page = signed_in
    airport = tracker.airport
    staff.open_recommendation(page, live_server, airport)
    form = staff.next_update_form(page)
    form.get_by_label("Status:", exact=True).select_option(label="In progress")
    form.get_by_label("Publication:").select_option(label="Published")
    response = staff.follow(page, staff.top_save(page))

    assert (response.status, response.request.method) == (200, "POST")
    error = staff.error_beside(page, "narrative")
    expect(error).to_have_text("A published update needs a public narrative.")
    screenshot("staff-error-narrative")
    assert not airport.updates.exists()


def test_the_next_update_form_and_save_are_on_the_first_screen(signed_in, live_server, tracker):
    page = signed_in
    staff.open_recommendation(page, live_server, tracker.exercises)
    assert page.evaluate("window.scrollY") == 0
    status = staff.next_update_form(page).get_by_label("Status:", exact=True)
    for element in (status, staff.top_save(page)):
        box = element.bounding_box()
        assert box is not None
        assert box["y"] >= 0, box
        assert box["y"] + box["height"] <= staff.SCREEN["height"], box
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= staff.SCREEN["width"], box


# ---- accessibility ----


@pytest.mark.parametrize("name", ["home", "changelist", "recommendation", "update-add"])
def test_staff_pages_have_no_axe_violations(signed_in, live_server, tracker, name):
    page = signed_in
    urls = {
        "home": f"{live_server.url}/admin/",
        "changelist": staff.admin_url(live_server, "recommendation_changelist"),
        "recommendation": staff.admin_url(
            live_server, "recommendation_change", tracker.exercises.pk
        ),
        "update-add": staff.admin_url(live_server, "statusupdate_add"),
    }
    page.goto(urls[name])
    staff.assert_no_axe_violations(page)
