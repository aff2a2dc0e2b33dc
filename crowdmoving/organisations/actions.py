"""Writes to organisations and memberships."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from crowdmoving.accounts.models import User
from crowdmoving.notifications.outbox import queue_email
from crowdmoving.tenancy.models import Platform

from .errors import AlreadyMember, InvitationGone, LastOwner, WrongInvitee
from .models import Invitation, Membership, Organisation, Role

SLUG_ATTEMPTS = 50


def create_organisation(platform: Platform, creator: User, data: dict[str, Any]) -> Organisation:
    """A new organisation on ``platform`` with ``creator`` as its owner. The slug comes from
    the name and is made unique on the platform by a number (the unique constraint decides,
    so two people founding "KRASS e.V." at once both succeed)."""
    base = slugify(data["name"])[:50].strip("-") or "organisation"
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        slug = base if attempt == 1 else f"{base}-{attempt}"
        if Organisation.objects.filter(slug=slug).exists():
            continue
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(platform=platform, slug=slug, **data)
                Membership.objects.create(organisation=organisation, user=creator, role=Role.OWNER)
                return organisation
        except IntegrityError:
            continue
    raise RuntimeError(f"no free slug for {base!r}")


# --- members ----------------------------------------------------------------------------------

INVITATION_VALID_FOR = timedelta(days=14)


def _notify_member(user: User, organisation: Organisation, template: str, **context: Any) -> None:
    from crowdmoving.notifications.api import notify
    from crowdmoving.notifications.models import Kind

    notify(
        user,
        Kind.MEMBERSHIP,
        platform=organisation.platform,
        template=template,
        key=f"{template}:{organisation.pk}:{user.pk}:{timezone.now().timestamp()}",
        url=reverse("manage:index"),
        context={"organisation": organisation, **context},
    )


def invite(organisation: Organisation, *, email: str, role: str, by: User) -> Invitation:
    """Invite ``email`` to join ``organisation`` with ``role``: an Invitation with a random
    token, and an email with the link (the invitee needs no account yet). An earlier open
    invitation of the same address is replaced by this one. Raises AlreadyMember."""
    email = email.strip().lower()
    with transaction.atomic():
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise AlreadyMember
        now = timezone.now()
        Invitation.objects.filter(
            organisation=organisation,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token=secrets.token_urlsafe(32),
            invited_by=by,
        )
        queue_email(
            to=email,
            template="organisation_invitation",
            key=f"invitation:{invitation.pk}",
            platform=organisation.platform,
            language=by.language or None,
            context={
                "organisation": organisation,
                "invitation": invitation,
                "by": by,
                "role": invitation.get_role_display(),
                "accept_path": reverse("manage:invitation_accept", args=[invitation.token]),
                "valid_until": now + INVITATION_VALID_FOR,
            },
        )
    return invitation


def invitation_is_open(invitation: Invitation) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.created_at > timezone.now() - INVITATION_VALID_FOR
    )


def revoke_invitation(invitation: Invitation) -> None:
    """Withdraw an open invitation; its link stops working. Repeating is harmless."""
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).exclude(
        revoked_at__isnull=False
    ).update(revoked_at=timezone.now())


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """``user`` joins the organisation with the invitation's role. Only a verified address of
    ``user`` equal to the invitation's counts (raises WrongInvitee); an invitation that was
    used, withdrawn or is too old raises InvitationGone. Accepting twice returns the same
    membership; a person who is a member already keeps their role."""
    with transaction.atomic():
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if current.accepted_by_id == user.pk:
            joined = Membership.objects.filter(
                organisation_id=current.organisation_id, user=user
            ).first()
            if joined is not None:
                return joined
        if not invitation_is_open(current):
            raise InvitationGone
        verified = EmailAddress.objects.filter(
            user=user, email__iexact=current.email, verified=True
        ).exists()
        if not verified:
            raise WrongInvitee
        membership, _created = Membership.objects.get_or_create(
            organisation_id=current.organisation_id, user=user, defaults={"role": current.role}
        )
        current.accepted_at = timezone.now()
        current.accepted_by = user
        current.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _lock_owners(organisation: Organisation) -> list[int]:
    """Lock the organisation's owner memberships (in the order of their keys, so that two
    changes cannot deadlock) and return the owners' membership ids. Two people demoting the
    last two owners at once: the second waits for the first and then sees one owner left."""
    return list(
        Membership._base_manager.select_for_update()
        .filter(organisation_id=organisation.pk, role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def change_role(membership: Membership, role: str, *, by: User) -> Membership:
    """Give a member another role; the member is told. The last owner cannot become anything
    else (raises LastOwner). Choosing the role they have changes nothing."""
    organisation = membership.organisation
    with transaction.atomic():
        owners = _lock_owners(organisation)
        current = Membership._base_manager.select_for_update().get(pk=membership.pk)
        if current.role == role:
            return current
        if current.role == Role.OWNER and owners == [current.pk]:
            raise LastOwner
        current.role = role
        current.save(update_fields=["role"])
        _notify_member(
            current.user,
            organisation,
            "membership_role_changed",
            role=current.get_role_display(),
            by=by,
        )
    return current


def remove_member(membership: Membership, *, by: User) -> None:
    """Remove a member from the organisation; they are told. The last owner stays (raises
    LastOwner). Removing someone who is gone already is harmless."""
    organisation = membership.organisation
    with transaction.atomic():
        owners = _lock_owners(organisation)
        current = Membership._base_manager.select_for_update().filter(pk=membership.pk).first()
        if current is None:
            return
        if current.role == Role.OWNER and owners == [current.pk]:
            raise LastOwner
        user = current.user
        current.delete()
        _notify_member(user, organisation, "membership_removed", by=by)
