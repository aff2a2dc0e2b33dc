"""Deleting an account (DSGVO Art. 17), after pretix's shredder: personal data is erased in
place, figures stay true.

A person asks in their settings (``request_deletion``); a signed link valid for
LINK_VALID_FOR is mailed to them; opening it while signed in shows what will happen, and the
final POST runs ``delete_account``, one transaction:

- the User row becomes a tombstone: no name, the address ``deleted-<random>@invalid``, no
  usable password, inactive, no calendar token, settings reset. Rows that must stay (past
  commitments with their hours, projects they created, consents) point to it;
- their email addresses, two-factor authenticators and every session are gone;
- memberships end through ``organisations.actions.remove_member`` (the last owner of an
  organisation is refused, nothing changes); administration of platforms and handed-over
  coordination end;
- places of tasks still to come and waiting places are given up through
  ``projects.actions.withdraw``: the next person waiting moves up, the organisers are told
  (about a "deleted" account; the tombstone is changed first). Taken places of tasks that are
  over stay, so that organisers can still confirm who came;
- team messages they wrote, and those addressed to them, read REMOVED_MARKER; their name and
  addresses are replaced by it in other people's notifications, emails and team messages;
- their own notifications, the emails to them, the invitations to their addresses (to
  organisations and to administer platforms) and the messages they sent through a platform's
  contact form are deleted;
- consents are kept, marked withdrawn, pointing to the tombstone: proof that what happened
  before was consented to (Art. 7(1)), without anything that names the person;
- the audit log gets ACCOUNT_DELETED; entries keep no link to the person (their actor and
  person fields are emptied, as when a row is deleted; the audit log shows "deleted account");
- after the commit, the cached pages and task cards of the projects that may show them are
  forgotten (``projects.cards.forget_projects``): in a database cache they are rows too.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core import signing
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.notifications.models import Notification, OutboxMessage
from crowdmoving.notifications.outbox import queue_email
from crowdmoving.organisations.actions import remove_member
from crowdmoving.organisations.errors import LastOwner
from crowdmoving.organisations.models import Invitation, Membership, Organisation, Role
from crowdmoving.privacy.models import Consent
from crowdmoving.projects.actions import touch_tasks, withdraw
from crowdmoving.projects.cards import forget_projects
from crowdmoving.projects.models import Commitment, Project, Task
from crowdmoving.team.models import TeamMessage
from crowdmoving.tenancy.models import Platform, PlatformAdmin

from .models import User

SALT = "crowdmoving.account-deletion"
LINK_VALID_FOR = timedelta(hours=24)
TOMBSTONE_DOMAIN = "invalid"  # RFC 2606: never deliverable
# What replaces erased text in the data: the same in every language (a team message is read in
# German and English). Pages and mails show it in the reader's language (``shown``).
REMOVED_MARKER = "(deleted)"
REMOVED_LABEL = _("(deleted)")

Status = Commitment.Status


class DeletionRefused(Exception):
    message = _("Your account cannot be deleted right now.")

    def __str__(self) -> str:
        return str(self.message)


class LastOwnerOf(DeletionRefused):
    message = _(
        "You are the last owner of an organisation. Make someone else an owner first, "
        "then delete your account."
    )

    def __init__(self, organisations: list[Organisation]) -> None:
        super().__init__()
        self.organisations = organisations


def is_tombstone(user: User) -> bool:
    """What is left of a deleted account."""
    return not user.is_active and user.email.endswith(f"@{TOMBSTONE_DOMAIN}")


def last_owner_of(user: User) -> list[Organisation]:
    """The organisations (on every platform) of which ``user`` is the only owner: one query."""
    owners = (
        Membership._base_manager.filter(organisation=OuterRef("pk"), role=Role.OWNER)
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    with scopes_disabled():
        return list(
            Organisation.objects.filter(memberships__user=user, memberships__role=Role.OWNER)
            .annotate(owners=Subquery(owners))
            .filter(owners=1)
            .select_related("platform")
            .order_by("name", "pk")
        )


@dataclass(frozen=True)
class Preview:
    """What deleting ``user``'s account would do, for the pages that ask for it."""

    places: int  # taken or held places of tasks still to come: given up
    waiting: int  # waiting-list places: given up
    kept: int  # tasks that are over (taken, took part, did not come): kept without a name
    memberships: list[Membership]
    blocking: list[Organisation]  # last owner of these: deletion refused


