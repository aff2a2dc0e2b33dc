"""Many people press the button at the same moment: nobody is over-booked, nobody is lost.

Real threads, each with its own database connection, start together behind a barrier against
whatever database the settings give (the file-based SQLite test database, or PostgreSQL when
DATABASE_URL points at one). Nothing here retries: a 'database is locked' error is a failure."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django_scopes import scope

from crowdmoving import factories as f
from crowdmoving.projects import actions
from crowdmoving.projects.errors import TaskFull
from crowdmoving.projects.models import Commitment, Task

pytestmark = pytest.mark.django_db(transaction=True)

Status = Commitment.Status


def run_together(platform, jobs: list[Callable[[], Any]]) -> list[tuple[str, Any]]:  # type: ignore[no-untyped-def]
    """Run every job in its own thread, all released at once by a barrier. Returns
    ('ok', result) or ('error', exception) per job, in the order of ``jobs``."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[tuple[str, Any]] = [("missing", None)] * len(jobs)

    def work(index: int, job: Callable[[], Any]) -> None:
        try:
            with scope(platform=platform):
                connection.ensure_connection()  # connect first, so the race is the queries
                barrier.wait(timeout=30)
                outcomes[index] = ("ok", job())
        except BaseException as error:  # noqa: BLE001 - every outcome is asserted on
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def places_held(task: Task) -> int:
    return Commitment.objects.filter(task=task, status__in=Commitment.HOLDING_A_PLACE).count()


def assert_one_live_commitment_per_person(task: Task) -> None:
    live = list(
        Commitment.objects.filter(task=task, status__in=Commitment.LIVE).values_list(
            "user_id", flat=True
        )
    )
    assert len(live) == len(set(live))


def test_fifty_people_at_once_get_exactly_the_three_places(platform, task):
    people = [f.UserFactory(verified=False) for _ in range(50)]

    outcomes = run_together(
        platform, [partial(actions.take_task, task, person) for person in people]
    )

    errors = [value for kind, value in outcomes if kind == "error"]
    unexpected = [error for error in errors if not isinstance(error, TaskFull)]
    assert unexpected == []
    assert len([kind for kind, _value in outcomes if kind == "ok"]) == 3
    assert len(errors) == 47
    task.refresh_from_db()
    assert task.taken == 3 == places_held(task)
    assert Commitment.objects.filter(task=task, status=Status.ACTIVE).count() == 3
    assert_one_live_commitment_per_person(task)


def test_a_double_click_of_one_person_gives_one_place(platform, task, volunteer):
    outcomes = run_together(platform, [lambda: actions.take_task(task, volunteer)] * 10)

    assert [kind for kind, _value in outcomes] == ["ok"] * 10, outcomes
    assert len({commitment.pk for _kind, commitment in outcomes}) == 1
    task.refresh_from_db()
    assert task.taken == 1
    assert Commitment.objects.filter(task=task, user=volunteer, status=Status.ACTIVE).count() == 1
    assert Commitment.objects.filter(task=task).count() == 1


def test_places_freed_at_once_go_to_the_longest_waiting_while_others_join(platform, task):
    holders = [actions.take_task(task, f.UserFactory(verified=False)) for _ in range(3)]
    waiting = [actions.join_waitlist(task, f.UserFactory(verified=False)) for _ in range(10)]
    assert {c.status for c in waiting} == {Status.WAITING}
    newcomers = [f.UserFactory(verified=False) for _ in range(5)]

    jobs: list[Callable[[], Any]] = [partial(actions.withdraw, holder) for holder in holders]
    jobs += [partial(actions.join_waitlist, task, person) for person in newcomers]
    outcomes = run_together(platform, jobs)

    assert [kind for kind, _value in outcomes] == ["ok"] * len(jobs), outcomes
    task.refresh_from_db()
    active = list(Commitment.objects.filter(task=task, status=Status.ACTIVE).order_by("pk"))
    assert task.taken == 3 == places_held(task) == len(active)
    assert [c.pk for c in active] == [c.pk for c in waiting[:3]]
    by_promotion = sorted(active, key=lambda c: (c.changed_at, c.pk))
    assert [c.pk for c in by_promotion] == [c.pk for c in waiting[:3]]  # one after the other
    assert_one_live_commitment_per_person(task)
    queue = list(
        Commitment.objects.filter(task=task, status=Status.WAITING).order_by("joined_at", "pk")
    )
    assert [c.pk for c in queue[:7]] == [c.pk for c in waiting[3:]]
    assert {c.user_id for c in queue[7:]} == {person.pk for person in newcomers}
    assert [c.joined_at for c in queue] == sorted(c.joined_at for c in queue)
    assert Commitment.objects.filter(task=task, status=Status.WITHDRAWN).count() == 3


def test_stepping_back_twice_at_once_frees_one_place(platform, task):
    holders = [actions.take_task(task, f.UserFactory(verified=False)) for _ in range(3)]
    waiting = [actions.join_waitlist(task, f.UserFactory(verified=False)) for _ in range(2)]

    outcomes = run_together(platform, [lambda: actions.withdraw(holders[0])] * 8)

    assert [kind for kind, _value in outcomes] == ["ok"] * 8, outcomes
    task.refresh_from_db()
    assert task.taken == 3 == places_held(task)
    statuses = {c.pk: c.status for c in Commitment.objects.filter(task=task)}
    assert statuses[holders[0].pk] == Status.WITHDRAWN
    assert statuses[waiting[0].pk] == Status.ACTIVE
    assert statuses[waiting[1].pk] == Status.WAITING


def test_shrinking_a_task_while_people_take_it_never_overbooks(platform, task):
    Task.objects.filter(pk=task.pk).update(capacity=6)
    task.refresh_from_db()
    people = [f.UserFactory(verified=False) for _ in range(20)]

    jobs: list[Callable[[], Any]] = [partial(actions.take_task, task, p) for p in people]
    jobs.insert(10, partial(actions.update_task, task, {"capacity": 2}, confirmed=True))
    outcomes = run_together(platform, jobs)

    unexpected = [v for kind, v in outcomes if kind == "error" and not isinstance(v, TaskFull)]
    assert unexpected == []
    task.refresh_from_db()
    assert task.capacity == 2
    assert task.taken == 2 == places_held(task)
    assert_one_live_commitment_per_person(task)
    took = {v.user_id for kind, v in outcomes if kind == "ok" and isinstance(v, Commitment)}
    live = set(
        Commitment.objects.filter(task=task, status__in=Commitment.LIVE).values_list(
            "user_id", flat=True
        )
    )
    assert live == took  # whoever got a place holds it or waits for it again; nobody is lost
