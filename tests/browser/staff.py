"""What the staff browser tests share: the staff screen, the people and data they work on, and
the steps a person takes in the admin (signing in, finding a form field, picking from an
autocomplete, reading messages and errors, checking accessibility).

Everything here drives the admin as a person does: typing, choosing and clicking. The only
exception is ``forged_post``, the reviewer's forged request, which must not look like a person.
"""

import datetime
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from recommendations.models import Agency, Recommendation, Role, Status, StatusUpdate
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    staff_user,
    status_update,
)

PASSWORD = "correct horse battery staple"
SCREEN = {"width": 1366, "height": 768}

# Every staff browser test: its own database rows, seen by the live server's thread, on a
# laptop-sized screen.
STAFF_TESTS = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=SCREEN),
]

Publication = StatusUpdate.Publication


@dataclass
class Tracker:
    """The data the staff journeys work on (see ``make_tracker``)."""

    police: Agency
    fire: Agency
    transport: Agency
    airport: Recommendation  # MPS lead, overdue target date, no updates
    stations: Recommendation  # LFB lead, last published two years ago: stale
    exercises: Recommendation  # MPS lead, published recently, with a draft awaiting publication


def make_tracker():
    """Three agencies and three recommendations of one review, each a different case for the
    changelist's filters."""
    today = timezone.localdate()
    police = AgencyFactory(name="Metropolitan Police Service", abbreviation="MPS", slug="mps")
    fire = AgencyFactory(name="London Fire Brigade", abbreviation="LFB", slug="lfb")
    transport = AgencyFactory(name="Transport for London", abbreviation="TfL", slug="tfl")
    review = ReviewFactory(short_name="Harris Review 2016", slug="harris-2016")
    airport = RecommendationFactory(
        review=review,
        number="3",
        text="A full review of perimeter security at London City Airport.",
        target_date=today - datetime.timedelta(days=30),
    )
    RecommendationOwnerFactory(recommendation=airport, agency=police, is_lead=True)
    stations = RecommendationFactory(
        review=review,
        number="4",
        text="Fire stations near major transport hubs should hold joint exercises each year.",
        target_date=today + datetime.timedelta(days=365),
    )
    RecommendationOwnerFactory(recommendation=stations, agency=fire, is_lead=True)
    long_ago = timezone.now() - datetime.timedelta(days=730)
    status_update(
        stations,
        status=Status.IN_PROGRESS,
        status_date=long_ago.date(),
        narrative="Two of five stations have held an exercise.",
        published_at=long_ago,
    )
    exercises = RecommendationFactory(
        review=review,
        number="5",
        text="Run a live counter-terrorism exercise on the Underground every year.",
    )
    RecommendationOwnerFactory(recommendation=exercises, agency=police, is_lead=True)
    RecommendationOwnerFactory(recommendation=exercises, agency=transport)
    status_update(
        exercises,
        status=Status.IN_PROGRESS,
        status_date=today - datetime.timedelta(days=60),
        narrative="The first exercise was held at Westminster station.",
    )
    return Tracker(police, fire, transport, airport, stations, exercises)


def draft(recommendation, narrative, **values):
    """A draft update, as if someone had saved one earlier."""
    values.setdefault("status_date", timezone.localdate() - datetime.timedelta(days=1))
    return status_update(
        recommendation, narrative=narrative, publication=Publication.DRAFT, **values
    )


