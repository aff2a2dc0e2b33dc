"""What a person's own pages read: confirmed hours and the commitments of their calendar."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from crowdmoving.projects.models import Commitment, Task

from .models import User


@dataclass(frozen=True)
class Hours:
    organisation: str
    hours: Decimal
    tasks: int


def confirmed_hours(user: User) -> tuple[Decimal, list[Hours]]:
    """``user``'s confirmed hours on the current platform, in total and per organisation
    (most hours first): one query however many tasks and organisations."""
    rows = (
        Commitment.objects.filter(user=user, status=Commitment.Status.COMPLETED)
        .values("task__project__organisation_id", "task__project__organisation__name")
        .annotate(hours=Sum("hours"), tasks=Count("pk"))
        .order_by("-hours", "task__project__organisation__name")
    )
    per_organisation = [
        Hours(
            organisation=row["task__project__organisation__name"],
            hours=row["hours"] or Decimal(0),
            tasks=row["tasks"],
        )
        for row in rows
    ]
    return sum((h.hours for h in per_organisation), Decimal(0)), per_organisation


def calendar_commitments(user: User) -> list[Commitment]:
    """``user``'s taken places on tasks with a date that have not ended, on every platform,
    soonest first, each with its task, project, organisation and platform: one query."""
    now = timezone.now()
    with scopes_disabled():
        commitments = list(
            Commitment.objects.filter(
                user=user,
                status=Commitment.Status.ACTIVE,
                task__removed_at__isnull=True,
                task__timing__in=(Task.Timing.SCHEDULED, Task.Timing.DAY),
            )
            .select_related("task__project__organisation__platform")
            .order_by("pk")
        )
    upcoming = [c for c in commitments if not _ended(c.task, now)]
    upcoming.sort(key=lambda c: _start(c.task))
    return upcoming


def _ended(task: Task, now: object) -> bool:
    if task.timing == Task.Timing.SCHEDULED:
        if task.starts_at is None:
            return True
        return (task.ends_at or task.starts_at) < now  # type: ignore[operator]
    return task.day is None or task.day < timezone.localdate()


def _start(task: Task) -> str:
    if task.starts_at is not None:
        return timezone.localtime(task.starts_at).isoformat()
    return task.day.isoformat() if task.day else ""
