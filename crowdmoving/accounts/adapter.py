"""allauth hands its mails to the outbox, like every other mail of the product."""

from __future__ import annotations

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
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
