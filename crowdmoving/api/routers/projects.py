"""/projects: public reads with live free places; organisers' edits; taking part."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from crowdmoving.audit.api import record_at_most_hourly
from crowdmoving.audit.models import Action
from crowdmoving.organisations.permissions import (
    access_project_rights,
    can_edit_projects,
    can_see_supporters,
)
from crowdmoving.pages.publishing import PublishingRefused
from crowdmoving.projects import actions as project_actions
from crowdmoving.projects import selectors as project_selectors
from crowdmoving.projects.errors import (
    PeopleAffected,
    Refused,
    TaskFull,
    TaskNotOpen,
    TaskRemoved,
)
from crowdmoving.projects.forms import ProjectForm, TaskForm
from crowdmoving.projects.models import Commitment, Project
from crowdmoving.projects.views_export import supporter_rows

from .. import actions, errors, present, selectors, validation
from ..auth import OPTIONAL_TOKEN, TOKEN_OR_ANONYMOUS, token_auth
from ..schemas import (
    Error,
    MyCommitmentOut,
    ProjectOut,
    ProjectPage,
    ProjectPatch,
    SupporterOut,
    TaskIn,
    TaskOut,
    TaskPatch,
)
from .common import PageQuery, caller_of

router = Router(tags=["projects"])

REFUSALS: dict[type[Refused], str] = {
    TaskFull: "task_full",
    TaskNotOpen: "task_not_open",
    TaskRemoved: "task_removed",
}


class ProjectFilters(PageQuery):
    organisation: str | None = Field(
        None, max_length=60, pattern=r"^[-\w]*$", description="An organisation's slug."
    )
    category: str | None = Field(
        None, max_length=20, pattern=r"^[a-z_]*$", description="One of the categories."
    )


def _sent(payload: Any) -> dict[str, Any]:
    """The fields the caller sent (PATCH: the others keep their value)."""
    return {name: getattr(payload, name) for name in payload.model_fields_set}


# --- reading ------------------------------------------------------------------------------------


@router.get(
    "",
    auth=TOKEN_OR_ANONYMOUS,
    openapi_extra=OPTIONAL_TOKEN,
    response={200: ProjectPage, 401: Error, 422: Error, 429: Error},
    summary="List projects",
    description=(
        "Public projects, newest first, with their places and free places; with an "
        "organiser's token also the own organisations' projects in every stage."
    ),
)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> dict[str, Any]:
    projects = selectors.visible_projects(request.platform, caller_of(request).user)  # type: ignore[attr-defined]
    if filters.organisation:
        projects = projects.filter(organisation__slug=filters.organisation)
    if filters.category:
        projects = projects.filter(category=filters.category)
    count, pages, page = selectors.page_of(projects.order_by("-created_at", "-pk"), filters.page)
    project_selectors.count_places(page)
    return {
        "count": count,
        "page": filters.page,
        "pages": pages,
        "results": [present.project_summary(request, project) for project in page],
    }


@router.get(
    "/{int:pk}",
    auth=TOKEN_OR_ANONYMOUS,
    openapi_extra=OPTIONAL_TOKEN,
    response={200: ProjectOut, 401: Error, 404: Error, 429: Error},
    summary="One project with its tasks and their free places",
)
def project(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = selectors.access_project(request.platform, pk, caller_of(request).user)  # type: ignore[attr-defined]
    return present.project_detail(request, found, selectors.live_tasks(found))


@router.get(
    "/{int:pk}/tasks",
    auth=TOKEN_OR_ANONYMOUS,
    openapi_extra=OPTIONAL_TOKEN,
    response={200: list[TaskOut], 401: Error, 404: Error, 429: Error},
    summary="The tasks of a project, with their free places",
)
def tasks(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    found = selectors.access_project(request.platform, pk, caller_of(request).user)  # type: ignore[attr-defined]
    return [present.task_out(task) for task in selectors.live_tasks(found)]


@router.get(
    "/{int:pk}/tasks/{int:task_id}",
    auth=TOKEN_OR_ANONYMOUS,
    openapi_extra=OPTIONAL_TOKEN,
    response={200: TaskOut, 401: Error, 404: Error, 429: Error},
    summary="One task with its free places",
)
def task(request: HttpRequest, pk: int, task_id: int) -> dict[str, Any]:
    found = selectors.access_project(request.platform, pk, caller_of(request).user)  # type: ignore[attr-defined]
    return present.task_out(selectors.live_task(found, task_id))


# --- organisers ---------------------------------------------------------------------------------


def _managed(request: HttpRequest, pk: int, need: Any) -> Project:
    """The project ``pk`` of this platform if the caller's rights on it allow ``need`` (the
    web's check: organisations.permissions.access_project_rights), else 404."""
    project = selectors.project_on(request.platform, pk)  # type: ignore[attr-defined]
    access_project_rights(request, project, need)
    return project


