"""A read-only reviewer in a real browser: sees everything, every page is read-only, and a
forged change is refused with nothing changed."""

import pytest
from playwright.sync_api import expect

from recommendations.models import Recommendation, Role, StatusUpdate

from . import staff

pytestmark = staff.STAFF_TESTS


@pytest.fixture
def tracker():
    return staff.make_tracker()


@pytest.fixture
def signed_in(page, live_server, tracker):
    staff.person(Role.REVIEWER, "reviewer")
    staff.sign_in(page, live_server, "reviewer")
    return page


def expect_read_only(page):
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Save and continue editing")).to_have_count(0)
    expect(page.locator("form input[type=submit]")).to_have_count(0)


def test_a_reviewer_sees_everything_and_every_page_is_read_only(
    signed_in, live_server, tracker, screenshot
):
    page = signed_in
    draft = staff.draft(tracker.exercises, "A draft the reviewer may read.")
    staff.follow(page, page.locator("#recommendations-recommendation").get_by_role("link"))
    assert staff.listed_numbers(page) == ["3", "4", "5"]
    expect(page.get_by_role("link", name="Add recommendation")).to_have_count(0)
    screenshot("staff-reviewer-changelist")

    staff.open_recommendation(page, live_server, tracker.exercises)
    expect(page.get_by_role("heading", name="View recommendation")).to_be_visible()
    expect_read_only(page)
    history = page.locator(".status-history")
    expect(history).to_contain_text("A draft the reviewer may read.")
    expect(history.get_by_role("link", name="Record a correction")).to_have_count(0)
    expect(page.get_by_role("link", name="Draft an update")).to_have_count(0)
    screenshot("staff-reviewer-recommendation")

    for url in (
        staff.admin_url(live_server, "statusupdate_change", draft.pk),
        staff.admin_url(live_server, "statusupdate_change", tracker.exercises.updates.last().pk),
        staff.admin_url(live_server, "agency_change", tracker.police.pk),
        staff.admin_url(live_server, "recommendation_history", tracker.exercises.pk),
    ):
        assert page.goto(url).status == 200, url
        expect_read_only(page)
    page.goto(staff.admin_url(live_server, "statusupdate_changelist"))
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    assert (
        "Publish selected drafts"
        not in page.locator("select[name=action] option").all_inner_texts()
    )
    assert page.goto(staff.admin_url(live_server, "statusupdate_add")).status == 403


def test_a_forged_change_from_a_reviewer_is_refused_and_nothing_changes(
    signed_in, live_server, tracker
):
    page = signed_in
    airport = tracker.airport
    page.goto(staff.admin_url(live_server, "recommendation_change", airport.pk))
    before = Recommendation.objects.values().get(pk=airport.pk)
    updates_before = StatusUpdate.objects.count()

    change = staff.forged_post(
        page,
        staff.admin_url(live_server, "recommendation_change", airport.pk),
        {
            "review": str(airport.review_id),
            "number": "3",
            "position": str(airport.position),
            "text": "Forged by a reviewer.",
            "response": "no_response",
            "opened_version": str(airport.version),
        },
    )
    add = staff.forged_post(
        page,
        staff.admin_url(live_server, "statusupdate_add"),
        {
            "recommendation": str(airport.pk),
            "status": "resolved",
            "status_date": "2026-11-20",
            "assessment": "mopac",
            "publication": "published",
            "narrative": "Forged by a reviewer.",
        },
    )

    assert (change.status, add.status) == (403, 403)
    assert Recommendation.objects.values().get(pk=airport.pk) == before
    assert StatusUpdate.objects.count() == updates_before
