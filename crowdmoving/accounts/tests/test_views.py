"""A person's own pages: "My tasks" and the settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment

pytestmark = pytest.mark.django_db


def test_my_tasks_needs_a_sign_in(client, platform):
    response = client.get(reverse("me:tasks"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_settings_need_a_sign_in(client, platform):
    response = client.get(reverse("me:settings"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_my_tasks_lists_upcoming_and_past(login, volunteer, project):
    soon: Any = f.TaskFactory(project=project, title="Bald am Infostand")
    earlier = f.TaskFactory(
        project=project,
        title="Letzte Woche gemalt",
        starts_at=timezone.now() - timedelta(days=7),
        ends_at=timezone.now() - timedelta(days=7, hours=-2),
    )
    full = f.TaskFactory(project=project, title="Volle Aufgabe", capacity=1)
    actions.take_task(soon, volunteer)
    f.CommitmentFactory(task=earlier, user=volunteer)
    actions.take_task(full, f.UserFactory())
    actions.join_waitlist(full, f.UserFactory())
    actions.join_waitlist(full, volunteer)

    html = login(volunteer).get(reverse("me:tasks")).content.decode()

    upcoming, past = html.split('id="past-title"')
    assert "Bald am Infostand" in upcoming
    assert "Volle Aufgabe" in upcoming
    assert "You are number 2 on the waiting list" in upcoming
    assert "Letzte Woche gemalt" in past
    assert "Letzte Woche gemalt" not in upcoming
    assert reverse("projects:withdraw", args=[project.pk, soon.pk]) in upcoming


def test_stepping_back_from_my_tasks_returns_there(login, volunteer, task):
    actions.take_task(task, volunteer)
    client = login(volunteer)
    response = client.post(
        reverse("projects:withdraw", args=[task.project_id, task.pk]),
        {"next": reverse("me:tasks")},
    )
    assert response.status_code == 302
    assert response.url == reverse("me:tasks")
    html = client.get(response.url).content.decode()
    assert "You stepped back" in html
    upcoming = html.split('id="past-title"')[0]
    assert "Infostand besetzen" not in upcoming
    assert not Commitment.objects.filter(task=task, status__in=Commitment.LIVE).exists()


def test_stepping_back_never_follows_a_foreign_next(login, volunteer, task):
    actions.take_task(task, volunteer)
    response = login(volunteer).post(
        reverse("projects:withdraw", args=[task.project_id, task.pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response.url.startswith(reverse("projects:detail", args=[task.project_id]))


def test_my_tasks_shows_only_this_platforms_commitments(login, volunteer, task, other_platform):
    foreign_org = f.OrganisationFactory(platform=other_platform)
    foreign_task = f.TaskFactory(
        project=f.ProjectFactory(organisation=foreign_org), title="Fremde Aufgabe"
    )
    f.CommitmentFactory(task=foreign_task, user=volunteer)
    f.CommitmentFactory(task=task, user=volunteer)
    html = login(volunteer).get(reverse("me:tasks")).content.decode()
    assert "Infostand besetzen" in html
    assert "Fremde Aufgabe" not in html


def test_my_tasks_says_so_when_there_is_nothing(login, volunteer):
    html = login(volunteer).get(reverse("me:tasks")).content.decode()
    assert "You have no upcoming tasks." in html


def test_settings_save_with_a_message(login, volunteer):
    client = login(volunteer)
    assert client.get(reverse("me:settings")).status_code == 200
    response = client.post(
        reverse("me:settings"),
        {"name": "Margit Neu", "visibility": "full", "language": "en"},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.visibility, volunteer.language) == (
        "Margit Neu",
        "full",
        "en",
    )
    assert "Your settings are saved." in client.get(response.url).content.decode()


def test_settings_refuse_bad_input_at_the_field(login, volunteer):
    response = login(volunteer).post(
        reverse("me:settings"), {"name": "x" * 121, "visibility": "everyone", "language": "xx"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-describedby="name-errors"' in html
    assert 'id="visibility-errors"' in html
    volunteer.refresh_from_db()
    assert volunteer.name == "Margit Muster"


def test_visibility_decides_what_the_project_page_shows(client, login, volunteer, task):
    actions.take_task(task, volunteer)
    page = reverse("projects:detail", args=[task.project_id])
    assert "Margit" in client.get(page).content.decode()
    assert "Muster" not in client.get(page).content.decode()

    me = login(volunteer)
    me.post(reverse("me:settings"), {"name": "Margit Muster", "visibility": "full", "language": ""})
    me.logout()
    assert "Margit Muster" in client.get(page).content.decode()

    me = login(User.objects.get(pk=volunteer.pk))
    me.post(
        reverse("me:settings"), {"name": "Margit Muster", "visibility": "anonymous", "language": ""}
    )
    me.logout()
    html = client.get(page).content.decode()
    assert "Margit" not in html
    assert "1 person is in" in html
