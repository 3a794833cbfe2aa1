"""The public site in a real browser: accessibility (axe-core), small screens, and the
Assembly member's main path: filter by agency, open a recommendation, download, follow a feed."""

import csv
import io

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_TYPES = {
    "dashboard": "/",
    "dashboard-as-at": "/?report=progress-2017",
    "reviews": "/reviews/",
    "review": "/reviews/harris-2016/",
    "recommendations": "/recommendations/?agency=mps",
    "recommendations-invalid": "/recommendations/?as_at=2017-02-30",
    "recommendation": None,  # the first 2016 recommendation, found at run time
    "agencies": "/agencies/",
    "agency": "/agencies/mps/",
    "changes": "/changes/?since=2017-01-01",
    "about": "/about/",
    "not-found": "/reviews/no-such-review/",
}


@pytest.fixture
def pages(real_data):
    from recommendations.models import Recommendation

    first = Recommendation.objects.get(review__slug="harris-2016", number="1")
    return {**PAGE_TYPES, "recommendation": first.get_absolute_url()}


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_every_page_type_has_no_axe_violations(page, live_server, pages, screenshot, name):
    page.goto(live_server.url + pages[name])
    screenshot(f"public-{name}")
    results = Axe().run(page)
    violations = [violation["id"] for violation in results.response["violations"]]
    assert results.violations_count == 0, violations


@pytest.mark.parametrize("name", ["dashboard", "recommendations", "recommendation", "agency"])
def test_pages_fit_a_320_pixel_screen(page, live_server, pages, screenshot, name):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + pages[name])
    screenshot(f"public-{name}-320px")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_an_assembly_member_filters_by_agency_opens_downloads_and_follows_a_feed(
    page, live_server, real_data, screenshot
):
    page.goto(live_server.url + "/recommendations/")
    page.get_by_label("Owner").select_option(label="Metropolitan Police Service (55)")
    page.get_by_role("button", name="Apply filters").click()
    assert "agency=mps" in page.url
    assert page.get_by_role("status").inner_text().startswith("55 recommendations")
    screenshot("journey-1-filtered-by-agency")

    page.get_by_role("link", name="Harris Review 2016: recommendation 3", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Recommendation 3"
    assert page.get_by_text(
        "A full review of perimeter security at London City Airport"
    ).is_visible()
    screenshot("journey-2-recommendation")

    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text("utf-8-sig"))))
    assert len(rows) == 55
    assert all("Metropolitan Police Service" in row["owners"] for row in rows)

    feed_url = page.get_by_role("link", name="Atom feed of updates").get_attribute("href")
    feed = page.request.get(live_server.url + feed_url)
    assert feed.ok
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert "<entry>" in feed.text()


def test_the_site_works_with_the_keyboard_alone(page, live_server, real_data):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    assert skip_link.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_a_committee_recommendation_shows_its_withheld_response_and_the_review_it_follows_up(
    page, live_server, real_data, screenshot
):
    from public_data.models import PublishedTimelineEntry

    page.goto(live_server.url + "/reviews/assembly-2023/")
    row = page.get_by_role("row").filter(has_text="provide a report on the progress")
    row.get_by_role("link", name="Assembly report 2023: unnumbered recommendation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Unnumbered recommendation"
    owners = page.locator(".summary-list__row", has_text="Owners").inner_text()
    assert "London Ambulance Service" in owners and "London Fire Brigade" in owners
    timeline = page.locator(".timeline").inner_text()
    assert "29 September 2023: withheld" in timeline
    assert "due to the sensitive content within the response, it will not be published" in (
        timeline
    )
    related = page.locator("section", has_text="Related recommendations")
    assert "Follows up" in related.inner_text()
    assert "Asks the two services to report their progress" in related.inner_text()
    screenshot("committee-recommendation")

    api = page.request.get(live_server.url + "/api" + page.url.removeprefix(live_server.url))
    (entry,) = api.json()["timeline"]
    assert entry["publication"] == "withheld" and "narrative" not in entry
    (link,) = api.json()["links"]["outgoing"]
    assert link["review"]["slug"] == "refresh-2022"
    stored = PublishedTimelineEntry.objects.get(anchor=entry["anchor"])
    assert (stored.narrative, stored.status) == ("", "")

    related.get_by_role("link", name="Lord Harris's refreshed review").click()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Lord Harris's refreshed review")
    )
    assert page.get_by_text("none of them is loaded yet").is_visible()
    screenshot("committee-recommendation-followed-review")


