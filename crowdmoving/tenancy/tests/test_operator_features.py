"""What the operator's feature switches change on a platform: taking a task without an account
(guest_takeover) and the projects' team spaces (team)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crowdmoving.projects import actions as project_actions
from crowdmoving.tenancy import actions
from crowdmoving.tenancy.models import Feature

pytestmark = pytest.mark.django_db

SIGN_IN_TO_TAKE = "Sign in to take this task"


def switch_off(platform, feature: str, operator) -> None:  # type: ignore[no-untyped-def]
    actions.set_features(
        platform, [value for value in Feature.values if value != feature], by=operator
    )


# --- guest_takeover ------------------------------------------------------------------------------


def test_with_guest_takeover_a_visitor_holds_a_place_with_name_and_email(client, task):
    html = client.get(reverse("projects:detail", args=[task.project_id])).content.decode()
    assert reverse("projects:hold", args=[task.project_id, task.pk]) in html
    assert SIGN_IN_TO_TAKE not in html


def test_without_guest_takeover_a_visitor_is_asked_to_sign_in(client, task, platform, operator):
    url = reverse("projects:detail", args=[task.project_id])
    assert SIGN_IN_TO_TAKE not in client.get(url).content.decode()  # the cached page, before

    switch_off(platform, Feature.GUEST_TAKEOVER, operator)

    html = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en").get(url).content
    page = html.decode()
    assert SIGN_IN_TO_TAKE in page
    assert reverse("projects:hold", args=[task.project_id, task.pk]) not in page
    assert f"{reverse('account_login')}?next=" in page


def test_the_cached_cards_follow_the_switch_both_ways(client, task, platform, operator, login):
    url = reverse("projects:detail", args=[task.project_id])
    client.get(url)
    switch_off(platform, Feature.GUEST_TAKEOVER, operator)
    assert SIGN_IN_TO_TAKE in client.get(url).content.decode()
    actions.set_features(platform, Feature.values, by=operator)
    assert SIGN_IN_TO_TAKE not in client.get(url).content.decode()


def test_a_visitor_with_a_flash_message_gets_cards_without_the_hold_form_too(
    client, task, platform, operator
):
    """The page assembled from cached cards (not the whole cached page) follows the switch."""
    switch_off(platform, Feature.GUEST_TAKEOVER, operator)
    session = client.session
    session["_messages"] = "[]"  # a pending message: not the shared page
    session.save()
    html = client.get(reverse("projects:detail", args=[task.project_id])).content.decode()
    assert SIGN_IN_TO_TAKE in html


def test_without_guest_takeover_the_hold_and_code_pages_are_a_404(client, task, platform, operator):
    held = project_actions.hold_task(task, name="Gerda Gast", email="gerda@example.org")
    session = client.session
    session["held_commitments"] = [held.commitment.pk]
    session.save()
    switch_off(platform, Feature.GUEST_TAKEOVER, operator)
    hold = reverse("projects:hold", args=[task.project_id, task.pk])
    code = reverse("projects:enter_code", args=[task.project_id, task.pk])
    assert client.get(hold).status_code == 404
    assert client.post(hold, {"name": "X", "email": "x@example.org"}).status_code == 404
    assert client.get(code).status_code == 404
    assert client.post(code, {"code": "123456"}).status_code == 404
    task.refresh_from_db()
    assert task.taken == 1  # Gerda's earlier hold only


def test_signed_in_people_take_tasks_as_before_without_guest_takeover(
    login, volunteer, task, platform, operator
):
    switch_off(platform, Feature.GUEST_TAKEOVER, operator)
    browser = login(volunteer)
    html = browser.get(reverse("projects:detail", args=[task.project_id])).content.decode()
    assert "Take this task" in html and SIGN_IN_TO_TAKE not in html
    browser.post(reverse("projects:take", args=[task.project_id, task.pk]))
    task.refresh_from_db()
    assert task.taken == 1


def test_guest_takeover_on_one_platform_says_nothing_about_another(
    other_platform, platform, operator, foreign_organiser
):
    from crowdmoving import factories as f

    switch_off(platform, Feature.GUEST_TAKEOVER, operator)
    organisation = other_platform.organisations.get()
    project = f.ProjectFactory(organisation=organisation, created_by=foreign_organiser)
    f.TaskFactory(project=project)
    browser = Client(HTTP_HOST="andere.example.org", HTTP_ACCEPT_LANGUAGE="en")
    html = browser.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert SIGN_IN_TO_TAKE not in html


# --- team ----------------------------------------------------------------------------------------


def test_without_team_spaces_the_team_pages_are_a_404(login, organiser, task, platform, operator):
    team = reverse("team:index", args=[task.project_id])
    browser = login(organiser)
    assert browser.get(team).status_code == 200
    switch_off(platform, Feature.TEAM, operator)
    assert browser.get(team).status_code == 404
    assert browser.post(team, {"kind": "board", "board-body": "Hallo"}).status_code == 404
    sharing = reverse("team:contact_sharing", args=[task.project_id])
    assert browser.get(sharing).status_code == 404


def test_without_team_spaces_no_team_link_is_shown(
    login, organiser, volunteer, task, platform, operator
):
    project_actions.take_task(task, volunteer)
    detail = reverse("projects:detail", args=[task.project_id])
    dashboard = reverse("manage:project", args=[task.project_id])
    team = f'href="{reverse("team:index", args=[task.project_id])}"'
    assert team in login(volunteer).get(detail).content.decode()
    assert team in login(organiser).get(dashboard).content.decode()

    switch_off(platform, Feature.TEAM, operator)

    assert team not in login(volunteer).get(detail).content.decode()
    assert team not in login(organiser).get(dashboard).content.decode()


def test_without_team_spaces_nobody_is_asked_about_sharing_their_address(
    login, volunteer, task, platform, operator
):
    switch_off(platform, Feature.TEAM, operator)
    browser = login(volunteer)
    response = browser.post(reverse("projects:take", args=[task.project_id, task.pk]), follow=True)
    assert reverse("team:contact_sharing", args=[task.project_id]) not in response.content.decode()
