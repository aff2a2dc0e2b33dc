"""The look page in a real browser on a phone, with the keyboard: the colour picker follows
the typed colour, the preview shows it, a too light colour is refused with its contrast, a
saved colour shows on every page at once (through /platform.css). No CSP violation, nothing
scrolls sideways at 360 px."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from crowdmoving import factories as f
from crowdmoving.conftest import with_authenticator_app
from crowdmoving.tenancy.models import Platform, PlatformAdmin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def signed_in_phone(browser, live_server, user):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE)
    context.set_default_timeout(10_000)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "domain": "localhost",
          "path": "/"}]
    )  # fmt: skip
    return context


def test_an_administrator_chooses_colours_on_a_phone(browser, live_server, hub):
    paula = f.UserFactory(name="Paula Plattform", email="paula@example.org", language="en")
    PlatformAdmin.objects.create(platform=hub, user=paula)
    with_authenticator_app(paula)
    page = signed_in_phone(browser, live_server, paula).new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )

    page.goto("/platform/look/")
    expect(page.get_by_role("heading", name="Look and emails")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    picker = page.get_by_label("Primary colour: choose on a colour wheel")
    expect(picker).to_be_visible()  # static/js/look.js shows it
    expect(page.locator("[data-look-preview]")).to_be_visible()

    text = page.locator("#id_primary_colour")
    text.fill("#7A1F5C")
    expect(picker).to_have_value("#7a1f5c")
    expect(page.locator(".look-preview-header")).to_have_css("background-color", "rgb(122, 31, 92)")

    text.fill("#f2f2f2")
    text.press("Enter")  # submits the form, keyboard only
    expect(page.locator("#id_primary_colour_error")).to_contain_text(
        "The primary colour #f2f2f2 has a contrast of 1.03:1"
    )
    expect(page.locator(".error-summary")).to_be_visible()
    assert Platform.objects.get(pk=hub.pk).primary_colour == "#0b6e4f"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    text = page.locator("#id_primary_colour")
    text.fill("#7a1f5c")
    text.press("Enter")
    expect(page.get_by_text("Saved. Every page and email shows the new look.")).to_be_visible()
    # Retried until the new page's platform stylesheet has loaded (the text shows before).
    header = page.locator(".site-header")
    expect(header).to_have_css("background-color", "rgb(122, 31, 92)")
    page.goto("/")
    expect(header).to_have_css("background-color", "rgb(122, 31, 92)")
    assert problems == []
