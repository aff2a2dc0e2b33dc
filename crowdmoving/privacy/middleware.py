"""Ask a signed-in person to accept the platform's current privacy text before they go on.

Once per version: whoever has no consent to the current version (never gave one, gave one to
an earlier version, or withdrew it) is sent from the next page they open to
``/privacy/accept/?next=<that page>``. One query per request for signed-in people
(selectors.text_to_accept), none for anonymous visitors. Passing through: anything but GET,
htmx requests (a fragment must not become the accept page; the next full page asks), the
privacy pages themselves, signing out, setting up a second factor, downloading one's data and
deleting one's account, the emailed unsubscribe link, the calendar feed and the health probes,
and views marked with ``consent_exempt``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import selectors

View = TypeVar("View", bound=Callable[..., Any])

# URL names that must work without accepting first (namespaced names as reverse() takes them).
PASS_THROUGH_NAMES = frozenset(
    {
        "account_logout",
        "set_language",
        "notifications:unsubscribe",
        "me:calendar_feed",
        # Whoever does not accept may still take their data with them or delete the account.
        "me:data",
        "me:data_download",
        "me:delete_account",
        "me:delete_account_confirm",
        "me:account_deleted",
        "healthz",
        "readyz",
    }
)
PASS_THROUGH_NAMESPACES = frozenset({"privacy"})
# allauth.mfa's pages (mfa_index, mfa_activate_totp, ...): administrators are sent there to set
# up their second factor first (accounts.mfa); sending them on from there would be a loop.
PASS_THROUGH_PREFIXES = ("mfa_", "account_reauthenticate")


def consent_exempt(view: View) -> View:
    """Mark a view that a person must reach without accepting the privacy text first (e.g.
    deleting their account)."""
    view.consent_exempt = True  # type: ignore[attr-defined]
    return view


class ConsentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if request.method != "GET" or not request.user.is_authenticated:
            return None
        platform = getattr(request, "platform", None)
        if platform is None or getattr(request, "htmx", False):
            return None
        if getattr(view_func, "consent_exempt", False):
            return None
        match = request.resolver_match
        if match is not None and (
            match.view_name in PASS_THROUGH_NAMES
            or PASS_THROUGH_NAMESPACES.intersection(match.namespaces)
            or (match.url_name or "").startswith(PASS_THROUGH_PREFIXES)
        ):
            return None
        if selectors.text_to_accept(request.user, platform) is None:  # type: ignore[arg-type]
            return None
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('privacy:accept')}?{query}")
