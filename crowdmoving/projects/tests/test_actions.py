import pytest
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.projects import actions
from crowdmoving.projects.errors import (
    TaskFull,
    TaskNotOpen,
    TaskRemoved,
    TooManyAttempts,
    WrongCode,
)
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


def test_a_held_place_is_confirmed_only_with_the_right_code(task):
    hold = actions.hold_task(task, name="Vera Besuch", email="vera@example.org")
    with pytest.raises(WrongCode):
        actions.confirm_hold(hold.commitment, code="000000" if hold.code != "000000" else "111111")
    hold.commitment.refresh_from_db()
    confirmed = actions.confirm_hold(hold.commitment, code=hold.code)
    assert confirmed.status == Commitment.Status.ACTIVE


def test_an_old_code_proves_nothing_after_the_place_is_confirmed(task):
    hold = actions.hold_task(task, name="Vera Besuch", email="vera@example.org")
    actions.confirm_hold(hold.commitment, code=hold.code)
    hold.commitment.refresh_from_db()
    with pytest.raises(WrongCode):
        actions.confirm_hold(hold.commitment, code=hold.code)


def test_asking_again_mails_a_fresh_code_and_only_the_newest_is_valid(task, outbox):
    first = actions.hold_task(task, name="Vera Besuch", email="vera@example.org")
    second = actions.hold_task(task, name="Vera Besuch", email="vera@example.org")
    assert first.commitment.pk == second.commitment.pk
    mails = [m for m in outbox() if "vera@example.org" in m.to]
    assert len(mails) == 2
    assert second.code in mails[-1].body
    assert actions.commitment_from_token(first.token) == (second.commitment, False) or (
        first.code == second.code
    )
    commitment, current = actions.commitment_from_token(second.token)
    assert current and commitment == second.commitment


def test_the_emailed_link_is_used_up_once_the_place_is_confirmed(task):
    hold = actions.hold_task(task, name="Vera Besuch", email="vera@example.org")
    commitment, current = actions.commitment_from_token(hold.token)
    assert commitment is not None and current
    actions.confirm_hold(commitment)
    commitment, current = actions.commitment_from_token(hold.token)
    assert commitment is not None and commitment.status == Commitment.Status.ACTIVE
    assert not current


def test_a_tampered_link_is_nothing(task):
    hold = actions.hold_task(task, name="Vera Besuch", email="vera@example.org")
    assert actions.commitment_from_token(hold.token + "x") == (None, False)


def test_too_many_wrong_codes_lock_the_code_but_not_the_link(task, settings):
    hold = actions.hold_task(task, name="Vera Besuch", email="vera@example.org")
    wrong = "000000" if hold.code != "000000" else "111111"
    for _ in range(settings.CROWDMOVING["CONFIRMATION_CODE_ATTEMPTS"]):
        with pytest.raises(WrongCode):
            actions.confirm_hold(hold.commitment, code=wrong)
    with pytest.raises(TooManyAttempts):
        actions.confirm_hold(hold.commitment, code=hold.code)
    commitment, current = actions.commitment_from_token(hold.token)
    assert commitment is not None and current
    assert actions.confirm_hold(commitment).status == Commitment.Status.ACTIVE


def test_shrinking_ends_an_unconfirmed_hold_first_and_never_queues_it(task, volunteer):
    held = actions.hold_task(task, name="Unbestätigt", email="unconfirmed@example.org")
    actions.take_task(task, volunteer)
    actions.update_task(task, {"capacity": 1}, confirmed=True)
    held.commitment.refresh_from_db()
    assert held.commitment.status == Commitment.Status.EXPIRED
    assert Commitment.objects.get(task=task, user=volunteer).status == Commitment.Status.ACTIVE
    actions.update_task(task, {"capacity": 3}, confirmed=True)
    held.commitment.refresh_from_db()
    assert held.commitment.status == Commitment.Status.EXPIRED  # never moved up unconfirmed
    task.refresh_from_db()
    assert task.taken == 1


def test_a_link_used_after_the_hold_expired_is_used_up_too(task, settings):
    hold = actions.hold_task(task, name="Vera Besuch", email="vera@example.org")
    Commitment.objects.filter(pk=hold.commitment.pk).update(hold_expires_at=timezone.now())
    commitment, current = actions.commitment_from_token(hold.token)
    assert commitment is not None and current
    taken = actions.confirm_hold(commitment)  # the place was still free: taken afresh
    assert taken.status == Commitment.Status.ACTIVE
    assert actions.commitment_from_token(hold.token)[1] is False
    actions.withdraw(taken)
    assert actions.commitment_from_token(hold.token)[1] is False


def test_moving_up_twice_mails_twice(task, volunteer, outbox):
    holders = [actions.take_task(task, f.UserFactory()) for _ in range(task.capacity)]
    actions.join_waitlist(task, volunteer)
    actions.withdraw(holders[0])  # volunteer moves up
    actions.update_task(task, {"capacity": task.capacity - 1}, confirmed=True)  # back to waiting
    actions.withdraw(holders[1])  # and up again
    subjects = [m.subject for m in outbox() if volunteer.email in m.to]
    assert sum("für dich frei" in s for s in subjects) == 2
