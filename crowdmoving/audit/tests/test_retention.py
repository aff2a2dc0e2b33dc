"""Audit entries stay, but their client address is blanked after RETENTION_AUDIT_IP_DAYS
(90 by default) by the daily purge: the one change the audit log allows."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.audit.retention import forget_addresses
from crowdmoving.notifications import periodic
from crowdmoving.privacy.models import PurgeRun
from crowdmoving.privacy.retention import purge_expired_data

pytestmark = pytest.mark.django_db


def entry_from(platform, address: str, *, days_ago: float, **kwargs) -> AuditEntry:  # type: ignore[no-untyped-def]
    """An audit entry written ``days_ago`` days ago from ``address``."""
    entry = record(Action.LOGIN, platform=platform, **kwargs)
    AuditEntry._base_manager.filter(pk=entry.pk).update(
        ip_address=address, created_at=timezone.now() - timedelta(days=days_ago)
    )
    return AuditEntry._base_manager.get(pk=entry.pk)


def address_of(entry: AuditEntry) -> str | None:
    return AuditEntry._base_manager.values_list("ip_address", flat=True).get(pk=entry.pk)


def test_old_entries_lose_the_address_and_recent_ones_keep_it(platform, other_platform):
    old = entry_from(platform, "203.0.113.7", days_ago=91)
    old_elsewhere = entry_from(other_platform, "2001:db8::1", days_ago=400)
    recent = entry_from(platform, "198.51.100.3", days_ago=89)

    assert purge_expired_data().audit_addresses == 2

    assert address_of(old) is None
    assert address_of(old_elsewhere) is None
    assert address_of(recent) == "198.51.100.3"
    assert AuditEntry._base_manager.count() == 3  # the entries themselves stay


def test_nothing_else_of_the_entry_changes(platform, organiser, volunteer, project):
    entry = entry_from(
        platform,
        "203.0.113.7",
        days_ago=120,
        actor=organiser,
        subject=volunteer,
        target=project,
        methods=["password"],
    )
    before = AuditEntry._base_manager.filter(pk=entry.pk).values().get()

    purge_expired_data()

    after = AuditEntry._base_manager.filter(pk=entry.pk).values().get()
    assert after == {**before, "ip_address": None}
    assert after["created_at"] == before["created_at"]


def test_the_audit_log_stays_immutable_for_everything_else(platform):
    entry = entry_from(platform, "203.0.113.7", days_ago=120)
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(ip_address=None)
    with pytest.raises(TypeError):
        entry.save()
    assert address_of(entry) == "203.0.113.7"


def test_a_second_run_changes_nothing(platform):
    entry_from(platform, "203.0.113.7", days_ago=91)
    assert purge_expired_data().audit_addresses == 1
    with CaptureQueriesContext(connection) as queries:
        assert forget_addresses(timezone.now() - timedelta(days=90)) == 0
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert purge_expired_data().audit_addresses == 0


def test_it_works_in_batches_and_updates_only_the_address(platform):
    entries = [entry_from(platform, f"203.0.113.{n}", days_ago=100 + n) for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        assert forget_addresses(timezone.now() - timedelta(days=90), batch_size=2) == 5
    updates = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 3  # 2 + 2 + 1
    for sql in updates:
        assigned = sql.upper().split(" SET ", 1)[1].split(" WHERE ", 1)[0]
        assert assigned.count("=") == 1 and "IP_ADDRESS" in assigned
    assert all(address_of(entry) is None for entry in entries)


def test_the_period_is_a_setting(platform, settings):
    entry = entry_from(platform, "203.0.113.7", days_ago=40)
    assert settings.CROWDMOVING["RETENTION_AUDIT_IP_DAYS"] == 90
    assert purge_expired_data().audit_addresses == 0
    settings.CROWDMOVING = {**settings.CROWDMOVING, "RETENTION_AUDIT_IP_DAYS": 30}
    assert purge_expired_data().audit_addresses == 1
    assert address_of(entry) is None


def test_the_command_counts_with_dry_run_and_then_blanks(platform):
    entry = entry_from(platform, "203.0.113.7", days_ago=91)

    out = StringIO()
    call_command("purge_expired_data", "--dry-run", stdout=out)
    assert (
        "Would blank the client address of 1 audit entry(ies) (older than 90 days)."
        in out.getvalue()
    )
    assert address_of(entry) == "203.0.113.7"

    out = StringIO()
    call_command("purge_expired_data", stdout=out)
    assert "Blanked the client address of 1 audit entry(ies)" in out.getvalue()
    assert address_of(entry) is None


def test_the_worker_records_the_count_of_the_day(platform, time_machine):
    time_machine.move_to(timezone.now().replace(hour=10), tick=False)
    entry_from(platform, "203.0.113.7", days_ago=91)
    entry_from(platform, "203.0.113.8", days_ago=92)

    assert periodic.run_due_work()["retention"] == 2
    assert PurgeRun.objects.get().audit_addresses == 2
