"""Sharing in a real browser: on a phone the share block fits and works by keyboard, "Copy link"
copies (or selects the address where the clipboard is refused), the phone's share sheet gets
the address, the Mastodon step reaches the server's share page despite the strict CSP, and the
poster prints on one A4 page with its QR code readable."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
import zxingcpp
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from crowdmoving import factories as f
from crowdmoving.projects.models import Project, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
# The longest opening a poster shows (sharing.POSTER_OPENING_LENGTH).
LONG_OPENING = ("Stell dir vor: Kinder malen ihre Welt auf große Leinwände. " * 7)[:399] + "…"


@pytest.fixture
def project(hub) -> Project:  # type: ignore[no-untyped-def]
    project = f.ProjectFactory(
        organisation=f.OrganisationFactory(platform=hub, name="KRASS e.V."),
        title="Kinder malen ihre Welt",
        story=LONG_OPENING,
        story_html=f"<p>{LONG_OPENING}</p>",
    )
    for number in range(10):  # the longest titles and places a poster must hold
        f.TaskFactory(
            project=project,
            # As long as a title may be (PostgreSQL refuses longer ones; SQLite would not).
            title=(f"Nummer {number}: " + "Leinwände, Farben und Pinsel besorgen " * 4)[
                : Task._meta.get_field("title").max_length
            ],
            location="Stadtteilzentrum Leipziger Osten, Eisenbahnstraße 66, Hinterhaus",
        )
    return project


def fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_copy_link_copies_the_address_on_a_phone(new_context, live_server, project):
    context = new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"/projects/{project.pk}/")
    expect(page.get_by_role("heading", name="Share this project")).to_be_visible()
    fits_the_phone(page)
    button = page.get_by_role("button", name="Copy link")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".share-copy-status")).to_have_text("Link copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server.url}/projects/{project.pk}/"


def test_where_the_clipboard_is_refused_the_address_is_selected(new_context, project):
    page = new_context(viewport=PHONE).new_page()
    page.add_init_script(
        "Object.defineProperty(navigator, 'clipboard', {value: {writeText: function () {"
        " return Promise.reject(new Error('denied')); }}});"
    )
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator(".share-copy-status")).to_contain_text("The link is selected")
    field = page.locator("#share-url")
    expect(field).to_be_focused()
    selected = page.evaluate(
        "(() => { const f = document.getElementById('share-url');"
        " return f.value.substring(f.selectionStart, f.selectionEnd); })()"
    )
    assert selected.endswith(f"/projects/{project.pk}/")


def test_the_share_button_opens_the_phones_share_sheet_where_there_is_one(
    new_context, live_server, project
):
    plain = new_context().new_page()
    plain.goto(f"/projects/{project.pk}/")
    if plain.evaluate("typeof navigator.share") != "function":
        expect(plain.locator(".share-native")).to_be_hidden()

    page = new_context(viewport=PHONE).new_page()
    page.add_init_script(
        "navigator.share = function (data) { window.sharedData = data; return Promise.resolve(); };"
    )
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("button", name="Share…").click()
    shared = page.evaluate("window.sharedData")
    assert shared == {
        "title": "Kinder malen ihre Welt",
        "text": "Kinder malen ihre Welt – Take on a task and join in!",
        "url": f"{live_server.url}/projects/{project.pk}/",
    }


def test_the_mastodon_step_reaches_the_servers_share_page(new_context, live_server, project):
    page = new_context(viewport=PHONE).new_page()
    reached: list[str] = []

    def server(route) -> None:  # type: ignore[no-untyped-def]
        reached.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>Mastodon</p>")

    page.route("https://chaos.social/**", server)
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Mastodon…").click()
    field = page.get_by_label("Your Mastodon server")
    field.fill("https://chaos.social/@me")
    field.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("only the name of your Mastodon server")
    expect(page.get_by_label("Your Mastodon server")).to_have_attribute("aria-invalid", "true")
    fits_the_phone(page)
    page.get_by_label("Your Mastodon server").fill("chaos.social")
    page.get_by_role("button", name="Continue to Mastodon").click()
    page.wait_for_url(re.compile(r"^https://chaos\.social/share\?"))
    assert len(reached) == 1
    assert (
        f"{live_server.url}/projects/{project.pk}/".replace(":", "%3A").replace("/", "%2F")
        in reached[0]
    )


def test_the_poster_prints_on_one_a4_page_with_a_readable_code(new_context, live_server, project):
    page = new_context().new_page()
    page.goto(f"/projects/{project.pk}/poster/")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page.get_by_text("… and 2 more tasks.")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".poster-toolbar")).to_be_hidden()
    width = page.evaluate("document.querySelector('.poster').getBoundingClientRect().width")
    assert abs(width - 210 / 25.4 * 96) < 2, width  # 210 mm at 96 CSS pixels per inch
    png = page.screenshot(full_page=True)
    if os.environ.get("SCREENSHOTS_DIR"):
        Path(os.environ["SCREENSHOTS_DIR"], "poster-print.png").write_bytes(png)
    clipped = page.evaluate(
        "(() => { const p = document.querySelector('.poster');"
        " return p.scrollHeight - p.clientHeight; })()"
    )
    assert clipped <= 1, f"the poster's content is {clipped}px taller than the sheet"
    found = [c.text for c in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    assert found == [f"{live_server.url}/projects/{project.pk}/"]

    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box and (round(float(box.group(1))), round(float(box.group(2)))) == (595, 842)  # A4


def test_the_poster_fits_a_phone_screen(new_context, project):
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"/projects/{project.pk}/poster/")
    expect(page.get_by_role("heading", name="Kinder malen ihre Welt")).to_be_visible()
    fits_the_phone(page)


def test_a_tasks_page_fits_a_phone_and_leads_to_the_project(new_context, project):
    task = project.tasks.first()
    assert task is not None
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"/projects/{project.pk}/tasks/{task.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("We are looking for:")
    fits_the_phone(page)
    page.get_by_role("link", name="See the whole project and all its tasks").click()
    expect(page.get_by_role("heading", name="Kinder malen ihre Welt", level=1)).to_be_visible()


def test_members_share_an_inner_circle_by_its_secret_link(new_context, live_server, hub):
    from django.conf import settings

    organiser = f.UserFactory()
    organisation = f.OrganisationFactory(platform=hub)
    f.MembershipFactory(organisation=organisation, user=organiser)
    project = f.ProjectFactory(
        organisation=organisation, status=Project.Status.INNER_CIRCLE, published_at=None
    )
    client = Client()
    client.force_login(organiser)
    context = new_context(viewport=PHONE)
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
    page = context.new_page()
    page.goto(f"/projects/{project.pk}/")
    expect(page.get_by_text("Shared with your inner circle")).to_be_visible()
    secret = f"{live_server.url}/projects/{project.pk}/join/{project.secret}/"
    expect(page.locator("#share-url")).to_have_value(secret)
    expect(page.get_by_role("link", name=re.compile("^Facebook"))).to_have_count(0)
