"""The strict Content-Security-Policy in a real browser: Chromium reports every blocked inline
script or style on the console. A visitor and a volunteer walk through the pages and the
htmx take-over without one such report, and a take-over over the rate limit shows the 429
page in place of the page (htmx swaps 429 answers: base.html's htmx-config)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from crowdmoving import factories as f
from crowdmoving.organisations.models import Role
from crowdmoving.projects.models import Commitment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(hub):  # type: ignore[no-untyped-def]
    organisation = f.OrganisationFactory(platform=hub, name="KRASS e.V.", slug="krass-ev")
    organiser = f.UserFactory(email="claudia@example.org", name="Claudia Seidensticker")
    f.MembershipFactory(organisation=organisation, user=organiser, role=Role.OWNER)
    project = f.ProjectFactory(organisation=organisation, title="Kinder malen ihre Welt")
    f.TaskFactory(project=project, title="Infostand besetzen", capacity=2, position=1)
    f.TaskFactory(project=project, title="Leinwände besorgen", capacity=2, position=2)
    return project


def signed_in(new_context, user) -> BrowserContext:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    context = new_context()
    name = django_settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "domain": "localhost", "path": "/"}]
    )
    return context


class Console:
    """Console messages and page errors of one page."""

    def __init__(self, page: Page) -> None:
        self.lines: list[str] = []
        page.on("console", self._message)
        page.on("pageerror", lambda error: self.lines.append(f"pageerror: {error}"))

    def _message(self, message: ConsoleMessage) -> None:
        self.lines.append(f"{message.type}: {message.text}")

    def csp_violations(self) -> list[str]:
        return [line for line in self.lines if "content security policy" in line.lower()]


@pytest.fixture
def watched(new_context) -> Iterator[tuple[Page, Console]]:  # type: ignore[no-untyped-def]
    page = new_context().new_page()
    yield page, Console(page)


def test_the_console_would_show_a_csp_violation(watched, story):
    page, console = watched
    page.goto(story.get_absolute_url())
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert console.csp_violations() != []


def test_pages_and_the_htmx_take_over_run_without_csp_violations(story, new_context):
    visitor = new_context().new_page()
    seen = Console(visitor)
    visitor.goto("/")
    visitor.goto(story.get_absolute_url())
    visitor.goto("/accounts/login/")
    visitor.goto("/no-such-page/")

    volunteer = f.UserFactory(email="margit@example.org", name="Margit Muster")
    page = signed_in(new_context, volunteer).new_page()
    console = Console(page)
    page.goto(story.get_absolute_url())
    address = page.url
    stand = page.locator(".task-card").filter(has_text="Infostand besetzen")
    stand.get_by_role("button", name="Take this task").click()
    expect(stand).to_contain_text("You are in")
    assert page.url == address, "htmx swapped the card in place"
    for path in ("/me/tasks/", "/me/settings/", "/notifications/"):
        page.goto(path)
    assert Commitment.objects.filter(user=volunteer).count() == 1
    assert seen.csp_violations() == []
    assert console.csp_violations() == []


def test_a_take_over_over_the_limit_shows_the_429_page_in_place(story, new_context, settings):
    # pytest-django's settings are process-wide: the live server's thread sees them.
    caches["ratelimit"].clear()
    settings.RATELIMIT_ENABLE = True
    limits = settings.CROWDMOVING["RATE_LIMITS"] | {"take": "1/10m"}
    settings.CROWDMOVING = settings.CROWDMOVING | {"RATE_LIMITS": limits}
    volunteer = f.UserFactory(email="margit@example.org", name="Margit Muster")
    page = signed_in(new_context, volunteer).new_page()
    console = Console(page)
    page.goto(story.get_absolute_url())
    address = page.url
    first = page.locator(".task-card").filter(has_text="Infostand besetzen")
    first.get_by_role("button", name="Take this task").click()
    expect(first).to_contain_text("You are in")
    second = page.locator(".task-card").filter(has_text="Leinwände besorgen")
    second.get_by_role("button", name="Take this task").click()
    expect(page.get_by_role("heading", level=1, name="Please wait a moment")).to_be_visible()
    expect(page.get_by_text("Please try again in")).to_be_visible()
    assert page.url == address, "htmx swapped the answer in; no plain form POST"
    # the platform's header stays: the person is still signed in and can go on
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert Commitment.objects.filter(user=volunteer).count() == 1
    assert console.csp_violations() == []
    caches["ratelimit"].clear()
