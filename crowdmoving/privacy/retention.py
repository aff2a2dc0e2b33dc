"""Retention: personal data the platform no longer needs is deleted, once a day, by the worker
(``run_daily`` from notifications.periodic) or by hand (``manage.py purge_expired_data``).

- Accounts that never confirmed their email address, RETENTION_UNCONFIRMED_ACCOUNT_DAYS after
  they were created: no verified address, never signed in, not staff, no membership of an
  organisation, not a platform administrator, and no commitment that counts (only places
  held but never confirmed, which count nowhere). The mails to their addresses go with them
  (the confirmation mail names them), unless an account that stays has the address.
- The rows of held places that were never confirmed (status "expired": the hold ran out or
  the task shrank), RETENTION_EXPIRED_HOLD_DAYS after they ended.
- Messages sent through a platform's contact form, RETENTION_CONTACT_MESSAGE_DAYS after they
  were sent: they were mailed to the platform at once; the stored copy is only a record.
- Email alerts (reach.Subscription) nobody confirmed, RETENTION_UNCONFIRMED_ALERT_DAYS after
  they were asked for, with their confirmation mails (which name the address).
- Expired rows of a database cache (drop_expired_cache_rows): rendered task cards name people.
- The client address (``ip_address``) of audit entries, RETENTION_AUDIT_IP_DAYS after they
  were written (crowdmoving.audit.retention.forget_addresses); the entries stay.

Neither changes a count: ``Task.taken`` counts held and taken places only, and an expired
hold freed its place when it expired (projects.actions.release_expired_hold). A place still
held is never deleted here; the worker's tick releases it when it runs out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django_scopes import scopes_disabled

from crowdmoving.accounts.deletion import TOMBSTONE_DOMAIN
from crowdmoving.accounts.models import User
from crowdmoving.audit.retention import entries_with_addresses_before, forget_addresses
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.organisations.models import Membership
from crowdmoving.pages.models import ContactMessage
from crowdmoving.projects.models import Commitment
from crowdmoving.reach.actions import confirmation_key
from crowdmoving.reach.models import Subscription
from crowdmoving.tenancy.models import PlatformAdmin

from .models import PurgeRun

logger = logging.getLogger(__name__)

Status = Commitment.Status
# What an account that never confirmed can have: places held and never confirmed (expired,
# stepped back from or released while held).
NOT_COUNTING = (Status.EXPIRED, Status.WITHDRAWN, Status.RELEASED)


@dataclass(frozen=True)
class Purged:
    accounts: int
    commitments: int
    contact_messages: int = 0
    alerts: int = 0
    audit_addresses: int = 0  # audit entries whose client address was blanked


def unconfirmed_accounts(now: datetime) -> QuerySet[User]:
    """Accounts older than the period that never confirmed their address (see above)."""
    days = settings.CROWDMOVING["RETENTION_UNCONFIRMED_ACCOUNT_DAYS"]
    mine = {"user": OuterRef("pk")}
    return (
        User.objects.filter(
            date_joined__lt=now - timedelta(days=days),
            last_login__isnull=True,
            is_staff=False,
            is_superuser=False,
        )
        # What is left of a deleted account (accounts.deletion) has no address and no sign-in
        # any more, but keeps its consents and figures on purpose: it is no sign-up.
        .exclude(is_active=False, email__endswith=f"@{TOMBSTONE_DOMAIN}")
        .exclude(Exists(EmailAddress.objects.filter(verified=True, **mine)))
        .exclude(Exists(Membership._base_manager.filter(**mine)))
        .exclude(Exists(PlatformAdmin._base_manager.filter(**mine)))
        .exclude(Exists(Commitment._base_manager.filter(**mine).exclude(status__in=NOT_COUNTING)))
    )


def expired_holds(now: datetime) -> QuerySet[Commitment]:
    """Rows of held places that were never confirmed and ended longer ago than the period."""
    days = settings.CROWDMOVING["RETENTION_EXPIRED_HOLD_DAYS"]
    return Commitment._base_manager.filter(
        status=Status.EXPIRED, changed_at__lt=now - timedelta(days=days)
    )


def old_contact_messages(now: datetime) -> QuerySet[ContactMessage]:
    """Contact-form messages sent longer ago than the period."""
    days = settings.CROWDMOVING["RETENTION_CONTACT_MESSAGE_DAYS"]
    return ContactMessage._base_manager.filter(created_at__lt=now - timedelta(days=days))


def unconfirmed_alerts(now: datetime) -> QuerySet[Subscription]:
    """Email alerts asked for longer ago than the period and never confirmed."""
    days = settings.CROWDMOVING["RETENTION_UNCONFIRMED_ALERT_DAYS"]
    return Subscription._base_manager.filter(
        confirmed_at__isnull=True, created_at__lt=now - timedelta(days=days)
    )


def audit_address_cutoff(now: datetime) -> datetime:
    """Audit entries written before this lose their client address."""
    return now - timedelta(days=settings.CROWDMOVING["RETENTION_AUDIT_IP_DAYS"])


def _purge_unconfirmed_alerts(now: datetime) -> int:
    """Delete the unconfirmed alerts and their confirmation mails (reach.actions keys them
    "alert-confirm:<id>:<number>"), in batches."""
    deleted = 0
    while True:
        with transaction.atomic():
            doomed = list(unconfirmed_alerts(now).order_by("pk")[:200])
            if not doomed:
                return deleted
            mails = Q()
            for alert in doomed:
                mails |= Q(key__startswith=confirmation_key(alert))
            OutboxMessage._base_manager.filter(mails).delete()
            count, _by_model = Subscription._base_manager.filter(
                pk__in=[alert.pk for alert in doomed]
            ).delete()
            deleted += count


def purge_expired_data(now: datetime | None = None, *, dry_run: bool = False) -> Purged:
    """Delete what is past its period, across all platforms; with ``dry_run`` only count it.
    Running it twice deletes nothing the second time."""
    now = now or timezone.now()
    with scopes_disabled():
        if dry_run:
            return Purged(
                accounts=unconfirmed_accounts(now).count(),
                commitments=expired_holds(now).count(),
                contact_messages=old_contact_messages(now).count(),
                alerts=unconfirmed_alerts(now).count(),
                audit_addresses=entries_with_addresses_before(audit_address_cutoff(now)).count(),
            )
        with transaction.atomic():
            _total, by_model = expired_holds(now).delete()
            commitments = by_model.get(Commitment._meta.label, 0)
        with transaction.atomic():
            doomed = unconfirmed_accounts(now)
            addresses = _addresses_of(doomed)
            _total, by_model = doomed.delete()
            accounts = by_model.get(User._meta.label, 0)
            _delete_mail_to(addresses)
        with transaction.atomic():
            contact_messages, _by_model = old_contact_messages(now).delete()
        alerts = _purge_unconfirmed_alerts(now)
    audit_addresses = forget_addresses(audit_address_cutoff(now))
    drop_expired_cache_rows(now)
    return Purged(
        accounts=accounts,
        commitments=commitments,
        contact_messages=contact_messages,
        alerts=alerts,
        audit_addresses=audit_addresses,
    )


def drop_expired_cache_rows(now: datetime) -> None:
    """Django's database cache (production without Redis) deletes expired rows only once the
    table is full, so task cards naming a person who deleted their account would stay in the
    database for good. Every database cache drops its expired rows here, once a day."""
    for alias in settings.CACHES:
        backend = caches[alias]
        if not isinstance(backend, DatabaseCache):
            continue
        using = router.db_for_write(backend.cache_model_class)
        connection = connections[using]
        table = connection.ops.quote_name(backend._table)  # type: ignore[attr-defined]
        # The table's name comes from the settings, quoted; the moment is a parameter.
        sql = f"DELETE FROM {table} WHERE expires < %s"  # noqa: S608  # nosec B608
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                sql, [connection.ops.adapt_datetimefield_value(now.replace(microsecond=0))]
            )


def _addresses_of(users: QuerySet[User]) -> set[str]:
    """Every address of ``users``, lower case (the account's and allauth's)."""
    own = users.values_list(Lower("email"), flat=True)
    typed = EmailAddress.objects.filter(user__in=users).values_list(Lower("email"), flat=True)
    return set(own) | set(typed)


def _delete_mail_to(addresses: set[str]) -> None:
    """The mails to purged accounts (the confirmation mail with their name, the code of a
    held place) go with them, unless an account that stays has that address."""
    kept = set(
        User.objects.annotate(e=Lower("email")).filter(e__in=addresses).values_list("e", flat=True)
    )
    kept |= set(
        EmailAddress.objects.annotate(e=Lower("email"))
        .filter(e__in=addresses)
        .values_list("e", flat=True)
    )
    gone = sorted(addresses - kept)
    for start in range(0, len(gone), 500):
        OutboxMessage._base_manager.annotate(to_lower=Lower("to")).filter(
            to_lower__in=gone[start : start + 500]
        ).delete()


def run_daily(now: datetime) -> int:
    """The worker's daily purge: the first worker to insert today's PurgeRun row purges, the
    others (and later ticks today) skip. Returns how many rows were deleted or blanked."""
    day = timezone.localdate(now)
    if PurgeRun.objects.filter(day=day).exists():
        return 0
    try:
        with transaction.atomic():
            run = PurgeRun.objects.create(day=day)
    except IntegrityError:  # another worker claimed the day a moment ago
        return 0
    purged = purge_expired_data(now)
    PurgeRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        accounts=purged.accounts,
        commitments=purged.commitments,
        audit_addresses=purged.audit_addresses,
    )
    total = (
        purged.accounts
        + purged.commitments
        + purged.contact_messages
        + purged.alerts
        + purged.audit_addresses
    )
    if total:
        logger.info(
            "Retention purge: %d unconfirmed accounts, %d expired holds, %d contact messages, "
            "%d unconfirmed alerts, %d audit addresses blanked",
            purged.accounts,
            purged.commitments,
            purged.contact_messages,
            purged.alerts,
            purged.audit_addresses,
        )
    return total
