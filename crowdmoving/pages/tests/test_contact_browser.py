"""The contact form in a real browser, on a phone, with the keyboard: the live "N of 350"
counter follows the typing and is announced through a polite live region; the honeypot is
never in the tab order; sending leads to the confirmation page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crowdmoving.pages.models import ContactMessage
from crowdmoving.tenancy.models import Platform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_the_counter_follows_the_typing_and_the_message_is_sent(hub, new_context):
    Platform.objects.filter(pk=hub.pk).update(contact_email="kontakt@hub.example.org")
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Contact").click()
    expect(page.get_by_role("heading", name="Contact")).to_be_visible()

    counter = page.locator(".char-counter-shown")
    expect(counter).to_have_text("0 of 350")
    page.get_by_label("Name").fill("Rosa Rotkehlchen")
    page.get_by_label("Email").fill("rosa@example.net")
    message = page.get_by_label("Message")
    message.focus()
    page.keyboard.type("Hallo ihr!")
    expect(counter).to_have_text("10 of 350")
    # Screen readers hear the count once typing pauses (aria-live="polite").
    spoken = page.locator("[aria-live=polite].char-counter-spoken")
    expect(spoken).to_have_text("10 of 350")
    page.keyboard.press("Backspace")
    expect(counter).to_have_text("9 of 350")

    # The honeypot is skipped by the keyboard: from the message straight to the button.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Send message"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Thank you, your message is on its way")
    ).to_be_visible()
    stored = ContactMessage.objects.get()
    assert (stored.name, stored.message) == ("Rosa Rotkehlchen", "Hallo ihr")


def test_the_browser_stops_at_350_characters_and_the_counter_says_so(hub, new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/contact/")
    page.get_by_label("Message").fill("x" * 400)
    expect(page.locator(".char-counter-shown")).to_have_text("350 of 350")
