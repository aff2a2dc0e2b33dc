"""Reads of anonymous page views from a PostgreSQL read replica, when one is configured.

With ``DATABASE_REPLICA_URL`` set (docs/deploy.md, "Beyond one machine"), the settings add a
``replica`` database. ``ReplicaReadsMiddleware`` marks a request as replica-safe only when it
cannot depend on its own recent writes: a GET or HEAD by a visitor without a session (nobody
signed in, no held place, no flash message) and without the short-lived cookie that every write
(any other method) sets. For such a request ``ReplicaRouter`` sends reads to the replica, unless
they happen inside a transaction on the primary (the actions lock rows and must read there).
Everything else, and every write, uses ``default``. Without a replica the router changes
nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
RECENT_WRITE_COOKIE = "cm_wrote"
RECENT_WRITE_SECONDS = 10  # longer than the replica lag at which docs/deploy.md says to act

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads outside a primary transaction may go to the replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not _replica_reads.get() or not has_replica():
            return None  # the default database
        if connections["default"].in_atomic_block:
            return "default"
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one data set, copied: objects from either side relate

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"  # the replica follows the primary's schema by replication


class ReplicaReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = self.get_response(request)
            if has_replica():
                response.set_cookie(
                    RECENT_WRITE_COOKIE,
                    "1",
                    max_age=RECENT_WRITE_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
        if (
            has_replica()
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and RECENT_WRITE_COOKIE not in request.COOKIES
            # A caller of the API with a token (crowdmoving.api) keeps no cookie: its token is
            # checked (a revoked one at once) and its own writes read back on the primary.
            and "HTTP_AUTHORIZATION" not in request.META
        ):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
