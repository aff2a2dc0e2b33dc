"""The guided editor in a real browser: an organiser fills the activating structure, sees the
checklist tick as she types (nothing saved yet), and adds a task from a template."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from crowdmoving import factories as f
from crowdmoving.core.tests.test_accessibility_browser import blocking_violations
from crowdmoving.organisations.models import Role
from crowdmoving.projects.models import Project, Task
from crowdmoving.projects.tests.test_story_browser import (
    PHONE,
    assert_no_horizontal_scrolling,
    signed_in_context,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWN_WORDS = [
    "Zwanzig Kinder in der Unterkunft am Stadtrand haben abends nichts zu lesen, während "
    "ihre Eltern nebenan Deutsch lernen und der Flur der einzige Ort zum Spielen ist.",
    "Eine gemütliche Leseecke mit Bilderbüchern auf Deutsch, Arabisch und Ukrainisch, ein "
    "Regal, das die Kinder selbst bemalen, und jemand, der zweimal in der Woche vorliest, "
    "damit die Abende wieder den Geschichten gehören.",
    "Bring ein Buch mit, bau das Regal mit uns oder lies eine Stunde lang vor.",
]


def story_point(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#story-checklist [data-check=story]")


def test_an_organiser_writes_an_activating_story_and_adds_a_task_from_a_template(hub, new_context):
    organisation = f.OrganisationFactory(platform=hub, name="KRASS e.V.", slug="krass-ev")
    organiser = f.UserFactory(email="claudia@example.org", name="Claudia Seidensticker")
    f.MembershipFactory(organisation=organisation, user=organiser, role=Role.OWNER)
    page = signed_in_context(new_context, organiser).new_page()

    page.goto(f"/manage/o/{organisation.slug}/projects/new/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_label("Title").fill("Leseecke im Wohnheim")
    expect(story_point(page)).to_have_class(re.compile("is-open"))

    # The structure fills the empty story in place, the first hint selected to type over.
    page.get_by_role("button", name="Use the activating structure").click()
    story = page.get_by_label("Story")
    expect(story).to_have_value(re.compile(r"^## Imagine …"))
    expect(story).to_be_focused()
    selected = story.evaluate("s => s.value.substring(s.selectionStart, s.selectionEnd)")
    assert selected.startswith("(Describe the situation")
    # Only the skeleton: the checklist (updated live) still asks for the organiser's words.
    expect(page.locator("#story-checklist-status")).to_have_text("0 of 5 points done")
    expect(story_point(page)).to_have_class(re.compile("is-open"))

    # Typing over the three hints ticks the story point, without saving anything.
    text = story.input_value()
    for hint, words in zip(re.findall(r"\([^)]*\)", text), OWN_WORDS, strict=True):
        text = text.replace(hint, words)
    story.fill(text)
    expect(story_point(page)).to_have_class(re.compile("is-done"))
    expect(page.locator("#story-checklist-status")).to_have_text("1 of 5 points done")
    assert not Project.objects.filter(organisation=organisation).exists()
    assert not blocking_violations(page, "editor")

    page.get_by_label("Starts on").fill("2031-05-17")
    expect(page.locator("#story-checklist [data-check=dates]")).to_have_class(re.compile("is-done"))
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Leseecke"))).to_be_visible()
    project = Project.objects.get(organisation=organisation)
    assert project.story.startswith("## Imagine …")
    expect(page.locator("[data-check=story]")).to_have_class(re.compile("is-done"))
    # Who can see the draft: the members by name; the inner circle's day can be chosen.
    expect(page.locator("[aria-current=step] .audience")).to_contain_text("Claudia Seidensticker")
    expect(page.get_by_label("Public automatically on")).to_be_visible()
    assert not blocking_violations(page, "dashboard of a draft")

    # A task from a template: the form is filled, the organiser only adds it.
    page.get_by_role("link", name="Add task").first.click()
    page.get_by_role("link", name="Bake a cake").click()
    expect(page.get_by_label("Title")).to_have_value("Bake a cake")
    expect(page.get_by_label("Easy to join")).to_be_checked()
    expect(page.get_by_label("Flexible, whenever it suits")).to_be_checked()
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_role("heading", level=3, name="Bake a cake")).to_be_visible()
    task = Task.objects.get(project=project)
    assert (task.title, task.easy, task.capacity) == ("Bake a cake", True, 4)
    expect(page.locator("[data-check=easy]")).to_have_class(re.compile("is-done"))

    # The preview shows the share card with the story's opening.
    page.get_by_role("link", name="Preview").first.click()
    expect(page.locator(".share-card")).to_contain_text("Leseecke im Wohnheim")
    expect(page.locator(".share-card")).to_contain_text("Imagine … Zwanzig Kinder")
    expect(page.locator(".project-preview")).to_contain_text("Bake a cake")
    assert not blocking_violations(page, "preview")


def test_the_editor_fits_a_phone_and_works_without_javascript(hub, new_context):
    organisation = f.OrganisationFactory(platform=hub, name="KRASS e.V.", slug="krass-ev")
    organiser = f.UserFactory(email="claudia@example.org", name="Claudia Seidensticker")
    f.MembershipFactory(organisation=organisation, user=organiser, role=Role.OWNER)

    phone = signed_in_context(new_context, organiser, viewport=PHONE).new_page()
    phone.goto(f"/manage/o/{organisation.slug}/projects/new/")
    assert_no_horizontal_scrolling(phone)
    phone.get_by_text("Examples of stories that activate").click()
    expect(phone.get_by_text("A reading corner for the refugee shelter")).to_be_visible()
    assert_no_horizontal_scrolling(phone)

    plain = signed_in_context(new_context, organiser, java_script_enabled=False).new_page()
    plain.goto(f"/manage/o/{organisation.slug}/projects/new/")
    plain.get_by_label("Place").fill("Köln")
    plain.get_by_role("button", name="Use the activating structure").click()
    expect(plain.get_by_label("Story")).to_have_value(re.compile(r"^## Imagine …"))
    expect(plain.get_by_label("Place")).to_have_value("Köln")
    assert not Project.objects.filter(organisation=organisation).exists()
