"""Two-factor authentication: offered to everyone, required for those who run platforms.

allauth.mfa does the work (an authenticator app with recovery codes, the code step at sign-in).
This module adds what Crowdmoving needs on top:

- ``MFAAdapter``: the authenticator app shows the platform's name as the issuer, a person
  who must use two factors cannot switch them off, and the app's secret and the recovery
  codes' seed are stored encrypted (crowdmoving.accounts.mfa_secrets).
- ``RequireSecondFactorMiddleware``: platform administrators and operators without an
  authenticator app are sent to set one up, from every page except the set-up itself, signing
  out, the language switch, static files and the health probes; afterwards they continue where
  they were going.

The requirement belongs to the account, not to the host it is used on: a person who
administers any platform (or runs the installation) needs the second factor on every platform,
since one account signs in everywhere.
"""

from __future__ import annotations

import base64
import logging
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crowdmoving.accounts import mfa_secrets
from crowdmoving.accounts.adapter import signed_in_moments_ago
from crowdmoving.tenancy.models import PlatformAdmin

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# Where the person was going when they were sent to set up the authenticator app; the
# recovery-codes page (shown right after activation) offers to continue there.
CONTINUE_SESSION_KEY = "mfa_continue"
# The last answer of ``second_factor_state`` for this session: {"uid", "ok", "at"}.
STATE_SESSION_KEY = "_crowdmoving_mfa"
# How long a session trusts its last answer before asking the database again: someone made
# an administrator meanwhile is asked to set up the app within this time.
RECHECK_SECONDS = 300

logger = logging.getLogger(__name__)


def _state_query(user_id: int) -> tuple[bool, bool]:
    """(administers any platform, has an authenticator app), in one query."""
    from crowdmoving.accounts.models import User

    row = (
        User.objects.filter(pk=user_id)
        .annotate(
            administers=Exists(PlatformAdmin._base_manager.filter(user_id=OuterRef("pk"))),
            has_app=Exists(
                Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
        )
        .values_list("administers", "has_app")
        .first()
    )
    return row if row is not None else (False, False)


def needs_second_factor(user: AbstractBaseUser) -> bool:
    """Must ``user`` use an authenticator app? Operators (staff) and administrators of any
    platform must."""
    if getattr(user, "is_staff", False):
        return True
    administers, _has_app = _state_query(user.pk)  # type: ignore[arg-type]
    return administers


def remember_state(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """Ask the database whether ``user`` lacks a required authenticator app (one query),
    keep the answer in the session and return True if the app is missing."""
    administers, has_app = _state_query(user.pk)  # type: ignore[arg-type]
    required = administers or bool(getattr(user, "is_staff", False))
    ok = has_app or not required
    request.session[STATE_SESSION_KEY] = {"uid": user.pk, "ok": ok, "at": time.time()}
    return not ok


def lacks_second_factor(request: HttpRequest) -> bool:
    """True if the signed-in person must use an authenticator app and has none. A session
    that was fine within the last RECHECK_SECONDS asks nothing; otherwise one query."""
    user = request.user
    state = request.session.get(STATE_SESSION_KEY)
    if (
        isinstance(state, dict)
        and state.get("uid") == user.pk
        and state.get("ok")
        and time.time() - float(state.get("at", 0)) < RECHECK_SECONDS
    ):
        return False
    return remember_state(request, user)  # type: ignore[arg-type]


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": gettext_lazy(
            "You administer a platform, so two-factor authentication stays on for your account."
        ),
    }

    def get_totp_issuer(self) -> str:
        """The name people see in their authenticator app: the platform's."""
        request = getattr(context, "request", None)
        platform = getattr(request, "platform", None)
        return platform.name if platform is not None else "Crowdmoving"

    def encrypt(self, text: str) -> str:
        return mfa_secrets.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        """The stored secret in the clear. If no configured key opens it, a fresh random
        secret instead: allauth has no way to say "cannot check" (an exception would be a 500
        on the code step and the two-factor pages), and a random secret fails closed: every
        code is refused as wrong, no page breaks, and nobody can compute a matching code
        (an empty or fixed stand-in would let anyone in). Operators find the warning in the
        log; docs/deploy.md says how to reset the person's two-factor authentication."""
        try:
            return mfa_secrets.decrypt(encrypted_text)
        except mfa_secrets.UndecryptableSecret:
            logger.warning(
                "A stored two-factor secret could not be decrypted with MFA_ENCRYPTION_KEY, "
                "SECRET_KEY or their fallbacks; its codes are refused."
            )
            # Base32 letters: a valid TOTP secret and an ASCII recovery-code seed alike.
            return base64.b32encode(secrets.token_bytes(20)).decode("ascii")

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type != Authenticator.Type.TOTP:
            return True
        return not needs_second_factor(authenticator.user)


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("mfa_index"),  # set-up, recovery codes, the code step, re-authentication
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        reverse("account_request_reauthentication_code"),
        reverse("account_confirm_reauthentication_code"),
        reverse("set_language"),
        reverse("healthz"),
        reverse("readyz"),
        reverse("platform_css"),  # the set-up page needs the platform's colours too
        settings.STATIC_URL or "/static/",
    )


class RequireSecondFactorMiddleware:
    """Sends platform administrators and operators without an authenticator app to set one
    up. Goes after AuthenticationMiddleware and allauth's AccountMiddleware. Anonymous
    visitors cost nothing; signed-in people at most one query, and none while their session's
    last answer is fresh (``lacks_second_factor``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt(self, path: str) -> bool:
        if self._exempt is None:
            self._exempt = _exempt_prefixes()
        return path.startswith(self._exempt)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self.exempt(request.path):
            return self.get_response(request)
        if lacks_second_factor(request):
            return self.send_to_set_up(request)
        # Activated: forget where the set-up was to continue once the person went on.
        request.session.pop(CONTINUE_SESSION_KEY, None)
        return self.get_response(request)

    def send_to_set_up(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET":
            request.session[CONTINUE_SESSION_KEY] = request.get_full_path()
        # The set-up page says why itself; the notice is for the password prompt that comes
        # first when the sign-in was longer ago (adapter.signed_in_moments_ago).
        if not signed_in_moments_ago(request):
            messages.warning(
                request,
                _(
                    "You administer a platform, so your account needs two-factor "
                    "authentication. Set up an authenticator app now; then you can continue."
                ),
            )
        url = reverse("mfa_activate_totp")
        response: HttpResponse
        if getattr(request, "htmx", False):
            # An htmx request would swap the set-up page into a fragment: load it whole.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
        else:
            response = HttpResponseRedirect(url)
        return response


def continue_url(request: HttpRequest) -> str:
    """Where a person sent to the set-up was going (an address on this site), or ''."""
    value = request.session.get(CONTINUE_SESSION_KEY, "")
    if isinstance(value, str) and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""
