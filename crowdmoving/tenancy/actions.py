"""Writes to platforms, their domains and administrators: what operators (and accepting
invitees) do. Each action is one transaction with its audit entry and its mails."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from crowdmoving.accounts.invitations import (
    INVITATION_VALID_FOR,
    has_confirmed_address,
    invitation_is_open,
)
from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.notifications.outbox import queue_email

from .models import Domain, Feature, Platform, PlatformAdmin, PlatformInvitation

# --- refusals, in words a person understands ---------------------------------------------------


class PlatformRefused(Exception):
    message = _("This is not possible right now.")

    def __str__(self) -> str:
        return str(self.message)


class SlugTaken(PlatformRefused):
    message = _("Another platform already has this short name. Please choose another one.")


class DomainTaken(PlatformRefused):
    message = _("This domain is already used by a platform. Each domain can serve one platform.")


class PrimaryDomain(PlatformRefused):
    message = _(
        "The primary domain cannot be removed. Make another domain primary first, then remove "
        "this one."
    )


class DefaultPlatform(PlatformRefused):
    message = _("The hub (the default platform) cannot be suspended.")


class LastAdmin(PlatformRefused):
    message = _(
        "This is the platform's only administrator. Invite someone else first, and remove this "
        "person once they have accepted."
    )


class AlreadyAdmin(PlatformRefused):
    message = _("This person already administers the platform.")


class InvitationGone(PlatformRefused):
    message = _(
        "This invitation is no longer valid: it was used, withdrawn or is too old. Please ask "
        "for a new one."
    )


class WrongInvitee(PlatformRefused):
    message = _(
        "This invitation was sent to another email address. Please sign in with the address "
        "the invitation was sent to (and confirm it), or ask for an invitation to your address."
    )


def _lock(platform: Platform) -> Platform:
    """Lock the platform's row for the rest of the transaction: changes to one platform's
    domains, administrators or status happen one after the other."""
    return Platform.objects.select_for_update().get(pk=platform.pk)


# --- platforms ---------------------------------------------------------------------------------


def subdomain_for(slug: str) -> str:
    """The installation's subdomain of a platform (``<slug>.<PLATFORM_BASE_DOMAIN>``), or ''
    when no base domain is set."""
    base = settings.PLATFORM_BASE_DOMAIN
    return f"{slug}.{base}" if base else ""


def create_platform(*, name: str, slug: str, default_language: str, by: User) -> Platform:
    """A new, active platform with every feature on and, when PLATFORM_BASE_DOMAIN is set, the
    subdomain ``<slug>.<base>`` as its primary domain. Raises SlugTaken or DomainTaken (a
    custom domain of another platform already uses that subdomain); nothing is saved then."""
    slug = slug.strip().lower()
    domain = subdomain_for(slug)
    try:
        with transaction.atomic():
            if Platform.objects.filter(slug=slug).exists():
                raise SlugTaken
            if domain and Domain.objects.filter(domain=domain).exists():
                raise DomainTaken
            platform = Platform.objects.create(
                name=name.strip(), slug=slug, default_language=default_language
            )
            if domain:
                Domain.objects.create(platform=platform, domain=domain, is_primary=True)
            record(
                Action.PLATFORM_CREATED,
                actor=by,
                platform=platform,
                target=platform,
                slug=slug,
                default_language=default_language,
                domain=domain,
            )
    except IntegrityError as error:  # the same slug or domain, created at the same moment
        if Platform.objects.filter(slug=slug).exists():
            raise SlugTaken from error
        raise DomainTaken from error
    return platform


def set_features(platform: Platform, features: list[str], *, by: User) -> Platform:
    """Switch the platform's features to exactly ``features`` (unknown values are ignored).
    Saving raises ``updated_at``, so cached pages and task cards of the platform are rendered
    anew. Choosing what is on already changes nothing."""
    wanted = [value for value in Feature.values if value in set(features)]
    with transaction.atomic():
        current = _lock(platform)
        before = list(current.features or [])
        if sorted(before) == sorted(wanted):
            return current
        current.features = wanted
        current.save(update_fields=["features", "updated_at"])
        record(
            Action.SETTINGS_CHANGED,
            actor=by,
            platform=current,
            target=current,
            fields=["features"],
            switched_on=[value for value in wanted if value not in before],
            switched_off=[value for value in before if value not in wanted],
        )
    return current


def suspend_platform(platform: Platform, *, notice: str, by: User) -> Platform:
    """Suspend the platform: every page of it shows a notice (with ``notice`` if given)
    instead, its data stays. The hub cannot be suspended (raises DefaultPlatform). Suspending
    again only changes the notice."""
    with transaction.atomic():
        current = _lock(platform)
        if current.is_default:
            raise DefaultPlatform
        current.status = Platform.Status.SUSPENDED
        current.suspended_notice = notice.strip()
        current.save(update_fields=["status", "suspended_notice", "updated_at"])
        record(
            Action.PLATFORM_SUSPENDED,
            actor=by,
            platform=current,
            target=current,
            with_notice=bool(current.suspended_notice),
        )
    return current


def reactivate_platform(platform: Platform, *, by: User) -> Platform:
    """Open a suspended platform again, as it was. An active platform stays as it is."""
    with transaction.atomic():
        current = _lock(platform)
        if current.status == Platform.Status.ACTIVE:
            return current
        current.status = Platform.Status.ACTIVE
        current.save(update_fields=["status", "updated_at"])
        record(Action.PLATFORM_REACTIVATED, actor=by, platform=current, target=current)
    return current


# --- domains -----------------------------------------------------------------------------------


def add_domain(platform: Platform, domain: str, *, by: User) -> Domain:
    """Attach ``domain`` (a normalised host name) to the platform; a platform's first domain
    becomes its primary one. Raises DomainTaken if any platform uses it already, or if it is
    one of the hub's fixed hosts (DEFAULT_PLATFORM_HOSTS) and this is not the hub."""
    if domain in settings.DEFAULT_PLATFORM_HOSTS and not platform.is_default:
        raise DomainTaken
    try:
        with transaction.atomic():
            current = _lock(platform)
            if Domain.objects.filter(domain=domain).exists():
                raise DomainTaken
            first = not Domain.objects.filter(platform=current).exists()
            added = Domain.objects.create(platform=current, domain=domain, is_primary=first)
            _touch(current)
            record(
                Action.DOMAIN_CHANGED,
                actor=by,
                platform=current,
                target=current,
                change="added",
                domain=domain,
                primary=first,
            )
    except IntegrityError as error:
        raise DomainTaken from error
    return added


