"""The API in a real browser: the interactive docs render every operation under our strict
Content-Security-Policy (swagger-ui from our static files, no CDN, no inline script) and run a
call with a token from the Authorize dialog; the tokens page works at 360 px with the keyboard
and shows a new token once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ViewportSize, expect

from crowdmoving import factories as f
from crowdmoving.api import actions as token_actions
from crowdmoving.api.api import api
from crowdmoving.api.models import AccessToken
from crowdmoving.core.tests.test_accessibility_browser import SCREENSHOTS, blocking_violations
from crowdmoving.core.tests.test_security_browser import Console, signed_in
from crowdmoving.organisations.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 740}


@pytest.fixture
def story(hub):  # type: ignore[no-untyped-def]
    organisation = f.OrganisationFactory(platform=hub, name="KRASS e.V.", slug="krass-ev")
    organiser = f.UserFactory(email="claudia@example.org", name="Claudia Seidensticker")
    f.MembershipFactory(organisation=organisation, user=organiser, role=Role.OWNER)
    project = f.ProjectFactory(organisation=organisation, title="Kinder malen ihre Welt")
    f.TaskFactory(project=project, title="Infostand besetzen", capacity=2)
    return organiser


def test_the_docs_render_every_operation_and_run_a_call_without_csp_errors(story, hub, new_context):
    secret = token_actions.create_token(story, hub, name="Docs")[1]
    page = new_context().new_page()
    console = Console(page)
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    schema = api.get_openapi_schema()
    assert page.locator(".opblock").count() == sum(len(item) for item in schema["paths"].values())
    # Authorize with the token, then run "My commitments".
    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    page.locator(".auth-container input").first.fill(secret)
    page.locator(".auth-btn-wrapper button.authorize").click()
    page.locator(".btn-done").click()
    operation = page.locator("#operations-me-my_commitments_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status")).to_have_text(
        "200"
    )
    expect(operation.locator(".live-responses-table tbody")).to_contain_text('"upcoming"')
    assert AccessToken.objects.get(name="Docs").last_used_at is not None
    assert console.csp_violations() == [], console.lines
    assert [line for line in console.lines if line.startswith(("error", "pageerror"))] == []


def test_a_token_is_made_with_the_keyboard_at_360_px_and_shown_once(story, new_context):
    context = signed_in(new_context, story)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    console = Console(page)
    page.goto("/me/settings/")
    page.get_by_role("link", name="Manage API access tokens").click()
    page.get_by_label("Name").focus()
    page.keyboard.type("Vereinswebsite")
    page.keyboard.press("Enter")
    # Making a token wants the password confirmed; the form is sent on afterwards.
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.locator('input[name="password"]').focus()
    page.keyboard.type("correct horse battery")  # the factories' password
    page.keyboard.press("Enter")
    secret = page.locator("#new-token").input_value()
    assert secret.startswith("cm_")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.get_by_text("Copy it now")).to_be_visible()
    assert blocking_violations(page, "tokens page with a new token") == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "api-tokens-360.png", full_page=True)
    page.goto("/me/tokens/")
    expect(page.get_by_role("heading", name=re.compile("Vereinswebsite"))).to_be_visible()
    assert secret not in page.content()
    page.get_by_role("button", name=re.compile("Revoke")).click()
    expect(page.get_by_text("revoked").first).to_be_visible()
    assert console.csp_violations() == []
