"""``record()`` is the one way to write the audit log. Call it inside the transaction of the
change it records, so that an event and its entry land together or not at all.

Actions do not take the request; ``middleware.AuditContextMiddleware`` remembers the request's
platform and address while it runs, so that an entry written deep in an action still says on
which platform and from where. An explicit ``request`` or ``platform`` wins."""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from .models import Action, AuditEntry

if TYPE_CHECKING:
    from crowdmoving.accounts.models import User
    from crowdmoving.tenancy.models import Platform


@dataclass(frozen=True)
class _RequestContext:
    platform: Platform | None
    ip_address: str | None


HOUR = timedelta(hours=1)

_current: ContextVar[_RequestContext | None] = ContextVar("audit_request", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as the sign-in limits see it: behind the reverse
    proxy the last ALLAUTH_TRUSTED_PROXY_COUNT entries of X-Forwarded-For are trusted
    (docs/deploy.md), so the proxy's own address is not recorded for everyone."""
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import PermissionDenied

    try:
        return get_adapter(request).get_client_ip(request) or None
    except PermissionDenied:  # no usable address: the entry is still written
        return None


def remember_request(request: HttpRequest) -> Token[_RequestContext | None]:
    """Called by AuditContextMiddleware at the start of a request; returns the token that
    ``forget_request`` takes at its end."""
    return _current.set(_RequestContext(getattr(request, "platform", None), client_ip(request)))


def forget_request(token: Token[_RequestContext | None]) -> None:
    _current.reset(token)


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
    """Write one audit entry. ``actor`` and ``platform`` default to the request's (the one
    given, else the one being served); ``data`` must not hold names, email addresses,
    passwords, tokens or message texts."""
    context = _current.get()
    ip_address = None
    if request is not None:
        if actor is None and request.user.is_authenticated:
            actor = request.user  # type: ignore[assignment]
        if platform is None:
            platform = getattr(request, "platform", None)
        ip_address = client_ip(request)
    elif context is not None:
        ip_address = context.ip_address
    if platform is None and context is not None:
        platform = context.platform
    entry = AuditEntry(
        action=action,
        actor=actor,
        had_actor=actor is not None,
        platform=platform,
        subject=subject,
        had_subject=subject is not None,
        data=data,
        ip_address=ip_address,
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
    entry.save()
    return entry


def record_at_most_hourly(
    action: Action | str,
    *,
    actor: User,
    target: models.Model,
    request: HttpRequest | None = None,
    platform: Platform | None = None,
    **data: Any,
) -> AuditEntry | None:
    """``record()`` unless ``actor`` has an entry of ``action`` about ``target`` from the last
    hour: reading a page again and again leaves one entry per hour, not one per reload.
    Returns the new entry or None.

    A reload costs no query: the cache remembers the last entry for an hour (``cache.add`` is
    atomic, so two loads at the same moment write once). When the cache has forgotten (a
    restart), the log itself is asked before writing."""
    target_type, target_id = target._meta.label_lower, str(target.pk)
    key = f"audit:{action}:{actor.pk}:{target_type}:{target_id}"
    if not cache.add(key, True, timeout=int(HOUR.total_seconds())):
        return None
    recent = AuditEntry._base_manager.filter(
        action=action,
        actor=actor,
        target_type=target_type,
        target_id=target_id,
        created_at__gte=timezone.now() - HOUR,
    )
    if recent.exists():
        return None
    return record(action, request=request, actor=actor, platform=platform, target=target, **data)
