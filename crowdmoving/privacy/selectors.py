"""The privacy texts and consents pages need, each with its query budget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from .models import Consent, PrivacyText, Purpose

if TYPE_CHECKING:
    from crowdmoving.accounts.models import User
    from crowdmoving.tenancy.models import Platform


def current_text(platform: Platform) -> PrivacyText | None:
    """The platform's newest version, or None before the first is published. One query."""
    return PrivacyText.objects.filter(platform=platform).order_by("-version").first()


def text_version(platform: Platform, version: int) -> PrivacyText:
    """One version of the platform's text; a 404 for a version it does not have."""
    text = PrivacyText.objects.filter(platform=platform, version=version).first()
    if text is None:
        raise Http404
    return text


def versions(platform: Platform) -> QuerySet[PrivacyText]:
    """Every version, newest first, without their bodies (for lists). One query."""
    return (
        PrivacyText.objects.filter(platform=platform)
        .order_by("-version")
        .only("pk", "platform_id", "version", "summary_of_changes", "published_at")
    )


def text_to_accept(user: User, platform: Platform) -> PrivacyText | None:
    """The current version if ``user`` has not accepted it (or withdrew), else None; None too
    when the platform has no text. One query: it runs on every page a signed-in person opens."""
    accepted = Consent.objects.filter(
        user=user,
        platform=platform,
        purpose=Purpose.PRIVACY_TEXT,
        withdrawn_at__isnull=True,
        text=OuterRef("pk"),
    )
    current = (
        PrivacyText.objects.filter(platform=platform)
        .annotate(accepted=Exists(accepted))
        .only("pk", "platform_id", "version", "summary_of_changes", "published_at")
        .order_by("-version")
        .first()
    )
    if current is None or current.accepted:  # type: ignore[attr-defined]
        return None
    return current


def consents(user: User, platform: Platform) -> QuerySet[Consent]:
    """The person's consents on this platform, newest first, with their versions. One query."""
    return (
        Consent.objects.filter(user=user, platform=platform)
        .select_related("text")
        .defer("text__body", "text__body_html")
        .order_by("-given_at", "-pk")
    )