def preview(user: User) -> Preview:
    """What ``delete_account`` would do now, across every platform: three queries."""
    now = timezone.now()
    with scopes_disabled():
        commitments = list(
            Commitment.objects.filter(
                user=user,
                status__in=(*Commitment.LIVE, Status.COMPLETED, Status.NO_SHOW),
            ).select_related("task")
        )
        memberships = list(
            Membership.objects.filter(user=user)
            .select_related("organisation__platform")
            .order_by("organisation__name", "pk")
        )

    def given_up(c: Commitment) -> bool:
        return c.status in (Status.HELD, Status.WAITING) or (
            c.status == Status.ACTIVE and not _is_over(c.task, now)
        )

    return Preview(
        places=sum(1 for c in commitments if given_up(c) and c.status != Status.WAITING),
        waiting=sum(1 for c in commitments if c.status == Status.WAITING),
        kept=sum(1 for c in commitments if not given_up(c)),
        memberships=memberships,
        blocking=last_owner_of(user),
    )


# --- the emailed link -------------------------------------------------------------------------


def _stamp(user: User) -> str:
    """Changes when the account is deleted (address, password) or its password changes: the
    link works once, and only for the account as it was when it was asked for."""
    return salted_hmac(SALT, f"{user.pk}:{user.email}:{user.password}:{user.is_active}").hexdigest()


def deletion_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "h": _stamp(user)[:24]}, salt=SALT)


@dataclass(frozen=True)
class Link:
    """What an emailed link is worth: its person, or the problem (invalid, expired, used)."""

    user: User | None
    problem: str = ""  # "", "invalid", "expired" or "used"


def check_link(token: str) -> Link:
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_VALID_FOR)
    except signing.SignatureExpired:
        return Link(None, "expired")
    except signing.BadSignature:
        return Link(None, "invalid")
    user_id = data.get("u") if isinstance(data, dict) else None
    user = User.objects.filter(pk=user_id).first() if isinstance(user_id, int) else None
    if user is None or is_tombstone(user):
        return Link(None, "used")
    if not constant_time_compare(_stamp(user)[:24], str(data.get("h", ""))):
        return Link(None, "invalid")
    return Link(user)