def make_primary(domain: Domain, *, by: User) -> Domain:
    """Make ``domain`` its platform's primary domain (the others redirect to it from now on)."""
    with transaction.atomic():
        platform = _lock(domain.platform)
        current = Domain.objects.get(pk=domain.pk)
        if current.is_primary:
            return current
        Domain.objects.filter(platform=platform, is_primary=True).update(is_primary=False)
        Domain.objects.filter(pk=current.pk).update(is_primary=True)
        current.is_primary = True
        _touch(platform)
        record(
            Action.DOMAIN_CHANGED,
            actor=by,
            platform=platform,
            target=platform,
            change="made_primary",
            domain=current.domain,
        )
    return current


def remove_domain(domain: Domain, *, by: User) -> None:
    """Detach a domain that is not the primary one (raises PrimaryDomain). Removing a domain
    that is gone already is harmless."""
    with transaction.atomic():
        platform = _lock(domain.platform)
        current = Domain.objects.filter(pk=domain.pk).first()
        if current is None:
            return
        if current.is_primary:
            raise PrimaryDomain
        current.delete()
        _touch(platform)
        record(
            Action.DOMAIN_CHANGED,
            actor=by,
            platform=platform,
            target=platform,
            change="removed",
            domain=current.domain,
        )


def _touch(platform: Platform) -> None:
    """Raise ``updated_at``: links in cached pages may name the platform's address."""
    Platform.objects.filter(pk=platform.pk).update(updated_at=timezone.now())


