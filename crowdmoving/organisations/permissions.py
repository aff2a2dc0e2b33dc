"""Reads that check permission. Anything of another platform or organisation is a 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest

from .models import Membership, Organisation

if TYPE_CHECKING:
    from crowdmoving.accounts.models import User
    from crowdmoving.projects.models import Project


def access_membership(
    request: HttpRequest,
    organisation: Organisation,
    need: Callable[[Membership], bool] | None = None,
) -> Membership:
    """The signed-in person's membership of ``organisation`` (which must belong to the
    request's platform), if it allows ``need``; otherwise Http404."""
    if not request.user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.filter(organisation=organisation, user=request.user)
        .select_related("organisation")
        .first()
    )
    if membership is None or (need is not None and not need(membership)):
        raise Http404
    return membership


def access_organisation(
    request: HttpRequest, slug: str, need: Callable[[Membership], bool] | None = None
) -> Membership:
    """Membership of the organisation ``slug`` on this platform, as access_membership."""
    if not request.user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.filter(organisation__slug=slug, user=request.user)
        .select_related("organisation")
        .first()
    )
    if membership is None or (need is not None and not need(membership)):
        raise Http404
    return membership


def can_edit_projects(m: Any) -> bool:
    """Membership or ProjectRights: create and edit projects and tasks."""
    return bool(m.can_edit_projects)


def can_see_supporters(m: Any) -> bool:
    """Membership or ProjectRights: supporters' contact details and the waiting lists."""
    return bool(m.can_see_supporters)


def can_manage_members(m: Membership) -> bool:
    return m.can_manage_members


def can_change_settings(m: Membership) -> bool:
    return m.can_change_settings


# --- a project's rights: the organisation's roles plus the hand-over of its coordination --------


@dataclass(frozen=True)
class ProjectRights:
    """What the signed-in person may do on one project's organisers' side: through their
    membership of its organisation, or because its coordination was handed over to them.
    Views and templates ask these properties, never a role."""

    membership: Membership | None
    coordinates: bool  # the project's coordination was handed over to this person

    @property
    def can_edit_projects(self) -> bool:
        return self.membership is not None and self.membership.can_edit_projects

    @property
    def can_see_supporters(self) -> bool:
        """Contact details of supporters and the waiting lists."""
        return self.coordinates or (
            self.membership is not None and self.membership.can_see_supporters
        )

    @property
    def can_confirm_attendance(self) -> bool:
        return self.can_see_supporters

    @property
    def can_hand_over(self) -> bool:
        """Hand the project's coordination over to one of its supporters."""
        return self.membership is not None and self.membership.can_see_supporters


def project_rights(user: User | AnonymousUser, project: Project) -> ProjectRights | None:
    """``user``'s rights on ``project`` (already loaded through the platform scope), or None
    when they have none at all. Two queries at most."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(organisation_id=project.organisation_id, user_id=user.pk)
        .select_related("organisation")
        .first()
    )
    coordinates = project.coordinators.filter(pk=user.pk).exists()
    if membership is None and not coordinates:
        return None
    return ProjectRights(membership=membership, coordinates=coordinates)


def access_project_rights(
    request: HttpRequest,
    project: Project,
    need: Callable[[ProjectRights], bool] | None = None,
) -> ProjectRights:
    """The signed-in person's rights on ``project`` if they allow ``need``; otherwise Http404."""
    rights = project_rights(request.user, project)
    if rights is None or (need is not None and not need(rights)):
        raise Http404
    return rights


def can_coordinate_project(user: User | AnonymousUser, project: Project) -> bool:
    """See the supporters of ``project`` with their contact details and its waiting lists."""
    rights = project_rights(user, project)
    return rights is not None and rights.can_see_supporters


def can_confirm_attendance(r: ProjectRights) -> bool:
    return r.can_confirm_attendance


def can_hand_over(r: ProjectRights) -> bool:
    return r.can_hand_over
