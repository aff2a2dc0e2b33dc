"""Who is told what about projects. Every event goes through notifications.api.notify (an
in-app notification and, as the person chose, an email); only the hold's code and the "already
in" mail, which have no in-app side, go to the outbox directly."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from crowdmoving.accounts.models import User
from crowdmoving.core import ics
from crowdmoving.notifications.api import notify
from crowdmoving.notifications.models import Kind
from crowdmoving.notifications.outbox import Attachment, queue_email, site_url
from crowdmoving.organisations.models import Membership, Role

from .models import Commitment, Project, Task

# The fields of a task whose change its supporters are told about.
WATCHED_FIELDS = ("timing", "starts_at", "ends_at", "day", "location")


def organisers(project: Project) -> list[User]:
    """Who coordinates the supporters of ``project``: the organisation's owners and
    coordinators, and the supporters the coordination was handed over to. Remembered on the
    ``project`` instance, which lives for one action: an action tells several people."""
    known = project.__dict__.get("_organisers")
    if known is not None:
        return list(known)
    people: dict[int, User] = {}
    memberships = (
        Membership.objects.filter(
            organisation_id=project.organisation_id, role__in=[Role.OWNER, Role.COORDINATOR]
        )
        .select_related("user")
        .order_by("pk")
    )
    for membership in memberships:
        people.setdefault(membership.user.pk, membership.user)
    for user in project.coordinators.order_by("pk"):
        people.setdefault(user.pk, user)
    project.__dict__["_organisers"] = list(people.values())
    return list(people.values())


def contact_person(project: Project) -> User | None:
    """Whom a supporter writes to: the coordinator the project was handed over to, else the
    organiser who created it (while still an organiser), else the first owner."""
    handed_over = project.coordinators.order_by("pk").first()
    if handed_over is not None:
        return handed_over
    people = organisers(project)
    return next((p for p in people if p.pk == project.created_by_id), None) or next(
        iter(people), None
    )


def _context(task: Task, **extra: Any) -> dict[str, Any]:
    project = task.project
    return {
        "task": task,
        "project": project,
        "project_path": reverse("projects:detail", args=[project.pk]),
        "dashboard_path": reverse("manage:project", args=[project.pk]),
        "my_tasks_path": reverse("me:tasks"),
        **extra,
    }


def _notify(
    user: User,
    kind: Kind,
    template: str,
    key: str,
    task: Task,
    *,
    url: str = "",
    attachments: list[Attachment] | None = None,
    **context: Any,
) -> None:
    project = task.project
    notify(
        user,
        kind,
        platform=project.organisation.platform,
        template=template,
        key=key,
        url=url or reverse("projects:detail", args=[project.pk]),
        context=_context(task, **context),
        attachments=attachments,
    )


def task_calendar(task: Task) -> list[Attachment]:
    """The task as an .ics attachment, or nothing when it has no date."""
    project = task.project
    start = task.starts_at if task.timing == Task.Timing.SCHEDULED else None
    day = task.day if task.timing == Task.Timing.DAY else None
    if start is None and day is None:
        return []
    platform = project.organisation.platform
    url = site_url(platform) + reverse("projects:detail", args=[project.pk])
    event = ics.event(
        uid=f"task-{task.pk}@crowdmoving",
        start=start,
        end=task.ends_at if start else None,
        all_day_date=day,
        summary=f"{task.title} ({project.title})",
        description=f"{project.organisation.name}: {project.title}\n{url}",
        location=task.location or project.place,
        url=url,
    )
    return [
        {
            "filename": "task.ics",
            "mimetype": "text/calendar",
            "content": ics.calendar([event], platform.name),
        }
    ]


# --- to the organisers ---------------------------------------------------------------------


def organisers_of_change(commitment: Commitment, event: str) -> None:
    """Tell the organisers that someone took ('taken') or stepped back ('withdrawn')."""
    kind = Kind.TASK_TAKEN if event == "taken" else Kind.TASK_WITHDRAWN
    task = commitment.task
    task.refresh_from_db(fields=["taken", "capacity"])  # the count after this change
    stamp = commitment.changed_at.timestamp()
    for organiser in organisers(task.project):
        if organiser.pk == commitment.user_id:  # not about oneself
            continue
        _notify(
            organiser,
            kind,
            f"organiser_{event}",
            f"organiser-{event}:{commitment.pk}:{stamp}:{organiser.pk}",
            task,
            url=reverse("manage:project", args=[task.project_id]),
            supporter=commitment.user,
        )


def organisers_nudge(commitment: Commitment) -> None:
    """A supporter has waited 48 hours for a welcome."""
    task = commitment.task
    for organiser in organisers(task.project):
        if organiser.pk == commitment.user_id:  # nobody is asked to welcome themselves
            continue
        _notify(
            organiser,
            Kind.WELCOME_NUDGE,
            "organiser_nudge",
            f"nudge:{commitment.pk}:{organiser.pk}",
            task,
            url=reverse("manage:project", args=[task.project_id]),
            supporter=commitment.user,
        )


def _release_audience(project: Project) -> list[User]:
    """Who decides when ``project`` opens: the organisation's members who can change its
    state (owners and editors)."""
    memberships = (
        Membership.objects.filter(
            organisation_id=project.organisation_id, role__in=[Role.OWNER, Role.EDITOR]
        )
        .select_related("user")
        .order_by("pk")
    )
    return [membership.user for membership in memberships]


def _release_notice(project: Project, template: str, day: date, **context: Any) -> None:
    for person in _release_audience(project):
        notify(
            person,
            Kind.PROJECT_RELEASE,
            platform=project.organisation.platform,
            template=template,
            key=f"{template}:{project.pk}:{day:%Y%m%d}:{person.pk}",
            url=reverse("manage:project", args=[project.pk]),
            context={
                "project": project,
                "day": day,
                "project_path": reverse("projects:detail", args=[project.pk]),
                "dashboard_path": reverse("manage:project", args=[project.pk]),
                **context,
            },
        )


def project_released(project: Project, day: date) -> None:
    """The worker made ``project`` public on its planned ``day``."""
    _release_notice(project, "organiser_project_released", day)


def release_refused(project: Project, day: date, missing: list[Any]) -> None:
    """``project`` was to become public on ``day`` but the platform cannot publish yet;
    ``missing``: the open steps of pages.publishing."""
    _release_notice(project, "organiser_release_refused", day, missing=missing)


# --- to supporters -------------------------------------------------------------------------


def supporter_confirmed(commitment: Commitment) -> None:
    task = commitment.task
    _notify(
        commitment.user,
        Kind.CONFIRMED,
        "supporter_confirmed",
        f"confirmed:{commitment.pk}",
        task,
        url=reverse("me:tasks"),
        attachments=task_calendar(task),
        contact=contact_person(task.project),
    )


def supporter_promoted(commitment: Commitment) -> None:
    task = commitment.task
    stamp = commitment.changed_at.timestamp()  # moved up again later: a new mail
    _notify(
        commitment.user,
        Kind.PROMOTED,
        "supporter_promoted",
        f"promoted:{commitment.pk}:{stamp}",
        task,
        url=reverse("me:tasks"),
        attachments=task_calendar(task),
        contact=contact_person(task.project),
    )


def supporter_task_changed(commitment: Commitment, change: str, stamp: str) -> None:
    """``change`` is 'removed' or 'shrunk' (moved back to the waiting list)."""
    _notify(
        commitment.user,
        Kind.TASK_CHANGED,
        f"supporter_task_{change}",
        f"task-{change}:{commitment.pk}:{stamp}",
        commitment.task,
    )


def task_changed(task: Task, changed: Iterable[str], *, skip: Iterable[int] = ()) -> None:
    """Tell the holders of ``task`` that its time or place changed (``changed`` names the
    fields); a new time means a new reminder. ``skip``: commitments told otherwise."""
    changed = [field for field in changed if field in WATCHED_FIELDS]
    if not changed:
        return
    holders = Commitment.objects.filter(task_id=task.pk, status=Commitment.Status.ACTIVE)
    if set(changed) - {"location"}:
        holders.update(reminded_at=None)
    for commitment in holders.exclude(pk__in=list(skip)).select_related("user"):
        commitment.task = task
        _notify(
            commitment.user,
            Kind.TASK_CHANGED,
            "supporter_task_changed",
            f"task-changed:{commitment.pk}:{task.version}",
            task,
            url=reverse("me:tasks"),
            attachments=task_calendar(task),
            time_changed=bool(set(changed) - {"location"}),
            place_changed="location" in changed,
            contact=contact_person(task.project),
        )


def project_closed(project: Project) -> None:
    """Tell everyone who holds a task of ``project`` that it was closed."""
    commitments = (
        Commitment.objects.filter(
            task__project=project,
            task__removed_at__isnull=True,
            status=Commitment.Status.ACTIVE,
        )
        .select_related("user", "task")
        .order_by("user_id", "pk")
    )
    told: set[int] = set()
    for commitment in commitments:
        if commitment.user_id in told:
            continue
        told.add(commitment.user_id)
        commitment.task.project = project
        _notify(
            commitment.user,
            Kind.PROJECT_CLOSED,
            "supporter_project_closed",
            f"project-closed:{project.pk}:{commitment.user_id}:{project.updated_at.timestamp()}",
            commitment.task,
            contact=contact_person(project),
        )


def supporter_reminder(commitment: Commitment) -> None:
    task = commitment.task
    _notify(
        commitment.user,
        Kind.REMINDER,
        "supporter_reminder",
        f"reminder:{commitment.pk}:{task.starts_at.timestamp() if task.starts_at else ''}",
        task,
        url=reverse("me:tasks"),
        contact=contact_person(task.project),
    )


# --- mails without an in-app side ----------------------------------------------------------


def _send(user: User, template: str, key: str, task: Task, **context: Any) -> None:
    queue_email(
        to=user.email,
        template=template,
        key=key,
        platform=task.project.organisation.platform,
        language=user.language or None,
        context={"person": user, **_context(task, **context)},
    )


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


def coordination_changed(project: Project, person: User, *, by: User, handed_over: bool) -> None:
    """Tell ``person`` that ``by`` handed the coordination of ``project`` to her, or took it
    back."""
    template = "coordination_handed_over" if handed_over else "coordination_ended"
    notify(
        person,
        Kind.MEMBERSHIP,
        platform=project.organisation.platform,
        template=template,
        key=f"{template}:{project.pk}:{person.pk}:{timezone.now().timestamp()}",
        url=reverse("manage:project" if handed_over else "projects:detail", args=[project.pk]),
        context={"project": project, "by": by},
    )
