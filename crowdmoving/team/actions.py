"""Every write of the team space. Each action is one transaction together with the
notifications (in-app and, as each person prefers, email) it causes.

Callers check who may do what (access.access_team); forms check the input. The actions keep
what must hold whatever the caller: the rate limit, and that messages go only to people of
this project's team."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.notifications.api import notify
from crowdmoving.notifications.models import Kind as NotificationKind
from crowdmoving.projects.errors import Refused
from crowdmoving.projects.models import Commitment, Project, Task

from .access import team_seat
from .models import TeamMessage
from .selectors import current_supporters, team_members

Kind = TeamMessage.Kind

# At most this many messages per person and project within RATE_WINDOW (rows in the database,
# removed ones included, so that removing one's own messages buys nothing).
RATE_LIMIT = 10
RATE_WINDOW = timedelta(minutes=10)


class TooManyMessages(Refused):
    message = _(
        "You have written 10 messages in the last 10 minutes. Please wait a few minutes "
        "before you write again."
    )


class NotInTeam(Refused):
    message = _("This person is not in the team of this project.")


def _check_rate(project: Project, author: User) -> None:
    since = timezone.now() - RATE_WINDOW
    written = TeamMessage.objects.filter(
        project=project, author=author, created_at__gte=since
    ).count()
    if written >= RATE_LIMIT:
        raise TooManyMessages


def _write(project: Project, author: User, kind: str, body: str, **about: Any) -> TeamMessage:
    _check_rate(project, author)
    return TeamMessage.objects.create(project=project, author=author, kind=kind, body=body, **about)


def _tell(person: User, message: TeamMessage, template: str, **context: Any) -> None:
    project = message.project
    kind = (
        NotificationKind.INTRODUCTION
        if message.kind == Kind.INTRODUCTION
        else NotificationKind.TEAM_MESSAGE
    )
    notify(
        person,
        kind,
        platform=project.organisation.platform,
        template=template,
        key=f"team:{message.pk}:{person.pk}",
        url=f"{reverse('team:index', args=[project.pk])}#message-{message.pk}",
        context={
            "message": message,
            "project": project,
            "author": message.author,
            # Coordinators see full names; everyone else the name the author allows.
            "full_names": _coordinates(project, person),
            **context,
        },
    )


def _coordinates(project: Project, person: User) -> bool:
    seat = team_seat(project, person)
    return seat is not None and seat.coordinates


def _welcome(project: Project, people: list[User]) -> None:
    """A message to a supporter counts as the welcome: no nudge to the organisers after it."""
    Commitment.objects.filter(
        task__project=project, user__in=people, welcomed_at__isnull=True
    ).update(welcomed_at=timezone.now())


def _supporter(project: Project, person: User) -> User:
    if not current_supporters(project).filter(pk=person.pk).exists():
        raise NotInTeam
    return person


@transaction.atomic
def post_update(project: Project, author: User, body: str) -> TeamMessage:
    """An organiser's update to the whole team: shown on the team page and sent to every
    current supporter. Raises TooManyMessages."""
    message = _write(project, author, Kind.UPDATE, body)
    for person in current_supporters(project).exclude(pk=author.pk):
        _tell(person, message, "team_update")
    return message


@transaction.atomic
def post_to_board(project: Project, author: User, body: str) -> TeamMessage:
    """A message on the team's board, for everyone in the team; the others are notified.
    Raises TooManyMessages."""
    message = _write(project, author, Kind.BOARD, body)
    for person in team_members(project).exclude(pk=author.pk):
        _tell(person, message, "team_board")
    return message


@transaction.atomic
def write_to_supporter(project: Project, author: User, recipient: User, body: str) -> TeamMessage:
    """An organiser writes to one current supporter; this welcomes them (welcomed_at).
    Raises NotInTeam or TooManyMessages."""
    _supporter(project, recipient)
    message = _write(project, author, Kind.DIRECT, body, recipient=recipient)
    _welcome(project, [recipient])
    _tell(recipient, message, "team_direct")
    return message


@transaction.atomic
def write_to_task(project: Project, author: User, task: Task, body: str) -> TeamMessage:
    """An organiser writes to everyone with a taken place on ``task``; this welcomes them.
    Raises NotInTeam (a task of another project or a removed one) or TooManyMessages."""
    if task.project_id != project.pk or task.removed_at is not None:
        raise NotInTeam
    message = _write(project, author, Kind.TASK, body, task=task)
    people = list(
        User.objects.filter(
            commitments__task=task, commitments__status=Commitment.Status.ACTIVE
        ).exclude(pk=author.pk)
    )
    _welcome(project, people)
    for person in people:
        _tell(person, message, "team_task", task=task)
    return message


@transaction.atomic
def introduce(project: Project, author: User, first: User, second: User, body: str) -> TeamMessage:
    """An organiser introduces two current supporters to each other: both are told the other's
    name and email address, with the organiser's text. Raises NotInTeam or TooManyMessages."""
    if first.pk == second.pk:
        raise NotInTeam
    _supporter(project, first)
    _supporter(project, second)
    message = _write(project, author, Kind.INTRODUCTION, body, recipient=first, introduced=second)
    _welcome(project, [first, second])
    _tell(first, message, "team_introduction", other=second)
    _tell(second, message, "team_introduction", other=first)
    return message


@transaction.atomic
def remove_message(message: TeamMessage, by: User) -> TeamMessage:
    """Hide ``message`` from everyone (kept in the database with who removed it and when).
    Removing it again changes nothing."""
    if message.removed_at is None:
        message.removed_at = timezone.now()
        message.removed_by = by
        message.save(update_fields=["removed_at", "removed_by"])
    return message


@transaction.atomic
def answer_contact_sharing(person: User, *, share: bool) -> User:
    """``person`` decides whether other supporters of their projects may see their email
    address; they are not asked again. A change is noted in the audit log."""
    if person.share_contact != share:
        record(Action.SETTINGS_CHANGED, actor=person, subject=person, fields=["share_contact"])
    person.share_contact = share
    person.share_contact_asked = True
    person.save(update_fields=["share_contact", "share_contact_asked"])
    return person
