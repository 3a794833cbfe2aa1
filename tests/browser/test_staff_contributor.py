"""An agency contributor in a real browser: sees only their agencies' recommendations, drafts the
owner's report, cannot publish, and finds another agency's recommendation not found."""

import datetime

import pytest
from playwright.sync_api import expect

from recommendations.models import Role, StatusUpdate

from . import staff

pytestmark = staff.STAFF_TESTS


@pytest.fixture
def tracker():
    return staff.make_tracker()


@pytest.fixture
def contributor(tracker):
    """A contributor of the London Fire Brigade, which leads recommendation 4."""
    return staff.person(Role.CONTRIBUTOR, "firecontributor", agencies=[tracker.fire])


@pytest.fixture
def signed_in(page, live_server, contributor):
    staff.sign_in(page, live_server, "firecontributor")
    return page


def test_a_contributor_sees_only_their_agencies_and_drafts_the_owners_report(
    signed_in, live_server, tracker, screenshot
):
    page = signed_in
    stations = tracker.stations
    staff.follow(page, page.locator("#recommendations-recommendation").get_by_role("link"))
    assert staff.listed_numbers(page) == ["4"]
    screenshot("staff-contributor-changelist")

    staff.open_recommendation(page, live_server, stations)
    # The recommendation itself is read-only to them, and MOPAC's notes are not shown.
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(page.get_by_text("Internal notes")).to_have_count(0)
    screenshot("staff-contributor-recommendation")
    staff.follow(page, page.get_by_role("link", name="Draft an update"))

    expect(page.get_by_role("heading", name="Add status update")).to_be_visible()
    expect(page.locator(".field-recommendation .select2-selection__rendered")).to_contain_text(
        "Recommendation 4"
    )
    publication = page.get_by_label("Publication:")
    expect(publication.locator("option")).to_have_text(["Draft"])
    expect(page.get_by_label("Assessment:").locator("option")).to_have_text(
        ["Reported by the owning agency"]
    )
    page.get_by_label("Status:", exact=True).select_option(label="In progress")
    page.get_by_label("Status date:").fill("2026-11-20")
    page.get_by_label("Narrative:").fill("Four of five stations have now held an exercise.")
    screenshot("staff-contributor-draft")
    staff.follow(page, page.get_by_role("button", name="Save", exact=True))
    expect(staff.success_message(page)).to_contain_text("was added successfully")

    update = stations.updates.get(narrative="Four of five stations have now held an exercise.")
    assert (update.publication, update.assessment, update.recorded_by.username) == (
        StatusUpdate.Publication.DRAFT,
        StatusUpdate.Assessment.OWNER,
        "firecontributor",
    )
    assert update.status_date == datetime.date(2026, 11, 20)
    stations.refresh_from_db()
    assert stations.current_status_date != update.status_date  # a draft does not move it
    assert "Four of five stations" not in staff.public_page(page, live_server, stations)


def test_a_contributor_cannot_publish_their_draft(
    signed_in, live_server, tracker, contributor, screenshot
):
    page = signed_in
    mine = staff.draft(
        tracker.stations,
        "Drafted by the brigade.",
        assessment=StatusUpdate.Assessment.OWNER,
        recorded_by=contributor,
    )
    page.goto(staff.admin_url(live_server, "statusupdate_changelist"))
    # Only the brigade's recommendation's updates: its published one and the draft.
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Recommendation 4")).to_have_count(2)
    # No bulk "publish" for them: the changelist offers no such action.
    actions = page.locator("select[name=action] option")
    assert "Publish selected drafts" not in actions.all_inner_texts()

    staff.follow(
        page,
        rows.filter(has_text="Draft").get_by_role("link", name="Recommendation 4"),
    )
    # Their own draft they may reword, but only ever save as a draft.
    expect(page.get_by_label("Narrative:")).to_be_editable()
    expect(page.get_by_label("Publication:").locator("option")).to_have_text(["Draft"])
    screenshot("staff-contributor-own-draft")
    mine.refresh_from_db()
    assert mine.publication == StatusUpdate.Publication.DRAFT


def test_another_agency_s_recommendation_is_not_found(signed_in, live_server, tracker, screenshot):
    page = signed_in
    police_draft = staff.draft(tracker.airport, "Drafted by the police.")
    for url in (
        staff.admin_url(live_server, "recommendation_change", tracker.airport.pk),
        staff.admin_url(live_server, "recommendation_preview", tracker.airport.pk),
        staff.admin_url(live_server, "recommendation_history", tracker.airport.pk),
        staff.admin_url(live_server, "statusupdate_change", police_draft.pk),
    ):
        response = page.goto(url)
        assert response.status == 404, url
    screenshot("staff-contributor-not-found")
    page.goto(staff.admin_url(live_server, "statusupdate_changelist"))
    expect(page.locator("#result_list")).not_to_contain_text("Recommendation 3")
