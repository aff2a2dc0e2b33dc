"""Tell a person about something: an in-app notification on the platform where it happened and,
unless they muted that kind of email or read a daily digest, an email through the outbox.

Every capability notifies through ``notify``; only essentials without an in-app side (a hold's
code, account mails) write to the outbox directly."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from crowdmoving.accounts.models import User
from crowdmoving.tenancy.models import Platform

from .models import ESSENTIAL_KINDS, Kind, Notification
from .outbox import Attachment, queue_email, render_text, site_url

UNSUBSCRIBE_SALT = "crowdmoving.unsubscribe"


def unsubscribe_token(user: User, kind: str) -> str:
    """A signed token that mutes ``kind`` for ``user``; it does not expire."""
    return signing.dumps({"u": user.pk, "k": str(kind)}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The (user id, kind) of a token, or None when it is forged or names no mutable kind."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or kind not in Kind.values or kind in ESSENTIAL_KINDS:
        return None
    return user_id, kind


def wants_email_now(user: User, kind: str) -> bool:
    """Essentials always; otherwise not when muted, and not when the person reads a digest."""
    if kind in ESSENTIAL_KINDS:
        return True
    return kind not in (user.muted_email_kinds or []) and not user.daily_digest


def render_subject(template: str, context: dict[str, Any], language: str) -> str:
    with translation.override(language):
        text = render_text(f"notifications/email/{template}_subject.txt", context)
    return " ".join(text.split())


def notify(
    user: User,
    kind: Kind | str,
    *,
    platform: Platform,
    template: str,
    key: str,
    url: str = "",
    context: dict[str, Any] | None = None,
    attachments: list[Attachment] | None = None,
) -> Notification:
    """Notify ``user`` of ``kind`` on ``platform``: ``template`` names
    notifications/email/<template>_subject.txt (also the in-app title) and <template>.txt;
    ``key`` deduplicates the email; ``url`` is a path on the platform the notification links
    to. Call it inside the transaction of the change it reports. Every email of a kind that
    can be muted carries a one-click unsubscribe link for that kind."""
    language = user.language or platform.default_language or settings.LANGUAGE_CODE
    base = site_url(platform)
    context = {
        "person": user,
        "platform": platform,
        "site_url": base,
        "url": url,
        "settings_path": reverse("notifications:settings"),
        **(context or {}),
    }
    if kind not in ESSENTIAL_KINDS:
        context["unsubscribe_url"] = base + reverse(
            "notifications:unsubscribe", args=[unsubscribe_token(user, kind)]
        )
    email_now = wants_email_now(user, kind)
    # Joins the caller's transaction without a savepoint: a failure here fails the change.
    with transaction.atomic(savepoint=False):
        notification = Notification.objects.create(
            platform=platform,
            user=user,
            kind=kind,
            title=render_subject(template, context, language)[:255],
            url=url,
            emailed=email_now,
        )
        if email_now:
            queue_email(
                to=user.email,
                template=template,
                context=context,
                key=key,
                platform=platform,
                language=language,
                attachments=attachments,
            )
    return notification
