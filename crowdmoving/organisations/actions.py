"""Writes to organisations and memberships."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from crowdmoving.accounts.invitations import (
    INVITATION_VALID_FOR,
    has_confirmed_address,
    invitation_is_open,
)
from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.notifications.outbox import queue_email
from crowdmoving.tenancy.models import Platform, PlatformAdmin

from .errors import AlreadyMember, InvitationGone, LastOwner, WrongInvitee
from .models import Invitation, Membership, Organisation, Role

SLUG_ATTEMPTS = 50


def create_organisation(platform: Platform, creator: User, data: dict[str, Any]) -> Organisation:
    """A new organisation on ``platform`` with ``creator`` as its owner. The slug comes from
    the name and is made unique on the platform by a number (the unique constraint decides,
    so two people founding "KRASS e.V." at once both succeed). Where new organisations need
    the administrators' approval (Platform.publishing), it waits for it and the platform's
    administrators are emailed."""
    base = slugify(data["name"])[:50].strip("-") or "organisation"
    needs_approval = platform.publishing == Platform.Publishing.APPROVAL
    approval = Organisation.Approval.PENDING if needs_approval else Organisation.Approval.APPROVED
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        slug = base if attempt == 1 else f"{base}-{attempt}"
        if Organisation.objects.filter(slug=slug).exists():
            continue
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    platform=platform, slug=slug, approval=approval, **data
                )
                Membership.objects.create(organisation=organisation, user=creator, role=Role.OWNER)
                if needs_approval:
                    _ask_for_approval(organisation, creator)
                return organisation
        except IntegrityError:
            continue
    raise RuntimeError(f"no free slug for {base!r}")


# --- approval by the platform's administrators ------------------------------------------------


def _ask_for_approval(organisation: Organisation, creator: User) -> None:
    """Email the platform's administrators (or, while it has none, its contact address)
    that ``organisation`` waits for their approval."""
    platform = organisation.platform
    admins = list(
        PlatformAdmin.objects.filter(platform=platform, user__is_active=True).select_related("user")
    )
    recipients = [(str(a.user_id), a.user.email, a.user.language or None) for a in admins]
    if not recipients and platform.contact_email:
        recipients = [("contact", platform.contact_email, None)]
    for who, to, language in recipients:
        queue_email(
            to=to,
            template="organisation_approval_requested",
            key=f"approval-requested:{organisation.pk}:{who}",
            platform=platform,
            language=language,
            context={
                "organisation": organisation,
                "creator": creator,
                "queue_path": reverse("organisations:queue"),
            },
        )


def _tell_owners(organisation: Organisation, template: str) -> None:
    owners = Membership.objects.filter(
        organisation=organisation, role=Role.OWNER, user__is_active=True
    ).select_related("user")
    for membership in owners:
        queue_email(
            to=membership.user.email,
            template=template,
            key=f"{template}:{organisation.pk}:{membership.user_id}:{timezone.now().timestamp()}",
            platform=organisation.platform,
            language=membership.user.language or None,
            context={
                "organisation": organisation,
                "manage_path": reverse("manage:organisation", args=[organisation.slug]),
            },
        )


def approve_organisation(organisation: Organisation, *, by: User | None) -> Organisation:
    """The platform's administrators approve ``organisation``: its members may publish. The
    owners are emailed, the audit log notes it. Approving an approved one changes nothing."""
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if current.approval == Organisation.Approval.APPROVED:
            return current
        before = current.approval
        current.approval = Organisation.Approval.APPROVED
        current.approval_decided_at = timezone.now()
        current.approval_reason = ""
        current.save(update_fields=["approval", "approval_decided_at", "approval_reason"])
        record(
            Action.ORGANISATION_APPROVED,
            actor=by,
            platform=current.platform,
            target=current,
            before=before,
        )
        _tell_owners(current, "organisation_approved")
    return current


def decline_organisation(
    organisation: Organisation, *, reason: str, by: User | None
) -> Organisation:
    """The platform's administrators decline ``organisation`` (``reason`` may be empty and is
    told to the owners by email): its members cannot publish. The audit log notes it (not the
    reason's text). Declining again only changes the reason; it can be approved later."""
    reason = reason.strip()
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if current.approval == Organisation.Approval.DECLINED and current.approval_reason == reason:
            return current
        before = current.approval
        current.approval = Organisation.Approval.DECLINED
        current.approval_decided_at = timezone.now()
        current.approval_reason = reason
        current.save(update_fields=["approval", "approval_decided_at", "approval_reason"])
        record(
            Action.ORGANISATION_DECLINED,
            actor=by,
            platform=current.platform,
            target=current,
            before=before,
            with_reason=bool(reason),
        )
        _tell_owners(current, "organisation_declined")
    return current


def set_publishing_rule(platform: Platform, rule: str, *, by: User | None) -> Platform:
    """Who may publish on ``platform``: anyone who registers an organisation ("open"), or only
    organisations the administrators approved ("approval"). Organisations that exist when
    approval is switched on stay approved; switching back to open approves the organisations
    still waiting (their owners are emailed). The audit log notes the change."""
    rule = Platform.Publishing(rule)
    with transaction.atomic():
        current = Platform.objects.select_for_update().get(pk=platform.pk)
        if current.publishing == rule:
            return current
        before = current.publishing
        current.publishing = rule
        current.save(update_fields=["publishing", "updated_at"])
        record(
            Action.SETTINGS_CHANGED,
            actor=by,
            platform=current,
            target=current,
            fields=["publishing"],
            before=before,
            after=rule.value,
        )
        if rule == Platform.Publishing.OPEN:
            waiting = Organisation.objects.filter(
                platform=current, approval=Organisation.Approval.PENDING
            )
            for organisation in waiting:
                approve_organisation(organisation, by=by)
    platform.publishing = current.publishing
    return current


# --- members ----------------------------------------------------------------------------------


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
    invitation of the same address is replaced by this one; the audit log notes who invited
    (not whom: the address is personal data). Raises AlreadyMember."""
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
        record(
            Action.INVITATION_SENT,
            actor=by,
            platform=organisation.platform,
            target=organisation,
            role=role,
            invitation=invitation.pk,
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


def revoke_invitation(invitation: Invitation) -> None:
    """Withdraw an open invitation; its link stops working. Repeating is harmless."""
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).exclude(
        revoked_at__isnull=False
    ).update(revoked_at=timezone.now())


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """``user`` joins the organisation with the invitation's role. Only a verified address of
    ``user`` equal to the invitation's counts (raises WrongInvitee); an invitation that was
    used, withdrawn or is too old raises InvitationGone. Accepting twice returns the same
    membership; a person who is a member already keeps their role. A new member is noted in
    the audit log."""
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
        if not has_confirmed_address(user, current.email):
            raise WrongInvitee
        membership, created = Membership.objects.get_or_create(
            organisation_id=current.organisation_id, user=user, defaults={"role": current.role}
        )
        if created:
            organisation = Organisation.objects.select_related("platform").get(
                pk=current.organisation_id
            )
            record(
                Action.MEMBER_ADDED,
                actor=user,
                platform=organisation.platform,
                subject=user,
                target=organisation,
                role=membership.role,
                invitation=current.pk,
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
    """Give a member another role; the member is told and the audit log notes it. The last
    owner cannot become anything else (raises LastOwner). Choosing the role they have changes
    nothing."""
    organisation = membership.organisation
    with transaction.atomic():
        owners = _lock_owners(organisation)
        current = Membership._base_manager.select_for_update().get(pk=membership.pk)
        if current.role == role:
            return current
        if current.role == Role.OWNER and owners == [current.pk]:
            raise LastOwner
        previous = current.role
        current.role = role
        current.save(update_fields=["role"])
        record(
            Action.ROLE_CHANGED,
            actor=by,
            platform=organisation.platform,
            subject=current.user,
            target=organisation,
            before=previous,
            after=role,
        )
        _notify_member(
            current.user,
            organisation,
            "membership_role_changed",
            role=current.get_role_display(),
            by=by,
        )
    return current


def remove_member(membership: Membership, *, by: User) -> None:
    """Remove a member from the organisation; they are told and the audit log notes it. The
    last owner stays (raises LastOwner). Removing someone who is gone already is harmless."""
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
        record(
            Action.MEMBER_REMOVED,
            actor=by,
            platform=organisation.platform,
            subject=user,
            target=organisation,
            role=current.role,
        )
        _notify_member(user, organisation, "membership_removed", by=by)
