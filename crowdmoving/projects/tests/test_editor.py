"""The guided editor (structure, examples, live checklist), task templates, the preview of the
project page and its share card, "who can see it now", and the staged release: inner circle
first, public automatically on a day, done by the worker."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from crowdmoving import factories as f
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.notifications import periodic
from crowdmoving.notifications.models import Kind, Notification
from crowdmoving.privacy.actions import give_consent
from crowdmoving.projects import actions, story
from crowdmoving.projects.forms import ProjectForm, ReleaseForm, TaskForm
from crowdmoving.projects.models import Project, Task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def draft(organisation, organiser):  # type: ignore[no-untyped-def]
    return f.ProjectFactory(
        organisation=organisation,
        title="Leseecke im Wohnheim",
        story="Wir lesen vor.",
        status=Project.Status.DRAFT,
        created_by=organiser,
    )


@pytest.fixture
def circle(organisation, organiser):  # type: ignore[no-untyped-def]
    return f.ProjectFactory(
        organisation=organisation,
        title="Leseecke im Wohnheim",
        status=Project.Status.INNER_CIRCLE,
        created_by=organiser,
    )


def story_field(html: str) -> str:
    """The text in the story's textarea (HTML entities decoded)."""
    found = re.search(r'<textarea name="story"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "no story field"
    return unescape(found.group(1)).strip()


def tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


# --- the forms ------------------------------------------------------------------------------


def project_form(instance: Project | None = None, **changes) -> ProjectForm:  # type: ignore[no-untyped-def]
    return ProjectForm({"title": "Leseecke"} | changes, instance=instance)


@pytest.mark.parametrize("code", ["10115", "01067", "1010", "1012 AB", "00-950", "sw1a 1aa"])
def test_postal_codes_of_germany_and_its_neighbours_are_accepted(code):
    form = project_form(postal_code=code)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["postal_code"] == " ".join(code.split()).upper()


@pytest.mark.parametrize("code", ["123", "123456", "1234567890"])
def test_a_postal_code_of_digits_needs_five_like_a_german_one(code):
    form = project_form(postal_code=code)
    assert form.errors["postal_code"] == ["A German postal code has five digits, like 10115."]


@pytest.mark.parametrize("code", ["10115!", "Berlin", "<b>1011", "12_34", "-10115"])
def test_a_postal_code_of_other_characters_is_refused_with_a_clear_message(code):
    form = project_form(postal_code=code)
    assert form.errors["postal_code"] == [
        "Please enter a postal code: digits, letters, spaces or hyphens, like 10115."
    ]


def test_a_postal_code_longer_than_ten_characters_is_refused():
    form = project_form(postal_code="AB-1234-CDE")
    assert form.errors["postal_code"] == ["This is too long: at most 10 characters (it has 11)."]


def test_category_and_groups_are_saved_with_the_project(login, editor, organisation):
    response = login(editor).post(
        reverse("manage:project_create", args=[organisation.slug]),
        {"title": "Leseecke", "category": "children", "postal_code": "10115",
         "suitable_for_groups": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    project = Project.objects.get(title="Leseecke")
    assert (project.category, project.postal_code, project.suitable_for_groups) == (
        "children",
        "10115",
        True,
    )


def test_an_unknown_category_is_refused(draft):
    assert "category" in project_form(draft, category="secret").errors


def test_public_on_needs_the_inner_circle(draft):
    form = project_form(draft, public_on=tomorrow().isoformat())
    assert form.errors["public_on"] == [
        "A day for going public automatically works only while the project is in the inner "
        "circle. Open it to the inner circle on the dashboard, and choose the day there."
    ]


def test_public_on_must_be_after_today(circle):
    for day in (timezone.localdate(), timezone.localdate() - timedelta(days=3)):
        form = project_form(circle, public_on=day.isoformat())
        assert form.errors["public_on"] == [
            "Please choose a day after today: on that day the project becomes public."
        ]
    form = project_form(circle, public_on=tomorrow().isoformat())
    assert form.is_valid(), form.errors


def test_an_unchanged_public_on_of_today_is_kept(circle):
    Project.objects.filter(pk=circle.pk).update(public_on=timezone.localdate())
    circle.refresh_from_db()
    assert project_form(circle, public_on=timezone.localdate().isoformat()).is_valid()


def test_the_editor_shows_public_on_only_in_the_inner_circle(draft, circle):
    assert project_form(draft)["public_on"].is_hidden
    assert not project_form(circle)["public_on"].is_hidden


def test_the_release_form_needs_a_day_when_opening(draft):
    form = ReleaseForm({"public_on": ""}, project=draft, opening=True)
    assert form.errors["public_on"] == [
        "Please choose the day on which the project becomes public."
    ]
    form = ReleaseForm({"public_on": "kein Datum"}, project=draft, opening=True)
    assert form.errors["public_on"] == ["Please enter a date."]
    assert ReleaseForm({"public_on": tomorrow()}, project=draft, opening=True).is_valid()
    # Without opening, a draft cannot get a day.
    assert not ReleaseForm({"public_on": tomorrow()}, project=draft).is_valid()


def test_a_task_can_be_marked_easy_to_join(login, editor, project):
    response = login(editor).post(
        reverse("manage:task_create", args=[project.pk]),
        {"title": "Kuchen backen", "timing": "flexible", "capacity": "2", "easy": "on"},
    )
    assert response.status_code == 302
    assert Task.objects.get(title="Kuchen backen").easy is True
    assert "easy" in TaskForm().fields


# --- the guided editor ----------------------------------------------------------------------


def test_the_editor_offers_the_structure_examples_and_the_checklist(login, editor, organisation):
    html = (
        login(editor)
        .get(reverse("manage:project_create", args=[organisation.slug]))
        .content.decode()
    )
    assert 'name="use_structure"' in html
    assert 'form="project-form"' in html  # after the form: Enter in a field still saves
    assert "<details" in html and "Examples of stories that activate" in html
    assert "A reading corner for the refugee shelter" in html
    assert html.count("data-check=") == 5
    checklist = reverse("manage:project_checklist_new", args=[organisation.slug])
    assert f'hx-post="{checklist}"' in html
    assert 'hx-trigger="input changed delay:500ms from:closest form"' in html


def test_the_structure_button_fills_an_empty_story_without_saving(login, editor, organisation):
    response = login(editor).post(
        reverse("manage:project_create", args=[organisation.slug]),
        {"title": "", "story": "  ", "place": "Köln", "use_structure": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert story_field(html) == story.skeleton().strip()
    assert 'value="Köln"' in html  # what was typed stays
    assert "Please correct the following" not in html  # nothing was checked yet
    assert not Project.objects.filter(organisation=organisation).exists()


def test_the_structure_button_keeps_a_story_that_is_there(login, editor, draft):
    response = login(editor).post(
        reverse("manage:project_edit", args=[draft.pk]),
        {"title": "Leseecke", "story": "Unser eigener Text.", "use_structure": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert story_field(html) == "Unser eigener Text."
    assert "The structure only fills an empty story" in html
    draft.refresh_from_db()
    assert draft.story == "Wir lesen vor."  # not saved


def test_the_live_checklist_follows_what_is_typed_without_saving(login, editor, draft):
    for _ in range(3):
        f.TaskFactory(project=draft)
    browser = login(editor)
    url = reverse("manage:project_checklist", args=[draft.pk])
    before = browser.post(url, {"title": "Leseecke", "story": "Kurz."}, HTTP_HX_REQUEST="true")
    html = before.content.decode()
    assert before.status_code == 200
    assert 'data-check="story"' in html
    assert html.count("is-done") == 2  # three tasks, their dates
    assert "2 of 5 points done" in html and 'hx-swap-oob="true"' in html
    after = browser.post(url, {"title": "Leseecke", "story": str(story.EXAMPLES[0].story) * 3})
    assert 'is-done" data-check="story"' in after.content.decode()
    draft.refresh_from_db()
    assert draft.story == "Wir lesen vor."


def test_the_live_checklist_of_a_new_project(login, editor, organisation):
    response = login(editor).post(
        reverse("manage:project_checklist_new", args=[organisation.slug]),
        {"title": "", "starts_on": "2031-05-03"},
    )
    assert 'is-done" data-check="dates"' in response.content.decode()


@pytest.mark.parametrize("person", ["coordinator", "outsider", "volunteer"])
def test_only_editors_of_the_organisation_get_the_live_checklist(
    request, login, draft, organisation, person
):
    browser = login(request.getfixturevalue(person))
    assert browser.post(reverse("manage:project_checklist", args=[draft.pk])).status_code == 404
    url = reverse("manage:project_checklist_new", args=[organisation.slug])
    assert browser.post(url).status_code == 404


def test_the_live_checklist_of_another_platform_is_a_404(foreign_organiser, other_client, draft):
    other_client.force_login(foreign_organiser)
    url = reverse("manage:project_checklist", args=[draft.pk])
    assert other_client.post(url, {"title": "x"}).status_code == 404


# --- task templates -------------------------------------------------------------------------


def test_the_add_task_page_offers_templates(login, editor, project):
    html = login(editor).get(reverse("manage:task_create", args=[project.pk])).content.decode()
    for key in ("info_stand", "transport", "baking", "set_up", "translation"):
        assert f'href="?template={key}"' in html


def test_a_template_fills_the_form(login, editor, project):
    url = reverse("manage:task_create", args=[project.pk])
    html = login(editor).get(url, {"template": "info_stand"}).content.decode()
    assert 'value="Staff the info stand"' in html
    assert "hand out flyers and tell passers-by" in html
    assert 'name="capacity" value="2"' in html
    assert re.search(r'<input type="checkbox" name="easy"[^>]*\bchecked\b', html)
    assert re.search(r'<input type="radio" name="timing" value="flexible"[^>]*\bchecked\b', html)
    assert "Filled in from the template “Staff the info stand”" in html


def test_a_template_speaks_the_language_of_the_page(login, editor, project):
    browser = login(editor)
    url = reverse("manage:task_create", args=[project.pk])
    html = browser.get(url, {"template": "baking"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="Bake a cake"' in html


def test_an_unknown_template_is_ignored(login, editor, project):
    response = login(editor).get(
        reverse("manage:task_create", args=[project.pk]), {"template": "nonsense"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<input type="text" name="title"(?![^>]*value=)[^>]*>', html)
    assert "Filled in from the template" not in html


def test_a_task_from_a_template_is_saved_as_sent(login, editor, project):
    from crowdmoving.projects.task_templates import find

    data = {k: v for k, v in find("set_up").initial().items() if v not in (False, "")}  # type: ignore[union-attr]
    data["easy"] = "on"
    response = login(editor).post(reverse("manage:task_create", args=[project.pk]), data)
    assert response.status_code == 302
    added = Task.objects.get(project=project, title="Help with the set-up")
    assert (added.capacity, added.easy, added.timing) == (4, True, "flexible")


# --- the preview ----------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["editor", "coordinator", "organiser"])
def test_members_preview_the_page_and_share_card(request, login, draft, person):
    f.TaskFactory(project=draft, title="Bücher sortieren")
    Project.objects.filter(pk=draft.pk).update(
        story="Stell dir **vor**: " + "viele Kinder lesen gern. " * 20,
        story_html="<p>Stell dir <strong>vor</strong></p>",
    )
    response = login(request.getfixturevalue(person)).get(
        reverse("manage:project_preview", args=[draft.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "share-card" in html and "Krass Plattform" in html and "krass.example.org" in html
    draft.refresh_from_db()
    assert story.share_summary(draft) in html
    assert "<p>Stell dir <strong>vor</strong></p>" in html
    assert "Bücher sortieren" in html
    assert 'class="project-preview card" inert' in html
    assert "Take this task" in html  # as visitors will see it once it is open
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("person", ["volunteer", "outsider"])
def test_others_do_not_get_the_preview(request, login, draft, person):
    url = reverse("manage:project_preview", args=[draft.pk])
    assert login(request.getfixturevalue(person)).get(url).status_code == 404


def test_the_preview_of_another_platform_is_a_404(foreign_organiser, other_client, draft):
    other_client.force_login(foreign_organiser)
    assert other_client.get(reverse("manage:project_preview", args=[draft.pk])).status_code == 404


def test_a_supporter_the_coordination_was_handed_over_to_gets_no_preview(login, volunteer, draft):
    draft.coordinators.add(volunteer)
    url = reverse("manage:project_preview", args=[draft.pk])
    assert login(volunteer).get(url).status_code == 404


def test_the_dashboard_of_a_draft_links_the_preview_and_shows_the_checklist(login, editor, draft):
    html = login(editor).get(reverse("manage:project", args=[draft.pk])).content.decode()
    assert reverse("manage:project_preview", args=[draft.pk]) in html
    assert "Ready to share?" in html
    assert html.count("data-check=") == 5


def test_a_public_project_has_no_preview_button(login, editor, project):
    html = login(editor).get(reverse("manage:project", args=[project.pk])).content.decode()
    assert reverse("manage:project_preview", args=[project.pk]) not in html


# --- who can see it now ---------------------------------------------------------------------


def test_the_dashboard_of_a_draft_names_who_can_see_it(
    login, organiser, editor, coordinator, draft
):
    html = login(organiser).get(reverse("manage:project", args=[draft.pk])).content.decode()
    assert "Who can see it now:" in html
    assert "The members of KRASS e.V.:" in html
    for person in (organiser, editor, coordinator):
        assert person.name in html
    assert "Anyone you sent the inner-circle link to" in html  # the next stage, explained


def test_the_dashboard_of_a_public_project_says_whether_the_hub_lists_it(
    login, editor, project, platform
):
    html = login(editor).get(reverse("manage:project", args=[project.pk])).content.decode()
    assert "Everybody: it is listed on Krass Plattform." in html
    expected = (
        "also listed on the network's hub"
        if platform.show_in_network
        else "It is not on the network's hub"
    )
    assert expected in html


def test_the_dashboard_of_a_draft_needs_the_same_queries_for_3_or_30_tasks(
    login, editor, draft, django_assert_max_num_queries
):
    browser = login(editor)
    url = reverse("manage:project", args=[draft.pk])
    for _ in range(3):
        f.TaskFactory(project=draft)
    browser.get(url)
    # The dashboard's budget (test_manage_views): 13, the list of members included.
    with django_assert_max_num_queries(13) as few:
        assert browser.get(url).status_code == 200
    for _ in range(27):
        f.TaskFactory(project=draft, easy=True)
    with django_assert_max_num_queries(13) as many:
        assert browser.get(url).status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries)


# --- the staged release: setting the day ----------------------------------------------------


def test_a_draft_opens_to_the_inner_circle_with_its_day(login, editor, draft, publishable):
    give_consent(editor, publishable)
    response = login(editor).post(
        reverse("manage:project_release", args=[draft.pk]),
        {"open": "1", "public_on": tomorrow().isoformat()},
        follow=True,
    )
    draft.refresh_from_db()
    assert (draft.status, draft.public_on) == (Project.Status.INNER_CIRCLE, tomorrow())
    html = response.content.decode()
    assert "becomes public on" in html
    assert "Becomes public automatically on" in html
    assert AuditEntry.objects.filter(action=Action.PROJECT_STATE_CHANGED).count() == 1


def test_a_day_in_the_past_is_refused_at_the_field(login, editor, circle):
    response = login(editor).post(
        reverse("manage:project_release", args=[circle.pk]),
        {"public_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please choose a day after today" in html
    assert 'aria-invalid="true"' in html
    circle.refresh_from_db()
    assert circle.public_on is None


def test_opening_with_a_day_is_refused_while_the_platform_cannot_publish(login, editor, draft):
    response = login(editor).post(
        reverse("manage:project_release", args=[draft.pk]),
        {"open": "1", "public_on": tomorrow().isoformat()},
        follow=True,
    )
    assert "cannot be published yet" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.public_on) == (Project.Status.DRAFT, None)


def test_the_day_can_be_changed_and_cleared(login, editor, circle):
    browser = login(editor)
    url = reverse("manage:project_release", args=[circle.pk])
    later = tomorrow() + timedelta(days=5)
    browser.post(url, {"public_on": later.isoformat()})
    circle.refresh_from_db()
    assert circle.public_on == later
    response = browser.post(url, {"clear": "1"}, follow=True)
    assert "will not become public automatically" in response.content.decode()
    circle.refresh_from_db()
    assert circle.public_on is None


def test_the_edit_page_of_an_inner_circle_project_sets_the_day(login, editor, circle):
    browser = login(editor)
    url = reverse("manage:project_edit", args=[circle.pk])
    assert 'type="date" name="public_on"' in browser.get(url).content.decode()
    response = browser.post(url, {"title": circle.title, "public_on": tomorrow().isoformat()})
    assert response.status_code == 302
    circle.refresh_from_db()
    assert circle.public_on == tomorrow()


def test_leaving_the_inner_circle_by_hand_clears_the_day(editor, circle, publishable):
    Project.objects.filter(pk=circle.pk).update(public_on=tomorrow())
    circle.refresh_from_db()
    actions.change_status(circle, Project.Status.PUBLIC, by=editor)
    circle.refresh_from_db()
    assert circle.public_on is None


@pytest.mark.parametrize("person", ["coordinator", "outsider", "volunteer"])
def test_only_editors_set_the_day(request, login, circle, person):
    response = login(request.getfixturevalue(person)).post(
        reverse("manage:project_release", args=[circle.pk]), {"public_on": tomorrow()}
    )
    assert response.status_code == 404
    circle.refresh_from_db()
    assert circle.public_on is None


# --- the staged release: the worker ---------------------------------------------------------


@pytest.fixture
def due(circle, organiser, editor, coordinator):  # type: ignore[no-untyped-def]
    """``circle`` with its day: today."""
    Project.objects.filter(pk=circle.pk).update(public_on=timezone.localdate())
    circle.refresh_from_db()
    return circle


def test_the_worker_publishes_on_the_day_and_tells_the_organisers(
    due, organiser, editor, coordinator, publishable, outbox
):
    done = periodic.run_due_work()
    assert done["releases"] == 1
    due.refresh_from_db()
    assert due.status == Project.Status.PUBLIC
    assert due.public_on is None
    assert due.published_at is not None
    entry = AuditEntry.objects.get(action=Action.PROJECT_STATE_CHANGED)
    assert entry.actor_id is None and not entry.had_actor
    assert entry.data == {"before": "inner_circle", "after": "public"}
    told = Notification.objects.filter(kind=Kind.PROJECT_RELEASE)
    # Those who decide the stage: the owner and the editor (not the coordinator).
    assert sorted(n.user_id for n in told) == sorted([organiser.pk, editor.pk])
    sent = [m for m in outbox() if m.to == [editor.email]]
    assert len(sent) == 1
    assert due.title in sent[0].subject


def test_a_second_run_and_a_stale_copy_publish_nothing_more(due, publishable):
    stale = Project.objects.get(pk=due.pk)
    assert actions.release_due_projects(timezone.now()) == 1
    assert actions.release_due_projects(timezone.now()) == 0
    assert actions.release_project(stale) is False  # read before the first run claimed it
    assert Notification.objects.filter(kind=Kind.PROJECT_RELEASE).count() == 2
    assert AuditEntry.objects.filter(action=Action.PROJECT_STATE_CHANGED).count() == 1


def test_a_day_still_to_come_waits(circle, publishable):
    Project.objects.filter(pk=circle.pk).update(public_on=tomorrow())
    assert actions.release_due_projects(timezone.now()) == 0
    circle.refresh_from_db()
    assert circle.status == Project.Status.INNER_CIRCLE


def test_the_day_follows_the_installations_time_zone(circle, publishable, settings):
    # 23:30 UTC on 2 May is already 3 May in Berlin (settings.TIME_ZONE).
    assert settings.TIME_ZONE == "Europe/Berlin"
    Project.objects.filter(pk=circle.pk).update(public_on=date(2031, 5, 3))
    with time_machine.travel("2031-05-02 21:30Z", tick=False):
        assert actions.release_due_projects(timezone.now()) == 0
    with time_machine.travel("2031-05-02 22:30Z", tick=False):
        assert actions.release_due_projects(timezone.now()) == 1


def test_drafts_and_public_projects_with_a_day_are_left_alone(draft, project, publishable):
    Project.objects.filter(pk__in=[draft.pk, project.pk]).update(public_on=timezone.localdate())
    assert actions.release_due_projects(timezone.now()) == 0
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT


def test_when_the_platform_cannot_publish_it_stays_and_says_why_once(due, organiser, outbox):
    assert periodic.run_due_work()["releases"] == 0
    assert periodic.run_due_work()["releases"] == 0
    due.refresh_from_db()
    assert due.status == Project.Status.INNER_CIRCLE
    assert due.public_on is None  # cleared: said once, not every minute
    told = Notification.objects.filter(kind=Kind.PROJECT_RELEASE, user=organiser)
    assert told.count() == 1
    mails = [m for m in outbox() if m.to == [organiser.email]]
    assert len(mails) == 1
    # In the platform's language (German): the organiser chose none of their own.
    assert "konnte nicht öffentlich werden" in mails[0].subject
    assert "impressum" in mails[0].body.lower()  # what is missing
    assert not AuditEntry.objects.filter(action=Action.PROJECT_STATE_CHANGED).exists()


def test_an_editor_of_another_organisation_is_not_told(due, publishable, outsider):
    actions.release_due_projects(timezone.now())
    assert not Notification.objects.filter(user=outsider).exists()


def test_an_edit_read_before_the_release_does_not_take_it_back(due, publishable):
    """An organiser's form was open (its copy in the inner circle, with the day) while the
    worker published the project: saving it keeps the project public and its day cleared, and
    the next run publishes (and tells) nothing more."""
    stale = Project.objects.get(pk=due.pk)
    assert actions.release_due_projects(timezone.now()) == 1
    form = ProjectForm(
        {"title": "Kinder malen ihre Stadt", "story": stale.story, "public_on": stale.public_on},
        instance=stale,
    )
    assert form.is_valid(), form.errors
    actions.update_project(stale, form.cleaned_data)
    due.refresh_from_db()
    assert due.title == "Kinder malen ihre Stadt"
    assert (due.status, due.public_on) == (Project.Status.PUBLIC, None)
    assert due.published_at is not None
    assert actions.release_due_projects(timezone.now()) == 0
    assert AuditEntry.objects.filter(action=Action.PROJECT_STATE_CHANGED).count() == 1
