"""Writes to a person's notifications and their email preferences."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from crowdmoving.accounts.models import User
from crowdmoving.tenancy.models import Platform

from .models import ESSENTIAL_KINDS, Kind, Notification


def mutable_kinds() -> list[Kind]:
    """The kinds a person may stop getting by email."""
    return [kind for kind in Kind if kind not in ESSENTIAL_KINDS]


def save_preferences(user: User, *, email_kinds: Iterable[str], daily_digest: bool) -> User:
    """Email the kinds in ``email_kinds`` (essentials always), mute the other kinds; one daily
    digest instead of single mails if ``daily_digest``."""
    wanted = set(email_kinds)
    user.muted_email_kinds = [kind.value for kind in mutable_kinds() if kind not in wanted]
    user.daily_digest = daily_digest
    user.save(update_fields=["muted_email_kinds", "daily_digest"])
    return user


def mute(user: User, kind: str) -> bool:
    """Stop emailing ``kind`` to ``user`` (the unsubscribe link); False for an essential or
    unknown kind, which cannot be muted."""
    if kind not in Kind.values or kind in ESSENTIAL_KINDS:
        return False
    muted = list(user.muted_email_kinds or [])
    if kind not in muted:
        user.muted_email_kinds = [*muted, kind]
        user.save(update_fields=["muted_email_kinds"])
    return True


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def mark_all_read(user: User, platform: Platform) -> int:
    return Notification.objects.filter(user=user, platform=platform, read_at__isnull=True).update(
        read_at=timezone.now()
    )
