"""Deleting an account forgets the cached renderings that name the person, in each cache we run
with: the in-memory cache (development), the database cache (production without Redis: its
rows are part of a database dump) and Redis (production). Cached task cards and whole pages are
stored pickled, which keeps text as UTF-8, so the raw stored bytes are searched for her name."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.accounts import deletion
from crowdmoving.accounts.models import User
from crowdmoving.core.cache_purge import forget_prefixes
from crowdmoving.projects import actions

pytestmark = pytest.mark.django_db

HOST = "krass.example.org"
NAME = "Zyxwvu Cachesentinel"
TABLE = "crowdmoving_test_cache"
# Redis is a production part, not needed for the Quickstart: its cases run where a server is
# named (.ci/run names the machine's), as PostgreSQL runs where DATABASE_URL names one.
REDIS = os.environ.get("CROWDMOVING_TEST_REDIS_URL", "")


def memory_cache() -> dict[str, object]:
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "deletion"}


def database_cache() -> dict[str, object]:
    return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": TABLE}


def redis_cache() -> dict[str, object]:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS,
        # Each run its own keys: the server is shared with whatever else runs on the machine.
        "KEY_PREFIX": f"cm-test-{uuid.uuid4().hex}",
    }


KINDS = [memory_cache, database_cache, *([redis_cache] if REDIS else [])]


@pytest.fixture(params=KINDS, ids=lambda p: p.__name__)
def cache_kind(request, settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    settings.CACHES = {**settings.CACHES, "default": request.param()}
    if request.param is database_cache:
        call_command("createcachetable", database="default", verbosity=0)
    yield request.param.__name__
    empty_cache()


def empty_cache() -> None:
    """Every entry of this test's cache; Redis's clear() would empty the whole database."""
    forget_prefixes([""])


def stored_bytes(kind: str) -> list[bytes]:
    """Every value the default cache holds, as stored."""
    backend = caches["default"]
    if kind == "database_cache":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {TABLE}")  # noqa: S608  # nosec B608
            return [base64.b64decode(value) for (value,) in cursor.fetchall()]
    if kind == "redis_cache":
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        keys = list(client.scan_iter(match=backend.make_key("*")))
        return [client.get(key) or b"" for key in keys]
    return list(backend._cache.values())  # type: ignore[attr-defined]


def names_her(kind: str) -> int:
    first_name = NAME.split()[0].encode()  # shown to others by default (User.visibility)
    return sum(first_name in value for value in stored_bytes(kind))


def test_her_cached_cards_and_pages_are_forgotten_when_she_deletes_her_account(
    cache_kind, platform, project, task, django_capture_on_commit_callbacks
):
    other_project = f.ProjectFactory(organisation=project.organisation, status=project.status)
    other_task = f.TaskFactory(project=other_project)
    her = f.UserFactory(name=NAME, email="cachesentinel@example.org")
    someone = f.UserFactory(name="Nora Nachbarin", email="nora@example.org")
    actions.take_task(task, her)
    actions.take_task(other_task, someone)
    visitor = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
    member = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="de")
    member.force_login(someone)
    for browser in (visitor, member):
        for shown in (project, other_project):
            assert browser.get(reverse("projects:detail", args=[shown.pk])).status_code == 200
    assert names_her(cache_kind) >= 2  # the control: a card and a whole page at least
    untouched = len(stored_bytes(cache_kind))

    with django_capture_on_commit_callbacks(execute=True):
        deletion.delete_account(User.objects.get(pk=her.pk))

    assert names_her(cache_kind) == 0
    # The renderings of projects she never showed on stay cached.
    left = stored_bytes(cache_kind)
    assert any(b"Nora" in value for value in left)
    assert 0 < len(left) < untouched
    # The page is rendered afresh, without her.
    page = visitor.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert NAME.split()[0] not in page


@pytest.mark.parametrize("kind", KINDS)
def test_prefixes_are_taken_literally(kind, settings):  # type: ignore[no-untyped-def]
    settings.CACHES = {**settings.CACHES, "default": kind()}
    if kind is database_cache:
        call_command("createcachetable", database="default", verbosity=0)
    cache = caches["default"]
    cache.set_many({"card:1.x": 1, "card:1_x": 2, "card:10.x": 3, "page:1:a": 4, "card:1%": 5})
    try:
        assert forget_prefixes(["card:1.", "page:1:"]) == 2
        assert cache.get_many(["card:1_x", "card:10.x", "card:1%"]) == {
            "card:1_x": 2,
            "card:10.x": 3,
            "card:1%": 5,
        }
        assert forget_prefixes(["card:1%"]) == 1
        assert forget_prefixes([]) == 0
    finally:
        empty_cache()
