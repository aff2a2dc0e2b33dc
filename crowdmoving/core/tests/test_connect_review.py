"""Findings of the security and correctness review of "Connect people" (issue 3), each a test
that failed before its fix: plain-text emails and in-app titles free of HTML entities (with the
HTML part still escaping what people wrote), the organisers' count of places after a take-over,
nobody told about themselves, no reminders for closed projects, and no calendar feed for a
deactivated account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.accounts.actions import regenerate_calendar_token
from crowdmoving.accounts.models import User
from crowdmoving.notifications import periodic
from crowdmoving.notifications.models import Kind, Notification, OutboxMessage
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Project, Task
from crowdmoving.team import actions as team_actions

pytestmark = pytest.mark.django_db


def _english(*people: User) -> None:
    User.objects.filter(pk__in=[p.pk for p in people]).update(language="en")
    for person in people:
        person.refresh_from_db()


def _scheduled(task: Task, starts_in: timedelta) -> Task:
    starts = timezone.now() + starts_in
    Task.objects.filter(pk=task.pk).update(
        timing=Task.Timing.SCHEDULED, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    task.refresh_from_db()
    return task


def test_plain_text_emails_and_in_app_titles_carry_no_html_entities(
    task, organiser, volunteer, login
):
    _english(organiser, volunteer)
    User.objects.filter(pk=volunteer.pk).update(name="Margit D'Arcy")
    volunteer.refresh_from_db()
    Task.objects.filter(pk=task.pk).update(title="Kaffee & Kuchen")
    task.refresh_from_db()

    actions.take_task(task, volunteer)

    to_organiser = OutboxMessage.objects.get(to=organiser.email)
    assert to_organiser.subject == "Margit D'Arcy has taken “Kaffee & Kuchen”"
    assert "Margit D'Arcy has just taken a task" in to_organiser.body
    assert "Task: Kaffee & Kuchen" in to_organiser.body
    confirmation = OutboxMessage.objects.get(to=volunteer.email)
    assert "&amp;" not in confirmation.subject + confirmation.body
    title = Notification.objects.get(user=organiser, kind=Kind.TASK_TAKEN).title
    assert title == "Margit D'Arcy has taken “Kaffee & Kuchen”"
    page = login(organiser).get("/notifications/").content.decode()
    assert "Kaffee &amp; Kuchen" in page and "&amp;amp;" not in page and "&amp;#x27;" not in page


def test_the_html_part_still_escapes_what_people_wrote(project, task, organiser, volunteer):
    _english(organiser, volunteer)
    Task.objects.filter(pk=task.pk).update(title="<img src=x onerror=alert(1)>")
    task.refresh_from_db()
    actions.take_task(task, volunteer)  # an essential mail: no unsubscribe footer
    team_actions.post_update(project, organiser, "<script>alert(1)</script> & more")

    for message in OutboxMessage.objects.filter(to=volunteer.email):
        assert "<img" not in message.html_body
        assert "<script" not in message.html_body
    update = OutboxMessage.objects.get(to=volunteer.email, subject__contains="update")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in update.html_body
    assert "<script>alert(1)</script> & more" in update.body


def test_the_organisers_mail_counts_the_place_just_taken(task, organiser, volunteer):
    _english(organiser)
    actions.take_task(task, volunteer)

    assert "Places taken: 1 of 3" in OutboxMessage.objects.get(to=organiser.email).body


def test_a_coordinator_who_takes_a_task_is_not_told_or_nudged_about_herself(
    project, task, organiser, volunteer
):
    project.coordinators.add(volunteer)  # the coordination was handed over to Margit
    _scheduled(task, timedelta(days=10))
    commitment = actions.take_task(task, volunteer)
    Commitment.objects.filter(pk=commitment.pk).update(
        changed_at=timezone.now() - timedelta(days=3)
    )

    periodic.run_due_work()

    assert not Notification.objects.filter(
        user=volunteer, kind__in=[Kind.TASK_TAKEN, Kind.WELCOME_NUDGE]
    ).exists()
    assert Notification.objects.filter(user=organiser, kind=Kind.TASK_TAKEN).count() == 1
    assert Notification.objects.filter(user=organiser, kind=Kind.WELCOME_NUDGE).count() == 1


def test_no_reminder_goes_out_for_a_task_of_a_closed_project(project, task, volunteer):
    _scheduled(task, timedelta(hours=10))
    commitment = f.CommitmentFactory(task=task, user=volunteer, status=Commitment.Status.ACTIVE)
    Commitment.objects.filter(pk=commitment.pk).update(
        changed_at=timezone.now() - timedelta(days=5)
    )
    actions.change_status(project, Project.Status.CLOSED)

    done = periodic.run_due_work()

    assert done["reminders"] == 0
    assert not Notification.objects.filter(user=volunteer, kind=Kind.REMINDER).exists()


def test_the_calendar_feed_of_a_deactivated_account_is_gone(client, task, volunteer):
    _scheduled(task, timedelta(days=2))
    f.CommitmentFactory(task=task, user=volunteer, status=Commitment.Status.ACTIVE)
    token = regenerate_calendar_token(volunteer)
    assert client.get(f"/me/calendar/{token}.ics").status_code == 200

    User.objects.filter(pk=volunteer.pk).update(is_active=False)

    assert client.get(f"/me/calendar/{token}.ics").status_code == 404
