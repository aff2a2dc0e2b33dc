"""Who is told what about projects, always through the outbox."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from crowdmoving.accounts.models import User
from crowdmoving.notifications.outbox import queue_email
from crowdmoving.organisations.models import Membership, Role

from .models import Commitment, Project, Task


def _organisers(project: Project) -> list[User]:
    """Members who coordinate supporters: owners and coordinators."""
    memberships = Membership.objects.filter(
        organisation_id=project.organisation_id, role__in=[Role.OWNER, Role.COORDINATOR]
    ).select_related("user")
    return [m.user for m in memberships]


def _send(user: User, template: str, key: str, task: Task, **context: Any) -> None:
    project = task.project
    platform = project.organisation.platform
    queue_email(
        to=user.email,
        template=template,
        key=key,
        platform=platform,
        language=user.language or None,
        context={
            "person": user,
            "task": task,
            "project": project,
            "project_path": reverse("projects:detail", args=[project.pk]),
            "dashboard_path": reverse("manage:project", args=[project.pk]),
            "my_tasks_path": reverse("me:tasks"),
            **context,
        },
    )


def organisers_of_change(commitment: Commitment, event: str) -> None:
    """Tell the organisers at once that someone took or stepped back from a task."""
    for organiser in _organisers(commitment.task.project):
        _send(
            organiser,
            f"organiser_{event}",
            f"organiser-{event}:{commitment.pk}:{commitment.changed_at.timestamp()}:{organiser.pk}",
            commitment.task,
            supporter=commitment.user,
        )


def supporter_confirmed(commitment: Commitment) -> None:
    _send(commitment.user, "supporter_confirmed", f"confirmed:{commitment.pk}", commitment.task)


def supporter_hold(commitment: Commitment, code: str, confirm_path: str, stamp: str) -> None:
    _send(
        commitment.user,
        "supporter_hold",
        f"hold:{commitment.pk}:{stamp}",
        commitment.task,
        code=code,
        confirm_path=confirm_path,
        expires_at=commitment.hold_expires_at,
    )


def supporter_already_in(commitment: Commitment) -> None:
    """Someone asked for a place with this address, which already has one (at most one such
    mail an hour)."""
    hour = timezone.now().strftime("%Y%m%d%H")
    _send(
        commitment.user, "supporter_already_in", f"already:{commitment.pk}:{hour}", commitment.task
    )


def supporter_promoted(commitment: Commitment) -> None:
    stamp = commitment.changed_at.timestamp()  # moved up again later: a new mail
    _send(
        commitment.user, "supporter_promoted", f"promoted:{commitment.pk}:{stamp}", commitment.task
    )


def supporter_task_changed(commitment: Commitment, change: str, stamp: str) -> None:
    """``change`` is 'removed' or 'shrunk' (moved back to the waiting list)."""
    _send(
        commitment.user,
        f"supporter_task_{change}",
        f"task-{change}:{commitment.pk}:{stamp}",
        commitment.task,
    )
