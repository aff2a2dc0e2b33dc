import pytest

from crowdmoving import factories as f
from crowdmoving.projects import actions
from crowdmoving.projects.errors import TaskFull, TaskNotOpen, TaskRemoved
from crowdmoving.projects.models import Commitment, Project

pytestmark = pytest.mark.django_db


def test_it_gives_a_place_and_counts_it(task, volunteer):
    commitment = actions.take_task(task, volunteer)
    task.refresh_from_db()
    assert commitment.status == Commitment.Status.ACTIVE
    assert task.taken == 1


def test_it_refuses_a_second_take_over_by_the_same_person(task, volunteer):
    first = actions.take_task(task, volunteer)
    second = actions.take_task(task, volunteer)
    task.refresh_from_db()
    assert first.pk == second.pk
    assert task.taken == 1


def test_a_full_task_says_so(task):
    for _ in range(task.capacity):
        actions.take_task(task, f.UserFactory())
    with pytest.raises(TaskFull):
        actions.take_task(task, f.UserFactory())


def test_a_draft_or_closed_project_cannot_be_taken(task, volunteer):
    for status in (Project.Status.DRAFT, Project.Status.CLOSED):
        Project.objects.filter(pk=task.project_id).update(status=status)
        with pytest.raises(TaskNotOpen):
            actions.take_task(task, volunteer)


def test_a_removed_task_cannot_be_taken(task, volunteer):
    actions.remove_task(task)
    with pytest.raises(TaskRemoved):
        actions.take_task(task, volunteer)


def test_stepping_back_moves_the_first_waiting_person_up(task, volunteer, outbox):
    holders = [actions.take_task(task, f.UserFactory()) for _ in range(task.capacity)]
    first_waiting = actions.join_waitlist(task, volunteer)
    second_waiting = actions.join_waitlist(task, f.UserFactory())
    assert first_waiting.status == Commitment.Status.WAITING

    actions.withdraw(holders[0])

    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    task.refresh_from_db()
    assert first_waiting.status == Commitment.Status.ACTIVE
    assert second_waiting.status == Commitment.Status.WAITING
    assert task.taken == task.capacity
    assert any(volunteer.email in m.to for m in outbox())
