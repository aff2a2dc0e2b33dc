"""What the API reads, with the same visibility as the web, in few queries.

Anonymous callers see public projects only (not drafts, inner circles or closed projects) and
the approved organisations that have one; a token of an organisation's member also sees that
organisation and its projects in every stage. Everything is filtered by the platform being
served (besides the request's scope); another platform's objects are a 404."""

from __future__ import annotations

import re

from django.db.models import Exists, OuterRef, Q, QuerySet

from crowdmoving.accounts.models import User
from crowdmoving.organisations.models import Membership, Organisation
from crowdmoving.projects.models import Project, Task
from crowdmoving.tenancy.models import Platform

from . import errors

PER_PAGE = 24
SLUG = re.compile(r"[-\w]{1,60}")


def _is_member(user: User | None, organisation_ref: str = "organisation") -> Q:
    if user is None:
        return Q(pk__in=[])
    members = Membership.objects.filter(organisation=OuterRef(organisation_ref), user=user)
    return Q(Exists(members))


def visible_projects(platform: Platform, user: User | None) -> QuerySet[Project]:
    return (
        Project.objects.filter(organisation__platform=platform)
        .filter(Q(status=Project.Status.PUBLIC) | _is_member(user))
        .select_related("organisation")
    )


def visible_organisations(platform: Platform, user: User | None) -> QuerySet[Organisation]:
    """Approved organisations with a public project (as the web shows organisations: through
    their projects), and the caller's own."""
    public = Project.objects.filter(organisation=OuterRef("pk"), status=Project.Status.PUBLIC)
    return Organisation.objects.filter(platform=platform).filter(
        Q(approval=Organisation.Approval.APPROVED, pk__in=public.values("organisation"))
        | _is_member(user, "pk")
    )


def access_project(platform: Platform, pk: int, user: User | None) -> Project:
    project = visible_projects(platform, user).filter(pk=pk).first()
    if project is None:
        raise errors.not_found()
    return project


def access_organisation(platform: Platform, slug: str, user: User | None) -> Organisation:
    if not SLUG.fullmatch(slug):  # not one (also: PostgreSQL refuses NUL in a query)
        raise errors.not_found()
    organisation = visible_organisations(platform, user).filter(slug=slug).first()
    if organisation is None:
        raise errors.not_found()
    return organisation


def project_on(platform: Platform, pk: int) -> Project:
    """The project ``pk`` of ``platform`` whoever may see it (the organisers' routes check the
    caller's rights on it next, as the web's manage views do); else 404."""
    project = (
        Project.objects.filter(pk=pk, organisation__platform=platform)
        .select_related("organisation")
        .first()
    )
    if project is None:
        raise errors.not_found()
    return project


def live_tasks(project: Project) -> list[Task]:
    tasks = list(
        Task.objects.filter(project=project, removed_at__isnull=True).order_by("position", "pk")
    )
    for task in tasks:
        task.project = project
    return tasks


def live_task(project: Project, task_id: int) -> Task:
    """The task ``task_id`` of ``project`` unless it was removed; else 404."""
    task = Task.objects.filter(pk=task_id, project=project, removed_at__isnull=True).first()
    if task is None:
        raise errors.not_found()
    task.project = project
    return task


def page_of(queryset: QuerySet, page: int) -> tuple[int, int, list]:  # type: ignore[type-arg]
    """(count, pages, the objects of ``page``); a page after the last is empty."""
    count = queryset.count()
    pages = max(1, -(-count // PER_PAGE))
    start = (page - 1) * PER_PAGE
    return count, pages, list(queryset[start : start + PER_PAGE]) if start < count else []
