"""Anonymous page views read from the replica when there is one; nothing else does."""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from crowdmoving.core import dbrouter
from crowdmoving.core.dbrouter import RECENT_WRITE_COOKIE, ReplicaReadsMiddleware, ReplicaRouter
from crowdmoving.projects.models import Project


@pytest.fixture
def replica(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dbrouter, "has_replica", lambda: True)


def where_reads_go(request) -> tuple[str | None, HttpResponse]:  # type: ignore[no-untyped-def]
    seen: list[str | None] = []

    def view(_request):  # type: ignore[no-untyped-def]
        seen.append(ReplicaRouter().db_for_read(Project))
        return HttpResponse("ok")

    response = ReplicaReadsMiddleware(view)(request)
    return seen[0], response


def test_without_a_replica_everything_reads_the_primary():
    with dbrouter.replica_reads():
        assert ReplicaRouter().db_for_read(Project) is None
    assert where_reads_go(RequestFactory().get("/"))[0] is None


def test_an_anonymous_page_view_reads_from_the_replica(replica):
    assert where_reads_go(RequestFactory().get("/projects/1/"))[0] == "replica"
    assert where_reads_go(RequestFactory().head("/"))[0] == "replica"


def test_anyone_with_a_session_reads_the_primary(replica, settings):
    request = RequestFactory().get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert where_reads_go(request)[0] is None


def test_a_write_sends_the_next_seconds_of_reads_to_the_primary(replica):
    where, response = where_reads_go(RequestFactory().post("/projects/1/tasks/1/take/"))
    assert where is None
    cookie = response.cookies[RECENT_WRITE_COOKIE]
    assert 0 < int(cookie["max-age"]) <= 30
    assert cookie["httponly"]
    follow_up = RequestFactory().get("/projects/1/")
    follow_up.COOKIES[RECENT_WRITE_COOKIE] = "1"
    assert where_reads_go(follow_up)[0] is None


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_primary_transaction_stay_on_the_primary(replica):
    with dbrouter.replica_reads():
        assert ReplicaRouter().db_for_read(Project) == "replica"
        with transaction.atomic():
            assert ReplicaRouter().db_for_read(Project) == "default"


def test_writes_and_migrations_go_to_the_primary_only(replica):
    router = ReplicaRouter()
    with dbrouter.replica_reads():
        assert router.db_for_write(Project) == "default"
    assert router.allow_migrate("default", "projects")
    assert not router.allow_migrate("replica", "projects")


def test_the_settings_add_the_replica_as_a_test_mirror(monkeypatch):
    import importlib

    from config.settings import base

    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@replica.internal:5432/cm")
    try:
        reloaded = importlib.reload(base)
        replica_settings = reloaded.DATABASES["replica"]
        assert replica_settings["HOST"] == "replica.internal"
        assert replica_settings["TEST"] == {"MIRROR": "default"}
        assert reloaded.DATABASE_ROUTERS == ["crowdmoving.core.dbrouter.ReplicaRouter"]
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URL")
        importlib.reload(base)
