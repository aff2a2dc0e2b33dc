"""The daily alert mail: which tasks it names (and which never), its one-click unsubscribe
headers, once a day per alert even with two workers, and a query count that does not grow with
the number of alerts beyond one claim and one mail each."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.notifications.outbox import deliver_due
from crowdmoving.notifications.periodic import run_due_work
from crowdmoving.projects import actions as project_actions
from crowdmoving.projects.models import Project, Task
from crowdmoving.reach import digest
from crowdmoving.reach.models import Subscription
from crowdmoving.tenancy.models import Platform

ROSA = "rosa@example.net"
DAY = timedelta(days=1)


def confirmed_alert(platform, *, since=None, **fields) -> Subscription:  # type: ignore[no-untyped-def]
    values = {"email": ROSA, "language": "en", "kind": "category", "category": "children"}
    values.update(fields)
    return Subscription.objects.create(
        platform=platform, confirmed_at=since or timezone.now() - DAY, **values
    )


def digests() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(key__startswith="alert-digest:").order_by("pk"))


@pytest.mark.django_db
def test_subscribe_confirm_and_the_next_digest_names_the_new_task(
    client, organisation, organiser, outbox
):
    """The whole story: ask, confirm by the link, a task is posted, the worker mails it."""
    assert (
        client.post(
            "/alerts/new/", {"kind": "organisation", "organisation": "krass-ev", "email": ROSA}
        ).status_code
        == 302
    )
    body = outbox()[-1].body
    link = re.search(r"http://krass\.example\.org(/alerts/confirm/[^/\s]+/)", body)
    assert link
    assert client.post(link.group(1)).status_code == 302
    assert digest.send_alert_digests(timezone.now()) == 0  # nothing new yet

    project = f.ProjectFactory(organisation=organisation, title="Sommerfest im Hof")
    f.TaskFactory(project=project, title="Kuchen backen", capacity=4)
    mail.outbox = []
    assert digest.send_alert_digests(timezone.now() + DAY) == 1
    sent = outbox()
    assert len(sent) == 1
    assert sent[0].to == [ROSA]
    assert "Krass Plattform: 1 new task for you" in sent[0].subject
    assert "Kuchen backen (Sommerfest im Hof, KRASS e.V., Berlin)" in sent[0].body
    assert "4 places free: http://krass.example.org/projects/" in sent[0].body


@pytest.mark.django_db
def test_the_digest_names_only_new_live_public_tasks_with_a_free_place_of_its_subject(
    platform, organisation, other_platform
):
    alert = confirmed_alert(platform)
    kids = {"organisation": organisation, "category": "children"}
    public = f.ProjectFactory(title="Öffentlich", **kids)
    wanted = f.TaskFactory(project=public, title="Gesucht")
    f.TaskFactory(project=f.ProjectFactory(title="Entwurf", status="draft", **kids))
    f.TaskFactory(project=f.ProjectFactory(title="Kreis", status="inner_circle", **kids))
    f.TaskFactory(project=f.ProjectFactory(title="Zu", status="closed", **kids))
    f.TaskFactory(project=f.ProjectFactory(title="Sport", organisation=organisation))
    foreign = f.OrganisationFactory(platform=other_platform, slug="krass-ev")
    f.TaskFactory(
        project=f.ProjectFactory(title="Fremd", organisation=foreign, category="children")
    )
    removed = f.TaskFactory(project=public, title="Entfernt")
    Task.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    full = f.TaskFactory(project=public, title="Voll", capacity=1)
    Task.objects.filter(pk=full.pk).update(taken=1)
    Project.objects.filter(pk=public.pk).update(published_at=digest.watermark(alert) - DAY)
    old = f.TaskFactory(project=public, title="Alt")
    Task.objects.filter(pk=old.pk).update(created_at=digest.watermark(alert) - timedelta(minutes=1))

    assert digest.send_alert_digests(timezone.now()) == 1

    message = digests()[0]
    assert re.findall(r"^- (\S+)", message.body, flags=re.M) == [wanted.title]
    alert.refresh_from_db()
    assert alert.last_sent_at is not None


@pytest.mark.django_db
def test_the_mail_carries_the_one_click_unsubscribe_link_and_headers(platform, organisation):
    alert = confirmed_alert(platform)
    f.TaskFactory(project=f.ProjectFactory(organisation=organisation, category="children"))
    digest.send_alert_digests(timezone.now())
    mail.outbox = []
    deliver_due()
    sent = mail.outbox[0]
    url = f"http://krass.example.org/alerts/unsubscribe/{alert.token}/"
    assert sent.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message = sent.message()
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"]
    assert url in sent.body
    assert isinstance(sent, EmailMultiAlternatives)
    assert url in str(sent.alternatives[0][0])
    # The header's address does what it says, without cookies or a CSRF token (RFC 8058).
    mail_program = Client(HTTP_HOST="krass.example.org", enforce_csrf_checks=True)
    answer = mail_program.post(
        url[len("http://krass.example.org") :], {"List-Unsubscribe": "One-Click"}
    )
    assert answer.status_code == 200
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_the_mail_is_in_the_alerts_language(platform, organisation):
    confirmed_alert(platform, language="de")
    confirmed_alert(platform, email="en@example.net", language="en")
    f.TaskFactory(project=f.ProjectFactory(organisation=organisation, category="children"))
    digest.send_alert_digests(timezone.now())
    german, english = digests()
    assert german.body.startswith("Hallo,")
    assert english.body.startswith("Hello,")


@pytest.mark.django_db
def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_only_what_is_new(
    platform, organisation
):
    confirmed_alert(platform)
    project = f.ProjectFactory(organisation=organisation, category="children")
    f.TaskFactory(project=project, title="Erste")
    now = timezone.now()
    assert digest.send_alert_digests(now) == 1
    assert digest.send_alert_digests(now + timedelta(minutes=1)) == 0
    f.TaskFactory(project=project, title="Zweite")
    assert digest.send_alert_digests(now + timedelta(minutes=2)) == 0  # not due before tomorrow
    assert digest.send_alert_digests(now + DAY) == 1
    first, second = digests()
    assert "Erste" in first.body and "Zweite" not in first.body
    assert "Zweite" in second.body and "Erste" not in second.body


@pytest.mark.django_db
def test_nothing_new_sends_nothing_but_moves_the_watermark(platform, organisation):
    alert = confirmed_alert(platform)
    now = timezone.now()
    assert digest.send_alert_digests(now) == 0
    alert.refresh_from_db()
    assert alert.last_sent_at == now
    assert digests() == []


@pytest.mark.django_db
def test_unconfirmed_alerts_get_nothing(platform, organisation):
    Subscription.objects.create(platform=platform, email=ROSA, kind="category", category="children")
    f.TaskFactory(project=f.ProjectFactory(organisation=organisation, category="children"))
    assert digest.send_alert_digests(timezone.now()) == 0


@pytest.mark.django_db
def test_a_suspended_platforms_alerts_wait_until_it_is_reactivated(platform, organisation):
    confirmed_alert(platform)
    f.TaskFactory(project=f.ProjectFactory(organisation=organisation, category="children"))
    Platform.objects.filter(pk=platform.pk).update(status=Platform.Status.SUSPENDED)
    assert digest.send_alert_digests(timezone.now()) == 0
    Platform.objects.filter(pk=platform.pk).update(status=Platform.Status.ACTIVE)
    assert digest.send_alert_digests(timezone.now()) == 1


@pytest.mark.django_db
def test_a_project_that_becomes_public_brings_its_earlier_tasks(platform, organisation):
    alert = confirmed_alert(platform)
    circle = f.ProjectFactory(organisation=organisation, category="children", status="inner_circle")
    f.TaskFactory(project=circle, title="Vorbereitet")
    Task.objects.filter(project=circle).update(created_at=digest.watermark(alert) - DAY)
    assert digest.send_alert_digests(timezone.now()) == 0
    Project.objects.filter(pk=circle.pk).update(status="public", published_at=timezone.now())
    assert digest.send_alert_digests(timezone.now() + DAY) == 1
    assert "Vorbereitet" in digests()[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("place", "project_place", "postal_code", "found"),
    [
        ("04", "Leipzig", "04103", True),
        ("041", "04103 Leipzig", "", True),
        ("04", "Berlin", "10115", False),
        ("leipzig", "04103 Leipzig-Connewitz", "", True),
        ("münchen", "MÜNCHEN, Westend", "", True),
        ("Leipzig", "Halle (Saale)", "06108", False),
    ],
)
def test_a_place_alert_matches_a_postal_code_prefix_or_a_part_of_the_town(
    platform, organisation, place, project_place, postal_code, found
):
    confirmed_alert(platform, kind="place", category="", place=place)
    project = f.ProjectFactory(
        organisation=organisation, place=project_place, postal_code=postal_code
    )
    f.TaskFactory(project=project)
    assert digest.send_alert_digests(timezone.now()) == int(found)


@pytest.mark.django_db
def test_an_organisation_alert_names_that_organisations_tasks_only(
    platform, organisation, outsider
):
    confirmed_alert(platform, kind="organisation", category="", organisation=organisation)
    f.TaskFactory(project=f.ProjectFactory(organisation=organisation), title="Unsere")
    other = f.OrganisationFactory(platform=platform)
    f.TaskFactory(project=f.ProjectFactory(organisation=other), title="Andere")
    digest.send_alert_digests(timezone.now())
    body = digests()[0].body
    assert "Unsere" in body and "Andere" not in body
    assert "new tasks of KRASS e.V." in body


@pytest.mark.django_db
def test_more_than_twenty_tasks_end_with_and_n_more(platform, organisation):
    confirmed_alert(platform)
    project = f.ProjectFactory(organisation=organisation, category="children")
    for number in range(23):
        f.TaskFactory(project=project, title=f"Aufgabe {number}")
    digest.send_alert_digests(timezone.now())
    message = digests()[0]
    assert len(re.findall(r"^- ", message.body, flags=re.M)) == digest.MAX_LISTED
    assert "... and 3 more tasks: http://krass.example.org/projects/?category=children" in (
        message.body
    )
    assert "23 new tasks for you" in message.subject


@pytest.mark.django_db
def test_the_worker_tick_runs_the_alerts(platform, organisation):
    confirmed_alert(platform)
    f.TaskFactory(project=f.ProjectFactory(organisation=organisation, category="children"))
    done = run_due_work(timezone.now())
    assert done["alerts"] == 1
    assert len(digests()) == 1


def _queries_for(count: int, platform, organisation) -> int:  # type: ignore[no-untyped-def]
    Subscription.objects.all().delete()
    OutboxMessage.objects.all().delete()
    for number in range(count):
        confirmed_alert(platform, email=f"person{number}@example.net")
    with CaptureQueriesContext(connection) as queries:
        assert digest.send_alert_digests(timezone.now()) == count
    statements = [
        q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]
    ]  # savepoints: the test's transaction around each alert's (BEGIN/COMMIT in the worker)
    assert len([sql for sql in statements if 'FROM "projects_task"' in sql]) == 1
    assert len([sql for sql in statements if 'FROM "tenancy_domain"' in sql]) == 1
    return len(statements)


@pytest.mark.django_db
def test_the_query_count_grows_only_by_the_claim_and_the_mail_of_each_alert(platform, organisation):
    project = f.ProjectFactory(organisation=organisation, category="children")
    for _ in range(5):
        f.TaskFactory(project=project)
    five = _queries_for(5, platform, organisation)
    fifteen = _queries_for(15, platform, organisation)
    # Each alert: its claim (UPDATE), its outbox row and that row's delivery task (INSERTs).
    assert (fifteen - five) / 10 == 3
    # Besides: the due alerts (twice: the batch, then the empty next one), the tasks, the
    # platform's address for the links.
    assert five == 4 + 3 * 5


# --- two workers at once --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_send_each_alert_once(platform, organisation):
    for number in range(5):
        confirmed_alert(platform, email=f"person{number}@example.net")
    f.TaskFactory(project=f.ProjectFactory(organisation=organisation, category="children"))
    now = timezone.now()
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def worker(index: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            results[index] = digest.send_alert_digests(now)
        except BaseException as error:  # noqa: BLE001 - asserted below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 5  # type: ignore[arg-type]
    assert len(digests()) == 5
    assert sorted(m.to for m in digests()) == [f"person{n}@example.net" for n in range(5)]


@pytest.mark.django_db
def test_a_claimed_alert_is_not_claimed_again(platform, organisation):
    """The claim itself: the watermark moves only from the value read."""
    alert = confirmed_alert(platform)
    f.TaskFactory(project=f.ProjectFactory(organisation=organisation, category="children"))
    stale = Subscription.objects.get(pk=alert.pk)
    now = timezone.now()
    assert digest.send_alert_digests(now) == 1
    tasks = digest.new_tasks_for(stale, digest.candidate_tasks([stale], now), now)
    assert tasks  # the stale copy still thinks they are new ...
    assert digest._send_one(stale, tasks, now) == 0  # ... but cannot claim the alert again
    assert len(digests()) == 1


@pytest.mark.django_db
def test_project_actions_that_fill_a_task_keep_it_out_of_the_digest(
    platform, organisation, volunteer
):
    confirmed_alert(platform)
    task = f.TaskFactory(
        project=f.ProjectFactory(organisation=organisation, category="children"), capacity=1
    )
    project_actions.take_task(task, volunteer)
    assert digest.send_alert_digests(timezone.now()) == 0
