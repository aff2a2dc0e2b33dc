"""The inbox of contact messages in a real browser, on a 360 px phone: an administrator opens
it from the platform's start page with the keyboard alone and marks a message handled (htmx
swaps the message in place and keeps the focus on its button); without JavaScript the same
form works by a redirect. axe finds nothing serious, in German and English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from crowdmoving import factories as f
from crowdmoving.conftest import axe_findings, with_authenticator_app
from crowdmoving.pages.models import ContactMessage
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def admin_context(signed_in_context, hub) -> Any:  # type: ignore[no-untyped-def]
    """open(locale, **options) -> a browser signed in as an administrator of the hub, whose
    inbox holds two messages."""
    admin = f.UserFactory(email="paula@example.org", name="Paula Plattform")
    PlatformAdmin.objects.create(platform=hub, user=admin)
    with_authenticator_app(admin)
    ContactMessage.objects.create(
        platform=hub,
        name="Rosa Rotkehlchen",
        email="rosa@example.net",
        website="https://rosa.example.net/",
        message="Hallo!\nWie kann ich beim Malen helfen? " + "Sehr lange Worte " * 12,
    )
    ContactMessage.objects.create(
        platform=hub, name="Bernd Brot", email="bernd@example.net", message="Gibt es Termine?"
    )

    def _open(locale: str = "en-US", **options: Any) -> BrowserContext:
        return signed_in_context(admin, locale=locale, **options)

    return _open


def tab_until_focused(page: Page, name: str, *, containing: str = "", limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("document.activeElement && document.activeElement.textContent")
        if text and text.strip().startswith(name) and containing in text:
            return
    raise AssertionError(f"{name!r} never got the focus with Tab")


def test_an_administrator_marks_a_message_handled_with_the_keyboard_on_a_phone(admin_context):
    page = admin_context(viewport=PHONE).new_page()
    page.goto("/platform/")
    expect(page.get_by_text("2 open messages")).to_be_visible()
    tab_until_focused(page, "Contact messages")
    page.keyboard.press("Enter")
    page.wait_for_url("**/platform/messages/")
    page.wait_for_function("() => window.htmx !== undefined")
    expect(page.locator(".inbox-message")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    rosa = page.locator(".inbox-message").filter(has_text="Rosa Rotkehlchen")
    tab_until_focused(page, "Mark as handled", containing="Rosa")
    page.keyboard.press("Enter")
    expect(rosa.get_by_text("Handled", exact=True)).to_be_visible()
    # htmx swapped the message in place; the focus is on its new button, the change is said.
    expect(
        rosa.get_by_role("button", name=re.compile(r"Mark as open\s*: Rosa Rotkehlchen"))
    ).to_be_focused()
    expect(page.locator("#inbox-status")).to_have_text(
        "Marked as handled: the message from Rosa Rotkehlchen."
    )
    stored = ContactMessage.objects.get(name="Rosa Rotkehlchen")
    assert stored.handled_at is not None

    # After a reload the open list holds only Bernd's message.
    page.reload()
    expect(page.locator(".inbox-message")).to_have_count(1)
    expect(page.locator(".inbox-message")).to_contain_text("Bernd Brot")


def test_without_javascript_marking_handled_and_deleting_work(admin_context):
    page = admin_context(java_script_enabled=False, viewport=PHONE).new_page()
    page.goto("/platform/messages/")
    page.get_by_role("button", name=re.compile(r"Mark as handled\s*: Bernd Brot")).click()
    expect(page.get_by_text("Marked as handled: the message from Bernd Brot.")).to_be_visible()
    expect(page.locator(".inbox-message")).to_have_count(1)

    page.get_by_role("link", name=re.compile(r"Delete\s*: Rosa Rotkehlchen")).click()
    expect(
        page.get_by_role("heading", name="Delete the message from Rosa Rotkehlchen?")
    ).to_be_visible()
    page.get_by_role("button", name="Delete the message").click()
    expect(page.get_by_text("The message from Rosa Rotkehlchen is deleted.")).to_be_visible()
    assert list(ContactMessage.objects.values_list("name", flat=True)) == ["Bernd Brot"]


@pytest.mark.parametrize("locale", ["de-DE", "en-US"])
def test_the_inbox_pages_have_no_serious_axe_findings(admin_context, locale):
    page = admin_context(locale).new_page()
    found: list[str] = []
    message = ContactMessage.objects.order_by("pk").first()
    assert message is not None
    for path in (
        "/platform/messages/",
        "/platform/messages/?show=handled",  # the empty state
        f"/platform/messages/{message.pk}/delete/",
    ):
        page.goto(path)
        found += axe_findings(page, path)
    assert not found, "\n".join(found)
