"""The one sanctioned change of audit entries: forgetting their client address.

Audit entries are written once and never changed (models.ImmutableQuerySet, AuditEntry.save
and .delete raise). The client address, though, is personal data needed only for a while
(security investigations): after CROWDMOVING["RETENTION_AUDIT_IP_DAYS"] the daily retention
purge (crowdmoving.privacy.retention) blanks it here. The entries themselves stay."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from .models import AuditEntry

BATCH_SIZE = 1000


def entries_with_addresses_before(before: datetime) -> QuerySet[AuditEntry]:
    """Audit entries written before ``before`` that still hold a client address, across all
    platforms (the base manager is neither scoped nor immutable: read it only)."""
    return AuditEntry._base_manager.filter(created_at__lt=before, ip_address__isnull=False)


def forget_addresses(before: datetime, *, batch_size: int = BATCH_SIZE) -> int:
    """Blank ``ip_address`` of every audit entry written before ``before``; return how many.

    This is the only code that writes to existing audit entries, and it writes nothing but
    ``ip_address``: a plain UPDATE through ``AuditEntry._base_manager`` (the model's default
    manager refuses updates), in batches of ``batch_size`` rows, each in its own transaction,
    so that a large first run on PostgreSQL or SQLite never holds the table for long. Running it
    again changes nothing."""
    forgotten = 0
    while True:
        with transaction.atomic():
            batch = list(
                entries_with_addresses_before(before)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                return forgotten
            forgotten += AuditEntry._base_manager.filter(
                pk__in=batch, ip_address__isnull=False
            ).update(ip_address=None)
