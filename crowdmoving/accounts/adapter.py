"""allauth hands its mails to the outbox, like every other mail of the product."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from crowdmoving.notifications.outbox import queue_email_message


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request: HttpRequest | None = context.get("request") or getattr(self, "request", None)
        platform = getattr(request, "platform", None)
        site = SimpleNamespace(
            name=platform.name if platform else "Crowdmoving",
            domain=request.get_host() if request else "",
        )
        context = {"request": request, "email": email, "current_site": site, **context}
        message = self.render_mail(template_prefix, email, context)
        queue_email_message(message, platform=platform)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Too many wrong passwords for one account or from one address: the 429 page (which
        says to wait a few minutes), not a form error that invites the next guess. Nothing
        locks for good: allauth's windows slide (ACCOUNT_RATE_LIMITS["login_failed"])."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as refusal:
            if getattr(self, "_login_failed_rl_usage", True):
                raise  # not the rate limit
            raise ImmediateHttpResponse(respond_429(request)) from refusal

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """allauth asks for the password again before sensitive changes (two-factor set-up,
        email addresses) unless the person confirmed it within REAUTHENTICATION_TIMEOUT. A
        sign-in within that time is the same proof, just given: an administrator sent to the
        two-factor set-up right after signing in is not asked for the password twice."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not signed_in_moments_ago(allauth_context.request)


def signed_in_moments_ago(request: HttpRequest | None) -> bool:
    """Whether the person proved who they are in this session (password, emailed code or
    second factor) within the reauthentication timeout."""
    if request is None or not request.user.is_authenticated:
        return False
    proofs = [
        record["at"]
        for record in get_authentication_records(request, request.user)
        if record.get("method") in account_settings.REAUTHENTICATION_METHODS
    ]
    return bool(proofs) and time.time() - max(proofs) < account_settings.REAUTHENTICATION_TIMEOUT
