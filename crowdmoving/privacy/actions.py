"""Every write of the privacy app: publishing a version of a platform's privacy text, and
giving and withdrawing consent. One transaction each, with its audit entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.core.text import render_markdown

from .models import Consent, HeldConsent, PrivacyText, Purpose

if TYPE_CHECKING:
    from crowdmoving.accounts.models import User
    from crowdmoving.projects.models import Commitment
    from crowdmoving.tenancy.models import Platform


def publish_text(
    platform: Platform,
    *,
    body: str,
    summary_of_changes: str,
    by: User | None,
    request: HttpRequest | None = None,
) -> PrivacyText:
    """Publish ``body`` (Markdown) as the platform's next version. Earlier versions stay as
    they were: the consents given to them keep pointing at the text that was accepted. Two
    administrators publishing at the same moment get two consecutive versions."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = PrivacyText.objects.filter(platform=platform).aggregate(v=Max("version"))
                text = PrivacyText.objects.create(
                    platform=platform,
                    version=(latest["v"] or 0) + 1,
                    body=body,
                    body_html=render_markdown(body),
                    summary_of_changes=summary_of_changes,
                    published_by=by,
                )
                record(
                    Action.PRIVACY_TEXT_PUBLISHED,
                    request=request,
                    actor=by,
                    platform=platform,
                    target=text,
                    version=text.version,
                )
                return text
        except IntegrityError:  # the same version number taken a moment ago: take the next
            continue
    raise RuntimeError("Could not find a free version number for the privacy text.")


def give_consent(
    user: User,
    text: PrivacyText,
    *,
    platform: Platform | None = None,
    request: HttpRequest | None = None,
) -> Consent:
    """Record that ``user`` accepted ``text``. Accepting a version twice (a double click)
    keeps the first record."""
    platform = platform or text.platform
    with transaction.atomic():
        existing = Consent.objects.filter(
            user=user,
            platform=platform,
            purpose=Purpose.PRIVACY_TEXT,
            text=text,
            withdrawn_at__isnull=True,
        ).first()
        if existing is not None:
            return existing
        consent = Consent.objects.create(
            user=user, platform=platform, purpose=Purpose.PRIVACY_TEXT, text=text
        )
        record(
            Action.CONSENT_GIVEN,
            request=request,
            actor=user,
            platform=platform,
            subject=user,
            target=consent,
            purpose=consent.purpose,
            version=text.version,
        )
        return consent


def withdraw_consent(consent: Consent, *, request: HttpRequest | None = None) -> Consent:
    """Take a consent back: ``withdrawn_at`` is set, the record stays. Repeating is harmless."""
    with transaction.atomic():
        withdrawn = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        consent.refresh_from_db()
        if withdrawn:
            record(
                Action.CONSENT_WITHDRAWN,
                request=request,
                actor=consent.user,
                platform=consent.platform,
                subject=consent.user,
                target=consent,
                purpose=consent.purpose,
                version=consent.text.version,
            )
        return consent


def remember_held_consent(commitment: Commitment, text: PrivacyText) -> None:
    """A visitor accepted ``text`` when holding the place ``commitment``; it becomes their
    consent when they confirm the place (confirm_held_consent)."""
    HeldConsent.objects.update_or_create(
        commitment=commitment, defaults={"text": text, "platform_id": text.platform_id}
    )


def confirm_held_consent(commitment: Commitment) -> Consent | None:
    """The held place ``commitment`` was confirmed: the acceptance given when holding it
    becomes the consent of the person the confirmation signs in. None if none was given."""
    held = (
        HeldConsent.objects.filter(commitment_id=commitment.pk)
        .select_related("text", "platform")
        .first()
    )
    if held is None:
        return None
    with transaction.atomic():
        if not HeldConsent.objects.filter(pk=held.pk).delete()[0]:
            return None  # a concurrent confirmation took it
        return give_consent(commitment.user, held.text, platform=held.platform)
