"""The story of the issue, told in a real browser (Playwright driving the system Chromium).

An organiser sets up a project through the forms, a visitor without an account takes a task and
confirms it by the emailed link, a volunteer on a phone takes and leaves a task with the keyboard
alone, and a full task offers its waiting list. The locators are accessible ones (role, label,
text): a field without a label or a button without a name fails these tests."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import BrowserContext, Locator, Page, expect

from crowdmoving import factories as f
from crowdmoving.conftest import make_publishable
from crowdmoving.notifications.outbox import deliver_due
from crowdmoving.organisations.models import Role
from crowdmoving.privacy.actions import give_consent
from crowdmoving.projects.models import Commitment, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # noqa: S105 (the factories' test password)
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def en_page(new_context) -> Page:
    return new_context().new_page()


def sign_in(page: Page, email: str) -> None:
    """Through the real login form."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def signed_in_context(new_context, user, **options: Any) -> BrowserContext:
    """A browser that carries ``user``'s session cookie (faster than the login form)."""
    client = Client()
    client.force_login(user)
    context = new_context(**options)
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


def card(page: Page, title: str) -> Locator:
    """The task card whose heading is ``title``."""
    return page.locator(".task-card").filter(has=page.get_by_role("heading", name=title))


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until ``target`` has the keyboard focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus with {key}")