@router.patch(
    "/{int:pk}",
    auth=token_auth,
    response={
        200: ProjectOut,
        400: Error,
        401: Error,
        404: Error,
        409: Error,
        422: Error,
        429: Error,
    },
    summary="Change a project",
    description="For members who may edit the organisation's projects (owners and editors).",
)
def edit_project(request: HttpRequest, pk: int, payload: ProjectPatch) -> dict[str, Any]:
    project = _managed(request, pk, can_edit_projects)
    changes = _sent(payload)
    status = changes.pop("status", None)
    if status is not None and status not in Project.Status.values:
        raise errors.ApiError(
            422,
            "invalid",
            _("Some of the data is not valid."),
            {"status": [_("Please choose one of: draft, inner_circle, public, closed.")]},
        )
    data = validation.cleaned(ProjectForm, project, changes)
    try:
        actions.edit_project(project, data, status=status, by=caller_of(request).user)  # type: ignore[arg-type]
    except PublishingRefused as refusal:
        raise errors.ApiError(409, "publishing_refused", str(refusal.message)) from refusal
    return present.project_detail(request, project, selectors.live_tasks(project))


@router.post(
    "/{int:pk}/tasks",
    auth=token_auth,
    response={201: TaskOut, 400: Error, 401: Error, 404: Error, 422: Error, 429: Error},
    summary="Add a task to a project",
)
def add_task(request: HttpRequest, pk: int, payload: TaskIn) -> Status[dict[str, Any]]:
    project = _managed(request, pk, can_edit_projects)
    data = validation.cleaned(TaskForm, None, payload.model_dump())
    return Status(201, present.task_out(project_actions.add_task(project, data)))


@router.patch(
    "/{int:pk}/tasks/{int:task_id}",
    auth=token_auth,
    response={200: TaskOut, 400: Error, 401: Error, 404: Error, 409: Error, 422: Error, 429: Error},
    summary="Change a task",
)
def edit_task(request: HttpRequest, pk: int, task_id: int, payload: TaskPatch) -> dict[str, Any]:
    project = _managed(request, pk, can_edit_projects)
    task = selectors.live_task(project, task_id)
    changes = _sent(payload)
    confirm = bool(changes.pop("confirm", False))
    data = validation.cleaned(TaskForm, task, changes)
    try:
        project_actions.update_task(task, data, confirmed=confirm)
    except PeopleAffected as change:
        raise errors.ApiError(
            409,
            "people_affected",
            _(
                "%(count)d people would lose their place. Send the change again with "
                '"confirm": true to make it; they are told by email.'
            )
            % {"count": len(change.affected)},
        ) from change
    except TaskRemoved as refusal:
        raise errors.not_found() from refusal
    task.refresh_from_db()
    return present.task_out(task)


@router.get(
    "/{int:pk}/commitments",
    auth=token_auth,
    response={200: list[SupporterOut], 401: Error, 404: Error, 429: Error},
    summary="The supporters of a project",
    description=(
        "Every commitment with name and email, as the supporter list on the web: for owners "
        "and coordinators of the organisation, and whom the coordination was handed over to."
    ),
)
def commitments(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    project = _managed(request, pk, can_see_supporters)
    rows = supporter_rows(project)
    # Contact details in bulk, as the web's dashboard and export: in the audit log (once an
    # hour per person and project, so that a program polling the list does not flood it).
    record_at_most_hourly(
        Action.SUPPORTERS_EXPORTED,
        actor=caller_of(request).user,  # type: ignore[arg-type]
        target=project,
        request=request,
        rows=len(rows),
    )
    return [present.supporter(row) for row in rows]


# --- taking part --------------------------------------------------------------------------------


@router.post(
    "/{int:pk}/tasks/{int:task_id}/take",
    auth=token_auth,
    response={201: MyCommitmentOut, 401: Error, 404: Error, 409: Error, 429: Error},
    summary="Take a task",
    description=(
        "409 task_full when no place is free, task_not_open when the project does not take "
        "people now, already_in when you take part in it already (or wait for it)."
    ),
)
def take(request: HttpRequest, pk: int, task_id: int) -> Status[dict[str, Any]]:
    user = caller_of(request).user
    project = selectors.access_project(request.platform, pk, user)  # type: ignore[attr-defined]
    task = selectors.live_task(project, task_id)
    if Commitment.objects.filter(task=task, user=user, status__in=Commitment.LIVE).exists():
        raise errors.ApiError(409, "already_in", _("You already take part in this task."))
    try:
        commitment = project_actions.take_task(task, user)  # type: ignore[arg-type]
    except Refused as refusal:
        code = REFUSALS.get(type(refusal), "refused")
        raise errors.ApiError(409, code, str(refusal.message)) from refusal
    commitment.task.project = project
    return Status(201, present.my_commitment(commitment))


@router.post(
    "/{int:pk}/tasks/{int:task_id}/withdraw",
    auth=token_auth,
    response={200: MyCommitmentOut, 401: Error, 404: Error, 429: Error},
    summary="Step back from a task (or leave its waiting list)",
    description="Your own commitment is what gives access; repeating it is harmless.",
)
def withdraw(request: HttpRequest, pk: int, task_id: int) -> dict[str, Any]:
    # As the web (projects.views.withdraw): the person's own latest commitment.
    commitment = (
        Commitment.objects.filter(
            task_id=task_id,
            task__project_id=pk,
            task__project__organisation__platform=request.platform,  # type: ignore[attr-defined]
            task__removed_at__isnull=True,
            user=caller_of(request).user,
        )
        .select_related("task__project__organisation")
        .order_by("-joined_at", "-pk")
        .first()
    )
    if commitment is None or commitment.status not in (
        *Commitment.LIVE,
        Commitment.Status.WITHDRAWN,
    ):
        raise errors.not_found()
    project = commitment.task.project
    done = project_actions.withdraw(commitment)
    done.task.project = project
    return present.my_commitment(done)
