"""The audit log in a real browser: at 360 px the page does not scroll sideways (the table
scrolls in its own frame), the filter works with the keyboard alone, and axe finds nothing
serious on the administration pages, in German and English."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from crowdmoving import factories as f
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.conftest import axe_findings, with_authenticator_app
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_context(signed_in_context, hub) -> Any:  # type: ignore[no-untyped-def]
    """open(locale) -> a browser signed in as an administrator of the hub, with entries."""
    admin = f.UserFactory(email="paula@example.org", name="Paula Plattform")
    PlatformAdmin.objects.create(platform=hub, user=admin)
    with_authenticator_app(admin)
    organisation = f.OrganisationFactory(platform=hub, name="KRASS e.V.")
    project = f.ProjectFactory(organisation=organisation, title="Kinder malen ihre Welt")
    for number in range(3):
        record(Action.LOGIN, platform=hub, actor=admin, attempt=number)
    record(
        Action.PROJECT_STATE_CHANGED,
        platform=hub,
        actor=admin,
        target=project,
        before="draft",
        after="public",
    )

    def _open(locale: str = "en-US", **options: Any) -> BrowserContext:
        return signed_in_context(admin, locale=locale, **options)

    return _open


@pytest.mark.parametrize("locale", ["de-DE", "en-US"])
def test_the_administration_pages_have_no_serious_axe_findings(admin_context, locale):
    page = admin_context(locale).new_page()
    found: list[str] = []
    for path in (
        "/platform/",
        "/platform/audit/",
        "/platform/audit/?since=gestern",
        "/platform/messages/",  # the inbox of contact messages (empty here)
    ):
        page.goto(path)
        found += axe_findings(page)
    assert not found, "\n".join(found)


def test_on_a_phone_the_page_stays_in_its_width_and_the_table_scrolls(admin_context):
    page = admin_context(viewport={"width": 360, "height": 740}).new_page()
    page.goto("/platform/audit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    frame = page.locator(".table-scroll")
    assert frame.evaluate("element => element.scrollWidth > element.clientWidth")
    frame.focus()  # a keyboard user scrolls the focused frame with the arrow keys
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(frame).to_be_focused()
    # the browser may scroll smoothly: wait for it (a frame that never scrolls fails here)
    page.wait_for_function(
        "() => document.querySelector('.table-scroll').scrollLeft > 0", timeout=5000
    )


def test_the_filter_works_with_the_keyboard_alone(admin_context):
    page = admin_context().new_page()
    page.goto("/platform/audit/")
    expect(page.locator("tbody tr")).to_have_count(4)
    page.get_by_label("What").focus()
    page.keyboard.press("End")  # the last choice
    page.get_by_label("What").select_option("project_state_changed")
    page.get_by_role("button", name="Show", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**action=project_state_changed**")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("Project “Kinder malen ihre Welt”")
