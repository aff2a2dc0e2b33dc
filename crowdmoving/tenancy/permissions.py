"""Who runs a platform: operators (staff) run the installation, administrators one platform."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest

from .models import Platform, PlatformAdmin

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from crowdmoving.accounts.models import User


def is_operator(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_platform_admin(user: User | AnonymousUser, platform: Platform) -> bool:
    """Administrators of this platform; operators count as administrators of every platform."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_operator(user):
        return True
    return PlatformAdmin.objects.filter(platform=platform, user=user).exists()


def access_platform_admin(request: HttpRequest) -> Platform:
    """The request's platform if the signed-in person administers it; a 404 otherwise, so that
    the administration's pages do not announce themselves to others."""
    platform: Platform = request.platform  # type: ignore[attr-defined]
    if not is_platform_admin(request.user, platform):
        raise Http404
    return platform
