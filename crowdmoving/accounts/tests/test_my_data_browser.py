"""My data and deleting the account in a real browser on a phone, with the keyboard alone:
nothing scrolls sideways at 360 px, the file downloads, the emailed link deletes."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.projects.models import Commitment
from crowdmoving.tenancy.models import Platform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def phone_as(browser, live_server, user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport=PHONE, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": "localhost",
                "path": "/",
            }
        ]
    )
    return context


def fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def press_on(page, locator) -> None:  # type: ignore[no-untyped-def]
    """Reach ``locator`` by the keyboard's focus and press Enter, as a keyboard user does."""
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press("Enter")


def test_margit_reads_downloads_and_deletes_her_data_on_a_phone(browser, live_server):
    hub = Platform.objects.filter(is_default=True).first() or f.PlatformFactory(
        name="Crowdmoving", slug="hub", is_default=True
    )
    project = f.ProjectFactory(
        organisation=f.OrganisationFactory(platform=hub), title="Kinder malen ihre Welt"
    )
    task = f.TaskFactory(project=project, title="Leinwände und Farben besorgen mit Übergröße")
    margit = f.UserFactory(name="Margit Muster", email="margit@example.org", language="en")
    f.CommitmentFactory(task=task, user=margit, status=Commitment.Status.ACTIVE)

    context = phone_as(browser, live_server, margit)
    page = context.new_page()
    page.goto("/me/settings/")
    press_on(page, page.get_by_role("link", name="Download my data"))
    expect(page.get_by_role("heading", name="My data", exact=True)).to_be_visible()
    expect(page.get_by_text("Leinwände und Farben besorgen mit Übergröße").first).to_be_visible()
    fits_the_phone(page)

    with page.expect_download() as download:
        press_on(page, page.get_by_role("button", name="Download as a file (JSON)"))
    document = json.loads(open(download.value.path(), encoding="utf-8").read())  # noqa: SIM115
    assert document["account"]["email"] == "margit@example.org"

    press_on(page, page.get_by_role("link", name="Delete my account").first)
    expect(page.get_by_text("You give up 1 place on a task still to come")).to_be_visible()
    fits_the_phone(page)
    press_on(page, page.get_by_role("button", name="Email me the link to delete my account"))
    expect(page.get_by_text("We have sent you an email.")).to_be_visible()

    body = OutboxMessage.objects.get(to="margit@example.org").body
    path = re.search(r"https?://[^/\s]+(/me/delete/\S+/)", body).group(1)  # type: ignore[union-attr]
    page.goto(path)
    expect(page.get_by_role("heading", name="Delete my account for good?")).to_be_visible()
    fits_the_phone(page)
    press_on(page, page.get_by_role("button", name="Delete my account now"))

    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    fits_the_phone(page)
    assert not User.objects.filter(email="margit@example.org").exists()
    page.goto("/me/settings/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    context.close()
