"""An administrator sets up two-factor authentication in a real browser: sent there after
signing in, on a 360 px phone, with the keyboard, and axe finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from crowdmoving import factories as f
from crowdmoving.accounts.tests.test_security_mfa import totp
from crowdmoving.conftest import axe_findings
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # the factories' password


def fits_the_phone(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_administrator_sets_up_the_app_on_a_phone_and_continues(new_context, hub):
    admin = f.UserFactory(email="paula@example.org", name="Paula Plattform")
    PlatformAdmin.objects.create(platform=hub, user=admin)
    page = new_context(
        viewport={"width": 360, "height": 780}, permissions=["clipboard-read", "clipboard-write"]
    ).new_page()

    page.goto("/accounts/login/?next=/me/tasks/")
    page.fill('input[name="login"]', admin.email)
    page.fill('input[name="password"]', PASSWORD)
    page.keyboard.press("Enter")
    # Straight to the set-up: the sign-in a moment ago is the proof allauth would ask for again.
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    expect(page.get_by_text("your account needs two-factor authentication")).to_be_visible()
    qr = page.locator("img.totp-qr")
    expect(qr).to_be_visible()
    assert page.evaluate("img => img.naturalWidth > 0", qr.element_handle())  # CSP lets it load
    assert fits_the_phone(page)
    assert axe_findings(page) == []

    # The key wraps in its block at 360 px instead of being cut off in a field.
    key = page.locator("#authenticator-secret")
    assert key.evaluate("element => element.scrollWidth <= element.clientWidth")
    secret = key.inner_text().strip()
    page.get_by_role("button", name="Copy key").click()
    expect(page.locator(".copy-status")).to_have_text("Key copied.")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    page.get_by_label("Code from the app").focus()
    page.keyboard.type(totp(secret))
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert fits_the_phone(page)
    assert axe_findings(page) == []

    page.get_by_role("link", name="I have kept them: continue").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/me/tasks/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
