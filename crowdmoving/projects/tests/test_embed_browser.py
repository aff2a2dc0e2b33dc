"""Embedding in a real browser: an organisation's website (a page that Playwright serves for
http://verein.example/) shows the project's task list in a frame from the live server, and a
visitor holds a place from inside it; the optional embed.js sizes the frame. A website the
organisation did not list (http://fremd.example/) gets nothing: Chromium refuses to render the
frame because of the embed's CSP frame-ancestors.

Run only these: ``.venv/bin/pytest crowdmoving/projects/tests/test_embed_browser.py``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import FrameLocator, Locator, Page, expect

from crowdmoving import factories as f
from crowdmoving.organisations.models import Role
from crowdmoving.privacy.actions import give_consent, publish_text
from crowdmoving.privacy.selectors import current_text
from crowdmoving.projects.models import Commitment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTED = "http://verein.example"
UNLISTED = "http://fremd.example"


# Chromium keeps pages of the public internet (as the routed host pages count) from loading
# anything of the local network, here the live server on localhost, unless the person allows it
# (Local Network Access). A real website and platform are both public, so the check is not part
# of what is tested; a browser of this module's own switches it off.
LOCAL_NETWORK_CHECKS = (
    "LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,"
    "PrivateNetworkAccessForIframes,PrivateNetworkAccessForNavigations"
)


@pytest.fixture(scope="module")
def public_browser(browser):  # type: ignore[no-untyped-def]
    from crowdmoving.conftest import chromium_path

    launched = browser.browser_type.launch(
        executable_path=chromium_path(),
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--disable-features={LOCAL_NETWORK_CHECKS}",
        ],
    )
    yield launched
    launched.close()


@pytest.fixture
def new_page(public_browser, live_server):  # type: ignore[no-untyped-def]
    contexts = []

    def _new() -> Page:
        context = public_browser.new_context(locale="en-US")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def world(hub) -> dict[str, Any]:
    organisation = f.OrganisationFactory(
        platform=hub, name="KRASS e.V.", slug="krass-ev", embed_origins=LISTED
    )
    organiser = f.UserFactory(email="claudia@example.org", name="Claudia Seidensticker")
    f.MembershipFactory(organisation=organisation, user=organiser, role=Role.OWNER)
    project = f.ProjectFactory(
        organisation=organisation, title="Kinder malen ihre Welt", created_by=organiser
    )
    task = f.TaskFactory(project=project, title="Infostand besetzen", capacity=3, position=1)
    # Visitors accept the platform's privacy text in the frame too.
    publish_text(hub, body="Wir speichern wenig.", summary_of_changes="", by=None)
    f.TaskFactory(project=project, title="Leinwände besorgen", capacity=2, position=2)
    return {"project": project, "task": task}


def host_page(live_server, project) -> str:  # type: ignore[no-untyped-def]
    """The organisation's page with the code from the embedding page (in English)."""
    return (
        "<!doctype html><html lang='de'><head><meta charset='utf-8'><title>Verein</title></head>"
        "<body><h1>Unser Verein</h1><p>Hilf uns mit!</p>"
        f'<iframe src="{live_server.url}/embed/projects/{project.pk}/?lang=en" '
        'title="Aufgaben" width="100%" height="600" style="width:100%;border:0"></iframe>'
        f'<script src="{live_server.url}/embed.js" defer></script>'
        "<p>Fußzeile des Vereins</p></body></html>"
    )


def height_of(frame: FrameLocator) -> int:
    """The height of the frame's content, as embed-frame.js measures it."""
    return int(
        frame.locator("#embed-frame").evaluate("e => Math.ceil(e.getBoundingClientRect().height)")
    )


def reported_height(page: Page, iframe: Locator, frame: FrameLocator) -> int:
    """The frame content's height once embed.js has set the frame to it. The content may still
    change for a moment after a swap (htmx settles), so wait until both agree."""
    for _ in range(50):
        content = height_of(frame)
        if iframe.get_attribute("data-crowdmoving-height") == str(content):
            return content
        page.wait_for_timeout(100)
    raise AssertionError(f"the frame never took its content's height ({height_of(frame)}px)")


def serve(page: Page, origin: str, html: str) -> None:
    page.route(
        f"{origin}/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )


def test_a_visitor_holds_a_place_inside_the_frame_on_a_listed_website(new_page, live_server, world):
    page = new_page()
    serve(page, LISTED, host_page(live_server, world["project"]))
    page.goto(f"{LISTED}/")
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", name="Kinder malen ihre Welt")).to_be_visible()
    expect(frame.get_by_text("Have an account? Take it on").first).to_be_visible()

    # embed.js set the frame's height to the task list's (not the 600 of the code).
    iframe = page.locator("iframe")
    expect(iframe).to_have_attribute("data-crowdmoving-height", re.compile(r"^[1-9][0-9]*$"))
    first_height = int(iframe.get_attribute("data-crowdmoving-height") or 0)
    content = height_of(frame)
    assert first_height == content
    assert iframe.evaluate("e => e.style.height") == f"{content}px"

    # With the keyboard alone: the card's button opens the form in the frame.
    frame.locator(f"#task-{world['task'].pk}-act").focus()
    page.keyboard.press("Enter")
    frame.get_by_label("Your name").fill("Hanna Gast")
    frame.get_by_label("Your email").fill("hanna@example.org")
    frame.get_by_label("I accept the privacy policy.").check()
    with_form = reported_height(page, iframe, frame)
    assert with_form > first_height
    frame.get_by_label("Your email").press("Enter")
    expect(frame.get_by_text("We emailed you a link to confirm your place")).to_be_visible()

    commitment = Commitment.objects.get(task=world["task"], user__email="hanna@example.org")
    assert commitment.status == Commitment.Status.HELD
    # The frame follows its content: the answer is shorter than the open form was.
    assert reported_height(page, iframe, frame) < with_form


def test_the_frame_fits_a_phone(new_page, live_server, world):
    page = new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    serve(page, LISTED, host_page(live_server, world["project"]))
    page.goto(f"{LISTED}/")
    frame = page.frame_locator("iframe")
    frame.locator(f"#task-{world['task'].pk}-act").click()
    expect(frame.get_by_label("Your name")).to_be_visible()
    assert frame.locator("html").evaluate("e => e.scrollWidth <= e.clientWidth")


def test_a_website_that_is_not_listed_gets_an_empty_frame(new_page, live_server, world):
    page = new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    serve(page, UNLISTED, host_page(live_server, world["project"]))
    page.goto(f"{UNLISTED}/", wait_until="load")
    page.wait_for_timeout(500)
    frame = page.frame_locator("iframe")
    expect(frame.locator(".embed-tasks")).to_have_count(0)
    expect(frame.get_by_text("Infostand besetzen")).to_have_count(0)
    assert page.locator("iframe").get_attribute("data-crowdmoving-height") is None
    assert any("frame-ancestors" in text for text in refused), refused


def test_the_embedding_page_copies_the_code_on_a_phone(signed_in_context, world, hub):
    project = world["project"]
    text = current_text(hub)  # the world's privacy text
    assert text is not None
    give_consent(project.created_by, text)
    context = signed_in_context(
        project.created_by,
        viewport={"width": 360, "height": 740},
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    page.goto(f"/manage/o/{project.organisation.slug}/embedding/")
    button = page.get_by_role("button", name=re.compile("^Copy code"))
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".copy-status")).to_have_text("Copied")
    code = page.locator(f"#snippet-{project.pk}").input_value()
    assert f"/embed/projects/{project.pk}/" in code
    assert page.evaluate("navigator.clipboard.readText()") == code
