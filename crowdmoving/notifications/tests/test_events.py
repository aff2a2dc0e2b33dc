"""Who is told what: every event of a project reaches the right people, in-app and by email,
in their language, with HTML and text parts, and (unless essential) an unsubscribe link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.notifications.models import Kind, Notification
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Project, Task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(organiser, coordinator, volunteer):  # type: ignore[no-untyped-def]
    User.objects.filter(pk__in=[organiser.pk, coordinator.pk, volunteer.pk]).update(language="en")
    for person in (organiser, coordinator, volunteer):
        person.refresh_from_db()


def mails_to(sent, person):  # type: ignore[no-untyped-def]
    return [m for m in sent if m.to == [person.email]]


def kinds_of(person) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(user=person).values_list("kind", flat=True))


def test_taking_a_task_confirms_to_the_supporter_with_everything_she_needs(
    task, volunteer, organiser, outbox
):
    actions.take_task(task, volunteer)

    (mail,) = mails_to(outbox(), volunteer)
    assert mail.subject == "You are in: Infostand besetzen"
    assert "Infostand besetzen" in mail.body  # what
    assert "Infostand am Markt" in mail.body  # where
    assert str(task.starts_at.astimezone(timezone.get_current_timezone()).year) in mail.body
    assert "KRASS e.V." in mail.body and "Claudia Seidensticker" in mail.body  # who to contact
    assert "claudia@example.org" in mail.body
    assert "http://krass.example.org/me/tasks/" in mail.body  # stepping back
    assert "unsubscribe" not in mail.body  # an essential: cannot be muted
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert "Krass Plattform" in html and "Infostand besetzen" in html
    assert 'href="http://krass.example.org/me/tasks/"' in html
    assert mail.from_email.startswith("Krass Plattform")
    ((filename, content, mimetype),) = mail.attachments
    assert (filename, mimetype) == ("task.ics", "text/calendar")
    assert content.startswith("BEGIN:VCALENDAR\r\n")
    assert (
        "DTSTART:" in content and "SUMMARY:Infostand besetzen (Kinder malen ihre Welt)" in content
    )
    assert kinds_of(volunteer) == [Kind.CONFIRMED]


def test_the_email_speaks_the_recipients_language(task, volunteer, outbox):
    User.objects.filter(pk=volunteer.pk).update(language="de")
    volunteer.refresh_from_db()

    actions.take_task(task, volunteer)

    (mail,) = mails_to(outbox(), volunteer)
    assert mail.subject == "Du bist dabei: Infostand besetzen"


def test_the_organisers_and_the_handed_over_coordinator_hear_of_a_take_over_and_a_step_back(
    project, task, volunteer, organiser, coordinator, editor, outbox
):
    margit_two = f.UserFactory(name="Greta Übergabe", language="en")
    project.coordinators.add(margit_two)

    commitment = actions.take_task(task, volunteer)
    sent = outbox()
    for person in (organiser, coordinator, margit_two):
        (mail,) = mails_to(sent, person)
        assert mail.subject == "Margit Muster has taken “Infostand besetzen”"
        assert "/unsubscribe/" in mail.body
    assert mails_to(sent, editor) == []
    sent.clear()

    actions.withdraw(commitment)
    sent = outbox()
    for person in (organiser, coordinator, margit_two):
        (mail,) = mails_to(sent, person)
        assert mail.subject == "Margit Muster has stepped back from “Infostand besetzen”"
        assert Kind.TASK_WITHDRAWN in kinds_of(person)
    assert mails_to(sent, volunteer) == []


def test_moving_up_from_the_waiting_list_is_told_with_a_calendar_file(
    project, volunteer, organiser, outbox
):
    task = f.TaskFactory(project=project, title="Kuchen backen", capacity=1)
    first = actions.take_task(task, f.UserFactory(language="en"))
    actions.join_waitlist(task, volunteer)
    outbox().clear()

    actions.withdraw(first)

    (mail,) = mails_to(outbox(), volunteer)
    assert mail.subject == "A place is free for you: Kuchen backen"
    assert "Claudia Seidensticker" in mail.body
    assert mail.attachments[0][0] == "task.ics"
    assert Kind.PROMOTED in kinds_of(volunteer)


def test_a_new_time_or_place_is_told_to_the_people_who_hold_the_task(
    task, volunteer, organiser, outbox
):
    actions.take_task(task, volunteer)
    outbox().clear()
    later = task.starts_at + timedelta(days=1)

    actions.update_task(task, {"starts_at": later, "ends_at": later + timedelta(hours=2)})

    (mail,) = mails_to(outbox(), volunteer)
    assert mail.subject == "Changed: Infostand besetzen"
    assert "KRASS e.V. has changed the time of your task" in mail.body
    assert "DTSTART:" + later.strftime("%Y%m%dT%H%M%SZ") in mail.attachments[0][1]
    assert mails_to(outbox(), organiser) == []


def test_a_change_of_the_description_alone_is_not_mailed(task, volunteer, outbox):
    actions.take_task(task, volunteer)
    outbox().clear()

    actions.update_task(task, {"description": "Neu: Flyer mitbringen."})

    assert outbox() == []


def test_a_new_place_is_told_and_a_removed_task_too(task, volunteer, outbox):
    actions.take_task(task, volunteer)
    outbox().clear()

    actions.update_task(task, {"location": "Rathausplatz"})
    (mail,) = mails_to(outbox(), volunteer)
    assert "has changed the place of your task" in mail.body
    assert "Rathausplatz" in mail.body
    outbox().clear()

    actions.remove_task(task)
    (mail,) = mails_to(outbox(), volunteer)
    assert mail.subject == "Task removed: Infostand besetzen"
    assert kinds_of(volunteer).count(Kind.TASK_CHANGED) == 2


def test_closing_a_project_tells_each_supporter_once(project, task, volunteer, outbox):
    second = f.TaskFactory(project=project, title="Aufräumen")
    actions.take_task(task, volunteer)
    actions.take_task(second, volunteer)
    gone = actions.take_task(second, f.UserFactory(language="en"))
    actions.withdraw(gone)
    outbox().clear()

    actions.change_status(project, Project.Status.CLOSED)
    actions.change_status(project, Project.Status.CLOSED)  # again: nothing new

    sent = outbox()
    assert [m.to for m in sent] == [[volunteer.email]]
    assert sent[0].subject == "Project closed: Kinder malen ihre Welt"
    assert "/unsubscribe/" in sent[0].body


def test_a_muted_kind_stays_in_the_app_but_sends_no_email(task, volunteer, organiser, outbox):
    User.objects.filter(pk=organiser.pk).update(muted_email_kinds=[Kind.TASK_TAKEN])

    actions.take_task(task, volunteer)

    assert mails_to(outbox(), organiser) == []
    assert kinds_of(organiser) == [Kind.TASK_TAKEN]


def test_the_hold_code_goes_out_directly_without_an_in_app_notification(task, outbox):
    actions.hold_task(task, name="Gerda Gast", email="gerda@example.org")

    (mail,) = [m for m in outbox() if m.to == ["gerda@example.org"]]
    assert "is your code" in mail.subject or "ist dein Code" in mail.subject
    assert mail.alternatives  # an HTML part too
    assert not Notification.objects.filter(user__email="gerda@example.org").exists()


def test_only_active_holders_hear_of_a_change(task, volunteer, outbox):
    f.CommitmentFactory(task=task, user=f.UserFactory(), status=Commitment.Status.WITHDRAWN)
    actions.take_task(task, volunteer)
    outbox().clear()

    actions.update_task(task, {"location": "Anderswo"})

    assert [m.to for m in outbox()] == [[volunteer.email]]
    assert Task.objects.get(pk=task.pk).location == "Anderswo"
