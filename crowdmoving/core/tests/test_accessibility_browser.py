"""Accessibility (WCAG 2.1 AA) in a real browser: axe-core on every key page in German and in
English, signed out, signed in and as a platform administrator (the trust pages: contact,
privacy, imprint, content pages, consents, one's data, deleting the account, two-factor; the
platform's administration); the take-over and the visitor's hold form with the keyboard
alone and a visible focus; form errors announced; no sideways scrolling at 360 px and at 200 %
zoom (the reflow criterion: 320 CSS px).

Run only these: ``.venv/bin/pytest crowdmoving/core/tests/test_accessibility_browser.py``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.timezone import now
from playwright.sync_api import BrowserContext, Locator, Page, ViewportSize, expect

from crowdmoving import factories as f
from crowdmoving.conftest import axe_findings, make_publishable, with_authenticator_app
from crowdmoving.notifications.models import Notification
from crowdmoving.organisations.models import Organisation, Role
from crowdmoving.pages.models import ContactMessage, ContentPage
from crowdmoving.privacy.actions import give_consent
from crowdmoving.projects.models import Commitment
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# WCAG 2.1 A and AA rules (axe also runs its best practices; we fail on serious and critical).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


# --- the world: a project with a free, a full and a taken task and a waiting list -----------


@pytest.fixture
def world(hub) -> dict[str, Any]:
    organisation = f.OrganisationFactory(platform=hub, name="KRASS e.V.", slug="krass-ev")
    organiser = f.UserFactory(email="claudia@example.org", name="Claudia Seidensticker")
    f.MembershipFactory(organisation=organisation, user=organiser, role=Role.OWNER)
    coordinator = f.UserFactory(email="kai@example.org", name="Kai Koordinator")
    f.MembershipFactory(organisation=organisation, user=coordinator, role=Role.COORDINATOR)
    project = f.ProjectFactory(
        organisation=organisation,
        title="Kinder malen ihre Welt",
        story="Stell dir vor ...\n\n**Male mit uns!**",
        story_html="<p>Stell dir vor ...</p><p><strong>Male mit uns!</strong></p>",
        created_by=organiser,
    )
    volunteer = f.UserFactory(email="margit@example.org", name="Margit Muster")
    aylin = f.UserFactory(email="aylin@example.org", name="Aylin Demir")
    free = f.TaskFactory(project=project, title="Infostand besetzen", capacity=3, position=1)
    full = f.TaskFactory(project=project, title="Koordination vor Ort", capacity=1, position=2)
    taken = f.TaskFactory(
        project=project,
        title="Leinwände besorgen",
        capacity=2,
        position=3,
        timing="flexible",
        starts_at=None,
        ends_at=None,
    )
    f.CommitmentFactory(task=full, user=aylin)
    f.CommitmentFactory(task=full, user=volunteer, status=Commitment.Status.WAITING)
    f.CommitmentFactory(task=taken, user=volunteer)
    # Her notifications: one unread (the count in the navigation), one read.
    for title, read_at in [("Du bist dabei: Leinwände besorgen", None), ("Erinnerung", now())]:
        Notification.objects.create(
            platform=hub,
            user=volunteer,
            kind="confirmed",
            title=title,
            url=project.get_absolute_url(),
            read_at=read_at,
        )
    return {
        "organisation": organisation,
        "organiser": organiser,
        "volunteer": volunteer,
        "project": project,
        "free": free,
        "full": full,
        "taken": taken,
    }


@pytest.fixture
def trust(world, hub) -> dict[str, Any]:
    """The hub's trust pages: an imprint, a privacy text that the volunteer, the organiser and
    the administrator accepted (else every page sends them to accept it first), an "about"
    page, an organisation waiting for approval and an open contact message."""
    text = make_publishable(hub)
    about = ContentPage.objects.create(
        platform=hub,
        kind=ContentPage.Kind.ABOUT,
        slug="ueber-uns",
        title="Über uns",
        body="Wir verbinden Menschen, die helfen wollen, mit Projekten, die Hilfe brauchen.",
        body_html="<p>Wir verbinden Menschen, die helfen wollen, mit Projekten, die Hilfe "
        "brauchen.</p>",
    )
    admin = f.UserFactory(email="paula@example.org", name="Paula Plattform")
    PlatformAdmin.objects.create(platform=hub, user=admin)
    with_authenticator_app(admin)  # required for administrators (accounts/mfa.py)
    for user in (world["volunteer"], world["organiser"], admin):
        give_consent(user, text, platform=hub)
    f.OrganisationFactory(
        platform=hub,
        name="Neuer Verein",
        slug="neuer-verein",
        approval=Organisation.Approval.PENDING,
    )
    ContactMessage.objects.create(
        platform=hub, name="Vera Besucherin", email="vera@example.org", message="Wann geht es los?"
    )
    return {"about": about, "admin": admin}


@pytest.fixture
def contexts(browser, live_server) -> Iterator[Any]:
    """contexts(user=None, locale="en-US", **options) opens a browser (own cookies) on the live
    server, signed in as ``user`` when given."""
    opened: list[BrowserContext] = []

    def _open(user=None, locale: str = "en-US", **options: Any) -> BrowserContext:  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=live_server.url, locale=locale, **options)
        context.set_default_timeout(10_000)
        opened.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
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

    yield _open
    for context in opened:
        context.close()


# --- helpers --------------------------------------------------------------------------------


def card(page: Page, title: str) -> Locator:
    return page.locator(".task-card").filter(has=page.get_by_role("heading", name=title))


def blocking_violations(page: Page, label: str) -> list[str]:
    """axe's serious and critical findings, with the best practices as well."""
    return axe_findings(page, label, AXE_OPTIONS)