def request_deletion(user: User, *, platform: Platform | None) -> None:
    """Mail ``user`` the link that confirms the deletion of their account, and note the
    request in the audit log. Raises LastOwnerOf (nothing mailed) while they are the last
    owner of an organisation."""
    blocking = last_owner_of(user)
    if blocking:
        raise LastOwnerOf(blocking)
    with transaction.atomic():
        record(Action.DELETION_REQUESTED, actor=user, subject=user, platform=platform)
        queue_email(
            to=user.email,
            template="account_deletion",
            key=f"account-deletion:{user.pk}:{timezone.now().timestamp()}",
            platform=platform,
            language=user.language or None,
            context={
                "person": user,
                "confirm_path": reverse("me:delete_account_confirm", args=[deletion_token(user)]),
                "valid_hours": int(LINK_VALID_FOR.total_seconds() // 3600),
            },
        )


# --- the deletion -----------------------------------------------------------------------------


@dataclass
class Deleted:
    """What the deletion did, in counts (for the confirmation page and the audit log)."""

    places_given_up: int = 0
    waiting_places_given_up: int = 0
    commitments_kept: int = 0
    memberships_ended: int = 0


def delete_account(user: User, *, platform: Platform | None = None) -> Deleted:
    """Erase ``user``'s personal data as the module docstring says, in one transaction.
    Raises LastOwnerOf (and changes nothing) while they are the last owner of an
    organisation. ``platform`` is where it was asked for (for the audit log)."""
    done = Deleted()
    with transaction.atomic(), scopes_disabled():
        # Two confirmations at once (a double click, two tabs): the second waits for the
        # first's lock, then finds the tombstone and does nothing.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        user.refresh_from_db()
        if is_tombstone(user):
            return done
        blocking = last_owner_of(user)
        if blocking:
            raise LastOwnerOf(blocking)
        # Only addresses proven to be theirs (the account's, confirmed ones) find other rows:
        # an unconfirmed address may be anyone's, typed in to erase that person's invitations
        # or contact messages. Mail to it is deleted all the same (the confirmation mail).
        rows = list(EmailAddress.objects.filter(user=user).values_list("email", "verified"))
        addresses = {user.email.lower()} | {e.lower() for e, verified in rows if verified}
        typed = {e.lower() for e, _verified in rows}
        name = user.name.strip()
        shown_on = _projects_showing(user)
        # First the tombstone: every mail the steps below cause (organisers told that a place
        # was freed) already speaks of a deleted account, not of the person.
        _tombstone(user)
        _end_roles(user, done)
        _give_up_places(user, done)
        _erase_messages(user)
        _scrub_others(name, addresses)
        Notification.objects.filter(user=user).delete()
        # Also what the steps above mailed to the tombstone (the end of a membership).
        OutboxMessage.objects.filter(_any_address("to", {*addresses, *typed, user.email})).delete()
        Invitation.objects.filter(_any_address("email", addresses)).delete()
        apps.get_model("tenancy", "PlatformInvitation").objects.filter(
            _any_address("email", addresses)
        ).delete()
        apps.get_model("pages", "ContactMessage").objects.filter(
            _any_address("email", addresses)
        ).delete()
        apps.get_model("reach", "Subscription").objects.filter(
            _any_address("email", addresses) | Q(user=user)
        ).delete()
        apps.get_model("api", "AccessToken").objects.filter(user=user).delete()
        Consent.objects.filter(user=user, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        EmailAddress.objects.filter(user=user).delete()
        if apps.is_installed("allauth.mfa"):
            from allauth.mfa.models import Authenticator

            Authenticator.objects.filter(user=user).delete()
        end_sessions(user)
        # The cached renderings of those projects name the person; once the erasure is
        # committed they are forgotten (a rendering made before the commit would be stored
        # under the old key again).
        transaction.on_commit(lambda: forget_projects(shown_on))
        record(
            Action.ACCOUNT_DELETED,
            actor=user,
            subject=user,
            platform=platform,
            places_given_up=done.places_given_up,
            waiting_places_given_up=done.waiting_places_given_up,
            commitments_kept=done.commitments_kept,
        )
        # As a deleted row would leave them: the entries stay, without the link to the person.
        entries = AuditEntry._base_manager
        entries.filter(actor=user).update(actor=None)
        entries.filter(subject=user).update(subject=None)
    return done


def shown(text: str) -> str:
    """``text`` with every REMOVED_MARKER in the reader's language (``|erased`` in templates)."""
    if REMOVED_MARKER not in text:
        return text
    return text.replace(REMOVED_MARKER, str(REMOVED_LABEL))


def _projects_showing(user: User) -> list[int]:
    """The projects whose pages or cards may show the person: where they took part (in any
    state: an old rendering may show a place given up since), coordinate, or are a member of
    the organisation."""
    taking_part = Commitment.objects.filter(user=user).values_list("task__project_id", flat=True)
    coordinating = Project.coordinators.through.objects.filter(user_id=user.pk).values_list(
        "project_id", flat=True
    )
    organisations = Membership.objects.filter(user=user).values_list("organisation_id")
    members = Project.objects.filter(organisation_id__in=organisations).values_list("pk", flat=True)
    return sorted({*taking_part, *coordinating, *members})


def _tombstone(user: User) -> None:
    user.name = ""
    user.email = f"deleted-{secrets.token_hex(12)}@{TOMBSTONE_DOMAIN}"
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.calendar_token = ""
    user.visibility = User.Visibility.ANONYMOUS
    user.language = ""
    user.share_contact = False
    user.share_contact_asked = False
    user.muted_email_kinds = []
    user.daily_digest = False
    user.last_digest_at = None
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _end_roles(user: User, done: Deleted) -> None:
    Project.coordinators.through.objects.filter(user_id=user.pk).delete()
    PlatformAdmin.objects.filter(user=user).delete()
    for membership in Membership.objects.filter(user=user).select_related("organisation__platform"):
        try:
            remove_member(membership, by=user)
        except LastOwner as error:  # another owner left since last_owner_of() looked
            raise LastOwnerOf([membership.organisation]) from error
        done.memberships_ended += 1


def _give_up_places(user: User, done: Deleted) -> None:
    """Waiting and held places, and taken places of tasks still to come, are given up as if
    the person stepped back. Taken places of tasks that are over stay (attendance)."""
    now = timezone.now()
    live = Commitment.objects.filter(user=user, status__in=Commitment.LIVE).select_related("task")
    kept_tasks: list[int] = []
    for commitment in live:
        if commitment.status == Status.ACTIVE and _is_over(commitment.task, now):
            kept_tasks.append(commitment.task_id)
            continue
        was = commitment.status
        if withdraw(commitment).status == Status.WITHDRAWN:
            if was == Status.WAITING:
                done.waiting_places_given_up += 1
            else:
                done.places_given_up += 1
    touch_tasks(kept_tasks)  # their cards show the tombstone from now on
    done.commitments_kept = Commitment.objects.filter(
        user=user, status__in=(Status.ACTIVE, Status.COMPLETED, Status.NO_SHOW)
    ).count()


def _is_over(task: Task, now: Any) -> bool:
    if task.timing == Task.Timing.SCHEDULED and task.starts_at:
        return (task.ends_at or task.starts_at) < now
    if task.timing == Task.Timing.DAY and task.day:
        return task.day < timezone.localdate(now)
    return False  # flexible: whenever it suits, never over


def _erase_messages(user: User) -> None:
    TeamMessage._base_manager.filter(
        Q(author=user) | Q(recipient=user) | Q(introduced=user)
    ).update(body=REMOVED_MARKER)


def _any_address(field_name: str, addresses: set[str]) -> Q:
    query = Q(pk__in=[])
    for address in sorted(addresses):
        query |= Q(**{f"{field_name}__iexact": address})
    return query


def _scrub_others(name: str, addresses: set[str]) -> None:
    """Replace the person's full name and addresses in what other people were told or
    wrote: notification titles, emails (sent ones too, the outbox is their record) and team
    messages. The name only as a whole word, so that "Ann" leaves "Anna" alone."""
    terms = sorted(addresses, key=len, reverse=True)
    patterns = [re.escape(term) for term in terms]
    if name:
        variants = {name, escape(name)}
        terms += sorted(variants)
        patterns += [rf"(?<!\w){re.escape(v)}(?!\w)" for v in variants]
    if not terms:
        return
    pattern = re.compile("|".join(patterns), re.IGNORECASE)

    def scrub(model: Any, fields: tuple[str, ...]) -> None:
        found = Q(pk__in=[])
        for term in terms:
            for name_of_field in fields:
                found |= Q(**{f"{name_of_field}__icontains": term})
        for row in model._base_manager.filter(found).only("pk", *fields):
            changes = {f: pattern.sub(REMOVED_MARKER, getattr(row, f)) for f in fields}
            model._base_manager.filter(pk=row.pk).update(**changes)

    scrub(Notification, ("title",))
    scrub(OutboxMessage, ("subject", "body", "html_body", "last_error"))
    scrub(TeamMessage, ("body",))


def end_sessions(user: User) -> int:
    """End every session of ``user`` (on every platform and device); returns how many. With a
    session store that cannot be searched (cookies, cache only), the changed password hash
    ends them at their next request instead (Django checks it on every request)."""
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    if not issubclass(store_class, DatabaseSessionStore):
        return 0
    model = store_class.get_model_class()
    decoder = store_class()
    theirs = [
        key
        for key, data in model.objects.values_list("session_key", "session_data").iterator()
        if str(decoder.decode(data).get(SESSION_KEY, "")) == str(user.pk)
    ]
    for key in theirs:
        store_class(session_key=key).delete()
    return len(theirs)