def person(role, username, agencies=()):
    """A staff user of ``role`` who signs in with ``PASSWORD``."""
    user = staff_user(role, agencies=agencies, username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def editor():
    return person(Role.EDITOR, "editor")


# ---- signing in and finding pages ----


def log_in(page, live_server, username, password=PASSWORD):
    """Sign in from the admin's login page."""
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def sign_in(page, live_server, username):
    """Sign in and land on the admin home."""
    log_in(page, live_server, username)
    expect(page.locator("#user-tools")).to_contain_text(f"Welcome, {username}")


def admin_url(live_server, name, *args):
    from django.urls import reverse

    return live_server.url + reverse(f"admin:recommendations_{name}", args=args)


def open_recommendation(page, live_server, recommendation):
    """A recommendation's admin page, as reached from the changelist by its number."""
    page.goto(admin_url(live_server, "recommendation_changelist"))
    page.locator("#result_list").get_by_role("link", name=recommendation.number, exact=True).click()
    expect(page.locator("#content h2").first).to_contain_text(recommendation.number)


def public_page(page, live_server, recommendation):
    """The recommendation's public page, as an anonymous visitor (a fresh browser context)
    gets it: returns the page's main text."""
    anonymous = page.context.browser.new_context(viewport=SCREEN)
    try:
        visitor = anonymous.new_page()
        response = visitor.goto(live_server.url + recommendation.get_absolute_url())
        assert response.status == 200
        return visitor.locator("main").inner_text()
    finally:
        anonymous.close()


# ---- forms ----


def next_update_form(page):
    """The "Record the next status update" form at the top of a recommendation's page (not the
    hidden template the admin keeps for adding another)."""
    return page.locator(".next-update .inline-related:not(.empty-form)")


def top_save(page):
    """The Save button at the top of a change form."""
    return page.get_by_role("button", name="Save", exact=True).first


def error_beside(page, name):
    """The error list shown beside the field ``name`` (in its form row or table cell)."""
    return page.locator(
        f".form-row.field-{name} .errorlist, td.field-{name} .errorlist, "
        f".fieldBox.field-{name} .errorlist"
    )


def pick_agency(page, row, typed, choice):
    """Choose an agency in an owners row's autocomplete as a person does: open the select2
    box, type in its search box, click the result."""
    row.locator(".select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(typed)
    page.locator(".select2-results__option", has_text=choice).click()
    expect(row.locator(".select2-selection__rendered")).to_contain_text(choice)


def follow(page, element):
    """Click a link or a form's submit button, wait for the page it leads to and return its
    response (a form's own POST response when it comes back with errors, else the page it
    redirects to)."""
    with page.expect_navigation() as navigation:
        element.click()
    return navigation.value


def select_every_row(page):
    """Tick each row's box on a changelist. Each box is a form field of its own; the
    select-all box needs the admin's script, which a busy machine may not have run yet."""
    boxes = page.locator("#result_list tbody input.action-select")
    boxes.first.wait_for()
    for index in range(boxes.count()):
        boxes.nth(index).check()


def success_message(page):
    return page.locator(".messagelist .success")


def choose_filter(page, title, choice):
    """Click ``choice`` under the filter headed "By ``title``" in the changelist's sidebar."""
    section = page.locator("#changelist-filter details").filter(
        has=page.locator("summary", has_text=f"By {title}")
    )
    follow(page, section.get_by_role("link", name=choice, exact=True))


def changelist_rows(page):
    """The changelist's rows, each a dict of column name → what the cell shows (a yes/no
    column shows its icon's alternative text, "True" or "False")."""
    return page.locator("#result_list tbody tr").evaluate_all(
        r"""rows => rows.map(row => Object.fromEntries(
            [...row.querySelectorAll('th, td')]
              .filter(cell => /\bfield-/.test(cell.className))
              .map(cell => [
                cell.className.match(/\bfield-(\S+)/)[1],
                cell.querySelector('img') ? cell.querySelector('img').alt : cell.innerText.trim(),
              ])))"""
    )


def listed_numbers(page):
    """The recommendation numbers the changelist shows, in order."""
    return [row["label"] for row in changelist_rows(page)]


# ---- checks ----


def assert_no_axe_violations(page):
    results = Axe().run(page)
    violations = [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
    ]
    assert results.violations_count == 0, violations


def forged_post(page, url, data):
    """POST ``data`` to ``url`` with the signed-in user's session and CSRF token, as a forged
    request (not a form on the page) would: returns the response."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.post(
        url,
        form={"csrfmiddlewaretoken": token, **data},
        headers={"Referer": url, "X-CSRFToken": token},
    )
