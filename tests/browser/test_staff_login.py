"""Signing in to the staff admin: after five failed attempts (django-axes) the account is
locked on that computer with a clear message, even for the right password. The lockout answers
429 Too Many Requests, django-axes' default, as tests/harris/test_security.py also checks."""

from playwright.sync_api import expect

from recommendations.models import Role

from . import staff

pytestmark = staff.STAFF_TESTS


def test_five_failed_sign_ins_lock_the_account_with_a_clear_message(
    page, live_server, settings, screenshot
):
    assert settings.AXES_FAILURE_LIMIT == 5
    staff.person(Role.EDITOR, "editor")
    for attempt in range(1, 5):
        staff.log_in(page, live_server, "editor", password=f"wrong password {attempt}")
        expect(page.locator(".errornote")).to_contain_text("correct username and password")

    with page.expect_response(lambda r: r.request.method == "POST") as fifth:
        staff.log_in(page, live_server, "editor", password="wrong password 5")
    assert fifth.value.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")
    screenshot("staff-login-locked-out")

    # Locked: even the right password is refused now.
    with page.expect_response(lambda r: r.request.method == "POST") as right:
        staff.log_in(page, live_server, "editor")
    assert right.value.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()  # still signed out