# --- administrators ------------------------------------------------------------------------------


def invite_admin(platform: Platform, *, email: str, by: User) -> PlatformInvitation:
    """Invite ``email`` to administer ``platform``: an invitation with a random token and a mail
    with the link on the platform's primary domain (the invitee needs no account yet). An
    earlier open invitation of the same address is replaced. Raises AlreadyAdmin."""
    email = email.strip().lower()
    with transaction.atomic(), scopes_disabled():
        current = _lock(platform)
        if PlatformAdmin.objects.filter(platform=current, user__email__iexact=email).exists():
            raise AlreadyAdmin
        now = timezone.now()
        PlatformInvitation.objects.filter(
            platform=current, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = PlatformInvitation.objects.create(
            platform=current, email=email, token=secrets.token_urlsafe(32), invited_by=by
        )
        record(
            Action.INVITATION_SENT,
            actor=by,
            platform=current,
            target=current,
            role="platform_admin",
            invitation=invitation.pk,
        )
        queue_email(
            to=email,
            template="platform_invitation",
            key=f"platform-invitation:{invitation.pk}",
            platform=current,
            context={
                "invitation": invitation,
                "by": by,
                "accept_path": reverse("platform:invitation_accept", args=[invitation.token]),
                "valid_until": now + INVITATION_VALID_FOR,
            },
        )
    return invitation


def revoke_admin_invitation(invitation: PlatformInvitation, *, by: User) -> None:
    """Withdraw an open invitation; its link stops working. Repeating is harmless."""
    with transaction.atomic(), scopes_disabled():
        withdrawn = PlatformInvitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if withdrawn:
            record(
                Action.PLATFORM_ADMIN_CHANGED,
                actor=by,
                platform=invitation.platform,
                target=invitation.platform,
                change="invitation_withdrawn",
                invitation=invitation.pk,
            )


def accept_admin_invitation(invitation: PlatformInvitation, user: User) -> PlatformAdmin:
    """``user`` becomes an administrator of the invitation's platform. Only a verified address
    of ``user`` equal to the invitation's counts (raises WrongInvitee); a used, withdrawn or
    old invitation raises InvitationGone. Accepting twice returns the same administrator row.
    The person then has to set up two-factor authentication (accounts.mfa)."""
    with transaction.atomic(), scopes_disabled():
        current = PlatformInvitation.objects.select_for_update().get(pk=invitation.pk)
        if current.accepted_by_id == user.pk:
            existing = PlatformAdmin.objects.filter(
                platform_id=current.platform_id, user=user
            ).first()
            if existing is not None:
                return existing
        if not invitation_is_open(current):
            raise InvitationGone
        if not has_confirmed_address(user, current.email):
            raise WrongInvitee
        admin, created = PlatformAdmin.objects.get_or_create(
            platform_id=current.platform_id, user=user
        )
        if created:
            record(
                Action.PLATFORM_ADMIN_CHANGED,
                actor=user,
                platform=current.platform,
                subject=user,
                target=current.platform,
                change="added",
                invitation=current.pk,
            )
        current.accepted_at = timezone.now()
        current.accepted_by = user
        current.save(update_fields=["accepted_at", "accepted_by"])
    return admin


def remove_admin(admin: PlatformAdmin, *, by: User) -> None:
    """``admin``'s person no longer administers the platform. The platform's only
    administrator stays (raises LastAdmin). Removing someone who is gone already is harmless."""
    with transaction.atomic(), scopes_disabled():
        platform = _lock(admin.platform)
        current = PlatformAdmin.objects.filter(pk=admin.pk).select_related("user").first()
        if current is None:
            return
        if not PlatformAdmin.objects.filter(platform=platform).exclude(pk=current.pk).exists():
            raise LastAdmin
        current.delete()
        record(
            Action.PLATFORM_ADMIN_CHANGED,
            actor=by,
            platform=platform,
            subject=current.user,
            target=platform,
            change="removed",
        )
