"""Reads that check permission. Anything of another platform or organisation is a 404."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest

from .models import Membership, Organisation


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


def can_edit_projects(m: Membership) -> bool:
    return m.can_edit_projects


def can_see_supporters(m: Membership) -> bool:
    return m.can_see_supporters
