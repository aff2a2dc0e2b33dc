"""The daily email of each confirmed alert: the tasks that became visible since its last one.

Once a day from DIGEST_HOUR (local time) each confirmed alert is due. Its watermark is
``last_sent_at`` (else ``confirmed_at``): the tasks of public projects created after it, and
the tasks of projects that became public after it, that are not removed and still have a free
place, on the alert's platform, of its organisation / category / place. The alert is claimed
by a conditional UPDATE that moves the watermark to now only if it is still the value read,
so that of two workers exactly one mails it; the watermark moves on also when nothing is new
(nothing was missed: every task up to now was looked at), and then no mail goes out.

One mail per alert, not one per person: its RFC 8058 List-Unsubscribe header can name one
alert only, and a mail program's "unsubscribe" button must stop exactly what the mail is
about. The queries do not grow with the number of alerts, except one UPDATE per alert and
the outbox rows of its mail: the due alerts are read in batches, and each batch's candidate
tasks come in one query and are matched in Python (casefolded, so that "münchen" finds
"München" on SQLite too)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from crowdmoving.notifications.outbox import queue_email, site_url
from crowdmoving.projects.models import Project, Task
from crowdmoving.tenancy.models import Platform

from .actions import describe
from .models import Subscription

logger = logging.getLogger(__name__)

DIGEST_HOUR = 7  # local time, as the notifications' daily digest
MAX_LISTED = 20  # tasks named in one mail; the rest is "and N more" with a link
BATCH = 200  # alerts read (and their candidate tasks fetched) at a time

ONE_CLICK = "List-Unsubscribe=One-Click"


def due_moment(now: datetime) -> datetime:
    """The latest moment the daily mail was due (today's DIGEST_HOUR, else yesterday's)."""
    local = timezone.localtime(now)
    moment = timezone.make_aware(datetime.combine(local.date(), time(DIGEST_HOUR)))
    return moment if moment <= now else moment - timedelta(days=1)


def watermark(subscription: Subscription) -> datetime:
    """Tasks that became visible after this moment are new to the alert."""
    moment = subscription.last_sent_at or subscription.confirmed_at
    assert moment is not None  # noqa: S101 - only confirmed alerts are due
    return moment


def matches_subject(subscription: Subscription, project: Project) -> bool:
    """The project is of the alert's organisation, category, or place: a postal code's first
    digits match the project's postal code (or a place that starts with them), a town's name
    any part of the project's place (both casefolded)."""
    kind = subscription.kind
    if kind == Subscription.Kind.ORGANISATION:
        return project.organisation_id == subscription.organisation_id
    if kind == Subscription.Kind.CATEGORY:
        return project.category == subscription.category
    wanted = subscription.place.casefold()
    place = project.place.casefold()
    if wanted.isdigit():
        return project.postal_code.strip().startswith(wanted) or place.strip().startswith(wanted)
    return wanted in place


def is_new(subscription: Subscription, task: Task, now: datetime) -> bool:
    since = watermark(subscription)
    published = task.project.published_at
    return (since < task.created_at <= now) or (
        published is not None and since < published <= now and task.created_at <= now
    )


def candidate_tasks(alerts: list[Subscription], now: datetime) -> list[Task]:
    """In one query: the tasks of the alerts' platforms that any of them may get (visible to
    everyone, live, with a free place, new since the oldest watermark), oldest first."""
    if not alerts:
        return []
    oldest = min(watermark(alert) for alert in alerts)
    tasks = list(
        Task.objects.filter(
            project__organisation__platform_id__in={alert.platform_id for alert in alerts},
            project__status=Project.Status.PUBLIC,
            removed_at__isnull=True,
            taken__lt=F("capacity"),
            created_at__lte=now,
        )
        .filter(Q(created_at__gt=oldest) | Q(project__published_at__gt=oldest))
        .select_related("project__organisation")
        .order_by("created_at", "pk")
    )
    paths: dict[int, str] = {}  # each project's address, worked out once for every mail
    for task in tasks:
        if task.project_id not in paths:
            paths[task.project_id] = task.project.get_absolute_url()
        task.path = paths[task.project_id]  # type: ignore[attr-defined]
    return tasks


