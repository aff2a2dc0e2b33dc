"""Who may see which project and task on the supporters' side. Anything not visible is a 404,
never a 403, so that the existence of drafts and of other platforms' projects stays hidden."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.crypto import constant_time_compare

from crowdmoving.organisations.models import Membership

from .models import Commitment, Project, Task

SECRETS_SESSION_KEY = "project_secrets"


def remember_secret(request: HttpRequest, project: Project, secret: str) -> None:
    """Store an inner-circle link's secret in the session (checked against the project's
    current secret on every request, so regenerating the secret locks the old link out)."""
    secrets = dict(request.session.get(SECRETS_SESSION_KEY, {}))
    secrets[str(project.pk)] = secret
    request.session[SECRETS_SESSION_KEY] = secrets


def _holds_current_secret(request: HttpRequest, project: Project) -> bool:
    secret = request.session.get(SECRETS_SESSION_KEY, {}).get(str(project.pk), "")
    return bool(secret) and constant_time_compare(secret, project.secret)


def _is_member(request: HttpRequest, project: Project) -> bool:
    return (
        request.user.is_authenticated
        and Membership.objects.filter(
            organisation_id=project.organisation_id, user_id=request.user.pk
        ).exists()
    )


def _takes_part(request: HttpRequest, project: Project) -> bool:
    """A person with a live commitment came in through the link once; they keep seeing the
    project they help with (e.g. from "My tasks" on another device)."""
    return (
        request.user.is_authenticated
        and Commitment.objects.filter(
            task__project=project, user_id=request.user.pk, status__in=Commitment.LIVE
        ).exists()
    )


def access_project(request: HttpRequest, pk: int) -> Project:
    """The project ``pk`` of the request's platform if this request may see it, else Http404.

    Public projects, and closed ones that were public: everyone. Inner circle (and closed ones
    that never were public): members of the organisation, visitors whose session holds the
    project's current secret, and people with a live commitment in it. Drafts: members only."""
    platform = getattr(request, "platform", None)
    project = (
        Project.objects.filter(pk=pk, organisation__platform=platform)
        .select_related("organisation")
        .first()
    )
    if project is None:
        raise Http404
    if project.status == Project.Status.PUBLIC:
        return project
    # A closed project stays visible to whom it was visible before it closed.
    circle = project.status == Project.Status.INNER_CIRCLE or (
        project.status == Project.Status.CLOSED and project.published_at is None
    )
    if project.status == Project.Status.CLOSED and not circle:
        return project
    if circle and _holds_current_secret(request, project):
        return project
    if _is_member(request, project):
        return project
    if circle and _takes_part(request, project):
        return project
    raise Http404


def access_task(
    request: HttpRequest, project: Project, task_id: int, *, removed: bool = False
) -> Task:
    """The task ``task_id`` of ``project`` unless it was removed (with ``removed``: also
    then, so that the action can say so), else Http404."""
    tasks = Task.objects.filter(pk=task_id, project=project)
    task = (tasks if removed else tasks.filter(removed_at__isnull=True)).first()
    if task is None:
        raise Http404
    task.project = project
    return task
