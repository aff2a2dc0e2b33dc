"""``record()`` is the one way to write the audit log. Call it inside the transaction of the
change it records, so that an event and its entry land together or not at all."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

from .models import Action, AuditEntry

if TYPE_CHECKING:
    from crowdmoving.accounts.models import User
    from crowdmoving.tenancy.models import Platform


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from. Behind the reverse proxy, REMOTE_ADDR is the proxy;
    the proxy sets X-Real-IP / REMOTE_ADDR as docs/deploy.md describes."""
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: Action | str,
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
    platform: Platform | None = None,
    subject: User | None = None,
    target: models.Model | None = None,
    **data: Any,
) -> AuditEntry:
    """Write one audit entry. ``actor`` and ``platform`` default to the request's; ``data`` must
    not hold names, email addresses, passwords, tokens or message texts."""
    if request is not None:
        if actor is None and request.user.is_authenticated:
            actor = request.user  # type: ignore[assignment]
        if platform is None:
            platform = getattr(request, "platform", None)
    entry = AuditEntry(
        action=action,
        actor=actor,
        platform=platform,
        subject=subject,
        data=data,
        ip_address=client_ip(request) if request is not None else None,
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
    entry.save()
    return entry
