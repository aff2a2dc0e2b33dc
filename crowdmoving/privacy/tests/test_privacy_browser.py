"""The privacy policy in a real browser on a phone, with the keyboard alone: an administrator
publishes a version, a signed-in person is asked to accept it and goes on where she was
going, a visitor accepts it when holding a place. Nothing scrolls sideways at 360 px."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from crowdmoving import factories as f
from crowdmoving.conftest import with_authenticator_app
from crowdmoving.privacy import actions
from crowdmoving.privacy.models import Consent, HeldConsent, PrivacyText
from crowdmoving.tenancy.models import Platform, PlatformAdmin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def hub() -> Platform:
    return Platform.objects.filter(is_default=True).first() or f.PlatformFactory(
        name="Crowdmoving", slug="hub", is_default=True
    )


def phone(browser, live_server, user=None):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE)
    context.set_default_timeout(10_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "domain": "localhost",
              "path": "/"}]
        )  # fmt: skip
    return context


def fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def press_on(page, locator, key: str = "Enter") -> None:  # type: ignore[no-untyped-def]
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press(key)


def test_an_administrator_publishes_and_margit_accepts_on_a_phone(browser, live_server):
    platform = hub()
    paula = f.UserFactory(name="Paula Plattform", email="paula@example.org", language="en")
    PlatformAdmin.objects.create(platform=platform, user=paula)
    with_authenticator_app(paula)
    first = actions.publish_text(
        platform, body="## Erste Fassung\n\nKurz.", summary_of_changes="", by=paula
    )
    actions.give_consent(paula, first)
    margit = f.UserFactory(name="Margit Muster", email="margit@example.org", language="en")
    actions.give_consent(margit, first)

    page = phone(browser, live_server, paula).new_page()
    page.goto("/platform/privacy/")
    expect(page.get_by_role("heading", name="Privacy policy of the platform")).to_be_visible()
    fits_the_phone(page)
    body = page.get_by_label("Privacy policy (Markdown)")
    body.fill("## Zweite Fassung\n\nWir nennen die Aufsichtsbehörde mit einer sehr-langen-Adresse.")
    page.get_by_label("What changed").fill("Die Aufsichtsbehörde ist genannt.")
    press_on(page, page.get_by_role("button", name="Preview"))
    expect(page.get_by_role("heading", name="Preview (not published yet)")).to_be_visible()
    fits_the_phone(page)
    assert PrivacyText.objects.count() == 1
    press_on(page, page.get_by_role("button", name="Publish as version 2"))
    expect(page.get_by_text("Version 2 is published.")).to_be_visible()
    assert PrivacyText.objects.count() == 2

    page = phone(browser, live_server, margit).new_page()
    page.goto("/me/tasks/")
    expect(page.get_by_role("heading", name="Please accept the privacy policy")).to_be_visible()
    expect(page.get_by_text("Die Aufsichtsbehörde ist genannt.")).to_be_visible()
    fits_the_phone(page)
    press_on(page, page.get_by_role("button", name="I accept the privacy policy").first)
    expect(page).to_have_url(f"{live_server.url}/me/tasks/")
    assert Consent.objects.filter(user=margit, text__version=2).exists()

    page.goto("/privacy/consents/")
    expect(page.get_by_text("Privacy policy, version 2")).to_be_visible()
    fits_the_phone(page)
    page.goto("/privacy/")
    expect(page.get_by_text("Version 2, published on")).to_be_visible()
    fits_the_phone(page)


def test_a_visitor_accepts_the_policy_when_holding_a_place(browser, live_server):
    platform = hub()
    actions.publish_text(platform, body="Kurz und klar.", summary_of_changes="", by=None)
    project = f.ProjectFactory(organisation=f.OrganisationFactory(platform=platform))
    task = f.TaskFactory(project=project, title="Infostand besetzen", capacity=3)

    page = phone(browser, live_server).new_page()
    page.goto(project.get_absolute_url())
    press_on(page, page.locator(f"#task-{task.pk}-act"))
    page.get_by_label("Your name").fill("Hanna Gast")
    page.get_by_label("Your email").fill("hanna@example.org")
    box = page.get_by_label("I accept the privacy policy.")
    press_on(page, box, key="Space")
    expect(box).to_be_checked()
    fits_the_phone(page)
    press_on(page, page.get_by_role("button", name="Take this task"))
    expect(page.get_by_text("We sent a code to hanna@example.org")).to_be_visible()
    assert HeldConsent.objects.get().commitment.task == task
