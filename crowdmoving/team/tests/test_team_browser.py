"""The team page in a real browser on a phone: labels name every field, the keyboard reaches
every form, and nothing scrolls sideways at 360 px."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from crowdmoving import factories as f
from crowdmoving.organisations.models import Role
from crowdmoving.projects.models import Commitment
from crowdmoving.team.models import TeamMessage
from crowdmoving.tenancy.models import Platform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def phone_as(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE)
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


def test_an_organiser_introduces_two_supporters_on_a_phone_with_the_keyboard(
    browser, live_server, transactional_db
):
    hub = Platform.objects.filter(is_default=True).first() or f.PlatformFactory(
        name="Crowdmoving", slug="hub", is_default=True
    )
    organisation = f.OrganisationFactory(platform=hub)
    claudia = f.UserFactory(name="Claudia Seidensticker", language="en")
    f.MembershipFactory(organisation=organisation, user=claudia, role=Role.OWNER)
    project = f.ProjectFactory(organisation=organisation, title="Kinder malen ihre Welt")
    task = f.TaskFactory(project=project, title="Infostand besetzen", capacity=3)
    margit = f.UserFactory(name="Margit Muster", email="margit@example.org", language="en")
    anke = f.UserFactory(name="Anke Auftakt", email="anke@example.org", language="en")
    for person in (margit, anke):
        f.CommitmentFactory(task=task, user=person, status=Commitment.Status.ACTIVE)

    context = phone_as(browser, live_server, claudia)
    page = context.new_page()
    page.goto(f"/projects/{project.pk}/team/")
    expect(page.get_by_role("heading", name="Who is in which task")).to_be_visible()

    summary = page.get_by_text("Introduce two supporters")
    summary.focus()
    page.keyboard.press("Enter")
    page.get_by_label("First person").select_option(label="Margit Muster (margit@example.org)")
    page.get_by_label("Second person").select_option(label="Anke Auftakt (anke@example.org)")
    introduction = page.locator("#id_introduction-body")
    introduction.fill("Ihr zwei macht den Infostand: https://example.org/plan")
    introduction.press("Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_text("The introduction is sent to both.")).to_be_visible()
    expect(page.get_by_role("link", name="https://example.org/plan")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide"
    assert TeamMessage.objects.get().kind == TeamMessage.Kind.INTRODUCTION
    context.close()

    context = phone_as(browser, live_server, margit)
    page = context.new_page()
    page.goto(f"/projects/{project.pk}/team/")
    page.get_by_role("textbox", name="Message").fill("Ich bringe Kreide mit.")
    page.get_by_role("button", name="Post to the board").click()
    expect(page.get_by_text("Your message is on the board.")).to_be_visible()
    expect(page.locator(".team-message").filter(has_text="Ich bringe Kreide mit.")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide"
    context.close()
