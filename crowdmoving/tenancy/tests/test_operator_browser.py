"""The operator console in a real browser: creating a platform with the keyboard alone on a
360 px phone, the pages staying in their width, and no serious axe findings in German and
English."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from crowdmoving import factories as f
from crowdmoving.conftest import axe_findings, with_authenticator_app
from crowdmoving.tenancy.models import Domain, Platform, PlatformAdmin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def operator_context(signed_in_context, hub) -> Any:  # type: ignore[no-untyped-def]
    """open(locale, **options) -> a browser on the hub, signed in as an operator, with a second
    platform that has two domains, an administrator and an organisation."""
    operator = f.UserFactory(email="olga@example.org", name="Olga Operator", is_staff=True)
    with_authenticator_app(operator)
    other = f.PlatformFactory(name="Nestwärme", slug="nestwaerme")
    f.DomainFactory(platform=other, domain="nestwaerme.example.org")
    f.DomainFactory(platform=other, domain="www.nestwaerme-mitmachen.example.org", is_primary=False)
    PlatformAdmin.objects.create(platform=other, user=f.UserFactory(name="Nina Nest"))
    f.OrganisationFactory(platform=other)

    def _open(locale: str = "en-US", **options: Any) -> BrowserContext:
        return signed_in_context(operator, locale=locale, **options)

    return _open


def stays_in_width(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_operator_creates_a_platform_with_the_keyboard_on_a_phone(operator_context, settings):
    settings.PLATFORM_BASE_DOMAIN = "localhost"
    page = operator_context(viewport=PHONE).new_page()
    page.goto("/operator/")
    assert stays_in_width(page)
    expect(page.locator("tbody")).to_contain_text("Nestwärme")
    expect(page.locator("tbody")).to_contain_text("www.nestwaerme-mitmachen.example.org")

    page.get_by_role("link", name="New platform").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/operator/new/")
    assert stays_in_width(page)
    page.locator("#id_name").focus()
    page.keyboard.type("Kiezhilfe")
    page.keyboard.press("Tab")
    page.keyboard.type("Kiez Hilfe")  # not a valid short name: refused at the field
    page.keyboard.press("Enter")
    expect(page.locator("#id_slug_error")).to_contain_text("Use only lowercase letters")
    expect(page.get_by_label("Short name")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Short name").fill("")
    page.get_by_label("Short name").focus()
    page.keyboard.type("kiezhilfe")
    page.keyboard.press("Enter")

    page.wait_for_url("**/operator/*/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiezhilfe")
    expect(page.locator("#domains")).to_contain_text("kiezhilfe.localhost")
    assert stays_in_width(page)
    created = Platform.objects.get(slug="kiezhilfe")
    assert Domain.objects.get(platform=created).domain == "kiezhilfe.localhost"


def test_the_console_has_no_serious_axe_findings(operator_context):
    found: list[str] = []
    other = Platform.objects.get(slug="nestwaerme")
    for locale in ("de-DE", "en-US"):
        page = operator_context(locale).new_page()
        for path in (
            "/operator/",
            "/operator/new/",
            f"/operator/{other.pk}/",
            f"/operator/{other.pk}/suspend/",
        ):
            page.goto(path)
            found += axe_findings(page, f"{path} ({locale})")
    assert not found, "\n".join(found)


def test_the_platform_page_stays_in_the_width_of_a_phone(operator_context):
    other = Platform.objects.get(slug="nestwaerme")
    page = operator_context(viewport=PHONE).new_page()
    page.goto(f"/operator/{other.pk}/")
    assert stays_in_width(page)
    expect(page.locator("#admins")).to_contain_text("Nina Nest")
    page.goto(f"/operator/{other.pk}/suspend/")
    assert stays_in_width(page)
