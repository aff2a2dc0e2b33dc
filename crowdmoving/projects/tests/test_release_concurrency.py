"""Two workers (or more) reach a project's "public automatically on" day at the same moment:
exactly one publishes it, writes the audit entry and tells the organisers.

Real threads with their own connections behind a barrier (test_concurrency.run_together),
against the file-based SQLite test database or PostgreSQL when DATABASE_URL points at one."""

from __future__ import annotations

from functools import partial

import pytest
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.conftest import make_publishable
from crowdmoving.notifications.models import Kind, Notification
from crowdmoving.organisations.models import Role
from crowdmoving.projects import actions
from crowdmoving.projects.models import Project
from crowdmoving.projects.tests.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_four_workers_with_the_same_due_project_publish_it_once(platform, organisation, organiser):
    make_publishable(platform)
    editor = f.UserFactory()
    f.MembershipFactory(organisation=organisation, user=editor, role=Role.EDITOR)
    project = f.ProjectFactory(
        organisation=organisation,
        status=Project.Status.INNER_CIRCLE,
        public_on=timezone.localdate(),
    )
    # Each worker read the due project before any of them claimed it.
    copies = [Project.objects.select_related("organisation__platform").get(pk=project.pk)]
    copies += [Project.objects.get(pk=project.pk) for _ in range(3)]

    outcomes = run_together(platform, [partial(actions.release_project, c) for c in copies])

    assert [kind for kind, _value in outcomes] == ["ok"] * 4
    assert sorted(value for _kind, value in outcomes) == [False, False, False, True]
    project.refresh_from_db()
    assert (project.status, project.public_on) == (Project.Status.PUBLIC, None)
    assert AuditEntry.objects.filter(action=Action.PROJECT_STATE_CHANGED).count() == 1
    told = Notification.objects.filter(kind=Kind.PROJECT_RELEASE)
    assert sorted(told.values_list("user_id", flat=True)) == sorted([organiser.pk, editor.pk])


def test_two_workers_running_their_tick_together_publish_once(platform, organisation, organiser):
    make_publishable(platform)
    project = f.ProjectFactory(
        organisation=organisation,
        status=Project.Status.INNER_CIRCLE,
        public_on=timezone.localdate(),
    )
    now = timezone.now()

    outcomes = run_together(
        platform, [partial(actions.release_due_projects, now) for _ in range(2)]
    )

    assert [kind for kind, _value in outcomes] == ["ok", "ok"]
    assert sorted(value for _kind, value in outcomes) == [0, 1]
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLIC
    assert Notification.objects.filter(kind=Kind.PROJECT_RELEASE, user=organiser).count() == 1
