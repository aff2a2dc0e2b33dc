"""Mail leaves through the outbox: written with the change or not at all, delivered by the
worker at least once, never twice, retried with backoff when the transport fails."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crowdmoving.accounts.models import User
from crowdmoving.notifications import outbox
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.projects import actions

Sent = OutboxMessage.Status


class TransportDown(Exception):
    pass


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise TransportDown("connection refused by mail.example.org")


FAILING_BACKEND = f"{__name__}.FailingBackend"


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def queue(task, key: str = "test:1") -> OutboxMessage | None:  # type: ignore[no-untyped-def]
    """Queue the mail that tells Margit her task was removed."""
    return outbox.queue_email(
        to="margit@example.org",
        template="supporter_task_removed",
        key=key,
        platform=task.project.organisation.platform,
        language="en",
        context={
            "person": User(email="margit@example.org", name="Margit Muster"),
            "task": task,
            "project": task.project,
            "project_path": "/",
        },
    )


def deliveries_queued(message: OutboxMessage) -> int:
    return sum(
        1 for result in DBTaskResult.objects.all() if result.args_kwargs["args"] == [message.pk]
    )


@pytest.mark.django_db
def test_a_mail_is_written_in_the_same_transaction_as_the_take_over(task, volunteer, organiser):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        actions.take_task(task, volunteer)
        assert OutboxMessage.objects.filter(to=volunteer.email).exists()
        raise Undo

    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()

    actions.take_task(task, volunteer)
    assert set(OutboxMessage.objects.values_list("to", flat=True)) == {
        volunteer.email,
        organiser.email,
    }
    assert DBTaskResult.objects.count() == OutboxMessage.objects.count()


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_the_mails_of_a_take_over(task, volunteer, organiser):
    actions.take_task(task, volunteer)
    assert mail.outbox == []

    run_worker()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([volunteer.email, organiser.email])
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Sent.SENT}
    assert all(m.sent_at is not None and m.attempts == 1 for m in OutboxMessage.objects.all())
    assert "Infostand besetzen" in next(m for m in mail.outbox if m.to == [volunteer.email]).body


@pytest.mark.django_db
def test_a_duplicate_key_is_not_queued_twice(task):
    first = queue(task, key="confirmed:42")
    second = queue(task, key="confirmed:42")

    assert first is not None
    assert second is None
    assert OutboxMessage.objects.count() == 1
    assert deliveries_queued(first) == 1


@pytest.mark.django_db
def test_a_failing_transport_counts_the_attempt_and_retries_later(task, settings):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    message = queue(task)
    assert message is not None
    before = timezone.now()

    assert outbox.deliver(message.pk) is False

    message.refresh_from_db()
    assert message.status == Sent.PENDING
    assert message.attempts == 1
    assert "TransportDown: connection refused" in message.last_error
    assert message.claimed_until is None
    assert message.next_attempt_at is not None
    assert timedelta(seconds=29) < message.next_attempt_at - before < timedelta(seconds=31)
    retry = DBTaskResult.objects.filter(run_after=message.next_attempt_at)
    assert retry.count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_backoff_doubles_and_the_mail_fails_after_the_last_attempt(task, settings):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    settings.CROWDMOVING = {**settings.CROWDMOVING, "OUTBOX_MAX_ATTEMPTS": 4}
    message = queue(task)
    assert message is not None

    delays = []
    for _attempt in range(3):
        started = timezone.now()
        outbox.deliver(message.pk)
        message.refresh_from_db()
        assert message.status == Sent.PENDING
        assert message.next_attempt_at is not None
        delays.append(round((message.next_attempt_at - started).total_seconds()))
    assert delays == [30, 60, 120]

    outbox.deliver(message.pk)

    message.refresh_from_db()
    assert message.status == Sent.FAILED
    assert message.attempts == 4
    assert message.last_error.startswith("TransportDown")
    assert outbox.deliver(message.pk) is False  # a failed mail is not tried again
    message.refresh_from_db()
    assert message.attempts == 4


@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_only_after_the_backoff_and_then_delivers(task, settings):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    message = queue(task)
    assert message is not None

    run_worker()  # the transport is down: first attempt fails, a retry is scheduled
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Sent.PENDING, 1)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_worker()  # too early for the retry
    message.refresh_from_db()
    assert message.attempts == 1
    assert mail.outbox == []

    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=True):
        run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Sent.SENT, 2)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_sent_mail_is_not_sent_again_when_delivered_twice(task):
    message = queue(task)
    assert message is not None

    assert outbox.deliver(message.pk) is True
    assert outbox.deliver(message.pk) is True
    assert outbox.deliver_due() == 0

    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Sent.SENT, 1)


@pytest.mark.django_db(transaction=True)
def test_the_worker_does_not_send_a_mail_twice_when_its_task_runs_twice(task):
    message = queue(task)
    assert message is not None
    from crowdmoving.notifications.tasks import deliver_outbox_message

    deliver_outbox_message.enqueue(message.pk)  # e.g. a task re-run after a worker crash

    run_worker()

    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
