"""What the team page reads, in a constant number of queries however many tasks, people and
messages a project has."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext

from crowdmoving.accounts.models import User
from crowdmoving.projects.models import Commitment, Project, Task

from .access import TeamSeat, coordinators_q, supporters_q
from .models import TeamMessage

# The page shows the newest messages; older ones stay in the database.
MESSAGES_SHOWN = 200
Kind = TeamMessage.Kind


@dataclass(frozen=True)
class Person:
    """A team member as the viewer may see them."""

    name: str
    email: str  # empty unless the viewer may see it
    is_you: bool = False


def shown(user: User | None, seat: TeamSeat, *, introduced: bool = False) -> Person:
    """``user`` as ``seat``'s person may see them: coordinators see full names and email
    addresses; supporters see the name each person allows, and an address only when its owner
    shares it with the other supporters, or when the two were ``introduced`` to each other."""
    if user is None:
        return Person(name=gettext("A former member"), email="")
    if user.pk == seat.person.pk:
        return Person(name=user.name or user.email, email=user.email, is_you=True)
    if seat.coordinates:
        return Person(name=user.name or user.email, email=user.email)
    return Person(
        name=user.public_name() or gettext("Someone who prefers to stay anonymous"),
        email=user.email if user.share_contact or introduced else "",
    )


def current_supporters(project: Project) -> QuerySet[User]:
    """People with a taken place on a task of ``project`` that was not removed."""
    return User.objects.filter(supporters_q(project)).distinct().order_by("name", "email")


def team_members(project: Project) -> QuerySet[User]:
    """Everyone in the team of ``project``: its coordinators and its current supporters."""
    return (
        User.objects.filter(coordinators_q(project) | supporters_q(project))
        .distinct()
        .order_by("pk")
    )


def team_tasks(project: Project) -> QuerySet[Task]:
    """The tasks of ``project`` that were not removed, in order, each with ``team``: its
    taken places with their people."""
    return (
        Task.objects.filter(project=project, removed_at__isnull=True)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.filter(status=Commitment.Status.ACTIVE)
                .select_related("user")
                .order_by("joined_at", "pk"),
                to_attr="team",
            )
        )
    )


def visible_messages(seat: TeamSeat) -> QuerySet[TeamMessage]:
    """Messages of the project that ``seat``'s person may read, newest first, removed ones
    left out. Updates and the board: the whole team. A message to one person: the author, that
    person and the coordinators; to a task: those on the task too; an introduction: the two
    people introduced and the coordinators."""
    messages = TeamMessage.objects.filter(project=seat.project, removed_at__isnull=True)
    if not seat.coordinates:
        me = seat.person
        my_tasks = Commitment.objects.filter(
            user=me, status=Commitment.Status.ACTIVE, task__project=seat.project
        ).values("task_id")
        messages = messages.filter(
            Q(kind__in=[Kind.UPDATE, Kind.BOARD])
            | Q(author=me)
            | Q(kind=Kind.DIRECT, recipient=me)
            | Q(kind=Kind.TASK, task_id__in=my_tasks)
            | Q(kind=Kind.INTRODUCTION) & (Q(recipient=me) | Q(introduced=me))
        )
    return messages.select_related("author", "recipient", "introduced", "task").order_by(
        "-created_at", "-pk"
    )


@dataclass
class TeamTask:
    task: Task
    people: list[Person]


@dataclass
class TeamPage:
    tasks: list[TeamTask]
    updates: list[TeamMessage] = field(default_factory=list)
    board: list[TeamMessage] = field(default_factory=list)
    personal: list[TeamMessage] = field(default_factory=list)
    supporter_count: int = 0


def team_page(seat: TeamSeat) -> TeamPage:
    """Everything the team page shows to ``seat``'s person, in three queries. Each message
    carries ``author_shown``, ``recipient_shown`` and ``introduced_shown`` (Person or None)."""
    tasks = list(team_tasks(seat.project))
    page = TeamPage(
        tasks=[
            TeamTask(task=task, people=[shown(c.user, seat) for c in task.team])  # type: ignore[attr-defined]
            for task in tasks
        ]
    )
    page.supporter_count = len({c.user_id for task in tasks for c in task.team})  # type: ignore[attr-defined]
    for message in visible_messages(seat)[:MESSAGES_SHOWN]:
        message.author_shown = shown(message.author, seat)  # type: ignore[attr-defined]
        # The two people of an introduction got each other's address by email anyway.
        pair = message.kind == Kind.INTRODUCTION and seat.person.pk in (
            message.recipient_id,
            message.introduced_id,
        )
        message.recipient_shown = (  # type: ignore[attr-defined]
            shown(message.recipient, seat, introduced=pair) if message.recipient_id else None
        )
        message.introduced_shown = (  # type: ignore[attr-defined]
            shown(message.introduced, seat, introduced=pair) if message.introduced_id else None
        )
        if message.kind == Kind.UPDATE:
            page.updates.append(message)
        elif message.kind == Kind.BOARD:
            page.board.append(message)
        else:
            page.personal.append(message)
    return page
