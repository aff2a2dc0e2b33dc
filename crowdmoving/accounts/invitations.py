"""What every invitation by email shares (to an organisation, to administer a platform): how long
it stays open, and that only the invited, confirmed address may accept it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from allauth.account.models import EmailAddress
from django.utils import timezone

from .models import User

INVITATION_VALID_FOR = timedelta(days=14)


class EmailInvitation(Protocol):
    created_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


def invitation_is_open(invitation: EmailInvitation) -> bool:
    """Neither used nor withdrawn, and younger than INVITATION_VALID_FOR."""
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.created_at > timezone.now() - INVITATION_VALID_FOR
    )


def has_confirmed_address(user: User, email: str) -> bool:
    """``user`` confirmed ``email`` (any case): the proof an invitation asks for."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
