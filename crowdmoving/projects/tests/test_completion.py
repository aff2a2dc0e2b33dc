"""Handing a project's coordination over to a supporter, and confirming after the day who took
part (with hours) and who did not come."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.notifications.models import Kind, Notification
from crowdmoving.projects import actions
from crowdmoving.projects.errors import AttendanceRefused, NotASupporter
from crowdmoving.projects.models import Commitment, Task

pytestmark = pytest.mark.django_db
Status = Commitment.Status


@pytest.fixture
def past_task(project):  # type: ignore[no-untyped-def]
    start = timezone.now() - timedelta(days=2)
    return f.TaskFactory(
        project=project, title="Zelt aufbauen", starts_at=start, ends_at=start + timedelta(hours=3)
    )


def confirm_url(project) -> str:  # type: ignore[no-untyped-def]
    return reverse("manage:attendance", args=[project.pk])


def test_an_owner_hands_coordination_over_to_a_supporter(login, organiser, volunteer, task, outbox):
    volunteer.language = "en"
    volunteer.save()
    actions.take_task(task, volunteer)
    dashboard = reverse("manage:project", args=[task.project_id])
    browser = login(organiser)
    assert "Hand over coordination" in browser.get(dashboard).content.decode()
    browser.post(reverse("manage:hand_over", args=[task.project_id]), {"user": volunteer.pk})
    assert list(task.project.coordinators.all()) == [volunteer]
    assert Notification.objects.filter(user=volunteer, kind=Kind.MEMBERSHIP).exists()
    assert any(volunteer.email in m.to and "coordinate" in m.subject for m in outbox())


def test_an_owner_takes_coordination_back(login, organiser, volunteer, task, outbox):
    volunteer.language = "en"
    volunteer.save()
    actions.take_task(task, volunteer)
    actions.hand_over_coordination(task.project, volunteer, by=organiser)
    browser = login(organiser)
    dashboard = reverse("manage:project", args=[task.project_id])
    assert "End coordination" in browser.get(dashboard).content.decode()
    url = reverse("manage:end_coordination", args=[task.project_id])
    response = browser.post(url, {"user": volunteer.pk}, follow=True)
    assert "no longer coordinates this project" in response.content.decode()
    assert not task.project.coordinators.exists()
    assert any(volunteer.email in m.to and "no longer coordinate" in m.subject for m in outbox())
    assert Commitment.objects.get(task=task, user=volunteer).status == "active"
    # she can no longer open the dashboard
    assert login(volunteer).get(dashboard).status_code == 404


def test_a_project_coordinator_cannot_take_coordination_from_another(
    login, organiser, volunteer, task
):
    other = f.UserFactory()
    for person in (volunteer, other):
        actions.take_task(task, person)
        actions.hand_over_coordination(task.project, person, by=organiser)
    url = reverse("manage:end_coordination", args=[task.project_id])
    assert login(volunteer).post(url, {"user": other.pk}).status_code == 404
    assert task.project.coordinators.count() == 2


def test_coordination_goes_only_to_someone_who_took_a_task(organiser, volunteer, project):
    with pytest.raises(NotASupporter):
        actions.hand_over_coordination(project, volunteer, by=organiser)
    assert not project.coordinators.exists()


def test_handing_over_twice_tells_her_once(organiser, volunteer, task):
    actions.take_task(task, volunteer)
    assert actions.hand_over_coordination(task.project, volunteer, by=organiser)
    assert not actions.hand_over_coordination(task.project, volunteer, by=organiser)
    assert Notification.objects.filter(user=volunteer, kind=Kind.MEMBERSHIP).count() == 1


def test_an_editor_cannot_hand_over(login, editor, volunteer, task):
    actions.take_task(task, volunteer)
    url = reverse("manage:hand_over", args=[task.project_id])
    assert login(editor).post(url, {"user": volunteer.pk}).status_code == 404


def test_the_project_coordinator_sees_contacts_and_waiting_lists_but_edits_nothing(
    login, organiser, volunteer, task
):
    actions.take_task(task, volunteer)
    other = f.UserFactory(email="ole@example.org")
    actions.take_task(task, other)
    actions.hand_over_coordination(task.project, volunteer, by=organiser)
    browser = login(volunteer)
    project = task.project
    html = browser.get(reverse("manage:project", args=[project.pk])).content.decode()
    assert "ole@example.org" in html
    assert "Hand over coordination" not in html  # she cannot hand it on
    assert browser.get(confirm_url(project)).status_code == 200
    assert browser.get(reverse("manage:project_edit", args=[project.pk])).status_code == 404
    assert browser.get(reverse("manage:members", args=["krass-ev"])).status_code == 404
    hand_on = reverse("manage:hand_over", args=[project.pk])
    assert browser.post(hand_on, {"user": other.pk}).status_code == 404
    # Another project of the same organisation stays closed to her.
    elsewhere = f.ProjectFactory(organisation=project.organisation)
    assert browser.get(reverse("manage:project", args=[elsewhere.pk])).status_code == 404


def test_attendance_lists_only_tasks_that_have_ended(login, organiser, volunteer, task, past_task):
    actions.take_task(task, volunteer)
    actions.take_task(past_task, volunteer)
    html = login(organiser).get(confirm_url(task.project)).content.decode()
    assert past_task.title in html
    assert task.title not in html
    assert 'value="3.00"' in html  # the task's three hours, proposed


def test_a_coordinator_confirms_in_bulk_with_hours(login, coordinator, past_task):
    margit, ole, pia = (f.UserFactory() for _ in range(3))
    c1, c2, c3 = (actions.take_task(past_task, p) for p in (margit, ole, pia))
    response = login(coordinator).post(
        confirm_url(past_task.project),
        {
            f"c{c1.pk}-attendance": "completed",
            f"c{c1.pk}-hours": "3",
            f"c{c2.pk}-attendance": "no_show",
            f"c{c2.pk}-hours": "3",
            f"c{c3.pk}-attendance": "completed",
            f"c{c3.pk}-hours": "2.5",
        },
    )
    assert response.status_code == 302
    rows = {c.pk: c for c in Commitment.objects.all()}
    assert (rows[c1.pk].status, rows[c1.pk].hours) == (Status.COMPLETED, Decimal("3"))
    assert (rows[c2.pk].status, rows[c2.pk].hours) == (Status.NO_SHOW, None)
    assert (rows[c3.pk].status, rows[c3.pk].hours) == (Status.COMPLETED, Decimal("2.5"))
    assert {r.attendance_confirmed_by for r in rows.values()} == {coordinator}


def test_everyone_still_open_took_part_with_one_button(login, organiser, past_task):
    c1, c2 = (actions.take_task(past_task, f.UserFactory()) for _ in range(2))
    login(organiser).post(
        confirm_url(past_task.project),
        {
            f"c{c1.pk}-attendance": "active",
            f"c{c1.pk}-hours": "3",
            f"c{c2.pk}-attendance": "no_show",
            f"c{c2.pk}-hours": "",
            "everyone": "1",
        },
    )
    assert Commitment.objects.get(pk=c1.pk).status == Status.COMPLETED
    assert Commitment.objects.get(pk=c2.pk).status == Status.NO_SHOW


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("-1", "Hours cannot be negative."),
        ("25", "At most 24 hours"),
        ("drei", "Please enter a number of hours"),
        ("1.234", "at most two decimal places"),
    ],
)
def test_bad_hours_are_refused_at_the_field_and_nothing_is_saved(
    login, organiser, past_task, hours, message
):
    c1, c2 = (actions.take_task(past_task, f.UserFactory()) for _ in range(2))
    response = login(organiser).post(
        confirm_url(past_task.project),
        {
            f"c{c1.pk}-attendance": "completed",
            f"c{c1.pk}-hours": "3",
            f"c{c2.pk}-attendance": "completed",
            f"c{c2.pk}-hours": hours,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_c{c2.pk}-hours-error"' in html
    assert set(Commitment.objects.values_list("status", flat=True)) == {Status.ACTIVE}


def test_a_task_over_two_days_allows_up_to_48_hours(organiser, project):
    start = timezone.now().replace(hour=10) - timedelta(days=5)
    task = f.TaskFactory(project=project, starts_at=start, ends_at=start + timedelta(days=1))
    commitment = actions.take_task(task, f.UserFactory())
    assert actions.max_hours(commitment) == 48
    assert actions.default_hours(task) == 24


def test_a_whole_day_task_proposes_no_hours(project):
    task = f.TaskFactory(
        project=project,
        timing=Task.Timing.DAY,
        starts_at=None,
        ends_at=None,
        day=timezone.localdate() - timedelta(days=1),
    )
    assert actions.default_hours(task) is None
    assert actions.task_has_ended(task)


def test_confirming_again_changes_nothing_and_a_correction_records_who_and_when(
    organiser, coordinator, past_task
):
    commitment = actions.take_task(past_task, f.UserFactory())
    entry = actions.Attendance(commitment.pk, Status.COMPLETED, Decimal("3"))
    assert actions.confirm_attendance(past_task.project, [entry], by=organiser) == 1
    first = Commitment.objects.get(pk=commitment.pk)
    assert actions.confirm_attendance(past_task.project, [entry], by=coordinator) == 0
    again = Commitment.objects.get(pk=commitment.pk)
    assert (again.attendance_confirmed_by, again.attendance_confirmed_at) == (
        organiser,
        first.attendance_confirmed_at,
    )
    correction = actions.Attendance(commitment.pk, Status.NO_SHOW, None)
    assert actions.confirm_attendance(past_task.project, [correction], by=coordinator) == 1
    corrected = Commitment.objects.get(pk=commitment.pk)
    assert corrected.status == Status.NO_SHOW
    assert corrected.hours is None
    assert corrected.attendance_confirmed_by == coordinator
    assert corrected.attendance_confirmed_at is not None
    assert first.attendance_confirmed_at is not None
    assert corrected.attendance_confirmed_at >= first.attendance_confirmed_at


def test_it_refuses_to_confirm_a_task_that_has_not_ended(organiser, task):
    commitment = actions.take_task(task, f.UserFactory())
    with pytest.raises(AttendanceRefused):
        actions.confirm_attendance(
            task.project,
            [actions.Attendance(commitment.pk, Status.COMPLETED, Decimal("1"))],
            by=organiser,
        )
    assert Commitment.objects.get(pk=commitment.pk).status == Status.ACTIVE


def test_it_refuses_a_commitment_of_another_project(organiser, past_task, outsider):
    foreign = f.TaskFactory(starts_at=past_task.starts_at, ends_at=past_task.ends_at)
    commitment = actions.take_task(foreign, f.UserFactory())
    with pytest.raises(AttendanceRefused):
        actions.confirm_attendance(
            past_task.project,
            [actions.Attendance(commitment.pk, Status.COMPLETED, Decimal("1"))],
            by=organiser,
        )


def test_an_editor_cannot_confirm_attendance(login, editor, past_task):
    assert login(editor).get(confirm_url(past_task.project)).status_code == 404


def test_nobody_confirms_their_own_participation(login, organiser, volunteer, project):
    ended = f.TaskFactory(
        project=project,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=3),
    )
    mine = f.CommitmentFactory(task=ended, user=volunteer)
    other = f.CommitmentFactory(task=ended)
    project.coordinators.add(volunteer)
    page = login(volunteer).get(reverse("manage:attendance", args=[project.pk])).content.decode()
    assert f"c{other.pk}-attendance" in page
    assert f"c{mine.pk}-attendance" not in page
    with pytest.raises(AttendanceRefused):
        actions.confirm_attendance(
            project,
            [actions.Attendance(commitment_id=mine.pk, status="completed", hours=Decimal(3))],
            by=volunteer,
        )
    mine.refresh_from_db()
    assert mine.status == "active"


def test_organise_lists_the_projects_someone_coordinates(login, organiser, volunteer, task):
    actions.take_task(task, volunteer)
    actions.hand_over_coordination(task.project, volunteer, by=organiser)
    page = login(volunteer).get(reverse("manage:index")).content.decode()
    assert "Projects you coordinate" in page
    assert reverse("manage:project", args=[task.project_id]) in page
