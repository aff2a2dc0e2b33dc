"""A person's page: confirmed hours in total and per organisation, past tasks with their
status, the personal calendar feed and a task's calendar file."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Task

pytestmark = pytest.mark.django_db
Status = Commitment.Status


def done(task, user, status=Status.COMPLETED, hours=None):  # type: ignore[no-untyped-def]
    return f.CommitmentFactory(task=task, user=user, status=status, hours=hours)


def past_task(organisation, **extra):  # type: ignore[no-untyped-def]
    start = timezone.now() - timedelta(days=3)
    project = f.ProjectFactory(organisation=organisation)
    return f.TaskFactory(
        project=project, starts_at=start, ends_at=start + timedelta(hours=2), **extra
    )


def test_my_page_shows_confirmed_hours_in_total_and_per_organisation(
    login, volunteer, organisation, platform
):
    other = f.OrganisationFactory(platform=platform, name="Tafel Leipzig")
    done(past_task(organisation, title="Zelt"), volunteer, hours=Decimal("3"))
    done(past_task(organisation, title="Kaffee"), volunteer, hours=Decimal("1.5"))
    done(past_task(other, title="Kisten"), volunteer, hours=Decimal("2"))
    done(past_task(other, title="Regal"), volunteer, status=Status.NO_SHOW)
    html = login(volunteer).get(reverse("me:tasks")).content.decode()
    assert "6.50 confirmed hours in total" in html
    assert "<td>KRASS e.V.</td><td>2</td><td>4.50</td>" in html
    assert "<td>Tafel Leipzig</td><td>1</td><td>2</td>" in html
    assert "Took part – thank you!" in html and "Did not come" in html


def test_hours_of_another_platform_are_not_counted_here(login, volunteer, other_platform):
    foreign = f.OrganisationFactory(platform=other_platform)
    done(past_task(foreign), volunteer, hours=Decimal("5"))
    html = login(volunteer).get(reverse("me:tasks")).content.decode()
    assert "No confirmed hours yet" in html


def test_my_page_needs_the_same_queries_for_many_organisations(login, volunteer, platform):
    browser = login(volunteer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            browser.get(reverse("me:tasks"))
        return len(queries)

    done(past_task(f.OrganisationFactory(platform=platform)), volunteer, hours=Decimal(1))
    # The navigation's pages are cached per platform (pages.selectors): warm them first.
    browser.get(reverse("projects:home"))
    few = count()
    for _ in range(5):
        done(past_task(f.OrganisationFactory(platform=platform)), volunteer, hours=Decimal(1))
    assert count() == few


def test_a_person_creates_and_renews_the_calendar_address(login, volunteer):
    browser = login(volunteer)
    browser.post(reverse("me:calendar_token"))
    volunteer.refresh_from_db()
    first = volunteer.calendar_token
    assert len(first) >= 30
    assert first in browser.get(reverse("me:tasks")).content.decode()
    browser.post(reverse("me:calendar_token"))
    volunteer.refresh_from_db()
    assert volunteer.calendar_token != first
    old = Client(HTTP_HOST="krass.example.org").get(reverse("me:calendar_feed", args=[first]))
    assert old.status_code == 404


def test_the_feed_holds_upcoming_taken_tasks_on_every_platform_with_their_own_addresses(
    volunteer, task, other_platform, platform
):
    volunteer.calendar_token = "geheim-" + "x" * 30
    volunteer.save()
    actions.take_task(task, volunteer)
    elsewhere = f.TaskFactory(
        project=f.ProjectFactory(organisation=f.OrganisationFactory(platform=other_platform)),
        title="Suppe kochen",
    )
    actions.take_task(elsewhere, volunteer)
    waiting = f.TaskFactory(project=task.project, title="Nur Warteliste")
    f.CommitmentFactory(task=waiting, user=volunteer, status=Status.WAITING)
    gone = f.TaskFactory(project=task.project, title="Zurückgezogen")
    f.CommitmentFactory(task=gone, user=volunteer, status=Status.WITHDRAWN)
    over = past_task(task.project.organisation, title="Schon vorbei")
    actions.take_task(over, volunteer)
    f.TaskFactory(project=task.project, title="Flexibel")  # not taken

    response = Client(HTTP_HOST="krass.example.org").get(
        reverse("me:calendar_feed", args=[volunteer.calendar_token])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Infostand besetzen" in body and "SUMMARY:Suppe kochen" in body
    for absent in ("Nur Warteliste", "Zurückgezogen", "Schon vorbei"):
        assert absent not in body
    unfolded = body.replace("\r\n ", "")
    assert f"URL:http://krass.example.org/projects/{task.project_id}/#task-{task.pk}" in unfolded
    assert f"URL:http://andere.example.org/projects/{elsewhere.project_id}/" in unfolded
    start = task.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in body


@pytest.mark.parametrize("token", ["falsch", "x" * 37])
def test_a_wrong_or_empty_token_is_a_404(client, volunteer, token):
    volunteer.calendar_token = "x" * 36
    volunteer.save()
    assert client.get(reverse("me:calendar_feed", args=[token])).status_code == 404


def test_a_person_without_an_address_has_no_feed(client, volunteer):
    assert volunteer.calendar_token == ""
    assert client.get("/me/calendar/.ics").status_code == 404


def test_anyone_who_sees_the_project_downloads_a_task_as_a_calendar_file(client, task):
    response = client.get(reverse("me:task_ics", args=[task.project_id, task.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    assert "SUMMARY:Infostand besetzen" in response.content.decode()


def test_a_whole_day_task_is_an_all_day_event(client, project):
    day = timezone.localdate() + timedelta(days=3)
    task = f.TaskFactory(
        project=project, timing=Task.Timing.DAY, starts_at=None, ends_at=None, day=day
    )
    body = client.get(reverse("me:task_ics", args=[project.pk, task.pk])).content.decode()
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in body


def test_a_draft_task_file_is_a_404_for_visitors(client, organisation):
    draft = f.ProjectFactory(organisation=organisation, status="draft")
    task = f.TaskFactory(project=draft)
    assert client.get(reverse("me:task_ics", args=[draft.pk, task.pk])).status_code == 404


def test_a_flexible_task_has_no_calendar_file(client, project):
    task = f.TaskFactory(project=project, timing="flexible", starts_at=None, ends_at=None)
    assert client.get(reverse("me:task_ics", args=[project.pk, task.pk])).status_code == 404
