"""The whole project page for anonymous visitors, rendered once per state of the page and cached.

When a project is shared on social media, hundreds of people open it within minutes, nearly all
of them signed out. For them the page is the same for everyone, so it is kept whole: the key is
a digest of everything the page shows (the project and its organisation and platform as loaded
by ``access_project``, every task's version and counters, the language and the address). A take,
an edit or a removal changes a task's version or the project's ``updated_at``, so a new key is
used at once and a cached page is never stale; old keys simply expire.

Signed-in people, visitors holding a place, a card with form errors and a pending flash message
get the page assembled from cached cards instead (``cards.project_cards``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from .cards import CSRF_PLACEHOLDER, TaskRow, page_key_start
from .models import Project

TIMEOUT = 10 * 60


def is_shared_view(request: HttpRequest, held_ids: list[int]) -> bool:
    """True when this visitor sees exactly what every other anonymous visitor sees."""
    if request.user.is_authenticated or held_ids:
        return False
    session = getattr(request, "session", None)
    # A flash message waits for this visitor (session-backed message storage).
    return not (session is not None and session.get("_messages"))


def page_key(request: HttpRequest, project: Project, rows: list[TaskRow]) -> str:
    """Everything the anonymous page shows, in one digest. Whatever the page or the base layout
    shows of the project, its organisation or its platform must be part of it."""
    organisation = project.organisation
    platform = request.platform  # type: ignore[attr-defined]
    parts = [
        str(project.pk),
        project.updated_at.isoformat(),
        project.status,
        organisation.name,
        str(platform.pk),
        platform.updated_at.isoformat(),  # the look, the name, the pages in the navigation
        get_language() or "",
        request.get_full_path(),
        # The share block and preview card carry absolute addresses (reach.sharing).
        f"{request.scheme}://{request.get_host()}",
        project.created_at.isoformat(),
        *(f"{pk}.{ver}.{cap}.{taken}" for pk, ver, cap, taken in rows),
    ]
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return f"{page_key_start(project.pk)}{digest}"


def cached_page(request: HttpRequest, key: str, render: Callable[[], str]) -> str:
    """The page under ``key`` (rendered with the CSRF placeholder on a miss), with this visitor's
    token put in."""
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, TIMEOUT)
    return html.replace(CSRF_PLACEHOLDER, get_token(request))
