"""The demo's two platforms in a real browser (issue 4, sections 6 and 7): ``seed_demo`` sets up
the hub (localhost) and "meine nestwärme" (nestwaerme.localhost, which Chromium resolves to
loopback); each shows its own name, colours, logo, pages and projects and none of the other's.
The hub's home page is the network's list: it shows nestwärme's public projects too, but each
labelled "on meine nestwärme" and linking to nestwärme's own host. Screenshots of both at
360 px and 1280 px go to var/screenshots/."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django_scopes import scopes_disabled
from playwright.sync_api import BrowserContext, Page, Route, expect

from crowdmoving.pages.models import ContentPage
from crowdmoving.projects.models import Project
from crowdmoving.tenancy.models import Platform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
KRASS_PROJECT = "Kinder malen ihre Welt"


def rgb(colour: str) -> str:
    """'#8a2c5a' -> 'rgb(138, 44, 90)', as getComputedStyle reports it."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture
def demo(hub) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent: the second run adds nothing
    with scopes_disabled():
        nest = Platform.objects.get(slug="nestwaerme")
        hub.refresh_from_db()
        titles = {
            platform.slug: sorted(
                Project.objects.filter(
                    organisation__platform=platform, status=Project.Status.PUBLIC
                ).values_list("title", flat=True)
            )
            for platform in (hub, nest)
        }
        pages = {
            platform.slug: list(
                ContentPage.objects.filter(platform=platform).values_list("kind", flat=True)
            )
            for platform in (hub, nest)
        }
    return {"hub": hub, "nest": nest, "titles": titles, "pages": pages}


def with_media(context: BrowserContext) -> BrowserContext:
    """The live server serves no uploads (DEBUG is off in tests): answer /media/ from
    MEDIA_ROOT, as the web server does in production."""

    def serve(route: Route) -> None:
        name = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
        route.fulfill(path=str(Path(django_settings.MEDIA_ROOT) / name))

    context.route(re.compile(r".*/media/.*"), serve)
    return context


def nest_url(live_server, path: str = "/") -> str:  # type: ignore[no-untyped-def]
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://nestwaerme.localhost:{port}{path}"


def background(page: Page, selector: str) -> str:
    return str(page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor"))


def test_the_demo_seeds_both_platforms_once(demo):
    assert demo["titles"]["nestwaerme"] == [
        "Ein Nachmittag auf dem Eselhof",
        "Geschwistertag im Zoo",
    ]
    assert demo["titles"]["hub"] == [KRASS_PROJECT]
    assert sorted(demo["pages"]["nestwaerme"]) == ["about", "faq", "imprint"]
    assert sorted(demo["pages"]["hub"]) == ["about", "imprint"]
    nest = demo["nest"]
    assert nest.logo and nest.tagline and nest.primary_colour == "#8a2c5a"
    from crowdmoving.pages.publishing import missing

    assert missing(nest) == [] and missing(demo["hub"]) == []  # both may publish


def test_each_demo_platform_shows_its_own_look_and_projects(demo, new_context, live_server):
    hub, nest = demo["hub"], demo["nest"]
    context = with_media(new_context(viewport={"width": 1280, "height": 900}))
    page = context.new_page()

    # nestwärme: its name, tagline, logo, colours, pages and projects; nothing of the hub.
    page.goto(nest_url(live_server))
    brand = page.locator(".site-header .brand")
    expect(brand).to_contain_text("meine nestwärme")
    expect(page.locator(".site-header .tagline")).to_have_text(nest.tagline)
    logo = page.locator("img.brand-logo")
    expect(logo).to_have_attribute("src", nest.logo.url)
    assert logo.evaluate("img => img.complete && img.naturalWidth") > 0, "the logo loads"
    assert background(page, ".site-header") == rgb(nest.primary_colour)
    main = page.locator("main")
    for title in demo["titles"]["nestwaerme"]:
        expect(main).to_contain_text(title)
    expect(main).not_to_contain_text(KRASS_PROJECT)
    expect(page.locator(".site-header")).not_to_contain_text(hub.name)
    expect(page.locator("footer")).to_contain_text("Imprint")
    page.screenshot(path=str(SCREENSHOTS / "demo-nestwaerme-1280.png"), full_page=True)

    page.get_by_role("link", name="Geschwistertag im Zoo").first.click()
    expect(page.locator("h1")).to_have_text("Geschwistertag im Zoo")
    page.wait_for_load_state("load")  # the platform's stylesheet, not just the first paint
    assert background(page, ".site-header") == rgb(nest.primary_colour)
    assert background(page, "main .button:not(.secondary)") == rgb(nest.primary_colour)
    page.goto(nest_url(live_server, "/impressum/"))
    expect(page.locator("main")).to_contain_text("nestwärme e.V. (Beispiel)")
    expect(page.locator("main")).to_contain_text("Beispieltext für die Demo")

    # The hub: its own name and colour, no logo of nestwärme; the network's list shows
    # nestwärme's projects only labelled with nestwärme's name and linking to its host.
    page.goto(live_server.url + "/")
    expect(page.locator(".site-header .brand")).to_contain_text(hub.name)
    expect(page.locator(".site-header")).not_to_contain_text("nestwärme")
    expect(page.locator("img.brand-logo")).to_have_count(0)
    assert background(page, ".site-header") == rgb(hub.primary_colour)
    assert background(page, "main .button:not(.secondary)") == rgb(hub.primary_colour)
    cards = page.locator(".project-card")
    expect(cards.filter(has_text=KRASS_PROJECT)).to_contain_text(f"on {hub.name}")
    for title in demo["titles"]["nestwaerme"]:
        card = cards.filter(has_text=title)
        expect(card).to_contain_text("on meine nestwärme")
        href = card.get_by_role("link", name=title).get_attribute("href") or ""
        assert href.startswith(nest_url(live_server, "/projects/")), href
    page.screenshot(path=str(SCREENSHOTS / "demo-hub-1280.png"), full_page=True)
    page.get_by_role("link", name="Imprint").first.click()
    expect(page.locator("main")).to_contain_text("Crowdmoving Demo-Betrieb (Beispiel)")

    # The hub's network link leads to the project on nestwärme's own platform, in its look.
    page.goto(live_server.url + "/")
    cards.filter(has_text="Geschwistertag im Zoo").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"^http://nestwaerme\.localhost:\d+/projects/\d+/"))
    page.wait_for_load_state("load")
    assert background(page, ".site-header") == rgb(nest.primary_colour)


@pytest.mark.parametrize("width", [360, 1280])
def test_both_demo_platforms_fit_the_screen(demo, new_context, live_server, width):
    context = with_media(new_context(viewport={"width": width, "height": 800}))
    page = context.new_page()
    for name, url in (("hub", live_server.url + "/"), ("nestwaerme", nest_url(live_server))):
        page.goto(url)
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} at {width} px is {scroll} px wide"
        if width == 360:
            page.screenshot(path=str(SCREENSHOTS / f"demo-{name}-{width}.png"), full_page=True)