def audit(page: Page, paths: list[tuple[str, str]], *, lang: str) -> list[str]:
    """Visit every (label, path) and collect axe's blocking findings; every page must carry the
    language it is written in."""
    found: list[str] = []
    for label, path in paths:
        response = page.goto(path)
        assert response is not None
        expected_status = 404 if label == "404" else 200
        assert response.status == expected_status, f"{label} ({path}): HTTP {response.status}"
        assert page.locator("html").get_attribute("lang") == lang, f"{label}: lang attribute"
        found += blocking_violations(page, f"[{lang}] {label} {path}")
    return found


def report(found: list[str]) -> str:
    return f"{len(found)} serious/critical axe violations:\n" + "\n".join(found)


def focus_is_visible(page: Page) -> bool:
    """The focused element draws an outline or a box shadow (its :focus-visible style)."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            if (!element || element === document.body) return false;
            // The calendar button inside a date field: Chromium draws its own ring around it
            // (the field itself is not :focus then, and the button is not styleable).
            if (/^(date|datetime-local|time)$/.test(element.type) && !element.matches(':focus')) {
                return true;
            }
            const style = getComputedStyle(element);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
            const shadow = style.boxShadow && style.boxShadow !== 'none';
            return outline || shadow;
        }"""
    )


def tab_to(page: Page, target: Locator, *, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus; every stop on the way shows where it is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            assert focus_is_visible(page), "the focused element shows no outline"
            return
        tag = page.evaluate("document.activeElement && document.activeElement.tagName")
        if tag not in (None, "BODY"):
            what = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
            assert focus_is_visible(page), f"no visible focus on {what}"
    raise AssertionError(f"{target} never got the focus with Tab")


def settled(page: Page) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-added')")


def focus_is_inside(page: Page, container: Locator) -> bool:
    return container.evaluate("element => element.contains(document.activeElement)")


def assert_reflows(page: Page, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"{label}: the page is {width}px wide in a {inner}px window"


# --- 1. axe on every key page ---------------------------------------------------------------


@pytest.mark.parametrize(("locale", "lang"), [("de-DE", "de"), ("en-US", "en")])
def test_signed_out_pages_have_no_serious_axe_violations(world, trust, contexts, locale, lang):
    project = world["project"]
    page = contexts(locale=locale).new_page()
    found = audit(
        page,
        [
            ("home", "/"),
            ("project", project.get_absolute_url()),
            ("sign-in", "/accounts/login/"),
            ("sign-up", "/accounts/signup/"),
            ("login by code", "/accounts/login/code/"),
            ("404", "/projects/999999/"),
            ("contact", "/contact/"),
            ("privacy", "/privacy/"),
            ("imprint", "/impressum/"),  # on to its page, /p/impressum/
            ("content page", reverse("pages:page", args=[trust["about"].slug])),
        ],
        lang=lang,
    )
    # The contact form sent empty: its errors.
    page.goto("/contact/")
    page.locator("main form [type=submit]").click()
    expect(page.locator("main [aria-invalid=true]").first).to_be_visible()
    found += blocking_violations(page, f"[{lang}] contact with errors")
    # The hold form, opened in the card of the free task.
    page.goto(project.get_absolute_url())
    page.wait_for_function("() => window.htmx !== undefined")
    free = page.locator(f"#task-{world['free'].pk}")
    free.locator("a.button").click()
    expect(free.locator("input[name=email]")).to_be_visible()
    found += blocking_violations(page, f"[{lang}] hold form in a card")
    # The hold form with an error (an address the server refuses).
    free.locator("input[name=name]").fill("Vera")
    free.locator("input[name=email]").fill("not an email")
    free.locator("input[name=email]").evaluate("element => element.type = 'text'")
    free.locator("input[name=accept_privacy]").check()  # the platform has a privacy text
    free.locator("button").click()
    expect(free.locator("[aria-invalid=true]")).to_have_count(1)
    found += blocking_violations(page, f"[{lang}] hold form with an error")
    assert not found, report(found)


@pytest.mark.parametrize(("locale", "lang"), [("de-DE", "de"), ("en-US", "en")])
def test_signed_in_pages_have_no_serious_axe_violations(world, trust, contexts, locale, lang):
    project = world["project"]
    organisation = world["organisation"]
    # The supporter: her cards (in, on the waiting list, free), her tasks and settings, her
    # consents and data, deleting her account, two-factor authentication (off).
    page = contexts(world["volunteer"], locale=locale).new_page()
    found = audit(
        page,
        [
            ("home", "/"),
            ("project", project.get_absolute_url()),
            ("my tasks", "/me/tasks/"),
            ("settings", "/me/settings/"),
            ("notifications", "/notifications/"),
            ("notification settings", "/notifications/settings/"),
            ("consents", reverse("privacy:consents")),
            ("my data", reverse("me:data")),
            ("delete account", reverse("me:delete_account")),
            ("two-factor", reverse("mfa_index")),
        ],
        lang=lang,
    )
    # The organiser: the organising side.
    page = contexts(world["organiser"], locale=locale).new_page()
    task = world["free"]
    found += audit(
        page,
        [
            ("organise", "/manage/"),
            ("organisation", f"/manage/o/{organisation.slug}/"),
            ("members", f"/manage/o/{organisation.slug}/members/"),
            ("create project", f"/manage/o/{organisation.slug}/projects/new/"),
            ("dashboard", f"/manage/projects/{project.pk}/"),
            ("edit project", f"/manage/projects/{project.pk}/edit/"),
            ("add task", f"/manage/projects/{project.pk}/tasks/new/"),
            ("edit task", f"/manage/projects/{project.pk}/tasks/{task.pk}/edit/"),
            ("team", f"/projects/{project.pk}/team/"),
            ("404", "/manage/projects/999999/"),
        ],
        lang=lang,
    )
    # A form sent with errors: the add-task form, empty.
    page.goto(f"/manage/projects/{project.pk}/tasks/new/")
    page.locator("main form [type=submit]").last.click()
    expect(page.locator("main [aria-invalid=true]").first).to_be_visible()
    found += blocking_violations(page, f"[{lang}] add task with errors")
    assert not found, report(found)


@pytest.mark.parametrize(("locale", "lang"), [("de-DE", "de"), ("en-US", "en")])
def test_platform_administration_pages_have_no_serious_axe_violations(
    world, trust, contexts, locale, lang
):
    page = contexts(trust["admin"], locale=locale).new_page()
    found = audit(
        page,
        [
            ("look", reverse("platform:look")),
            ("pages", reverse("pages:admin_list")),
            ("new page", reverse("pages:admin_create")),
            ("organisations", reverse("organisations:queue")),
            ("privacy text", reverse("privacy:publish")),
            ("network", reverse("network:settings")),
            ("messages", reverse("pages:inbox")),
        ],
        lang=lang,
    )
    assert not found, report(found)


# --- 2. the take-over with the keyboard alone, and a visible focus ---------------------------


def test_a_volunteer_takes_a_task_with_the_keyboard_alone(world, contexts):
    page = contexts(world["volunteer"]).new_page()
    page.goto(world["project"].get_absolute_url())
    page.wait_for_function("() => window.htmx !== undefined")
    free = card(page, "Infostand besetzen")

    tab_to(page, free.get_by_role("button", name="Take this task"))
    page.keyboard.press("Enter")
    expect(free).to_contain_text("You are in")
    expect(free).to_contain_text("2 of 3 places free")
    # The focus stays in the card, on the button that undoes the step, and shows.
    expect(free.get_by_role("button", name="Step back")).to_be_focused()
    assert focus_is_inside(page, free)
    assert focus_is_visible(page)
    settled(page)
    assert Commitment.objects.get(task=world["free"], user=world["volunteer"]).status == (
        Commitment.Status.ACTIVE
    )
    # The keyboard goes on from there: the next stop is the next card's button.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement !== document.body")
    assert focus_is_visible(page)


def test_a_visitor_holds_a_place_with_the_keyboard_alone(world, contexts):
    page = contexts().new_page()
    page.goto(world["project"].get_absolute_url())
    page.wait_for_function("() => window.htmx !== undefined")
    free = card(page, "Infostand besetzen")

    # The skip link is the first stop and shows where it is.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    assert focus_is_visible(page)

    tab_to(page, free.get_by_role("link", name="Take this task"))
    page.keyboard.press("Enter")  # the form opens in the card with the focus on the name
    # htmx focuses the autofocus field again when the swap settles: type only after that.
    settled(page)
    name = free.get_by_label("Your name")
    expect(name).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.type("Vera Visitor")
    page.keyboard.press("Tab")
    email = free.get_by_label("Your email")
    expect(email).to_be_focused()
    page.keyboard.type("vera@example.org")
    page.keyboard.press("Tab")
    expect(free.get_by_role("button", name="Take this task")).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Confirm your place")).to_be_visible()
    assert Commitment.objects.get(task=world["free"], user__email="vera@example.org").status == (
        Commitment.Status.HELD
    )


def test_the_focus_ring_shows_on_the_green_header(world, contexts):
    """The header's links get a white ring: the blue one has no contrast against the green."""
    page = contexts().new_page()
    page.goto("/")
    tab_to(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects"))
    colour = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert colour == "rgb(255, 255, 255)", colour


# --- 3. forms announce their errors -----------------------------------------------------------


def test_a_form_sent_with_errors_focuses_its_summary_and_links_each_field(world, contexts):
    project = world["project"]
    page = contexts(world["organiser"]).new_page()
    page.goto(f"/manage/projects/{project.pk}/tasks/new/")
    tab_to(page, page.get_by_role("button", name="Add task"))
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please correct the following")
    expect(summary).to_be_focused()
    title = page.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    described_by = title.get_attribute("aria-describedby") or ""
    errors = " ".join(
        page.locator(f"[id='{ident}']").inner_text() for ident in described_by.split()
    )
    assert "Please give the task a title" in errors, f"the title's description is {errors!r}"
    # The summary's link leads to the field.
    summary.get_by_role("link", name=re.compile("Title")).press("Enter")
    expect(title).to_be_focused()


def test_the_hold_form_moves_the_focus_to_the_field_with_the_error(world, contexts):
    page = contexts().new_page()
    page.goto(world["project"].get_absolute_url())
    page.wait_for_function("() => window.htmx !== undefined")
    free = card(page, "Infostand besetzen")
    tab_to(page, free.get_by_role("link", name="Take this task"))
    page.keyboard.press("Enter")
    expect(free.get_by_label("Your name")).to_be_focused()
    page.keyboard.type("Vera Visitor")
    # An address the browser lets through but the server refuses.
    free.get_by_label("Your email").evaluate("element => element.type = 'text'")
    page.keyboard.press("Tab")
    page.keyboard.type("vera@")
    page.keyboard.press("Enter")

    email = free.get_by_label("Your email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    error_id = email.get_attribute("aria-describedby")
    expect(page.locator(f"[id='{error_id}']")).to_contain_text("valid email")
    expect(free.get_by_label("Your name")).not_to_have_attribute("aria-invalid", "true")


# --- 4. 360 px, 200 % zoom and 320 CSS px: nothing scrolls sideways ----------------------------

# Layout depends on the width in CSS px alone: a 1280 x 800 window at 200 % zoom lays pages out
# in 640 x 400 CSS px (drawn with two device pixels each), and at 400 % in 320 CSS px, the
# reflow criterion (1.4.10). One browser at device scale 2 is resized to each size in turn.
SIZES: dict[str, ViewportSize] = {
    "phone 360": {"width": 360, "height": 740},
    "1280 at 200 %": {"width": 640, "height": 400},
    "1280 at 400 % (320)": {"width": 320, "height": 256},
}


def assert_navigation_fits(page: Page, label: str) -> None:
    navigation = page.get_by_role("navigation", name=re.compile("^(Main|Hauptnavigation)$"))
    expect(navigation).to_be_visible()
    inner = page.evaluate("window.innerWidth")
    for entry in navigation.get_by_role("link").all() + navigation.get_by_role("button").all():
        box = entry.bounding_box()
        assert box is not None, f"{label}: a navigation entry is hidden"
        assert box["x"] >= 0, f"{label}: {entry.inner_text()} starts off screen"
        assert box["x"] + box["width"] <= inner + 0.5, f"{label}: {entry.inner_text()} is cut off"


def assert_fits_every_size(page: Page, label: str, take: Locator | None = None) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        assert_reflows(page, f"{size}: {label}")
        assert_navigation_fits(page, f"{size}: {label}")
        if take is not None:
            take.scroll_into_view_if_needed()
            expect(take).to_be_in_viewport()


def test_pages_reflow_without_sideways_scrolling(world, trust, contexts):
    project = world["project"]
    organisation = world["organisation"]
    free = world["free"]
    page = contexts(world["organiser"], device_scale_factor=2).new_page()
    for label, path in [
        ("home", "/"),
        ("project", project.get_absolute_url()),
        ("my tasks", "/me/tasks/"),
        ("settings", "/me/settings/"),
        ("notifications", "/notifications/"),
        ("organisation", f"/manage/o/{organisation.slug}/"),
        ("members", f"/manage/o/{organisation.slug}/members/"),
        ("dashboard", f"/manage/projects/{project.pk}/"),
        ("add task", f"/manage/projects/{project.pk}/tasks/new/"),
        ("team", f"/projects/{project.pk}/team/"),
    ]:
        page.goto(path)
        take = None
        if label == "project":
            take = card(page, free.title).get_by_role("button", name="Take this task")
        assert_fits_every_size(page, label, take)

    # In German, whose long words test it best: "Wiederherstellungscodes" on the two-factor
    # page breaks (h1, h2, h3 hyphenate) instead of widening the page at 320 px.
    page = contexts(world["organiser"], locale="de-DE", device_scale_factor=2).new_page()
    for label, path in [("two-factor", "/accounts/2fa/"), ("my data", "/me/data/")]:
        page.goto(path)
        assert_fits_every_size(page, f"{label} (de)")
    page = contexts(trust["admin"], locale="de-DE", device_scale_factor=2).new_page()
    for label, path in [
        ("organisations", reverse("organisations:queue")),
        ("messages", reverse("pages:inbox")),
    ]:
        page.goto(path)
        assert_fits_every_size(page, f"{label} (de)")

    # Signed out: sign-in, sign-up and the visitor's hold form in the card.
    page = contexts(device_scale_factor=2).new_page()
    for label, path in [("sign-in", "/accounts/login/"), ("sign-up", "/accounts/signup/")]:
        page.goto(path)
        assert_fits_every_size(page, label)
    page.goto(project.get_absolute_url())
    page.wait_for_function("() => window.htmx !== undefined")
    take = card(page, free.title).get_by_role("link", name="Take this task")
    assert_fits_every_size(page, "project, signed out", take)
    take.press("Enter")
    email = card(page, free.title).get_by_label("Your email")
    expect(email).to_be_visible()
    assert_fits_every_size(page, "hold form", email)


def test_screenshots_at_360_and_1280_px(world, contexts):
    """Home, project and dashboard at a phone's and a laptop's width, for a look by eye
    (var/screenshots/); the pages must not scroll sideways either way."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    project = world["project"]
    for name, viewport in [("360", PHONE), ("1280", DESKTOP)]:
        page = contexts(world["organiser"], viewport=viewport).new_page()
        for label, path in [
            ("home", "/"),
            ("project", project.get_absolute_url()),
            ("dashboard", f"/manage/projects/{project.pk}/"),
        ]:
            page.goto(path)
            assert_reflows(page, f"{name} {label}")
            target = SCREENSHOTS / f"a11y-{label}-{name}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 0