def new_tasks_for(subscription: Subscription, tasks: Iterable[Task], now: datetime) -> list[Task]:
    return [
        task
        for task in tasks
        if task.project.organisation.platform_id == subscription.platform_id
        and matches_subject(subscription, task.project)
        and is_new(subscription, task, now)
    ]


def _due(moment: datetime):  # type: ignore[no-untyped-def]
    return (
        Subscription.objects.filter(confirmed_at__isnull=False)
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lt=moment))
        # A suspended platform's pages answer 503: its alerts wait (their watermark stays)
        # and catch up once it is reactivated.
        .exclude(platform__status=Platform.Status.SUSPENDED)
        .select_related("platform", "organisation")
        .order_by("pk")
    )


def send_alert_digests(now: datetime) -> int:
    """Mail every due alert its new tasks (see the module docstring); returns the mails
    queued. Reads across platforms: each mail names tasks of its alert's platform only
    (``new_tasks_for``)."""
    moment = due_moment(now)
    sent = 0
    after = 0
    platforms: dict[int, Platform] = {}
    with scopes_disabled():
        while True:
            batch = list(_due(moment).filter(pk__gt=after)[:BATCH])
            if not batch:
                return sent
            after = batch[-1].pk
            for alert in batch:  # one instance per platform: its address is looked up once
                alert.platform = platforms.setdefault(alert.platform_id, alert.platform)
            tasks = candidate_tasks(batch, now)
            for alert in batch:
                try:
                    sent += _send_one(alert, new_tasks_for(alert, tasks, now), now)
                except Exception:  # one broken alert must not stop the others
                    logger.exception("Alert digest %s failed", alert.pk)


def _send_one(alert: Subscription, tasks: list[Task], now: datetime) -> int:
    """Claim the alert (move its watermark from the value read to ``now``) and, if there is
    anything new, queue its mail, in one transaction. 0 if another worker claimed it."""
    with transaction.atomic():
        read = (
            Q(last_sent_at=alert.last_sent_at)
            if alert.last_sent_at
            else Q(last_sent_at__isnull=True)
        )
        claimed = Subscription.objects.filter(read, pk=alert.pk, confirmed_at__isnull=False).update(
            last_sent_at=now
        )
        if not claimed or not tasks:
            return 0
        queue_digest(alert, tasks, now)
    return 1


def unsubscribe_url(alert: Subscription) -> str:
    return site_url(alert.platform) + reverse("alerts:unsubscribe", args=[alert.token])


def more_path(alert: Subscription) -> str:
    """Where "and N more" leads: the platform's project directory, filtered by the alert's
    category or place (the directory has no organisation filter: all its projects)."""
    path = reverse("projects:directory")
    if alert.kind == Subscription.Kind.CATEGORY:
        return f"{path}?{urlencode({'category': alert.category})}"
    if alert.kind == Subscription.Kind.PLACE:
        return f"{path}?{urlencode({'place': alert.place})}"
    return path


def queue_digest(alert: Subscription, tasks: list[Task], now: datetime) -> None:
    """The alert's mail in its language, with the one-click unsubscribe headers (RFC 8058):
    a mail program POSTs ``List-Unsubscribe=One-Click`` to the address in the header."""
    unsubscribe = unsubscribe_url(alert)
    with translation.override(alert.language):
        queue_email(
            to=alert.email,
            template="alert_digest",
            context={
                "subscription": alert,
                "about": describe(alert),
                "tasks": tasks[:MAX_LISTED],
                "count": len(tasks),
                "more": max(len(tasks) - MAX_LISTED, 0),
                "more_path": more_path(alert),
                "alert_unsubscribe_url": unsubscribe,
            },
            key=f"alert-digest:{alert.pk}:{now:%Y%m%d%H%M%S}",
            platform=alert.platform,
            language=alert.language,
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": ONE_CLICK,
            },
        )
