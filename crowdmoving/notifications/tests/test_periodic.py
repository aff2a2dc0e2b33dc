"""The worker's minute tick, with a frozen clock: reminders go out once and at the right
time, nudges after 48 hours without a welcome, a digest once a day, expired holds end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.notifications import periodic
from crowdmoving.notifications.models import Kind, Notification
from crowdmoving.notifications.tasks import ensure_tick, pending_ticks, tick
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Project, Task

pytestmark = pytest.mark.django_db

T0 = datetime(2031, 5, 1, 10, 0, tzinfo=UTC)
STARTS = T0 + timedelta(days=3)  # the task starts three days after Margit took it


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shift(clock, task):  # type: ignore[no-untyped-def]
    Task.objects.filter(pk=task.pk).update(starts_at=STARTS, ends_at=STARTS + timedelta(hours=3))
    task.refresh_from_db()
    return task


def reminders_to(person) -> list:  # type: ignore[no-untyped-def]
    return [m for m in mail.outbox if m.to == [person.email] and "Reminder" in m.subject]


def english(*people):  # type: ignore[no-untyped-def]
    User.objects.filter(pk__in=[p.pk for p in people]).update(language="en")


def test_a_reminder_goes_out_once_at_the_right_time(clock, shift, volunteer, organiser):
    english(volunteer)
    commitment = actions.take_task(shift, volunteer)

    clock.move_to(STARTS - timedelta(hours=24, minutes=1))
    periodic.run_due_work()
    assert reminders_to(volunteer) == []

    clock.move_to(STARTS - timedelta(hours=23, minutes=59))
    periodic.run_due_work()
    (reminder,) = reminders_to(volunteer)
    assert reminder.subject == "Reminder: Infostand besetzen"
    assert "Infostand am Markt" in reminder.body
    assert "http://krass.example.org/me/tasks/" in reminder.body
    assert "/unsubscribe/" in reminder.body
    commitment.refresh_from_db()
    assert commitment.reminded_at is not None

    # the worker restarts and ticks again, twice
    periodic.run_due_work()
    clock.move_to(STARTS - timedelta(hours=1))
    periodic.run_due_work()
    assert len(reminders_to(volunteer)) == 1
    assert Notification.objects.filter(user=volunteer, kind=Kind.REMINDER).count() == 1


def test_a_worker_that_read_the_due_list_before_another_claimed_it_sends_nothing(
    clock, shift, volunteer, monkeypatch
):
    actions.take_task(shift, volunteer)
    clock.move_to(STARTS - timedelta(hours=2))
    stale = list(Commitment.objects.all())  # what the second worker read
    periodic.send_reminders(periodic.timezone.now())  # the first worker

    class Stale:
        def filter(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return self

        def select_related(self, *args):  # type: ignore[no-untyped-def]
            return stale

    monkeypatch.setattr(periodic.Commitment, "objects", Stale())
    periodic.send_reminders(periodic.timezone.now())  # the second, with the stale list

    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 1


def test_no_reminder_for_a_withdrawn_commitment(clock, shift, volunteer):
    commitment = actions.take_task(shift, volunteer)
    actions.withdraw(commitment)

    clock.move_to(STARTS - timedelta(hours=2))
    periodic.run_due_work()

    assert not Notification.objects.filter(kind=Kind.REMINDER).exists()


def test_no_reminder_when_the_project_turned_them_off_or_the_task_has_no_start(
    clock, project, shift, volunteer
):
    flexible = f.TaskFactory(
        project=project, timing=Task.Timing.FLEXIBLE, starts_at=None, ends_at=None
    )
    actions.take_task(flexible, volunteer)
    other = f.TaskFactory(project=f.ProjectFactory(reminder_hours=0), starts_at=STARTS)
    actions.take_task(other, volunteer)

    clock.move_to(STARTS - timedelta(hours=2))
    periodic.run_due_work()

    assert not Notification.objects.filter(kind=Kind.REMINDER).exists()


def test_the_reminder_time_is_set_per_project(clock, project, shift, volunteer):
    Project.objects.filter(pk=project.pk).update(reminder_hours=2)
    actions.take_task(shift, volunteer)

    clock.move_to(STARTS - timedelta(hours=3))
    periodic.run_due_work()
    assert not Notification.objects.filter(kind=Kind.REMINDER).exists()

    clock.move_to(STARTS - timedelta(hours=1, minutes=59))
    periodic.run_due_work()
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 1


def test_a_new_time_brings_a_new_reminder(clock, shift, volunteer):
    actions.take_task(shift, volunteer)
    clock.move_to(STARTS - timedelta(hours=2))
    periodic.run_due_work()
    later = STARTS + timedelta(days=7)

    actions.update_task(shift, {"starts_at": later, "ends_at": later + timedelta(hours=1)})
    periodic.run_due_work()
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 1

    clock.move_to(later - timedelta(hours=2))
    periodic.run_due_work()
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 2


def test_organisers_are_nudged_after_48_hours_without_a_welcome(
    clock, shift, volunteer, organiser, coordinator
):
    english(organiser, coordinator)
    commitment = actions.take_task(shift, volunteer)
    periodic.outbox.deliver_due()
    mail.outbox.clear()

    clock.move_to(T0 + timedelta(hours=47, minutes=59))
    periodic.run_due_work()
    assert mail.outbox == []

    clock.move_to(T0 + timedelta(hours=48, minutes=1))
    periodic.run_due_work()
    periodic.run_due_work()

    nudges = [m for m in mail.outbox if m.to != [volunteer.email]]  # she gets her reminder
    assert sorted(m.to[0] for m in nudges) == sorted([organiser.email, coordinator.email])
    nudge = nudges[0]
    assert nudge.subject == "Margit Muster is waiting for a welcome"
    assert "margit@example.org" in nudge.body
    commitment.refresh_from_db()
    assert commitment.nudged_at is not None


def test_no_nudge_when_the_supporter_was_welcomed(clock, shift, volunteer, organiser):
    commitment = actions.take_task(shift, volunteer)
    Commitment.objects.filter(pk=commitment.pk).update(welcomed_at=T0 + timedelta(hours=1))

    clock.move_to(T0 + timedelta(hours=49))
    periodic.run_due_work()

    assert not Notification.objects.filter(kind=Kind.WELCOME_NUDGE).exists()


def test_the_daily_digest_collects_the_day_once(clock, task, volunteer, organiser):
    english(organiser)
    User.objects.filter(pk=organiser.pk).update(daily_digest=True)
    clock.move_to(datetime(2031, 5, 1, 12, 0, tzinfo=UTC))
    actions.take_task(task, volunteer)
    actions.take_task(task, f.UserFactory(name="Bernd Beispiel"))
    assert not [m for m in mail.outbox if m.to == [organiser.email]]

    # 07:00 in Berlin is 05:00 UTC
    clock.move_to(datetime(2031, 5, 2, 4, 59, tzinfo=UTC))
    periodic.run_due_work()
    assert not [m for m in mail.outbox if m.to == [organiser.email]]

    clock.move_to(datetime(2031, 5, 2, 5, 1, tzinfo=UTC))
    periodic.run_due_work()
    periodic.run_due_work()
    (digest,) = [m for m in mail.outbox if m.to == [organiser.email]]
    assert digest.subject == "Krass Plattform: 2 new notifications"
    assert "Margit Muster has taken" in digest.body and "Bernd Beispiel has taken" in digest.body
    assert "/notifications/settings/" in digest.body

    # the next day: only what is new
    actions.take_task(task, f.UserFactory(name="Clara Chor"))
    clock.move_to(datetime(2031, 5, 3, 5, 1, tzinfo=UTC))
    periodic.run_due_work()
    digests = [m for m in mail.outbox if m.to == [organiser.email]]
    assert len(digests) == 2
    assert "Clara Chor" in digests[1].body and "Margit" not in digests[1].body


def test_the_tick_releases_expired_holds(clock, task):
    held = actions.hold_task(task, name="Gerda Gast", email="gerda@example.org")

    clock.move_to(T0 + timedelta(minutes=61))
    periodic.run_due_work()

    held.commitment.refresh_from_db()
    task.refresh_from_db()
    assert held.commitment.status == Commitment.Status.EXPIRED
    assert task.taken == 0


def test_a_tick_schedules_the_next_and_there_is_only_ever_one_pending(clock):
    assert ensure_tick() is True
    assert ensure_tick() is False
    (pending,) = pending_ticks()
    assert pending.run_after == T0

    tick.call()  # the pending one is still waiting: no second one

    assert pending_ticks().count() == 1


def test_a_running_tick_schedules_the_next_a_minute_later(clock):
    tick.call()

    (pending,) = pending_ticks()
    assert pending.run_after == T0 + timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_tick_and_keeps_one_pending(platform):
    with time_machine.travel(T0, tick=False) as clock:
        call_command("run_worker", batch=True, startup_delay=False, verbosity=0)
        clock.move_to(T0 + timedelta(minutes=2))
        call_command("run_worker", batch=True, startup_delay=False, verbosity=0)

    assert pending_ticks().count() == 1
    done = DBTaskResult.objects.filter(task_path=tick.module_path).exclude(
        pk__in=pending_ticks().values("pk")
    )
    assert done.count() == 2
    assert {result.status for result in done} == {"SUCCESSFUL"}


def test_a_whole_day_task_is_reminded_before_its_morning(clock, project, volunteer):
    from django.utils import timezone

    english(volunteer)
    day = (T0 + timedelta(days=3)).date()
    task = f.TaskFactory(
        project=project, timing=Task.Timing.DAY, day=day, starts_at=None, ends_at=None
    )
    actions.take_task(task, volunteer)
    morning = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
        hours=periodic.DAY_TASK_HOUR
    )
    clock.move_to(morning - timedelta(hours=24, minutes=1))
    periodic.run_due_work()
    assert reminders_to(volunteer) == []
    clock.move_to(morning - timedelta(hours=23, minutes=59))
    periodic.run_due_work()
    periodic.run_due_work()
    assert len(reminders_to(volunteer)) == 1
