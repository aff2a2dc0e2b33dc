"""Every write of the API's own data: personal access tokens."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.projects import actions as project_actions
from crowdmoving.projects.models import Project
from crowdmoving.tenancy.models import Platform

from . import tokens
from .models import AccessToken

# last_used_at is written at most this often per token, so that reading the API is not a
# write per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def end_of(day: date) -> datetime:
    """The moment a token "valid until ``day``" stops working: the end of that day, local."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def create_token(
    user: User, platform: Platform, *, name: str, valid_until: date | None = None
) -> tuple[AccessToken, str]:
    """A new token of ``user`` on ``platform``; returns it with its secret, which exists only
    in this return value (only its digest is stored). Noted in the audit log."""
    new = tokens.generate()
    with transaction.atomic():
        token = AccessToken.objects.create(
            platform=platform,
            user=user,
            name=name.strip(),
            prefix=new.prefix,
            key_hash=new.key_hash,
            expires_at=end_of(valid_until) if valid_until else None,
        )
        record(
            Action.API_TOKEN_CREATED,
            actor=user,
            platform=platform,
            target=token,
            prefix=token.prefix,
        )
    return token, new.secret


def revoke_token(token: AccessToken, *, by: User) -> bool:
    """Revoke ``token`` (at once, for good); False when it was revoked already. Noted in the
    audit log."""
    with transaction.atomic():
        revoked = AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            record(
                Action.API_TOKEN_REVOKED,
                actor=by,
                platform=token.platform,
                target=token,
                prefix=token.prefix,
            )
    return bool(revoked)


def revoke_all_tokens(user: User) -> int:
    """Revoke every live token of ``user`` on every platform: a changed or reset password ends
    what a stolen session may have made, as it ends the sessions. The number revoked. Each is
    noted in the audit log of its platform."""
    with transaction.atomic(), scopes_disabled():  # the person's tokens on every platform
        live = list(AccessToken.objects.filter(user=user, revoked_at__isnull=True))
        for token in live:
            revoke_token(token, by=user)
    return len(live)


def note_use(token: AccessToken) -> None:
    """Remember when ``token`` was last used, at most once a minute: one conditional UPDATE
    that matches no row while the stored time is recent (and none at all while the token's
    own copy says so)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    AccessToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    token.last_used_at = now


def edit_project(
    project: Project, data: dict[str, Any], *, status: str | None, by: User
) -> Project:
    """The API's PATCH of a project: its fields (cleaned by the web's ProjectForm) and, when
    ``status`` is given, its state, together or not at all (PublishingRefused leaves both)."""
    with transaction.atomic():
        if status is not None and status != project.status:
            project_actions.change_status(project, status, by=by)
        return project_actions.update_project(project, data)
