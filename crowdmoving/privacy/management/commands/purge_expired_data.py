"""Delete unconfirmed accounts and expired held places past their retention period."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from crowdmoving.privacy.retention import purge_expired_data


class Command(BaseCommand):
    help = (
        "Delete accounts that never confirmed their email address and the rows of held places "
        "that were never confirmed, once past their retention period, and blank the client "
        "address of old audit entries (the worker does this once a day)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        purged = purge_expired_data(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        days = settings.CROWDMOVING
        self.stdout.write(
            f"{verb} {purged.accounts} unconfirmed account(s) "
            f"(older than {days['RETENTION_UNCONFIRMED_ACCOUNT_DAYS']} days) and "
            f"{purged.commitments} expired held place(s) "
            f"(older than {days['RETENTION_EXPIRED_HOLD_DAYS']} days) and "
            f"{purged.contact_messages} contact message(s) "
            f"(older than {days['RETENTION_CONTACT_MESSAGE_DAYS']} days) and "
            f"{purged.alerts} unconfirmed email alert(s) "
            f"(older than {days['RETENTION_UNCONFIRMED_ALERT_DAYS']} days)."
        )
        blank = "Would blank" if dry_run else "Blanked"
        self.stdout.write(
            f"{blank} the client address of {purged.audit_addresses} audit entry(ies) "
            f"(older than {days['RETENTION_AUDIT_IP_DAYS']} days)."
        )
