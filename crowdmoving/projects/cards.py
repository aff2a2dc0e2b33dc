"""The task cards of a project page, rendered once per task version and cached.

A card shows what everyone sees (places, names, the take-over button); the cards of the
viewer's own commitments are cached per commitment state, and a card with form errors is
rendered afresh. The cache key holds the task's version, which the actions raise whenever
something on the card changes, and (for signed-out viewers) whether the platform lets visitors
take tasks without an account (an operator's feature switch), so a cached card is never stale.
CSRF tokens are per session: cached cards carry a placeholder that is replaced with the
viewer's token on the way out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from crowdmoving.core.cache_purge import forget_prefixes
from crowdmoving.tenancy.models import Feature

from .models import Commitment, Project, Task
from .selectors import describe_people, live_commitments, waiting_ahead

CSRF_PLACEHOLDER = "CSRF-TOKEN-PLACEHOLDER"
TIMEOUT = 24 * 60 * 60


def card_key_start(project_id: int) -> str:
    """How the keys of a project's cached cards start (also the embed's)."""
    return f"card:{project_id}."


def page_key_start(project_id: int) -> str:
    """How the keys of a project's cached whole pages start (projects.pages)."""
    return f"page:{project_id}:"


@dataclass
class Cards:
    html: list[SafeString]
    places: int
    filled: int


TaskRow = tuple[int, int, int, int]  # pk, version, capacity, taken


def task_rows(project: Project) -> list[TaskRow]:
    """What decides the cards of a project's page, in order: one query of keys and counters.

    ``project`` has passed ``access_project`` (which reads through the platform scope), so its
    tasks are read by the base manager: the scope's joins up to the platform would only repeat
    that check, and they were a third of a cached page's time."""
    return list(
        Task._base_manager.filter(project=project, removed_at__isnull=True)
        .order_by("position", "pk")
        .values_list("pk", "version", "capacity", "taken")
    )


def card_key(
    project: Project,
    task_id: int,
    version: int,
    signed_in: bool,
    guest_takeover: bool = True,
) -> str:
    born = int(project.created_at.timestamp() * 1e6)  # ids can be reused after a restore
    variant = "in" if signed_in else ("out" if guest_takeover else "out-members")
    return (
        f"{card_key_start(project.pk)}{born}.{task_id}:{version}:{project.status}:"
        f"{get_language()}:{variant}"
    )


def _own_commitments(
    project: Project, viewer_id: int | None, held_ids: list[int]
) -> dict[int, tuple[int, str, int | None]]:
    """task id -> (commitment id, status, waiting position) of the viewer's live commitments
    in ``project`` (or the places this browser holds): one query."""
    if not viewer_id and not held_ids:
        return {}
    mine = Q(user_id=viewer_id) if viewer_id else Q()
    if held_ids:
        mine |= Q(pk__in=held_ids)
    rows = (
        Commitment.objects.filter(mine, task__project=project, status__in=Commitment.LIVE)
        .annotate(ahead=waiting_ahead())
        .values_list("task_id", "pk", "status", "ahead")
    )
    return {
        task_id: (pk, status, ahead + 1 if status == Commitment.Status.WAITING else None)
        for task_id, pk, status, ahead in rows
    }


def project_cards(
    request: HttpRequest,
    project: Project,
    *,
    held_ids: list[int],
    extra: dict[int, dict[str, Any]] | None = None,
    rows: list[TaskRow] | None = None,
    token: str | None = None,
) -> Cards:
    """The cards of the project's tasks in order (removed ones left out) and its progress.

    ``extra`` maps a task id to context for a card rendered afresh (e.g. a form with errors).
    Two queries when every card is cached (the tasks' keys unless ``rows`` are given, the
    viewer's own commitments), two more for the cards that are not (their tasks and people).
    The forms carry ``token`` (the viewer's CSRF token unless given, e.g. the placeholder)."""
    extra = extra or {}
    if rows is None:
        rows = task_rows(project)
    signed_in = request.user.is_authenticated
    guests = guest_takeover(request)
    viewer_id = request.user.pk if signed_in else None
    own = _own_commitments(project, viewer_id, held_ids)
    keys: dict[int, str] = {}
    for pk, version, _capacity, _taken in rows:
        if pk in extra:
            continue
        key = card_key(project, pk, version, signed_in, guests)
        if pk in own:  # the viewer's own card also shows where their commitment stands
            commitment_id, status, position = own[pk]
            key = f"{key}:{commitment_id}.{status}.{position}"
        keys[pk] = key

    def render(task: Task, people: list[Commitment]) -> str:
        # A card under a shared key must not be personal, even if the viewer's own
        # commitment appeared since `own` was read.
        is_own = task.pk in own or task.pk in extra
        describe_people(
            task,
            people,
            viewer_id if is_own else None,
            set(held_ids) if is_own else set(),
        )
        return render_card(
            project, task, signed_in, guest_takeover=guests, **extra.get(task.pk, {})
        )

    if token is None:
        token = get_token(request)
    html = [
        # Rendered by our own template; only the CSRF token is put in.
        mark_safe(card.replace(CSRF_PLACEHOLDER, token))  # noqa: S308  # nosec B308 B703
        for card in cached_cards(rows, keys, render)
    ]
    places = sum(capacity for _pk, _v, capacity, _t in rows)
    filled = sum(min(taken, capacity) for _pk, _v, capacity, taken in rows)
    return Cards(html=html, places=places, filled=filled)


def cached_cards(
    rows: list[TaskRow], keys: dict[int, str], render: Callable[[Task, list[Commitment]], str]
) -> list[str]:
    """The cards of ``rows`` in order: from the cache under ``keys`` (task id -> key; a task
    without a key is always rendered afresh and not stored), else ``render(task, its live
    commitments)``, stored for the next visitor. One cache read; two queries (the tasks and
    their people) when some card is missing."""
    cached: dict[str, str] = cache.get_many(list(keys.values())) if keys else {}
    missing = [pk for pk, *_ in rows if pk not in keys or keys[pk] not in cached]
    fresh: dict[int, str] = {}
    if missing:
        people = live_commitments(missing)
        for task in Task.objects.filter(pk__in=missing):
            fresh[task.pk] = render(task, people.get(task.pk, []))
        cache.set_many({keys[pk]: html for pk, html in fresh.items() if pk in keys}, TIMEOUT)
    return [fresh.get(pk) or cached[keys[pk]] for pk, *_ in rows]


def guest_takeover(request: HttpRequest) -> bool:
    """Whether visitors without an account may hold a place with name and email on the
    request's platform (the operator's feature switch)."""
    platform = getattr(request, "platform", None)
    return platform is not None and platform.has_feature(Feature.GUEST_TAKEOVER)


def render_card(
    project: Project, task: Task, signed_in: bool, *, guest_takeover: bool, **context: Any
) -> str:
    """One card as HTML, with the CSRF placeholder in its forms. Without ``guest_takeover``
    a signed-out visitor is asked to sign in instead of being offered the name+email form."""
    return render_to_string(
        "projects/_task_card.html",
        {
            "project": project,
            "task": task,
            "takes_open": project.is_open_for_takeover,
            "signed_in": signed_in,
            "guest_takeover": guest_takeover,
            "csrf_token": CSRF_PLACEHOLDER,
            **context,
        },
    )


def forget_projects(project_ids: Iterable[int]) -> int:
    """Forget every cached rendering of these projects: their cards (also the embed's) and
    their whole pages. For a deleted account: the old renderings name the person."""
    ids = set(project_ids)
    return forget_prefixes([start(pk) for pk in ids for start in (card_key_start, page_key_start)])
