"""The directory in a real browser (Playwright driving the system Chromium): a volunteer finds a
project through the search, narrows it down by category, opens it and takes a task; the same
with the keyboard alone on a phone, and without JavaScript; axe finds nothing serious in German
or English. Screenshots at 360 and 1280 px go to var/screenshots/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from crowdmoving import factories as f
from crowdmoving.core.tests.test_accessibility_browser import SCREENSHOTS, audit, report
from crowdmoving.projects.directory import refresh_sort_keys
from crowdmoving.projects.models import Commitment, Project
from crowdmoving.projects.tests.test_story_browser import (
    PHONE,
    assert_no_horizontal_scrolling,
    card,
    settled,
    signed_in_context,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def projects(hub) -> dict[str, Project]:  # type: ignore[no-untyped-def]
    organisation = f.OrganisationFactory(platform=hub, name="Tafel Nord")
    market = f.ProjectFactory(
        organisation=organisation, title="Infostand am Wochenmarkt", place="Leipzig",
        postal_code="04109", category=Project.Category.SOCIAL, suitable_for_groups=True,
        story="Wir erzählen am Stand, was die Tafel macht.",
    )  # fmt: skip
    f.TaskFactory(project=market, title="Infostand besetzen", capacity=2, position=1)
    f.TaskFactory(project=market, title="Flyer falten", capacity=3, position=2, easy=True)
    summer = f.ProjectFactory(
        organisation=organisation, title="Infostand beim Sommerfest", place="Halle",
        category=Project.Category.CULTURE,
    )  # fmt: skip
    f.TaskFactory(project=summer, title="Zelt aufbauen", capacity=4)
    garden = f.ProjectFactory(
        organisation=organisation, title="Beete anlegen", category=Project.Category.ENVIRONMENT
    )
    f.TaskFactory(project=garden, title="Umgraben", capacity=5)
    refresh_sort_keys(timezone.now())
    return {"market": market, "summer": summer, "garden": garden}


def results(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#directory-results .project-card h2")


def test_a_volunteer_finds_a_project_by_search_and_category_and_takes_a_task(projects, new_context):
    volunteer = f.UserFactory(email="margit@example.org", name="Margit Muster")
    page = signed_in_context(new_context, volunteer, viewport=WIDE).new_page()
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projects in the network")
    expect(results(page)).to_have_count(3)
    page.wait_for_function("() => window.htmx !== undefined")

    page.get_by_role("searchbox", name="Search").fill("Infostand")
    page.get_by_role("button", name="Show projects").click()
    expect(page.get_by_role("status").filter(has_text="found")).to_have_text("2 projects found")
    expect(results(page)).to_have_count(2)
    assert sorted(results(page).all_inner_texts()) == [
        "Infostand am Wochenmarkt",
        "Infostand beim Sommerfest",
    ]
    assert re.search(r"/projects/\?q=Infostand", page.url), "the search is in the address"

    page.get_by_label("Category").select_option(label="Social help")  # htmx: on change
    expect(results(page)).to_have_text(["Infostand am Wochenmarkt"])
    assert "category=social" in page.url and "q=Infostand" in page.url
    found = page.locator("#directory-results .project-card")
    expect(found).to_contain_text("5 places free in 2 tasks")
    expect(found).to_contain_text("04109 Leipzig")
    expect(found).to_contain_text("Groups welcome")
    assert_no_horizontal_scrolling(page, WIDE["width"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "directory-1280.png"), full_page=True)

    # The address can be bookmarked: loaded afresh it shows the same.
    page.reload()
    expect(results(page)).to_have_text(["Infostand am Wochenmarkt"])
    expect(page.get_by_label("Category")).to_have_value("social")

    page.get_by_role("link", name="Infostand am Wochenmarkt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Infostand am Wochenmarkt")
    stand = card(page, "Infostand besetzen")
    stand.get_by_role("button", name="Take this task").click()
    expect(stand).to_contain_text("You are in")
    commitment = Commitment.objects.get(task__title="Infostand besetzen", user=volunteer)
    assert commitment.status == Commitment.Status.ACTIVE


def test_on_a_phone_with_the_keyboard_alone(projects, new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/projects/")
    page.wait_for_function("() => window.htmx !== undefined")
    assert_no_horizontal_scrolling(page)
    search = page.get_by_role("searchbox", name="Search")
    tab_to(page, search)
    page.keyboard.type("infostand")
    page.keyboard.press("Enter")
    expect(results(page)).to_have_count(2)
    settled(page)

    week = page.get_by_label("Easy to join")
    tab_to(page, week)
    page.keyboard.press("Space")  # htmx: on change
    expect(results(page)).to_have_text(["Infostand am Wochenmarkt"])
    assert "easy=on" in page.url
    assert_no_horizontal_scrolling(page)
    page.screenshot(path=str(SCREENSHOTS / "directory-360.png"), full_page=True)

    link = page.get_by_role("link", name="Infostand am Wochenmarkt")
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Infostand am Wochenmarkt")


def test_without_javascript_the_form_loads_a_page(projects, new_context):
    page = new_context(java_script_enabled=False, viewport=PHONE).new_page()
    page.goto("/projects/")
    page.get_by_label("Category").select_option(label="Environment and nature")
    page.get_by_role("button", name="Show projects").click()
    expect(results(page)).to_have_text(["Beete anlegen"])
    assert "category=environment" in page.url
    page.get_by_text("Dates and skills").click()  # a <details>: opens without JavaScript
    page.get_by_label("From").fill("2020-01-01")
    page.get_by_label("Until").fill("2019-01-01")
    page.get_by_role("button", name="Show projects").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The end of the period is before its beginning."
    )
    expect(page.get_by_label("Until")).to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize(("locale", "lang"), [("de-DE", "de"), ("en-US", "en")])
def test_the_directory_has_no_serious_axe_violations(projects, browser, live_server, locale, lang):
    context = browser.new_context(base_url=live_server.url, locale=locale)
    try:
        page = context.new_page()
        found = audit(
            page,
            [
                ("directory", "/projects/"),
                ("search", "/projects/?q=infostand&easy=on"),
                ("nothing found", "/projects/?q=schwimmbad"),
                ("bad values", "/projects/?date_from=morgen&category=aliens"),
            ],
            lang=lang,
        )
        assert not found, report(found)
    finally:
        context.close()
