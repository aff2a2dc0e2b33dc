from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .permissions import is_platform_admin


def platform(request: HttpRequest) -> dict:
    """The request's platform, and whether the person administers it: asked only when a
    template looks (the navigation, for signed-in people), at most once per request; a
    signed-out visitor costs no query."""
    current = getattr(request, "platform", None)

    def administers() -> bool:
        user = getattr(request, "user", None)
        if current is None or user is None or not user.is_authenticated:
            return False
        return is_platform_admin(user, current)

    return {"platform": current, "is_platform_admin": SimpleLazyObject(administers)}
