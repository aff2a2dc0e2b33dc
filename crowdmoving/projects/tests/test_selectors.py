"""Query budgets: the supporters' pages cost the same number of queries for 10 tasks as for
500, however many people take part."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.projects import selectors
from crowdmoving.projects.models import Commitment, Task

pytestmark = pytest.mark.django_db

BUDGET = 12


def fill(project: Any, tasks: int, *, me: User | None = None) -> None:
    """``tasks`` tasks of 3 places, each with two people in it and one waiting (full ones)."""
    made = Task.objects.bulk_create(
        Task(project=project, title=f"Aufgabe {i}", capacity=3, position=i, taken=2)
        for i in range(tasks)
    )
    people = User.objects.bulk_create(
        User(email=f"p{project.pk}-{i}@example.org", name=f"Person {i} Beispiel",
             visibility=["full", "first", "anonymous"][i % 3])
        for i in range(tasks * 2)
    )  # fmt: skip
    Commitment.objects.bulk_create(
        Commitment(task=task, user=people[2 * i + j], status=Commitment.Status.ACTIVE)
        for i, task in enumerate(made)
        for j in range(2)
    )
    if me is not None:
        Commitment.objects.create(task=made[0], user=me, status=Commitment.Status.ACTIVE)
        Task.objects.filter(pk=made[0].pk).update(taken=3)
        Commitment.objects.create(task=made[0], user=people[-1], status=Commitment.Status.WAITING)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_project_page_costs_the_same_for_10_and_500_tasks(
    signed_in, client, login, volunteer, organisation, django_assert_max_num_queries
):
    small: Any = f.ProjectFactory(organisation=organisation)
    large: Any = f.ProjectFactory(organisation=organisation)
    me = volunteer if signed_in else None
    fill(small, 10, me=me)
    fill(large, 500, me=me)
    if signed_in:
        client = login(volunteer)
    # The navigation's pages are cached per platform (pages.selectors): warm them first.
    client.get(reverse("projects:home"))

    with django_assert_max_num_queries(BUDGET):
        small_count = queries(client, reverse("projects:detail", args=[small.pk]))
    with django_assert_max_num_queries(BUDGET):
        large_count = queries(client, reverse("projects:detail", args=[large.pk]))
    assert small_count == large_count


def test_the_project_page_stays_small_per_task(client, login, volunteer, organisation):
    small: Any = f.ProjectFactory(organisation=organisation)
    large: Any = f.ProjectFactory(organisation=organisation)
    fill(small, 10)
    fill(large, 110)
    for visitor in (client, login(volunteer)):
        a = len(visitor.get(reverse("projects:detail", args=[small.pk])).content)
        b = len(visitor.get(reverse("projects:detail", args=[large.pk])).content)
        per_card = (b - a) / 100
        assert per_card < 1400, per_card


def test_the_home_page_costs_the_same_for_few_and_many_projects(
    client, organisation, django_assert_max_num_queries
):
    for _ in range(3):
        fill(f.ProjectFactory(organisation=organisation), 3)
    # The navigation's pages are cached per platform (pages.selectors): warm them first.
    client.get(reverse("projects:home"))
    with django_assert_max_num_queries(BUDGET):
        few = queries(client, reverse("projects:home"))
    for _ in range(30):
        fill(f.ProjectFactory(organisation=organisation), 3)
    with django_assert_max_num_queries(BUDGET):
        many = queries(client, reverse("projects:home"))
    assert few == many


def test_my_tasks_costs_the_same_for_few_and_many_commitments(
    login, volunteer, organisation, django_assert_max_num_queries
):
    client = login(volunteer)
    project = f.ProjectFactory(organisation=organisation)
    for _ in range(2):
        add_waiting_place(project, volunteer)
    # The navigation's pages are cached per platform (pages.selectors): warm them first.
    client.get(reverse("projects:home"))
    with django_assert_max_num_queries(BUDGET):
        few = queries(client, reverse("me:tasks"))
    for _ in range(20):
        add_waiting_place(project, volunteer)
    with django_assert_max_num_queries(BUDGET):
        many = queries(client, reverse("me:tasks"))
    assert few == many


def add_waiting_place(project: Any, person: User) -> None:
    task: Any = f.TaskFactory(project=project, capacity=1)
    f.CommitmentFactory(task=task)
    Commitment.objects.create(task=task, user=person, status=Commitment.Status.WAITING)


def test_public_projects_count_free_places_of_tasks_not_removed(organisation, platform):
    project = f.ProjectFactory(organisation=organisation)
    f.TaskFactory(project=project, capacity=4)
    f.CommitmentFactory(task=f.TaskFactory(project=project, capacity=2))
    f.TaskFactory(project=project, capacity=9, removed_at="2024-01-01T00:00:00Z")
    found: Any
    [found] = selectors.public_projects_page(platform, 1).object_list
    assert (found.places, found.places_free) == (6, 5)


def test_project_tasks_know_the_viewers_place_on_the_waiting_list(project, volunteer):
    task = f.TaskFactory(project=project, capacity=1)
    f.CommitmentFactory(task=task)
    f.CommitmentFactory(task=task, status=Commitment.Status.WAITING)
    f.CommitmentFactory(task=task, user=volunteer, status=Commitment.Status.WAITING)
    found: Any
    [found] = selectors.project_tasks(project, viewer=volunteer)
    assert found.mine.user_id == volunteer.pk
    assert found.wait_position == 2


def test_my_commitments_split_upcoming_and_past(project, volunteer):
    from datetime import timedelta

    from django.utils import timezone

    soon = f.TaskFactory(project=project, title="Bald")
    over = f.TaskFactory(
        project=project,
        title="Vorbei",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3, hours=-2),
    )
    left = f.TaskFactory(project=project, title="Verlassen")
    for task in (soon, over):
        f.CommitmentFactory(task=task, user=volunteer)
    f.CommitmentFactory(task=left, user=volunteer, status=Commitment.Status.WITHDRAWN)
    upcoming, past = selectors.my_commitments(volunteer)
    assert [c.task.title for c in upcoming] == ["Bald"]
    assert sorted(c.task.title for c in past) == ["Verlassen", "Vorbei"]
