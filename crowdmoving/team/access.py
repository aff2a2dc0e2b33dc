"""Who belongs to a project's team, and who coordinates it. Anyone else gets a 404.

The team: the organisation's members who may see supporters (owners, coordinators), the
supporters to whom the coordination of the project was handed over (Project.coordinators),
and the current supporters (a taken place on a task that was not removed). The first two
coordinate the team: they post updates, write to one person or a task, introduce people,
remove messages and always see names and email addresses."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest

from crowdmoving.accounts.models import User
from crowdmoving.organisations.models import Membership, Role
from crowdmoving.projects.models import Commitment, Project
from crowdmoving.tenancy.models import Feature

# The roles whose capabilities include seeing supporters, read from Membership itself, so that
# the rule lives in one place (Membership.can_see_supporters).
SEES_SUPPORTERS = [role for role in Role if Membership(role=role).can_see_supporters]


@dataclass(frozen=True)
class TeamSeat:
    """A person's place in a project's team."""

    project: Project
    person: User
    coordinates: bool  # organiser or coordinator of this project


def coordinators_q(project: Project) -> Q:
    """People (User rows) who coordinate the team of ``project``."""
    return Q(
        memberships__organisation_id=project.organisation_id,
        memberships__role__in=SEES_SUPPORTERS,
    ) | Q(coordinated_projects=project)


def supporters_q(project: Project) -> Q:
    """People (User rows) who hold a taken place on a task of ``project`` that was not removed."""
    return Q(
        commitments__task__project=project,
        commitments__task__removed_at__isnull=True,
        commitments__status=Commitment.Status.ACTIVE,
    )


def _with_seat(projects, user: User):  # type: ignore[no-untyped-def]
    return projects.annotate(
        is_organiser=Exists(
            Membership.objects.filter(
                organisation_id=OuterRef("organisation_id"),
                user_id=user.pk,
                role__in=SEES_SUPPORTERS,
            )
        ),
        is_coordinator=Exists(
            Project.coordinators.through.objects.filter(project_id=OuterRef("pk"), user_id=user.pk)
        ),
        is_supporter=Exists(
            Commitment.objects.filter(
                task__project_id=OuterRef("pk"),
                task__removed_at__isnull=True,
                user_id=user.pk,
                status=Commitment.Status.ACTIVE,
            )
        ),
    )


def has_team(request: HttpRequest) -> bool:
    """Whether the request's platform has team spaces (the operator's feature switch); without
    them every team page is a 404 and no "Team" link is shown."""
    platform = getattr(request, "platform", None)
    return platform is not None and platform.has_feature(Feature.TEAM)


def team_seat(project: Project, user: User | None) -> TeamSeat | None:
    """``user``'s seat in the team of ``project``, or None (one query; none when signed out)."""
    if user is None or not user.is_authenticated:
        return None
    found = _with_seat(Project.objects.filter(pk=project.pk), user).first()
    return _seat(found, user) if found is not None else None


def _seat(project: Project, user: User) -> TeamSeat | None:
    coordinates = bool(project.is_organiser or project.is_coordinator)  # type: ignore[attr-defined]
    if not (coordinates or project.is_supporter):  # type: ignore[attr-defined]
        return None
    return TeamSeat(project=project, person=user, coordinates=coordinates)


def access_team(request: HttpRequest, pk: int, *, coordinates: bool = False) -> TeamSeat:
    """The signed-in person's seat in the team of project ``pk`` on the request's platform;
    with ``coordinates`` only if they coordinate it. Anything else (and every team page of a
    platform without team spaces): Http404."""
    if not request.user.is_authenticated or not has_team(request):
        raise Http404
    platform = getattr(request, "platform", None)
    user: User = request.user  # type: ignore[assignment]
    project = (
        _with_seat(Project.objects.filter(pk=pk, organisation__platform=platform), user)
        .select_related("organisation__platform")
        .first()
    )
    seat = _seat(project, user) if project is not None else None
    if seat is None or (coordinates and not seat.coordinates):
        raise Http404
    return seat
