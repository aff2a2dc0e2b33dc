"""Content pages in a real browser: an administrator writes a page with the keyboard, previews
it and moves it in the navigation; the navigation with several pages still fits a 360 px phone
(screenshots in var/screenshots/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, expect

from crowdmoving import factories as f
from crowdmoving.conftest import with_authenticator_app
from crowdmoving.pages import actions
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def signed_in(new_context, user, **options) -> BrowserContext:  # type: ignore[no-untyped-def]
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


def no_sideways_scrolling(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide at 360px"


def add_pages(hub) -> None:  # type: ignore[no-untyped-def]
    for kind, slug, title in (
        ("about", "ueber-uns", "Über uns"),
        ("faq", "faq", "Häufige Fragen"),
        ("custom", "mitmachen", "Mitmachen bei uns"),
    ):
        actions.create_page(
            hub,
            {"title": title, "kind": kind, "slug": slug, "body": "Text", "in_navigation": True},
            by=None,
        )


def test_the_navigation_with_pages_fits_a_phone(hub, new_context):
    add_pages(hub)
    organiser = f.UserFactory(email="claudia@example.org", name="Claudia Seidensticker")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for who, context in (
        ("anonymous", new_context(viewport=PHONE)),
        ("signed-in", signed_in(new_context, organiser, viewport=PHONE)),
    ):
        page = context.new_page()
        page.goto("/")
        main = page.get_by_role("navigation", name="Main")
        for title in ("Über uns", "Häufige Fragen", "Mitmachen bei uns"):
            expect(main.get_by_role("link", name=title)).to_be_visible()
        no_sideways_scrolling(page)
        page.screenshot(path=str(SCREENSHOTS / f"pages-navigation-360-{who}.png"), full_page=True)
        footer = page.locator("footer")
        expect(footer.get_by_role("link", name="Imprint")).to_be_visible()
        expect(footer.get_by_role("link", name="Privacy")).to_be_visible()

        main.get_by_role("link", name="Häufige Fragen").click()
        expect(page.get_by_role("heading", level=1, name="Häufige Fragen")).to_be_visible()
        no_sideways_scrolling(page)


def test_an_administrator_writes_previews_and_orders_a_page_with_the_keyboard(hub, new_context):
    add_pages(hub)
    admin = f.UserFactory(email="plattform@example.org", name="Paula Plattform")
    PlatformAdmin.objects.create(platform=hub, user=admin)
    with_authenticator_app(admin)
    page = signed_in(new_context, admin, viewport=PHONE).new_page()

    page.goto("/platform/pages/new/")
    page.get_by_label("Title").focus()
    page.keyboard.type("Spenden")
    page.get_by_label("Kind of page").select_option("custom")
    page.get_by_label("Text (Markdown)").fill("## So hilfst du\n\nMit **Zeit**.")
    page.get_by_role("button", name="Preview").focus()
    page.keyboard.press("Enter")
    preview = page.locator(".page-preview")
    expect(preview.get_by_role("heading", name="So hilfst du")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("Zeit")
    no_sideways_scrolling(page)
    page.screenshot(path=str(SCREENSHOTS / "pages-preview-360.png"), full_page=True)

    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("The page “Spenden” is saved.")).to_be_visible()
    items = page.locator(".page-admin-item h2")
    expect(items).to_have_text(["Über uns", "Häufige Fragen", "Mitmachen bei uns", "Spenden"])

    page.get_by_role("button", name=re.compile(r"^Up\W+Spenden")).focus()
    page.keyboard.press("Enter")
    expect(items).to_have_text(["Über uns", "Häufige Fragen", "Spenden", "Mitmachen bei uns"])
    no_sideways_scrolling(page)
    page.screenshot(path=str(SCREENSHOTS / "pages-admin-list-360.png"), full_page=True)

    nav = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(nav.filter(has_text="Spenden")).to_have_count(1)
    page.goto("/p/spenden/")
    expect(page).to_have_title(re.compile("^Spenden · "))
