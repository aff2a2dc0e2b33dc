"""Sessions are per platform: a session signed in on one platform's host is a visitor on another.

Browsers keep cookies per host, but a session cookie can still reach another platform: a shared
cookie domain (``SESSION_COOKIE_DOMAIN``), a copied cookie, or a platform whose custom domain
is a subdomain of another's. The account is one across the network; being signed in is not.

Signing in binds the session to the platform it happened on (``SESSION_PLATFORM_KEY``, written
with the sign-in itself: no extra query). A request on another platform with that session gets
a fresh, empty session instead (a visitor there); the other platform's cookie is left alone (not
deleted: the person stays signed in where they signed in). Requests without a platform (the
health probes) are not touched, and a request without a session cookie costs nothing."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

SESSION_PLATFORM_KEY = "_platform_id"


@receiver(user_logged_in, dispatch_uid="crowdmoving.tenancy.sessions.bind")
def bind_session_to_platform(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    platform = getattr(request, "platform", None)
    if request is not None and platform is not None and hasattr(request, "session"):
        request.session[SESSION_PLATFORM_KEY] = platform.pk


class PlatformSessionMiddleware:
    """Between PlatformMiddleware (request.platform) and AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request: HttpRequest) -> HttpResponse:
        platform = getattr(request, "platform", None)
        session = getattr(request, "session", None)
        if (
            platform is not None
            and session is not None
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and session.get(SESSION_PLATFORM_KEY, platform.pk) != platform.pk
        ):
            request.session = self.store()
            # SessionMiddleware would delete the cookie of an empty session it was sent: keep
            # the other platform's session (and its cookie) as it is.
            request.COOKIES = {
                name: value
                for name, value in request.COOKIES.items()
                if name != settings.SESSION_COOKIE_NAME
            }
        return self.get_response(request)
