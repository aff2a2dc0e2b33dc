"""schemathesis against the API's own OpenAPI schema: every operation with generated data,
anonymous and with a valid token of the organisation's owner; no answer is a 5xx, and every
answer matches the schema (status documented, body valid, JSON content type).

The calls go through Django's WSGI handler with the first platform's Host. The database is
the test's (pytest-django's ``db``), so Django must not close the connection at the end of
each request as it does in production (the test client switches that off the same way)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from crowdmoving import factories as f
from crowdmoving.api import actions as token_actions
from crowdmoving.api.api import api
from crowdmoving.projects import actions
from crowdmoving.projects.models import Project

HOST = "krass.example.org"
EXAMPLES = 5  # per operation and test (and the coverage phase): the file stays under a minute

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def wsgi_keeps_the_connection() -> Iterator[None]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db, wsgi_keeps_the_connection, organisation, organiser, volunteer):  # type: ignore[no-untyped-def]
    """A public project with two tasks (one taken), a draft, and the owner's token."""
    public = f.ProjectFactory(
        organisation=organisation, title="Kinder malen", status=Project.Status.PUBLIC
    )
    task = f.TaskFactory(project=public, title="Infostand", capacity=3)
    f.TaskFactory(project=public, title="Kuchen", capacity=1)
    f.ProjectFactory(organisation=organisation, title="Entwurf")
    actions.take_task(task, volunteer)
    return token_actions.create_token(organiser, organisation.platform, name="schemathesis")[1]


# schemathesis asks for gzip like a browser, but its WSGI transport hands the compressed body
# to the checks as it is (GZipMiddleware compresses every larger answer): ask for plain text.
PLAIN = {"Accept-Encoding": "identity"}

hypothesis_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@schema.parametrize()
@hypothesis_settings
def test_anonymous_calls_match_the_schema(case, seeded):  # type: ignore[no-untyped-def]
    case.call_and_validate(base_url=f"http://{HOST}", headers={"Accept-Language": "en", **PLAIN})


@schema.parametrize()
@hypothesis_settings
def test_calls_with_a_token_match_the_schema(case, seeded):  # type: ignore[no-untyped-def]
    case.call_and_validate(
        base_url=f"http://{HOST}",
        headers={"Authorization": f"Bearer {seeded}", "Accept-Language": "de", **PLAIN},
    )
