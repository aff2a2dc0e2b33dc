"""The work the worker does every minute: reminders before tasks, nudges to welcome new
supporters, daily digests, expired holds, projects going public on their planned day, the
daily retention purge, and mails that are due.

Every send is claimed first with a conditional UPDATE (``reminded_at IS NULL`` and the like):
of two workers, or a worker restarted in the middle, exactly one sends."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from crowdmoving.accounts.models import User
from crowdmoving.privacy import retention
from crowdmoving.projects import actions, directory
from crowdmoving.projects import notify as project_notify
from crowdmoving.projects.models import Commitment, Project, Task
from crowdmoving.reach import digest as alert_digest

from . import outbox
from .models import Notification

logger = logging.getLogger(__name__)

Status = Commitment.Status
NUDGE_AFTER = timedelta(hours=48)
DIGEST_HOUR = 7  # local time: the daily digest goes out from this hour on
DAY_TASK_HOUR = 9  # a whole-day task counts as starting at this local hour, for reminders


def reminder_start(task: Task) -> datetime | None:
    """When a task starts, for its reminder: its start time, or a whole day's morning."""
    if task.timing == Task.Timing.SCHEDULED:
        return task.starts_at
    if task.timing == Task.Timing.DAY and task.day:
        return timezone.make_aware(datetime.combine(task.day, time(DAY_TASK_HOUR)))
    return None


def _commitments():  # type: ignore[no-untyped-def]
    """Straight on the table for conditional UPDATEs by primary key (see projects.actions)."""
    return Commitment._base_manager.all()


def send_reminders(now: datetime) -> int:
    """Remind each supporter of an active commitment once, ``Project.reminder_hours`` before
    the task starts (a whole-day task: before DAY_TASK_HOUR that day). Taken within that
    window: the confirmation was the reminder."""
    sent = 0
    hours_in_use = (
        Project.objects.filter(reminder_hours__gt=0)
        .values_list("reminder_hours", flat=True)
        .distinct()
    )
    for hours in sorted(set(hours_in_use)):
        window = timedelta(hours=hours)
        starts_soon = Q(
            task__timing=Task.Timing.SCHEDULED,
            task__starts_at__gt=now,
            task__starts_at__lte=now + window,
        ) | Q(
            task__timing=Task.Timing.DAY,
            task__day__gte=timezone.localdate(now),
            task__day__lte=timezone.localdate(now + window),
        )
        due = Commitment.objects.filter(
            starts_soon,
            status=Status.ACTIVE,
            reminded_at__isnull=True,
            task__removed_at__isnull=True,
            task__project__reminder_hours=hours,
            # A closed project has thanked its supporters: no reminders any more.
            task__project__status__in=[s for s in Project.Status if s != Project.Status.CLOSED],
        ).select_related("user", "task__project__organisation__platform")
        for commitment in due:
            starts_at = reminder_start(commitment.task)
            if starts_at is None or not now < starts_at <= now + window:
                continue  # a whole day whose morning is not yet within the window
            with transaction.atomic():
                claimed = (
                    _commitments()
                    .filter(pk=commitment.pk, status=Status.ACTIVE, reminded_at__isnull=True)
                    .update(reminded_at=now)
                )
                if claimed and commitment.changed_at <= starts_at - window:
                    project_notify.supporter_reminder(commitment)
                    sent += 1
    return sent


def send_nudges(now: datetime) -> int:
    """Tell the organisers when a supporter has had no word from them 48 hours after taking a
    task (the team space sets ``welcomed_at`` when an organiser writes to them)."""
    sent = 0
    due = (
        Commitment.objects.filter(
            status=Status.ACTIVE,
            welcomed_at__isnull=True,
            nudged_at__isnull=True,
            changed_at__lte=now - NUDGE_AFTER,
            task__removed_at__isnull=True,
        )
        .exclude(task__project__status=Project.Status.CLOSED)
        .exclude(task__starts_at__lt=now)
        .select_related("user", "task__project__organisation__platform")
    )
    for commitment in due:
        with transaction.atomic():
            claimed = (
                _commitments()
                .filter(
                    pk=commitment.pk,
                    status=Status.ACTIVE,
                    welcomed_at__isnull=True,
                    nudged_at__isnull=True,
                )
                .update(nudged_at=now)
            )
            if claimed:
                project_notify.organisers_nudge(commitment)
                sent += 1
    return sent


def digest_moment(now: datetime) -> datetime:
    """The latest moment a daily digest was due (today's DIGEST_HOUR, else yesterday's)."""
    local = timezone.localtime(now)
    moment = timezone.make_aware(datetime.combine(local.date(), time(DIGEST_HOUR)))
    return moment if moment <= now else moment - timedelta(days=1)


def send_digests(now: datetime) -> int:
    """Once a day, at DIGEST_HOUR, one mail per platform to each person who chose the daily
    digest, with the notifications before that hour that were neither emailed at once nor in
    an earlier digest (nor muted)."""
    moment = digest_moment(now)
    sent = 0
    people = User.objects.filter(daily_digest=True).filter(
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=moment)
    )
    for person in people:
        with transaction.atomic():
            claimed = (
                User.objects.filter(pk=person.pk, daily_digest=True)
                .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=moment))
                .update(last_digest_at=now)
            )
            if not claimed:
                continue
            items = list(
                Notification.objects.filter(
                    user=person, emailed=False, digested_at__isnull=True, created_at__lt=moment
                )
                .exclude(kind__in=list(person.muted_email_kinds or []))
                .select_related("platform")
                .order_by("created_at", "pk")
            )
            by_platform: dict[int, list[Notification]] = defaultdict(list)
            for item in items:
                by_platform[item.platform_id].append(item)
            for group in by_platform.values():
                platform = group[0].platform
                outbox.queue_email(
                    to=person.email,
                    template="digest",
                    key=f"digest:{person.pk}:{platform.pk}:{moment:%Y%m%d}",
                    platform=platform,
                    language=person.language or platform.default_language or None,
                    context={
                        "person": person,
                        "items": group,
                        "index_path": reverse("notifications:index"),
                        "settings_path": reverse("notifications:settings"),
                    },
                )
                sent += 1
            Notification.objects.filter(pk__in=[i.pk for i in items]).update(digested_at=now)
    return sent


def release_expired_holds(now: datetime) -> int:
    """Release the places of holds that expired (their scheduled task may have been lost)."""
    tasks = Task.objects.filter(
        commitments__status=Status.HELD, commitments__hold_expires_at__lte=now
    ).distinct()
    return sum(actions.release_expired_holds(task) for task in tasks)


def run_due_work(now: datetime | None = None) -> dict[str, int]:
    """One tick's work, across platforms; each part fails alone."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    parts = {
        "holds": release_expired_holds,
        "reminders": send_reminders,
        "nudges": send_nudges,
        "digests": send_digests,
        # Inner-circle projects whose "public automatically on" day has come.
        "releases": actions.release_due_projects,
        # Email alerts: once a day per alert, the tasks that became visible (reach.digest).
        "alerts": alert_digest.send_alert_digests,
        # Once a day (claimed per day, so one worker of several): crowdmoving.privacy.retention
        "retention": retention.run_daily,
        # The directory's sort keys: next date and free places per project.
        "directory": directory.refresh_sort_keys,
    }
    with scopes_disabled():
        for name, part in parts.items():
            try:
                done[name] = part(now)
            except Exception:  # one failing part must not stop the others
                logger.exception("Periodic work %s failed", name)
        done["mails"] = outbox.deliver_due()
    return done
