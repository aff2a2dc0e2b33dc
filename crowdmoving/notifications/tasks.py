"""The worker's tasks: deliver one mail, and the minute's tick that re-schedules itself."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import outbox, periodic

TICK_EVERY = timedelta(minutes=1)


@task()
def deliver_outbox_message(message_id: int) -> bool:
    return outbox.deliver(message_id)


@task()
def tick() -> dict[str, int]:
    """Run the due periodic work, then schedule the next tick a minute from now (unless one
    is pending already): the worker keeps itself busy without cron."""
    try:
        return periodic.run_due_work()
    finally:
        ensure_tick(after=TICK_EVERY)


def pending_ticks():  # type: ignore[no-untyped-def]
    return DBTaskResult.objects.filter(task_path=tick.module_path, status=TaskResultStatus.READY)


def ensure_tick(after: timedelta = timedelta(0)) -> bool:
    """Enqueue a tick unless one is waiting; True if one was enqueued."""
    with transaction.atomic():
        if pending_ticks().exists():
            return False
        tick.using(run_after=timezone.now() + after).enqueue()
        return True
