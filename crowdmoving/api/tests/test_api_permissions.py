"""The API's permission matrix: every operation x every kind of caller -> the status.

Callers: nobody (no token); tokens of Margit (a volunteer who took the task), of the editor,
the coordinator and the owner of the project's organisation, of the owner of another
organisation on the same platform; Frida's token of the second platform, sent to the first
platform's host ("foreign") and to her own ("foreign@home", asking for the first platform's
ids: a 404, except for the slug of her own look-alike organisation "krass-ev"); Claudia's
(the owner's) revoked and expired tokens. A row "x[draft]" asks about the
draft project and its task. Every cell runs in a savepoint that is rolled back, so each meets
the same data; every answer is JSON, and every error has the one error body."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.api import actions as token_actions
from crowdmoving.api.api import api
from crowdmoving.api.models import AccessToken
from crowdmoving.core.tests.test_permissions import rolled_back
from crowdmoving.projects import actions
from crowdmoving.projects.models import Project, Task

pytestmark = pytest.mark.django_db

FIRST = "krass.example.org"
SECOND = "andere.example.org"

CALLERS: dict[str, str] = {
    "anonymous": FIRST,
    "volunteer": FIRST,
    "editor": FIRST,
    "coordinator": FIRST,
    "owner": FIRST,
    "outsider": FIRST,
    "foreign": FIRST,
    "foreign@home": SECOND,
    "revoked": FIRST,
    "expired": FIRST,
}

# operation (the URL name in api-v1, and its method) -> the expected status per caller.
MATRIX_TABLE = """
operation                    method anonymous volunteer editor coordinator owner outsider foreign foreign@home revoked expired
list_organisations           GET    200       200       200    200         200   200      401     200          401     401
organisation                 GET    200       200       200    200         200   200      401     200          401     401
create_project               POST   401       404       201    404         201   404      401     201          401     401
list_projects                GET    200       200       200    200         200   200      401     200          401     401
project                      GET    200       200       200    200         200   200      401     404          401     401
project[draft]               GET    404       404       200    200         200   404      401     404          401     401
edit_project                 PATCH  401       404       200    404         200   404      401     404          401     401
edit_project[draft]          PATCH  401       404       200    404         200   404      401     404          401     401
tasks                        GET    200       200       200    200         200   200      401     404          401     401
tasks[draft]                 GET    404       404       200    200         200   404      401     404          401     401
add_task                     POST   401       404       201    404         201   404      401     404          401     401
task                         GET    200       200       200    200         200   200      401     404          401     401
task[draft]                  GET    404       404       200    200         200   404      401     404          401     401
edit_task                    PATCH  401       404       200    404         200   404      401     404          401     401
edit_task[draft]             PATCH  401       404       200    404         200   404      401     404          401     401
commitments                  GET    401       404       404    200         200   404      401     404          401     401
commitments[draft]           GET    401       404       404    200         200   404      401     404          401     401
take                         POST   401       409       201    201         201   201      401     404          401     401
take[draft]                  POST   401       404       409    409         409   404      401     404          401     401
withdraw                     POST   401       200       404    404         404   404      401     404          401     401
my_commitments_list          GET    401       200       200    200         200   200      401     200          401     401
"""  # noqa: E501 - a table reads best on one line per row

# What a write sends, so that a permitted write really writes.
BODIES: dict[str, dict[str, Any]] = {
    "create_project": {"title": "Ein Garten", "story": "Wir graben.", "place": "Leipzig"},
    "edit_project": {"title": "Ein neuer Titel"},
    "add_task": {"title": "Beete anlegen", "capacity": 3},
    "edit_task": {"capacity": 6},
}


def parse(table: str) -> dict[tuple[str, str], dict[str, str]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == list(CALLERS)
    matrix = {}
    for row in rows:
        assert len(row) == len(header), row
        assert (row[0], row[1]) not in matrix, row
        matrix[row[0], row[1]] = dict(zip(header[2:], row[2:], strict=True))
    return matrix


MATRIX = parse(MATRIX_TABLE)


@dataclass
class World:
    project: Project
    task: Task
    draft: Project
    draft_task: Task
    secrets: dict[str, str]  # caller -> the token they send

    def url(self, label: str) -> str:
        name, _, variant = label.partition("[")
        draft = variant == "draft]"
        project = self.draft if draft else self.project
        task = self.draft_task if draft else self.task
        values = {"pk": project.pk, "task_id": task.pk, "slug": project.organisation.slug}
        # The URL name of each operation's address (operations on one address share it).
        name = {"edit_project": "project", "add_task": "tasks", "edit_task": "task"}.get(name, name)
        params = {
            "organisation": ["slug"],
            "create_project": ["slug"],
            "project": ["pk"],
            "tasks": ["pk"],
            "task": ["pk", "task_id"],
            "commitments": ["pk"],
            "take": ["pk", "task_id"],
            "withdraw": ["pk", "task_id"],
        }.get(name, [])
        return reverse(f"api-v1:{name}", kwargs={p: values[p] for p in params})


def token_for(user: User, platform: Any, name: str = "Test") -> str:
    return token_actions.create_token(user, platform, name=name)[1]


@pytest.fixture
def world(
    platform,
    other_platform,
    organisation,
    organiser,
    coordinator,
    editor,
    volunteer,
    outsider,
    foreign_organiser,
    project,
    task,
) -> World:
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PUBLIC)
    Task.objects.filter(pk=task.pk).update(capacity=5)
    task.refresh_from_db()
    project.refresh_from_db()
    draft = f.ProjectFactory(organisation=organisation, title="Geheimer Entwurf", status="draft")
    draft_task = f.TaskFactory(project=draft, title="Entwurfsaufgabe")
    actions.take_task(task, volunteer)
    revoked, revoked_secret = token_actions.create_token(organiser, platform, name="Alt")
    token_actions.revoke_token(revoked, by=organiser)
    expired, expired_secret = token_actions.create_token(organiser, platform, name="Abgelaufen")
    AccessToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    foreign = token_for(foreign_organiser, other_platform)
    return World(
        project=project,
        task=task,
        draft=draft,
        draft_task=draft_task,
        secrets={
            "volunteer": token_for(volunteer, platform),
            "editor": token_for(editor, platform),
            "coordinator": token_for(coordinator, platform),
            "owner": token_for(organiser, platform),
            "outsider": token_for(outsider, platform),
            "foreign": foreign,
            "foreign@home": foreign,
            "revoked": revoked_secret,
            "expired": expired_secret,
        },
    )


def call(world: World, caller: str, label: str, method: str) -> Any:
    name = label.partition("[")[0]
    headers = {}
    if caller in world.secrets:
        headers["Authorization"] = f"Bearer {world.secrets[caller]}"
    browser = Client(HTTP_HOST=CALLERS[caller], HTTP_ACCEPT_LANGUAGE="en")
    body = json.dumps(BODIES.get(name, {}))
    with rolled_back():
        return browser.generic(
            method, world.url(label), body, content_type="application/json", headers=headers
        )


def test_the_matrix_covers_every_operation_of_the_schema():
    schema = api.get_openapi_schema()
    operations = {
        (operation["operationId"], method.upper())
        for item in schema["paths"].values()
        for method, operation in item.items()
    }
    covered = {(label.partition("[")[0], method) for label, method in MATRIX}
    assert sorted(operations - covered) == [], "add these operations to MATRIX_TABLE"
    assert sorted(covered - operations) == [], "MATRIX_TABLE names unknown operations"


@pytest.mark.parametrize("caller", list(CALLERS))
def test_each_caller_gets_what_the_matrix_says(caller, world):
    problems = []
    for (label, method), cells in MATRIX.items():
        response = call(world, caller, label, method)
        where = f"{method} {label} as {caller}"
        got = str(response.status_code)
        if got != cells[caller]:
            problems.append(
                f"{where}: expected {cells[caller]}, got {got}: {response.content[:300]!r}"
            )
            continue
        assert response["Content-Type"].startswith("application/json"), where
        data = response.json()
        if response.status_code >= 400:
            assert set(data) == {"error"}, where
            assert set(data["error"]) == {"code", "message", "fields"}, where
            assert data["error"]["message"], where
        if caller in ("foreign", "foreign@home") and response.status_code < 400:
            text = response.content.decode()
            for word in (world.project.title, world.task.title, world.draft.title, "Margit"):
                assert word not in text, f"{where} shows {word!r} of the first platform"
    assert not problems, "\n".join(problems)


def test_anonymous_callers_see_no_draft_and_organisers_see_their_own(world):
    anonymous = Client(HTTP_HOST=FIRST).get(reverse("api-v1:list_projects")).json()
    assert [p["title"] for p in anonymous["results"]] == [world.project.title]
    owner = (
        Client(HTTP_HOST=FIRST)
        .get(
            reverse("api-v1:list_projects"),
            headers={"Authorization": f"Bearer {world.secrets['owner']}"},
        )
        .json()
    )
    assert {p["title"] for p in owner["results"]} == {world.project.title, world.draft.title}
    outsider = (
        Client(HTTP_HOST=FIRST)
        .get(
            reverse("api-v1:list_projects"),
            headers={"Authorization": f"Bearer {world.secrets['outsider']}"},
        )
        .json()
    )
    assert [p["title"] for p in outsider["results"]] == [world.project.title]


def test_the_session_cookie_is_no_way_in(world, organiser):
    """Signed in on the web, without a token: the API treats the browser as anonymous (no
    CSRF through the session), for reads and writes."""
    browser = Client(HTTP_HOST=FIRST, enforce_csrf_checks=True)
    browser.force_login(organiser)
    assert browser.get(world.url("project[draft]")).status_code == 404
    response = browser.post(
        world.url("add_task"), BODIES["add_task"], content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert not Task.objects.filter(title="Beete anlegen").exists()
