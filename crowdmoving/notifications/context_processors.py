from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread(request: HttpRequest) -> dict[str, Any]:
    """The unread count in the navigation, for signed-in people: one COUNT query, run only
    when a template shows it and at most once per request."""
    user = getattr(request, "user", None)
    platform = getattr(request, "platform", None)
    if user is None or not user.is_authenticated or platform is None:
        return {}

    def count() -> int:
        cached = getattr(request, "_unread_notifications", None)
        if cached is None:
            cached = Notification._base_manager.filter(
                user_id=user.pk, platform_id=platform.pk, read_at__isnull=True
            ).count()
            request._unread_notifications = cached  # type: ignore[attr-defined]
        return cached

    return {"unread_notifications": SimpleLazyObject(count)}
