"""Writes to a person's notifications and their email preferences."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.tenancy.models import Platform

from .models import ESSENTIAL_KINDS, Kind, Notification


def mutable_kinds() -> list[Kind]:
    """The kinds a person may stop getting by email."""
    return [kind for kind in Kind if kind not in ESSENTIAL_KINDS]


def save_preferences(user: User, *, email_kinds: Iterable[str], daily_digest: bool) -> User:
    """Email the kinds in ``email_kinds`` (essentials always), mute the other kinds; one daily
    digest instead of single mails if ``daily_digest``. The audit log notes which of the two
    settings changed."""
    wanted = set(email_kinds)
    muted = [kind.value for kind in mutable_kinds() if kind not in wanted]
    changed = [
        field
        for field, differs in (
            ("muted_email_kinds", set(muted) != set(user.muted_email_kinds or [])),
            ("daily_digest", daily_digest != user.daily_digest),
        )
        if differs
    ]
    user.muted_email_kinds = muted
    user.daily_digest = daily_digest
    with transaction.atomic():
        user.save(update_fields=["muted_email_kinds", "daily_digest"])
        if changed:
            record(Action.SETTINGS_CHANGED, actor=user, subject=user, fields=changed)
    return user


def mute(user: User, kind: str) -> bool:
    """Stop emailing ``kind`` to ``user`` (the unsubscribe link); False for an essential or
    unknown kind, which cannot be muted. The audit log notes the change, made by ``user`` (the
    signed link is theirs)."""
    if kind not in Kind.values or kind in ESSENTIAL_KINDS:
        return False
    muted = list(user.muted_email_kinds or [])
    if kind not in muted:
        user.muted_email_kinds = [*muted, kind]
        with transaction.atomic():
            user.save(update_fields=["muted_email_kinds"])
            record(
                Action.SETTINGS_CHANGED,
                actor=user,
                subject=user,
                fields=["muted_email_kinds"],
                via="unsubscribe_link",
            )
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
