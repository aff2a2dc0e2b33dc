"""allauth hands its mails to the outbox, like every other mail of the product."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
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
