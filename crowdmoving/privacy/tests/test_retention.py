"""Retention: unconfirmed accounts and never-confirmed held places are deleted after their
periods, once a day by the worker or by ``manage.py purge_expired_data``."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.notifications import periodic
from crowdmoving.organisations.models import Role
from crowdmoving.privacy import actions as privacy_actions
from crowdmoving.privacy.models import Consent, HeldConsent, PurgeRun
from crowdmoving.privacy.retention import Purged, purge_expired_data, run_daily
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Task
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = pytest.mark.django_db

Status = Commitment.Status


def days_ago(days: int):  # type: ignore[no-untyped-def]
    return timezone.now() - timedelta(days=days)


def unconfirmed(email: str, *, joined_days_ago: int = 8, address: bool = True) -> User:
    """An account that signed up (or held a place) and never confirmed its address."""
    user = f.UserFactory(email=email, verified=False)
    if address:
        EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    User.objects.filter(pk=user.pk).update(date_joined=days_ago(joined_days_ago))
    return user


def expired_hold(task: Task, email: str, *, ended_days_ago: int) -> Commitment:
    """A place held by a visitor who never confirmed, released by the worker long ago."""
    held = actions.hold_task(task, name="Gast", email=email)
    Commitment.objects.filter(pk=held.commitment.pk).update(hold_expires_at=days_ago(1))
    assert actions.release_expired_hold(held.commitment.pk)
    Commitment.objects.filter(pk=held.commitment.pk).update(changed_at=days_ago(ended_days_ago))
    return Commitment.objects.get(pk=held.commitment.pk)


def live_places(task: Task) -> int:
    return Commitment.objects.filter(task=task, status__in=Commitment.HOLDING_A_PLACE).count()


def test_an_account_that_never_confirmed_is_deleted_after_the_period(platform):
    old = unconfirmed("alt@example.org", joined_days_ago=8)
    young = unconfirmed("jung@example.org", joined_days_ago=6)

    assert purge_expired_data() == Purged(accounts=1, commitments=0)

    assert not User.objects.filter(pk=old.pk).exists()
    assert not EmailAddress.objects.filter(email="alt@example.org").exists()
    assert User.objects.filter(pk=young.pk).exists()


def test_accounts_that_count_are_kept(platform, organisation, task):
    confirmed = f.UserFactory(email="bestaetigt@example.org")  # a verified address
    User.objects.filter(pk=confirmed.pk).update(date_joined=days_ago(400))
    signed_in = unconfirmed("angemeldet@example.org")
    User.objects.filter(pk=signed_in.pk).update(last_login=days_ago(3))
    member = unconfirmed("mitglied@example.org")
    f.MembershipFactory(organisation=organisation, user=member, role=Role.EDITOR)
    admin = unconfirmed("admin@example.org")
    PlatformAdmin.objects.create(platform=platform, user=admin)
    staff = unconfirmed("staff@example.org")
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    holding = unconfirmed("haelt@example.org", address=False)
    actions.hold_task(task, name="Hält", email="haelt@example.org")  # a held place counts
    Task.objects.filter(pk=task.pk).update(capacity=5)
    taking = unconfirmed("nimmt@example.org")
    f.CommitmentFactory(task=task, user=taking, status=Status.ACTIVE)
    kept: set[User] = {confirmed, signed_in, member, admin, staff, holding, taking}

    assert purge_expired_data().accounts == 0
    assert set(User.objects.filter(pk__in=[u.pk for u in kept])) == kept


def test_a_visitor_whose_hold_expired_is_deleted_with_it(platform, task, privacy_text):
    Task.objects.filter(pk=task.pk).update(capacity=3)
    held = actions.hold_task(task, name="Gast", email="gast@example.org", accepted=privacy_text)
    Commitment.objects.filter(pk=held.commitment.pk).update(hold_expires_at=days_ago(1))
    actions.release_expired_hold(held.commitment.pk)
    User.objects.filter(email="gast@example.org").update(date_joined=days_ago(8))

    assert purge_expired_data() == Purged(accounts=1, commitments=0)

    assert not User.objects.filter(email="gast@example.org").exists()
    assert not Commitment.objects.filter(pk=held.commitment.pk).exists()
    assert not HeldConsent.objects.exists()


def test_the_audit_trail_of_a_deleted_account_stays_without_the_person(client, privacy_text):
    password = "ein langes Passwort 42"
    data = {"email": "neu@example.org", "name": "Nora Neu", "accept_privacy": "on",
            "password1": password, "password2": password}  # fmt: skip
    client.post("/accounts/signup/", data)
    User.objects.filter(email="neu@example.org").update(date_joined=days_ago(8))

    assert purge_expired_data().accounts == 1

    assert not Consent.objects.exists()
    entry = AuditEntry.objects.get(action=Action.CONSENT_GIVEN)
    assert entry.subject is None and entry.actor is None


def test_expired_holds_are_deleted_after_the_period_and_counts_stay_right(
    platform, task, volunteer
):
    Task.objects.filter(pk=task.pk).update(capacity=4)
    actions.take_task(task, volunteer)
    old = expired_hold(task, "alt@example.org", ended_days_ago=31)
    young = expired_hold(task, "jung@example.org", ended_days_ago=29)
    still_held = actions.hold_task(task, name="Gast", email="haelt@example.org").commitment
    withdrawn = f.CommitmentFactory(task=task, user=f.UserFactory(), status=Status.WITHDRAWN)
    Commitment.objects.filter(pk=withdrawn.pk).update(changed_at=days_ago(90))
    task.refresh_from_db()
    taken_before = task.taken
    assert taken_before == live_places(task) == 2

    assert purge_expired_data().commitments == 1

    assert not Commitment.objects.filter(pk=old.pk).exists()
    remaining = set(Commitment.objects.filter(task=task).values_list("pk", flat=True))
    assert {young.pk, still_held.pk, withdrawn.pk} <= remaining
    task.refresh_from_db()
    assert task.taken == taken_before == live_places(task)
    # The people behind the deleted rows are accounts like any other (the account rule).
    assert User.objects.filter(email="alt@example.org").exists()


def test_the_purge_is_idempotent(platform, task):
    Task.objects.filter(pk=task.pk).update(capacity=3)
    expired_hold(task, "alt@example.org", ended_days_ago=31)
    unconfirmed("nie@example.org")

    assert purge_expired_data() == Purged(accounts=1, commitments=1)
    assert purge_expired_data() == Purged(accounts=0, commitments=0)


def test_the_periods_are_settings(platform, settings):
    unconfirmed("alt@example.org", joined_days_ago=8)
    settings.CROWDMOVING = {**settings.CROWDMOVING, "RETENTION_UNCONFIRMED_ACCOUNT_DAYS": 10}
    assert purge_expired_data().accounts == 0
    settings.CROWDMOVING = {**settings.CROWDMOVING, "RETENTION_UNCONFIRMED_ACCOUNT_DAYS": 5}
    assert purge_expired_data().accounts == 1


def test_the_command_counts_with_dry_run_and_then_deletes(platform, task):
    Task.objects.filter(pk=task.pk).update(capacity=3)
    expired_hold(task, "alt@example.org", ended_days_ago=31)
    unconfirmed("nie@example.org")

    out = StringIO()
    call_command("purge_expired_data", "--dry-run", stdout=out)
    assert "Would delete 1 unconfirmed account(s) (older than 7 days)" in out.getvalue()
    assert "1 expired held place(s) (older than 30 days)" in out.getvalue()
    assert User.objects.filter(email="nie@example.org").exists()
    assert Commitment.objects.filter(status=Status.EXPIRED).exists()

    out = StringIO()
    call_command("purge_expired_data", stdout=out)
    assert "Deleted 1 unconfirmed account(s)" in out.getvalue()
    assert not User.objects.filter(email="nie@example.org").exists()
    assert not Commitment.objects.filter(status=Status.EXPIRED).exists()


def test_the_worker_purges_once_a_day(platform, time_machine):
    time_machine.move_to(timezone.now().replace(hour=10), tick=False)
    unconfirmed("eins@example.org")

    assert periodic.run_due_work()["retention"] == 1
    unconfirmed("zwei@example.org")
    assert periodic.run_due_work()["retention"] == 0  # the day is claimed
    assert User.objects.filter(email="zwei@example.org").exists()
    run = PurgeRun.objects.get()
    assert (run.accounts, run.commitments) == (1, 0) and run.finished_at is not None

    time_machine.move_to(timezone.now() + timedelta(days=1), tick=False)
    assert periodic.run_due_work()["retention"] == 1
    assert not User.objects.filter(email="zwei@example.org").exists()
    assert PurgeRun.objects.count() == 2


def test_a_day_claimed_by_another_worker_is_skipped(platform):
    now = timezone.now()
    PurgeRun.objects.create(day=timezone.localdate(now))  # the other worker was first
    unconfirmed("eins@example.org")
    assert run_daily(now) == 0
    assert User.objects.filter(email="eins@example.org").exists()


def test_withdrawn_consents_are_kept_by_the_purge(platform, volunteer, privacy_text):
    consent = privacy_actions.give_consent(volunteer, privacy_text)
    privacy_actions.withdraw_consent(consent)
    purge_expired_data()
    assert Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=False).exists()


def test_the_mails_to_a_deleted_account_go_with_it(client, platform, task, privacy_text):
    """The confirmation mail names the person and the hold's mail carries the address: a
    purged account leaves neither in the outbox. Mail to an address that stays is kept."""
    from crowdmoving.notifications.models import OutboxMessage

    password = "ein langes Passwort 42"
    data = {"email": "neu@example.org", "name": "Nora Neu", "accept_privacy": "on",
            "password1": password, "password2": password}  # fmt: skip
    client.post("/accounts/signup/", data)
    Task.objects.filter(pk=task.pk).update(capacity=3)
    held = actions.hold_task(task, name="Gast", email="gast@example.org", accepted=privacy_text)
    Commitment.objects.filter(pk=held.commitment.pk).update(hold_expires_at=days_ago(1))
    actions.release_expired_hold(held.commitment.pk)
    User.objects.filter(email__in=["neu@example.org", "gast@example.org"]).update(
        date_joined=days_ago(8)
    )
    stays = f.UserFactory(email="bleibt@example.org")
    OutboxMessage.objects.create(to="Bleibt@example.org", key="k", subject="Hallo", body="x")
    assert OutboxMessage.objects.filter(to__in=["neu@example.org", "gast@example.org"]).count() == 2

    assert purge_expired_data().accounts == 2

    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["Bleibt@example.org"]
    assert User.objects.filter(pk=stays.pk).exists()


def test_what_is_left_of_a_deleted_account_is_no_unconfirmed_sign_up(volunteer, task, privacy_text):
    """A deleted account keeps its consents (proof, Art. 7(1)) pointing to its tombstone,
    which has no address and no sign-in any more: the purge must not take it for a sign-up."""
    from crowdmoving.accounts import deletion

    privacy_actions.give_consent(volunteer, privacy_text)
    actions.take_task(task, volunteer)  # given up at the deletion: nothing left that counts
    deletion.delete_account(volunteer)
    User.objects.filter(pk=volunteer.pk).update(date_joined=days_ago(400))

    assert purge_expired_data() == Purged(accounts=0, commitments=0)

    assert User.objects.filter(pk=volunteer.pk).exists()
    assert Consent.objects.filter(user=volunteer, withdrawn_at__isnull=False).exists()


def test_the_purge_drops_expired_rows_of_the_database_cache(settings, time_machine):
    """Production without Redis keeps the task cards (with the names on them) in a database
    table whose expired rows Django deletes only once it is full: the purge drops them."""
    from django.core.cache import caches
    from django.db import connection

    settings.CACHES = {
        **settings.CACHES,
        "rows": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "retention_test_cache",
        },
    }
    call_command("createcachetable", "retention_test_cache")
    time_machine.move_to(days_ago(2), tick=False)
    caches["rows"].set("card:old", "Zyxwvu Sentinel", 60)
    time_machine.move_to(timezone.now() + timedelta(days=2), tick=False)
    caches["rows"].set("card:new", "still fresh", 60)

    purge_expired_data()

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM retention_test_cache")
        assert [key for (key,) in cursor.fetchall()] == [":1:card:new"]


def test_contact_messages_are_deleted_after_their_period(platform, other_platform, time_machine):
    from crowdmoving.pages.models import ContactMessage

    time_machine.move_to("2026-01-01 12:00 +00:00", tick=False)
    old = ContactMessage.objects.create(
        platform=platform, name="Rosa Alt", email="rosa@example.org", message="Hallo"
    )
    time_machine.move_to("2026-06-25 12:00 +00:00", tick=False)  # 175 days later
    recent = ContactMessage.objects.create(
        platform=other_platform, name="Nora Neu", email="nora@example.org", message="Hallo"
    )
    assert purge_expired_data(dry_run=True).contact_messages == 0
    time_machine.move_to("2026-07-01 12:00 +00:00", tick=False)  # 181 days after the first
    assert purge_expired_data(dry_run=True).contact_messages == 1
    out = StringIO()
    call_command("purge_expired_data", stdout=out)
    assert "1 contact message(s) (older than 180 days)" in out.getvalue()
    assert not ContactMessage.objects.filter(pk=old.pk).exists()
    assert ContactMessage.objects.filter(pk=recent.pk).exists()
    assert purge_expired_data().contact_messages == 0
