"""A progress round in a real browser: the editor opens it, a contributor drafts the owner's
report from their queue, the editor follows progress, assesses, publishes from the
confirmation page, and the public site shows the new report. axe-core checks every round page.
"""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from recommendations.models import Role, Status, StatusUpdate
from reviews.models import Review
from rounds.models import Round
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    staff_user,
    status_update,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people():
    police = AgencyFactory(name="Metropolitan Police Service", abbreviation="MPS", slug="mps")
    fire = AgencyFactory(name="London Fire Brigade", abbreviation="LFB", slug="lfb")
    users = {
        "officer": staff_user(Role.EDITOR, username="officer"),
        "police": staff_user(Role.CONTRIBUTOR, agencies=[police], username="police"),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return {"mps": police, "lfb": fire, **users}


@pytest.fixture
def recommendations(people):
    review = ReviewFactory(
        title="London's Preparedness", short_name="Harris 2016", slug="harris-2016"
    )
    earlier = ReviewFactory(
        title="Progress Report 2017",
        short_name="Progress 2017",
        slug="progress-2017",
        kind=Review.Kind.PROGRESS_REPORT,
        published_on=datetime.date(2017, 10, 25),
        follows_up=review,
    )
    airport = RecommendationFactory(
        review=review, number="3", text="A full review of perimeter security at the airport."
    )
    RecommendationOwnerFactory(recommendation=airport, agency=people["mps"], is_lead=True)
    status_update(airport, status=Status.IN_PROGRESS, source_review=earlier)
    fire = RecommendationFactory(review=review, number="4", text="Fire brigade training.")
    RecommendationOwnerFactory(recommendation=fire, agency=people["lfb"], is_lead=True)
    return {"review": review, "airport": airport, "fire": fire}


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text(username)


def check(page, screenshot, name):
    """Screenshot the page and require no axe-core violations on it."""
    screenshot(f"staff-round-{name}")
    results = Axe().run(page)
    violations = [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
    ]
    assert results.violations_count == 0, violations


def test_a_round_from_opening_to_the_public_report(
    page, live_server, people, recommendations, screenshot
):
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    airport = recommendations["airport"]

    # The editor opens the round.
    log_in(page, live_server, "officer")
    page.locator("tr.model-round").get_by_role("link", name="Progress rounds").click()
    check(page, screenshot, "01-list-empty")
    page.get_by_role("link", name="Add progress round").click()
    page.get_by_label("Title:").fill("Progress report 2030")
    page.get_by_label("Harris 2016").check()
    page.get_by_label("Deadline:").fill(deadline.isoformat())
    check(page, screenshot, "02-open")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "Opened “Progress report 2030” with 2 open recommendation(s) in scope."
    )
    expect(page.get_by_label("Deadline:")).to_have_value(deadline.isoformat())
    check(page, screenshot, "03-overview")
    round = Round.objects.get()

    page.get_by_role("link", name="Scope").first.click()
    expect(page.locator(".round-table tbody tr")).to_have_count(2)
    check(page, screenshot, "04-scope")

    # The police contributor drafts the owner's report from their queue.
    log_in(page, live_server, "police")
    page.locator("tr.model-round").get_by_role("link", name="Progress rounds").click()
    page.get_by_role("link", name="1 recommendation to report").click()
    expect(page.get_by_text("Fire brigade training.")).to_have_count(0)
    check(page, screenshot, "05-queue")
    draft = "Draft the owner's report on Harris 2016: Recommendation 3"
    page.get_by_role("link", name=draft).click()
    page.get_by_label("Status:", exact=True).select_option(label="In progress")
    page.get_by_label("Narrative:").fill("Fencing ordered; review of the perimeter half done.")
    check(page, screenshot, "06-owner-report")
    page.get_by_role("button", name="Save the owner's report as a draft").click()
    expect(page.locator(".messagelist .success")).to_contain_text("as a draft")
    expect(page.get_by_text("Nothing left to report in this round.")).to_be_visible()
    check(page, screenshot, "07-queue-done")

    # The editor follows progress, assesses and publishes.
    log_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/admin/rounds/round/{round.pk}/change/")
    page.get_by_role("link", name="Progress by agency").first.click()
    police_row = page.locator("tr", has=page.get_by_role("rowheader", name="Metropolitan"))
    expect(police_row.locator("td")).to_have_text(["1", "1", "0", "0"])
    fire_row = page.locator("tr", has=page.get_by_role("rowheader", name="London Fire Brigade"))
    expect(fire_row.locator("td")).to_have_text(["1", "0", "0", "1"])
    check(page, screenshot, "08-progress")

    page.get_by_role("link", name="Assessment queue").first.click()
    expect(page.get_by_text("Fencing ordered")).to_be_visible()
    check(page, screenshot, "09-assessment-queue")
    page.get_by_role("link", name="Assess Harris 2016: Recommendation 3").click()
    page.get_by_label("Status:", exact=True).select_option(label="Resolved")
    page.get_by_label("Narrative:").fill("MOPAC finds the perimeter review complete.")
    check(page, screenshot, "10-assess")
    page.get_by_role("button", name="Save the assessment").click()
    expect(page.get_by_text("Nothing awaits assessment")).to_be_visible()
    page.goto(f"{live_server.url}/admin/rounds/round/{round.pk}/assess/{airport.pk}/")
    expect(page.get_by_text("they differ")).to_be_visible()
    check(page, screenshot, "11-assess-differs")

    page.get_by_role("link", name="Publish…").first.click()
    expect(page.get_by_role("rowheader", name="Resolved")).to_be_visible()
    expect(page.get_by_text("In scope without an assessment (1)")).to_be_visible()
    check(page, screenshot, "12-publish-confirm")
    page.get_by_role("button", name="Yes, publish the round").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "Published “Progress report 2030”"
    )
    expect(page.get_by_label("Title:")).to_have_count(0)  # closed: read-only now
    check(page, screenshot, "13-published")

    report = Review.objects.get(kind=Review.Kind.PROGRESS_REPORT, published_round=round)
    assert report.follows_up == recommendations["review"]
    published = airport.updates.get(source_review=report)
    assert (published.assessment, published.publication) == (
        StatusUpdate.Assessment.MOPAC,
        StatusUpdate.Publication.PUBLISHED,
    )

    # The public site shows the new report at once.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/reviews/")
    expect(page.get_by_role("link", name="Progress report 2030")).to_be_visible()
    screenshot("staff-round-14-public-reviews")
    page.goto(f"{live_server.url}{airport.get_absolute_url()}")
    expect(page.get_by_text("MOPAC finds the perimeter review complete.")).to_be_visible()
    expect(page.get_by_role("link", name="Progress report 2030")).to_be_visible()
    screenshot("staff-round-15-public-recommendation")
    airport_row = page.locator("tr", has=page.get_by_role("link", name="recommendation 3"))
    page.goto(f"{live_server.url}/recommendations/")
    page.get_by_label("Status as published in").select_option(label="Progress report 2030")
    page.get_by_role("button", name="Apply filters").click()
    expect(airport_row).to_contain_text("Resolved")
    screenshot("staff-round-16-public-list-as-published")
    page.goto(f"{live_server.url}/recommendations/?report=progress-2017")
    expect(airport_row).to_contain_text("In progress")  # the 2017 snapshot is unchanged
