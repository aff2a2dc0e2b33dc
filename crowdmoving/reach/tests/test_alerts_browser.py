"""Email alerts in a real browser, on a phone, with the keyboard: from a project page to the
form (its organisation chosen), past the honeypot to the button, then the emailed link and its
"Confirm" button; the form in German at 360 px; axe-core finds nothing serious on the alert
pages, in English and German, signed out and signed in."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crowdmoving import factories as f
from crowdmoving.core.tests.test_accessibility_browser import (  # noqa: F401 - a fixture
    audit,
    blocking_violations,
    contexts,
)
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.reach.models import Subscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_from_the_project_page_to_a_confirmed_alert_with_the_keyboard(hub, new_context):
    organisation = f.OrganisationFactory(platform=hub, name="KRASS e.V.", slug="krass-ev")
    project = f.ProjectFactory(organisation=organisation, title="Kinder malen ihre Welt")
    page = new_context(viewport=PHONE).new_page()
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Get an email when KRASS e.V. posts new tasks").click()

    expect(page.get_by_role("heading", name="Email alerts")).to_be_visible()
    expect(page.get_by_role("radio", name="An organisation")).to_be_checked()
    expect(page.get_by_role("combobox", name="Organisation")).to_have_value("krass-ev")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    email = page.get_by_role("textbox", name="Email")
    email.focus()
    page.keyboard.type("rosa@example.net")
    # The honeypot is skipped by the keyboard: from the address straight to the button.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Ask for the alert"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    alert = Subscription.objects.get()
    assert alert.confirmed_at is None
    body = OutboxMessage.objects.get(to="rosa@example.net").body
    link = re.search(r"https?://[^/\s]+(/alerts/confirm/\S+/)", body)
    assert link, body
    page.goto(link.group(1))
    expect(page.get_by_role("heading", name="Confirm your alert")).to_be_visible()
    page.get_by_role("button", name="Confirm").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your alert is active")).to_be_visible()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None


def test_the_form_fits_a_phone_in_german(hub, page):
    page.set_viewport_size(PHONE)
    page.goto("/alerts/new/")
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Sending it empty marks the errors and focuses the summary (forms/error_summary.html).
    page.locator("form.alert-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_alert_pages_pass_axe_in_both_languages(hub, contexts):  # noqa: F811 - the fixture
    organisation = f.OrganisationFactory(platform=hub, name="KRASS e.V.", slug="krass-ev")
    person = f.UserFactory(email="margit@example.org", name="Margit Muster")
    active = Subscription.objects.create(
        platform=hub,
        email=person.email,
        user=person,
        kind="organisation",
        organisation=organisation,
        confirmed_at=timezone.now(),
    )
    waiting = Subscription.objects.create(
        platform=hub, email="rosa@example.net", kind="place", place="04"
    )
    paths = [
        ("alert form", "/alerts/new/?organisation=krass-ev"),
        ("check your inbox", "/alerts/sent/"),
        ("confirm", f"/alerts/confirm/{waiting.token}/"),
        ("active", f"/alerts/confirm/{active.token}/"),
        ("stop", f"/alerts/unsubscribe/{active.token}/"),
    ]
    problems = []
    for locale, lang in (("en-US", "en"), ("de-DE", "de")):
        problems += audit(contexts(locale=locale).new_page(), paths, lang=lang)
        signed_in = contexts(user=person, locale=locale).new_page()
        problems += audit(signed_in, [("my alerts", "/me/alerts/")], lang=lang)
        # The form with its errors (summary, described fields).
        signed_in.goto("/alerts/new/")
        signed_in.get_by_role("radio").last.check()
        signed_in.locator("form.alert-form button[type=submit]").click()
        expect(signed_in.locator(".error-summary")).to_be_visible()
        problems += blocking_violations(signed_in, f"[{lang}] alert form with errors")
    assert problems == [], "\n".join(problems)