def settled(page: Page) -> None:
    """Wait until htmx has settled its last swap: only then are the new card's forms wired up
    (a keypress before that submits the plain form, which works too, but loads a page)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-added')")


def assert_no_horizontal_scrolling(page: Page, width: int = PHONE["width"]) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width}px wide at a {width}px viewport"


def mails_to(address: str) -> list:
    deliver_due()
    return [message for message in mail.outbox if address in message.to]


# --- 1. the story of the issue ------------------------------------------------------------


def test_an_organiser_publishes_a_project_and_a_visitor_takes_a_task_by_email(
    hub, new_context, live_server
):
    organiser = f.UserFactory(email="claudia@example.org", name="Claudia Seidensticker")
    # The hub has its imprint and privacy policy (needed to publish); Claudia accepted it.
    give_consent(organiser, make_publishable(hub))
    page = new_context().new_page()

    # The page is styled and htmx is loaded (static files through WhiteNoise).
    page.goto("/")
    header_colour = page.locator(".site-header").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert header_colour == "rgb(11, 110, 79)", "app.css did not load"
    page.wait_for_function("() => window.htmx !== undefined")

    sign_in(page, organiser.email)

    # An organisation under "Organise".
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organise").click()
    page.get_by_role("link", name="Create an organisation").click()
    page.get_by_label("Name").fill("KRASS e.V.")
    page.get_by_label("Short description").fill("Kunst stärkt benachteiligte Kinder.")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_role("heading", level=1, name="KRASS e.V.")).to_be_visible()

    # The project with its story.
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Title").fill("Kinder malen ihre Welt")
    page.get_by_label("Story").fill(
        "Stell dir vor, du lebst als Kind in einer Unterkunft.\n\n**Male mit uns!**"
    )
    page.get_by_label("Place").fill("Düsseldorf")
    page.get_by_role("button", name="Create project").click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile("Kinder malen ihre Welt"))
    ).to_be_visible()

    # Three tasks, one of them for two people.
    tasks = [
        ("Infostand besetzen", "2", "scheduled"),
        ("Leinwände besorgen", "1", "flexible"),
        ("Kuchen backen", "3", "flexible"),
    ]
    for title, capacity, timing in tasks:
        page.get_by_role("link", name="Add task").first.click()
        page.get_by_label("Title").fill(title)
        if timing == "scheduled":
            page.get_by_label("On a date, from - to").check()
            page.get_by_label("Starts at").fill("2031-05-17T10:00")
            page.get_by_label("Ends at").fill("2031-05-17T14:00")
            page.get_by_label("Where").fill("Am Markt")
        else:
            page.get_by_label("Flexible, whenever it suits").check()
        page.get_by_label("People needed").fill(capacity)
        page.get_by_role("button", name="Add task").click()
        expect(page.get_by_role("heading", level=3, name=title)).to_be_visible()
    dashboard_url = page.url

    # Public on the dashboard.
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("[aria-current=step]")).to_contain_text("Public")
    page.get_by_role("link", name="View the public page").click()
    project_path = page.url.removeprefix(live_server.url)
    expect(page.get_by_role("strong").filter(has_text="Male mit uns!")).to_be_visible()

    # A visitor without an account finds the project and takes the info stand.
    visitor = new_context().new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name=re.compile("Kinder malen ihre Welt")).first.click()
    assert visitor.url.endswith(project_path)
    stand = card(visitor, "Infostand besetzen")
    expect(stand).to_contain_text("2 of 2 places free")
    stand.get_by_role("link", name="Take this task").click()  # the form opens in the card
    expect(stand.get_by_label("Your name")).to_be_focused()
    stand.get_by_label("Your name").fill("Vera Visitor")
    stand.get_by_label("Your email").fill("vera@example.org")
    stand.get_by_label("I accept the privacy policy.").check()
    stand.get_by_role("button", name="Take this task").click()
    expect(visitor.get_by_role("heading", name="Confirm your place")).to_be_visible()

    # The confirmation email has a link; it asks before it confirms.
    held = mails_to("vera@example.org")
    assert len(held) == 1
    link = re.search(r"/confirm/[^/\s]+/", held[0].body)
    assert link, held[0].body
    visitor.goto(link.group(0))
    visitor.get_by_role("button", name="Confirm my place").click()
    stand = card(visitor, "Infostand besetzen")
    expect(stand).to_contain_text("You are in")
    expect(stand).to_contain_text("1 of 2 places free")
    expect(visitor.get_by_role("button", name="Sign out")).to_be_visible()

    # The organiser sees who it is, and got an email about it.
    page.goto(dashboard_url)
    row = card(page, "Infostand besetzen")
    expect(row).to_contain_text("1 of 2 places taken")
    expect(row).to_contain_text("Vera Visitor")
    expect(row.get_by_role("link", name="vera@example.org")).to_be_visible()
    told = mails_to(organiser.email)
    assert len(told) == 1
    assert "Vera Visitor" in told[0].subject
    assert "Infostand besetzen" in told[0].subject
    assert "vera@example.org" in told[0].body


# --- 2. on a phone, with the keyboard alone -----------------------------------------------


@pytest.fixture
def story(hub):
    organisation = f.OrganisationFactory(platform=hub, name="KRASS e.V.", slug="krass-ev")
    organiser = f.UserFactory(email="claudia@example.org", name="Claudia Seidensticker")
    f.MembershipFactory(organisation=organisation, user=organiser, role=Role.OWNER)
    project = f.ProjectFactory(
        organisation=organisation, title="Kinder malen ihre Welt", created_by=organiser
    )
    return project


def test_a_volunteer_on_a_phone_takes_and_leaves_a_task_with_the_keyboard(story, new_context):
    f.TaskFactory(project=story, title="Leinwände besorgen", capacity=1, position=1)
    task = f.TaskFactory(project=story, title="Infostand besetzen", capacity=2, position=2)
    volunteer = f.UserFactory(email="margit@example.org", name="Margit Muster")
    page = signed_in_context(new_context, volunteer, viewport=PHONE).new_page()
    page.goto(story.get_absolute_url())
    assert_no_horizontal_scrolling(page)
    address = page.url

    stand = card(page, "Infostand besetzen")
    tab_to(page, stand.get_by_role("button", name="Take this task"))
    page.keyboard.press("Enter")
    expect(stand).to_contain_text("You are in")
    expect(stand).to_contain_text("1 of 2 places free")
    assert page.url == address, "htmx should swap the card in place, not load a page"
    assert_no_horizontal_scrolling(page)
    commitment = Commitment.objects.get(task=task, user=volunteer)
    assert commitment.status == Commitment.Status.ACTIVE

    # The keyboard focus stays in the card: on the button that undoes the step.
    expect(stand.get_by_role("button", name="Step back")).to_be_focused()
    settled(page)
    page.keyboard.press("Enter")
    expect(stand.get_by_role("button", name="Take this task")).to_be_focused()
    expect(stand).to_contain_text("2 of 2 places free")
    assert page.url == address
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.WITHDRAWN
    assert Task.objects.get(pk=task.pk).taken == 0
    assert_no_horizontal_scrolling(page)


# --- 3. the waiting list ------------------------------------------------------------------


def test_a_full_task_offers_its_waiting_list_and_tells_the_position(story, new_context):
    task = f.TaskFactory(project=story, title="Koordination vor Ort", capacity=1)
    f.CommitmentFactory(task=task, user=f.UserFactory(name="Aylin Demir"))
    volunteer = f.UserFactory(email="margit@example.org", name="Margit Muster")

    visitor = new_context().new_page()
    visitor.goto(story.get_absolute_url())
    full = card(visitor, "Koordination vor Ort")
    expect(full).to_contain_text("full")
    expect(full.get_by_role("link", name="Sign in to join the waiting list")).to_be_visible()

    page = signed_in_context(new_context, volunteer).new_page()
    page.goto(story.get_absolute_url())
    full = card(page, "Koordination vor Ort")
    full.get_by_role("button", name="Join the waiting list").click()
    expect(full).to_contain_text("You are number 1 on the waiting list")
    expect(full.get_by_role("button", name="Leave the waiting list")).to_be_visible()
    assert Commitment.objects.get(task=task, user=volunteer).status == Commitment.Status.WAITING