def test_a_search_past_the_count_cap_says_more_than_and_a_narrower_search_gives_the_count(
    page, live_server, real_data, screenshot, monkeypatch
):
    from public_data import paging
    from public_data.models import PublishedRecommendation

    monkeypatch.setattr(paging, "COUNT_CAP", 10)
    matching = PublishedRecommendation.objects.filter(search_text__contains="police")
    narrowed = matching.filter(ownerships__agency__slug="lfb").count()
    assert matching.count() > 10 >= narrowed > 0  # the real data, as the test needs it

    page.goto(live_server.url + "/recommendations/")
    page.get_by_label("Text contains").fill("police")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_role("status").inner_text() == (
        "More than 10 recommendations match: the first 10 are listed. "
        "Narrow the filters to see the rest."
    )
    assert page.locator("a.recommendation-link").count() == 10
    screenshot("search-past-the-count-cap")

    page.get_by_label("Owner").select_option("lfb")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_label("Text contains").input_value() == "police"
    noun = "recommendation" if narrowed == 1 else "recommendations"
    assert page.get_by_role("status").inner_text() == f"{narrowed} {noun}"
    assert page.locator("a.recommendation-link").count() == narrowed


def chart_counts(page, caption):
    """{status label: count} as a status chart's table shows them."""
    rows = page.get_by_role("table", name=caption).locator("tbody tr")
    return {
        row.locator("th").inner_text().strip(): int(row.locator("td").first.inner_text())
        for row in rows.all()
    }


def counted_from_history(review_slug, as_at):
    """{status label: count} of the review's public recommendations as at a date, from the
    staff history itself: each one's latest published update on or before it."""
    from recommendations.models import Recommendation, Status, StatusUpdate

    counted = dict.fromkeys((status.label for status in Status), 0)
    for recommendation in Recommendation.objects.public().filter(review__slug=review_slug):
        latest = (
            recommendation.updates.filter(
                publication=StatusUpdate.Publication.PUBLISHED, status_date__lte=as_at
            )
            .order_by("-status_date", "-recorded_at", "-id")
            .first()
        )
        counted[Status(latest.status if latest else Status.NOT_ASSESSED).label] += 1
    return counted


def test_a_visitor_sees_each_review_s_status_as_it_stood_on_a_date(
    page, live_server, real_data, screenshot
):
    import datetime

    caption = "Harris Review 2016: recommendations by status"
    page.goto(live_server.url + "/")
    shown = {}
    # The day before the one-year-on report's updates, and their own date.
    for as_at in (datetime.date(2017, 10, 24), datetime.date(2017, 10, 25)):
        page.get_by_label("On a date").fill(as_at.isoformat())
        page.get_by_role("button", name="Show", exact=True).click()
        assert f"as_at={as_at.isoformat()}" in page.url
        assert page.get_by_text(f"as at {as_at.day} October 2017").is_visible()
        shown[as_at] = chart_counts(page, caption)
        screenshot(f"dashboard-as-at-{as_at.isoformat()}")
        assert shown[as_at] == counted_from_history("harris-2016", as_at)
    before, on_the_day = shown.values()
    assert before == {**dict.fromkeys(before, 0), "Not yet assessed": 127}
    assert on_the_day["Not yet assessed"] < 127
    page.get_by_role("link", name="Show the current status").click()
    assert "as_at" not in page.url
