"""Every write of email alerts: ask for one (double opt-in), confirm it, stop it.

An alert starts unconfirmed and sends nothing until the link mailed to its address is opened
and its button pressed (the address's owner asked for it). The answer to asking never says
whether the address had an alert already: the same "check your inbox" either way. The one
exception: a signed-in person who asks with an address of their account they confirmed
already; their alert starts at once (the address is proven theirs, and they see only their
own alerts). Confirming and stopping are recorded in the audit log as consent given and
withdrawn (the proof of the double opt-in: when, from which address)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from crowdmoving.accounts.invitations import has_confirmed_address
from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.notifications.outbox import queue_email, site_url
from crowdmoving.organisations.models import Organisation
from crowdmoving.tenancy.models import Platform

from .models import Subscription

# A confirmation mail goes out again for the same unconfirmed alert at most this often.
RESEND_AFTER = timedelta(minutes=15)
# At most this many confirmation mails go to one address a day, whatever the alerts asked for
# (each place typed is a new alert): the form cannot be used to flood someone's inbox.
CONFIRMATIONS_PER_ADDRESS_A_DAY = 5
PURPOSE = "email_alerts"  # the audit entries' purpose


@dataclass(frozen=True)
class Subject:
    """What an alert is about: exactly one of organisation, category, place (by ``kind``)."""

    kind: str
    organisation: Organisation | None = None
    category: str = ""
    place: str = ""


class Outcome(enum.Enum):
    CHECK_INBOX = "check_inbox"  # a confirmation mail went out, or nothing is told
    ACTIVE = "active"  # the signed-in person's own confirmed address: active at once


def confirmation_key(subscription: Subscription) -> str:
    """The outbox key prefix of an alert's confirmation mails (retention deletes them)."""
    return f"alert-confirm:{subscription.pk}:"


def subscribe(
    platform: Platform,
    *,
    email: str,
    subject: Subject,
    language: str,
    user: User | None = None,
) -> Outcome:
    """Ask for an alert about ``subject`` on ``platform`` to ``email``, in one transaction.

    A new alert is stored unconfirmed and its confirmation mail queued; an unconfirmed one
    that exists already gets its mail again, at most once per RESEND_AFTER; a confirmed one
    stays as it is. ``user`` (the signed-in person) who confirmed ``email`` for their account:
    the alert is theirs and active at once."""
    email = email.strip().lower()
    place = " ".join(subject.place.split())
    own = user is not None and has_confirmed_address(user, email)
    now = timezone.now()
    with transaction.atomic():
        same = Subscription.objects.filter(
            platform=platform,
            email=email,
            kind=subject.kind,
            organisation=subject.organisation,
            category=subject.category,
            place__iexact=place,
        )
        subscription = same.first()
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        platform=platform,
                        email=email,
                        user=user if own else None,
                        language=language,
                        kind=subject.kind,
                        organisation=subject.organisation,
                        category=subject.category,
                        place=place,
                    )
            except IntegrityError:  # the same request a moment ago (a double click)
                subscription = same.get()
        if own and user is not None:
            if subscription.user_id is None:
                Subscription.objects.filter(pk=subscription.pk).update(user=user)
                subscription.user = user
            _confirm(subscription, now, actor=user, via="own_confirmed_address")
            return Outcome.ACTIVE
        if subscription.confirmed_at is None:
            _send_confirmation(subscription, now)
    return Outcome.CHECK_INBOX


def _send_confirmation(subscription: Subscription, now: datetime) -> None:
    """Queue the confirmation mail unless one went out within RESEND_AFTER. The key counts
    the mails sent before, so that two requests at the same moment queue one mail."""
    prefix = confirmation_key(subscription)
    before = OutboxMessage._base_manager.filter(key__startswith=prefix).aggregate(
        number=Count("pk"), last=Max("created_at")
    )
    if before["last"] is not None and before["last"] > now - RESEND_AFTER:
        return
    sent_today = OutboxMessage._base_manager.filter(
        to=subscription.email,
        key__startswith="alert-confirm:",
        created_at__gt=now - timedelta(days=1),
    ).count()
    if sent_today >= CONFIRMATIONS_PER_ADDRESS_A_DAY:
        return
    platform = subscription.platform
    with translation.override(subscription.language):
        queue_email(
            to=subscription.email,
            template="alert_confirm",
            context={
                "subscription": subscription,
                "about": describe(subscription),
                "confirm_url": site_url(platform)
                + reverse("alerts:confirm", args=[subscription.token]),
                "retention_days": settings.CROWDMOVING["RETENTION_UNCONFIRMED_ALERT_DAYS"],
            },
            key=f"{prefix}{before['number']}",
            platform=platform,
            language=subscription.language,
        )


def confirm(subscription: Subscription) -> bool:
    """The emailed link's button: the alert becomes active (from now on: tasks posted before
    are not mailed). Returns False when it was active already (repeating is harmless)."""
    with transaction.atomic():
        return _confirm(subscription, timezone.now(), actor=subscription.user, via="emailed_link")


def _confirm(subscription: Subscription, now: datetime, *, actor: User | None, via: str) -> bool:
    confirmed = Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=now
    )
    if confirmed:
        subscription.confirmed_at = now
        record(
            Action.CONSENT_GIVEN,
            actor=actor,
            subject=subscription.user or actor,
            platform=subscription.platform,
            target=subscription,
            purpose=PURPOSE,
            kind=subscription.kind,
            via=via,
        )
    return bool(confirmed)


def unsubscribe(subscription: Subscription, *, via: str, actor: User | None = None) -> None:
    """Stop the alert: its row is deleted (nothing of it is kept but the audit entry, which
    names no address). ``via``: "link" (the page's button), "one_click" (the mail program's
    RFC 8058 request), "my_alerts" (the signed-in person's list)."""
    with transaction.atomic():
        deleted, _by_model = Subscription.objects.filter(pk=subscription.pk).delete()
        if deleted:
            record(
                Action.CONSENT_WITHDRAWN,
                actor=actor,
                subject=subscription.user,
                platform=subscription.platform,
                target=subscription,
                purpose=PURPOSE,
                kind=subscription.kind,
                via=via,
            )


def describe(subscription: Subscription) -> str:
    """What the alert is about, as a phrase in the active language ("new tasks of KRASS
    e.V.")."""
    if subscription.kind == Subscription.Kind.ORGANISATION and subscription.organisation:
        return gettext("new tasks of %(name)s") % {"name": subscription.organisation.name}
    if subscription.kind == Subscription.Kind.CATEGORY:
        category = subscription.get_category_display()  # type: ignore[attr-defined]
        return gettext("new tasks in the category %(category)s") % {"category": category}
    if subscription.place.isdigit():
        return gettext("new tasks at postal codes starting with %(digits)s") % {
            "digits": subscription.place
        }
    return gettext("new tasks in %(place)s") % {"place": subscription.place}
