"""The MOPAC officer's path in a real browser: log in, find a recommendation by agency and
status, record and publish an update in a few clicks, and see it on the public site."""

import datetime

import pytest
from playwright.sync_api import expect

from recommendations.models import Role, StatusUpdate
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    staff_user,
    status_update,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


@pytest.fixture
def officer():
    user = staff_user(Role.EDITOR, username="officer")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def recommendation():
    police = AgencyFactory(name="Metropolitan Police Service", abbreviation="MPS", slug="mps")
    fire = AgencyFactory(name="London Fire Brigade", abbreviation="LFB", slug="lfb")
    airport = RecommendationFactory(
        number="3", text="A full review of perimeter security at London City Airport."
    )
    RecommendationOwnerFactory(recommendation=airport, agency=police, is_lead=True)
    for number, agency in (("4", police), ("5", fire)):
        other = RecommendationFactory(review=airport.review, number=number)
        RecommendationOwnerFactory(recommendation=other, agency=agency, is_lead=True)
        status_update(other, status="in_progress")
    return airport


def log_in(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()


def test_an_officer_finds_records_and_publishes_an_update_then_sees_it_in_public(
    page, live_server, officer, recommendation, screenshot
):
    log_in(page, live_server)
    screenshot("admin-1-home")

    page.locator("#content-main").get_by_role("link", name="Recommendations").last.click()
    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name="Metropolitan Police Service").click()
    filters.get_by_role("link", name="Not yet assessed").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    screenshot("admin-2-found-by-agency-and-status")

    rows.get_by_role("link", name="3", exact=True).click()
    # The next-update form, not the hidden template the admin keeps for adding more.
    form = page.locator(".inline-related:not(.empty-form)", has=page.get_by_label("Narrative:"))
    form.get_by_label("Status:", exact=True).select_option(label="Resolved")
    form.get_by_label("Status date:").fill("2025-03-01")
    form.get_by_label("Publication:").select_option(label="Published")
    form.get_by_label("Narrative:").fill("The airport's perimeter review is complete.")
    screenshot("admin-3-update-filled-in")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    update = recommendation.updates.get()
    assert (update.publication, update.recorded_by) == (
        StatusUpdate.Publication.PUBLISHED,
        officer,
    )

    page.goto(f"{live_server.url}/admin/recommendations/recommendation/{recommendation.pk}/change/")
    page.get_by_role("link", name="View on site").click()
    expect(page.get_by_text("The airport's perimeter review is complete.")).to_be_visible()
    expect(page.get_by_text("Resolved").first).to_be_visible()
    screenshot("admin-4-public-page-after-publishing")


def test_an_officer_publishes_a_contributor_s_draft_from_the_admin_home(
    page, live_server, officer, recommendation, screenshot
):
    police = recommendation.ownerships.get().agency
    contributor = staff_user(Role.CONTRIBUTOR, agencies=[police], username="contributor")
    status_update(
        recommendation,
        status="in_progress",
        status_date=datetime.date(2025, 2, 1),
        narrative="Drafted by the police: fencing ordered.",
        publication=StatusUpdate.Publication.DRAFT,
        assessment=StatusUpdate.Assessment.OWNER,
        recorded_by=contributor,
    )
    log_in(page, live_server)
    page.get_by_role("link", name="1 draft update awaiting publication").click()
    page.locator("#result_list tbody input[name=_selected_action]").check()
    page.get_by_label("Action:").select_option(label="Publish selected drafts")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Published 1 update(s).")
    screenshot("admin-5-draft-published")

    page.goto(f"{live_server.url}{recommendation.get_absolute_url()}")
    expect(page.get_by_text("Drafted by the police: fencing ordered.")).to_be_visible()
