"""The querysets pages need, with their joins and prefetches in one place, so that a page's
query count does not grow with the number of tasks and people."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from crowdmoving.accounts.models import User
from crowdmoving.core.text import plain_summary
from crowdmoving.organisations.models import Organisation
from crowdmoving.tenancy.models import Domain, Platform

from .models import Commitment, Project, Task

# --- the supporters' side -------------------------------------------------------------------


PROJECTS_PER_PAGE = 24


def public_projects_page(platform: Platform, number: str | int | None) -> Page:
    """One page of the public projects of ``platform``, newest first (an invalid number gives
    the nearest page): three queries, whatever the number of projects (the count, the page,
    the places of its projects). Each carries ``places`` and ``places_free`` (tasks not
    removed) and ``summary``, the first words of its story, made only for the projects on the
    page."""
    projects = (
        Project.objects.filter(organisation__platform=platform, status=Project.Status.PUBLIC)
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(number)
    page.object_list = list(page.object_list)
    count_places(page.object_list)
    for project in page.object_list:
        project.summary = plain_summary(project.story)  # type: ignore[attr-defined]
    return page


def count_places(projects: list[Project]) -> None:
    """Set ``places`` and ``places_free`` (tasks not removed) on the projects of one page, in one
    query. Counting only the page's projects, after paginating, keeps a list page's cost
    independent of how many projects there are (an annotated, grouped list would have to sum
    the tasks of every project before it could sort and cut the page)."""
    if not projects:
        return
    sums = {
        row["project_id"]: (row["places"], row["taken"])
        for row in Task.objects.filter(
            project_id__in=[p.pk for p in projects], removed_at__isnull=True
        )
        .values("project_id")
        .annotate(places=Sum("capacity"), taken=Sum("taken"))
        .order_by()
    }
    for project in projects:
        places, taken = sums.get(project.pk, (0, 0))
        project.places = places or 0  # type: ignore[attr-defined]
        project.places_free = max((places or 0) - (taken or 0), 0)  # type: ignore[attr-defined]


def network_projects_page(
    hub: Platform, *, number: str | int | None, scheme: str, port: str
) -> Page:
    """One page (PROJECTS_PER_PAGE) of the public projects of the network, newest first: the
    hub's own, and those of every active platform that shows its projects in the network
    (``Platform.show_in_network``) and has a domain to link to. Never drafts, inner circles or
    closed projects; never a suspended platform (the hub's search is its directory:
    projects.directory). Four queries, whatever the number of projects and platforms (the
    count, the page, the places of its projects, the home domains).

    Each project carries ``places``, ``places_free``, ``summary`` and ``network_url``: a
    relative link for the hub's own projects, else the project's address on its home
    platform's primary domain (``scheme``://domain``port``; the installation serves every
    platform behind the same port, e.g. :8000 in development).

    The hub reads across platforms on purpose, so the platform scope is disabled here, and
    only here; what may be listed is decided by ``network_listed``."""
    with scopes_disabled():
        projects = (
            Project.objects.filter(network_listed(hub), status=Project.Status.PUBLIC)
            .select_related("organisation__platform")
            .order_by("-created_at", "-pk")
        )
        page = Paginator(projects, PROJECTS_PER_PAGE).get_page(number)
        page.object_list = list(page.object_list)
        count_places(page.object_list)
        homes = primary_domains({p.organisation.platform_id for p in page.object_list} - {hub.pk})
    for project in page.object_list:
        project.summary = plain_summary(project.story)  # type: ignore[attr-defined]
        project.network_url = home_url(project, homes, scheme, port)  # type: ignore[attr-defined]
    return page


def home_url(project: Project, homes: dict[int, str], scheme: str, port: str) -> str:
    """``project``'s address on its own platform (``homes``: platform id -> primary domain,
    from primary_domains; a platform not in it is the one being asked, so the path is enough)."""
    home = homes.get(project.organisation.platform_id)
    if home is None:
        return project.get_absolute_url()
    return f"{scheme}://{home}{port}{project.get_absolute_url()}"


def network_listed(hub: Platform) -> Q:
    """Which projects' organisations the network lists (filter public ones with it too): the
    hub's own, and those of every active platform that shows its projects in the network and
    has a domain to link to. The hub home and the network directory (projects.directory)."""
    has_domain = Exists(Domain.objects.filter(platform=OuterRef("organisation__platform")))
    return Q(organisation__platform=hub) | Q(
        has_domain,
        organisation__platform__status=Platform.Status.ACTIVE,
        organisation__platform__show_in_network=True,
    )


def primary_domains(platform_ids: set[int]) -> dict[int, str]:
    """The primary domain of each platform (else its first domain), in one query."""
    found: dict[int, str] = {}
    if not platform_ids:
        return found
    rows = (
        Domain.objects.filter(platform_id__in=platform_ids)
        .order_by("platform_id", "-is_primary", "pk")
        .values_list("platform_id", "domain")
    )
    for platform_id, domain in rows:
        found.setdefault(platform_id, domain)
    return found


def project_tasks(
    project: Project,
    *,
    viewer: User | AnonymousUser | None = None,
    held_ids: Iterable[int] = (),
    task_id: int | None = None,
) -> list[Task]:
    """The tasks of ``project`` in their order, removed ones left out (only ``task_id`` if
    given), with their live commitments and people: two queries however many tasks and people.
    Each task is described by describe_people."""
    tasks = Task.objects.filter(project=project, removed_at__isnull=True)
    if task_id is not None:
        tasks = tasks.filter(pk=task_id)
    result: list[Task] = list(tasks)
    people = live_commitments([task.pk for task in result])
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    held = set(held_ids)
    for task in result:
        describe_people(task, people.get(task.pk, []), viewer_id, held)
    return result


def live_commitments(task_ids: list[int]) -> dict[int, list[Commitment]]:
    """The live commitments of these tasks with their people, by task, in queue order: one
    query (only the person's fields a card shows are loaded)."""
    by_task: dict[int, list[Commitment]] = {}
    if not task_ids:
        return by_task
    rows = (
        Commitment.objects.filter(task_id__in=task_ids, status__in=Commitment.LIVE)
        .select_related("user")
        .only("pk", "task_id", "status", "joined_at", "user__name", "user__visibility")
        .order_by("joined_at", "pk")
    )
    for commitment in rows:
        by_task.setdefault(commitment.task_id, []).append(commitment)
    return by_task


def describe_people(
    task: Task, commitments: list[Commitment], viewer_id: int | None, held: set[int]
) -> None:
    """Set on ``task``: ``people`` (public names of those who took it, as each allows),
    ``more`` (places taken by people without a public name or not yet confirmed), ``mine``
    (the viewer's live commitment, or one held by this browser's session, else None) and
    ``wait_position`` (1-based, when ``mine`` is waiting)."""
    people: list[str] = []
    holding = 0
    waiting = 0
    mine = None
    position = None
    for commitment in commitments:
        if commitment.status == Commitment.Status.WAITING:
            waiting += 1
        else:
            holding += 1
            # Unconfirmed holds stay nameless: the name was typed by an unverified visitor.
            name = (
                commitment.user.public_name()
                if commitment.status == Commitment.Status.ACTIVE
                else ""
            )
            if name:
                people.append(name)
        if commitment.user_id == viewer_id or commitment.pk in held:
            mine = commitment
            if commitment.status == Commitment.Status.WAITING:
                position = waiting
    task.people = people  # type: ignore[attr-defined]
    task.more = holding - len(people)  # type: ignore[attr-defined]
    task.mine = mine  # type: ignore[attr-defined]
    task.wait_position = position  # type: ignore[attr-defined]


def waiting_ahead() -> Coalesce:
    """An annotation for commitments: how many people wait before this one on its task."""
    ahead = (
        Commitment.objects.filter(task=OuterRef("task"), status=Commitment.Status.WAITING)
        .filter(
            Q(joined_at__lt=OuterRef("joined_at"))
            | Q(joined_at=OuterRef("joined_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("task")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead), 0)


def my_commitments(user: User) -> tuple[list[Commitment], list[Commitment]]:
    """``user``'s commitments on the current platform as (upcoming, past), in one query.

    Upcoming: live (held, taken, waiting) on tasks that still exist and have not ended,
    soonest first (flexible ones last). Past: everything else, latest first. Waiting places
    carry ``wait_position`` (1-based); every commitment carries ``ended``."""
    commitments = list(
        Commitment.objects.filter(user=user)
        .select_related("task__project__organisation")
        .annotate(ahead=waiting_ahead())
        .order_by("-joined_at", "-pk")
    )
    now = timezone.now()
    upcoming: list[Commitment] = []
    past: list[Commitment] = []
    for commitment in commitments:
        task = commitment.task
        commitment.ended = _has_ended(task, now)  # type: ignore[attr-defined]
        commitment.wait_position = (  # type: ignore[attr-defined]
            commitment.ahead + 1  # type: ignore[attr-defined]
            if commitment.status == Commitment.Status.WAITING
            else None
        )
        is_live = commitment.status in Commitment.LIVE and task.removed_at is None
        (upcoming if is_live and not commitment.ended else past).append(commitment)  # type: ignore[attr-defined]
    upcoming.sort(key=lambda c: (c.task.sort_start is None, _start_key(c.task)))
    return upcoming, past


def _start_key(task: Task) -> str:
    start = task.sort_start
    return start.isoformat() if start else ""


def _has_ended(task: Task, now: datetime) -> bool:
    if task.timing == Task.Timing.SCHEDULED and task.starts_at:
        return (task.ends_at or task.starts_at) < now
    if task.timing == Task.Timing.DAY and task.day:
        return task.day < timezone.localdate(now)
    return False


# --- the organisers' side -------------------------------------------------------------------


def manage_projects_with_places(
    organisations: list[Organisation] | None, *, coordinator: User | None = None
) -> QuerySet[Project]:
    """Projects of ``organisations`` (or those ``coordinator`` coordinates after a hand-over)
    with ``places`` and ``places_taken`` summed over their tasks that were not removed (None
    when a project has no task yet)."""
    live = Q(tasks__removed_at__isnull=True)
    chosen = (
        Q(coordinators=coordinator)
        if coordinator is not None
        else Q(organisation__in=organisations)
    )
    return (
        Project.objects.filter(chosen)
        .select_related("organisation")
        .annotate(
            places=Sum("tasks__capacity", filter=live),
            places_taken=Sum("tasks__taken", filter=live),
        )
        .order_by("-created_at", "-pk")
    )


def manage_dashboard_tasks(project: Project, *, with_supporters: bool) -> list[Task]:
    """The tasks of ``project`` in their order, removed ones left out, each annotated with
    ``waiting_count``. With ``with_supporters`` each task also carries ``holders`` (held and
    taken places) and ``waiting`` (the waiting list in order), their people loaded alongside:
    a constant number of queries however many tasks and people there are."""
    tasks = (
        Task.objects.filter(project=project, removed_at__isnull=True)
        .annotate(
            waiting_count=Count(
                "commitments", filter=Q(commitments__status=Commitment.Status.WAITING)
            )
        )
        .order_by("position", "pk")
    )
    if with_supporters:
        people = Commitment.objects.select_related("user").order_by("joined_at", "pk")
        tasks = tasks.prefetch_related(
            Prefetch(
                "commitments",
                queryset=people.filter(status__in=Commitment.HOLDING_A_PLACE),
                to_attr="holders",
            ),
            Prefetch(
                "commitments",
                queryset=people.filter(status=Commitment.Status.WAITING),
                to_attr="waiting",
            ),
        )
    return list(tasks)
