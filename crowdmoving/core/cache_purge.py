"""Forget cached renderings by the start of their keys, in whichever cache the settings name.

Cached pages and task cards name people (``projects.cards``, ``projects.pages``). Their keys
change whenever what they show changes, so they are never shown stale; but the old entries stay
until they expire, and in a database cache (production without Redis) they are rows of the
database. When a person deletes their account, the renderings of the projects they took part
in are forgotten at once (``accounts.deletion``), so that a dump of the database or of Redis
holds no trace of them.

Django's cache API deletes single keys only; this module knows the three backends we use:
- the database cache: one ``DELETE ... WHERE cache_key LIKE`` per prefix;
- Django's Redis cache: ``SCAN`` with a pattern, then ``DEL`` (never ``KEYS``, which blocks);
- the in-memory cache (development and tests): this process's entries.
Any other backend is left alone, and said so in the log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction

logger = logging.getLogger(__name__)

SCAN_BATCH = 500


def forget_prefixes(prefixes: Iterable[str], alias: str = "default") -> int:
    """Delete every entry of the cache ``alias`` whose key (as the code names it, before the
    cache's own prefix and version) starts with one of ``prefixes``. Returns how many."""
    backend = caches[alias]
    stored = [backend.make_key(prefix) for prefix in prefixes]
    if not stored:
        return 0
    if isinstance(backend, DatabaseCache):
        return _forget_rows(backend, stored)
    if isinstance(backend, RedisCache):
        return _forget_redis(backend, stored)
    if isinstance(backend, LocMemCache):
        return _forget_memory(backend, stored)
    logger.warning("Cannot forget cache entries by prefix in %s.", type(backend).__name__)
    return 0


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _forget_rows(backend: DatabaseCache, stored: list[str]) -> int:
    using = router.db_for_write(backend.cache_model_class)
    connection = connections[using]
    table = connection.ops.quote_name(backend._table)  # type: ignore[attr-defined]
    # The table's name comes from the settings, quoted; the patterns are parameters.
    sql = f"DELETE FROM {table} WHERE cache_key LIKE %s ESCAPE '\\'"  # noqa: S608  # nosec B608
    deleted = 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for key in stored:
            cursor.execute(sql, [_like_escaped(key) + "%"])
            deleted += max(cursor.rowcount, 0)
    return deleted


def _forget_redis(backend: BaseCache, stored: list[str]) -> int:
    client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
    deleted = 0
    for key in stored:
        pattern = re.sub(r"([\\*?\[\]])", r"\\\1", key) + "*"
        batch: list[bytes] = []
        for found in client.scan_iter(match=pattern, count=SCAN_BATCH):
            batch.append(found)
            if len(batch) >= SCAN_BATCH:
                deleted += client.delete(*batch)
                batch = []
        if batch:
            deleted += client.delete(*batch)
    return deleted


def _forget_memory(backend: LocMemCache, stored: list[str]) -> int:
    starts = tuple(stored)
    with backend._lock:  # type: ignore[attr-defined]
        doomed = [key for key in backend._cache if key.startswith(starts)]  # type: ignore[attr-defined]
        for key in doomed:
            backend._delete(key)  # type: ignore[attr-defined]
    return len(doomed)
