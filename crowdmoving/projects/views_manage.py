"""The organisers' side of a project: create and edit it, its tasks, and the dashboard.

Every view loads the project through the platform-scoped manager and then checks the
signed-in person's membership of its organisation; anything else is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record_at_most_hourly
from crowdmoving.audit.models import Action
from crowdmoving.organisations.permissions import (
    ProjectRights,
    access_organisation,
    access_project_rights,
    can_edit_projects,
)
from crowdmoving.pages.publishing import PublishingRefused, missing

from . import actions
from .errors import PeopleAffected, TaskRemoved
from .forms import ProjectForm, TaskForm
from .models import Commitment, Project, Task
from .selectors import manage_dashboard_tasks

# The order in which a project usually moves, shown as the dashboard's state controls.
STATES = [
    Project.Status.DRAFT,
    Project.Status.INNER_CIRCLE,
    Project.Status.PUBLIC,
    Project.Status.CLOSED,
]


def _access_project(
    request: HttpRequest, pk: int, need: Callable[[ProjectRights], bool] | None = None
) -> tuple[Project, ProjectRights]:
    """The project and the signed-in person's rights on it (as a member of its organisation
    or as the coordinator it was handed over to), if they allow ``need``; else Http404."""
    if not request.user.is_authenticated:
        raise Http404
    project: Project = get_object_or_404(Project.objects.select_related("organisation"), pk=pk)
    return project, access_project_rights(request, project, need)


def _access_task(project: Project, task_id: int) -> Task:
    return get_object_or_404(
        Task.objects.filter(project=project, removed_at__isnull=True), pk=task_id
    )


def _to_dashboard(project: Project) -> HttpResponse:
    return redirect("manage:project", pk=project.pk)


# --- projects -------------------------------------------------------------------------------


@login_required
def project_create(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_organisation(request, slug, can_edit_projects)
    organisation = membership.organisation
    form = ProjectForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        project = actions.create_project(
            organisation,
            request.user,  # type: ignore[arg-type]
            form.cleaned_data,
        )
        messages.success(
            request,
            _("The project is saved as a draft. Now add the tasks people can take."),
        )
        return _to_dashboard(project)
    return render(
        request,
        "projects/manage/project_form.html",
        {"form": form, "organisation": organisation, "project": None},
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project, _membership = _access_project(request, pk, can_edit_projects)
    title = project.title  # the form writes into the instance even when it is invalid
    form = ProjectForm(request.POST or None, request.FILES or None, instance=project)
    if request.method == "POST" and form.is_valid():
        actions.update_project(project, form.cleaned_data)
        messages.success(request, _("The project is saved."))
        return _to_dashboard(project)
    return render(
        request,
        "projects/manage/project_form.html",
        {
            "form": form,
            "organisation": project.organisation,
            "project": project,
            "project_title": title,
        },
    )


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    project, membership = _access_project(request, pk)
    tasks = manage_dashboard_tasks(project, with_supporters=membership.can_see_supporters)
    if membership.can_see_supporters and any(t.holders or t.waiting for t in tasks):  # type: ignore[attr-defined]
        # The page lists supporters' email addresses: one audit entry per person, project
        # and hour, so that reloading does not flood the log.
        record_at_most_hourly(
            Action.CONTACTS_VIEWED, actor=cast(User, request.user), target=project, request=request
        )
    places = sum(t.capacity for t in tasks)
    taken = sum(t.taken for t in tasks)
    secret_url = request.build_absolute_uri(
        reverse("projects:secret_link", args=[project.pk, project.secret])
    )
    coordinators = list(project.coordinators.order_by("name", "pk"))
    return render(
        request,
        "projects/manage/dashboard.html",
        {
            "project": project,
            "membership": membership,
            "tasks": tasks,
            "places": places,
            "taken": taken,
            "percent": round(100 * taken / places) if places else 0,
            "states": STATES,
            "secret_url": secret_url,
            "HELD": Commitment.Status.HELD,
            "ACTIVE": Commitment.Status.ACTIVE,
            "coordinators": coordinators,
            "coordinator_ids": {user.pk for user in coordinators},
            # What the platform or organisation still needs before the project can open.
            "publishing_missing": (
                missing(request.platform, project.organisation)  # type: ignore[attr-defined]
                if membership.can_edit_projects and project.status != Project.Status.PUBLIC
                else []
            ),
        },
    )


@require_POST
@login_required
def project_status(request: HttpRequest, pk: int) -> HttpResponse:
    project, _membership = _access_project(request, pk, can_edit_projects)
    status = request.POST.get("status", "")
    if status not in Project.Status.values:
        messages.error(request, _("This state does not exist. Please choose one of the buttons."))
        return _to_dashboard(project)
    try:
        actions.change_status(project, status, by=cast(User, request.user))
    except PublishingRefused as refusal:
        messages.error(request, str(refusal))
        return _to_dashboard(project)
    messages.success(
        request,
        _("The project is now: %(status)s.") % {"status": project.get_status_display()},
    )
    return _to_dashboard(project)


@require_POST
@login_required
def project_secret(request: HttpRequest, pk: int) -> HttpResponse:
    project, _membership = _access_project(request, pk, can_edit_projects)
    actions.regenerate_secret(project, by=cast(User, request.user))
    messages.success(request, _("There is a new inner-circle link. The old link no longer works."))
    return _to_dashboard(project)


# --- tasks ----------------------------------------------------------------------------------


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    project, _membership = _access_project(request, pk, can_edit_projects)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        task = actions.add_task(project, form.cleaned_data)
        messages.success(request, _("The task “%(title)s” is added.") % {"title": task.title})
        return _to_dashboard(project)
    return render(
        request, "projects/manage/task_form.html", {"form": form, "project": project, "task": None}
    )


@login_required
def task_edit(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    project, membership = _access_project(request, pk, can_edit_projects)
    task = _access_task(project, task_id)
    title = task.title
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_task(
                task, form.cleaned_data, confirmed=request.POST.get("confirmed") == "1"
            )
        except PeopleAffected as change:
            # Show who would lose their place; "confirm" re-posts the same data.
            repost = [
                (key, value)
                for key in request.POST
                if key not in ("csrfmiddlewaretoken", "confirmed")
                for value in request.POST.getlist(key)
            ]
            return render(
                request,
                "projects/manage/task_shrink_confirm.html",
                {
                    "project": project,
                    "task": task,
                    "task_title": title,
                    "affected": change.affected,
                    "membership": membership,
                    "capacity": form.cleaned_data["capacity"],
                    "repost": repost,
                },
            )
        except TaskRemoved as refusal:
            messages.error(request, str(refusal.message))
            return _to_dashboard(project)
        messages.success(request, _("The task “%(title)s” is saved.") % {"title": task.title})
        return _to_dashboard(project)
    return render(
        request,
        "projects/manage/task_form.html",
        {"form": form, "project": project, "task": task, "task_title": title},
    )


@login_required
def task_remove(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    project, membership = _access_project(request, pk, can_edit_projects)
    task = _access_task(project, task_id)
    if request.method == "POST":
        told = actions.remove_task(task)
        messages.success(
            request,
            ngettext(
                "The task “%(title)s” is removed. %(count)d person was told by email.",
                "The task “%(title)s” is removed. %(count)d people were told by email.",
                len(told),
            )
            % {"title": task.title, "count": len(told)},
        )
        return _to_dashboard(project)
    live = list(
        Commitment.objects.filter(task=task, status__in=Commitment.LIVE)
        .select_related("user")
        .order_by("joined_at", "pk")
    )
    return render(
        request,
        "projects/manage/task_remove_confirm.html",
        {
            "project": project,
            "task": task,
            "holders": [c for c in live if c.status in Commitment.HOLDING_A_PLACE],
            "waiting": [c for c in live if c.status == Commitment.Status.WAITING],
            "membership": membership,
        },
    )


@require_POST
@login_required
def task_move(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    project, _membership = _access_project(request, pk, can_edit_projects)
    task = _access_task(project, task_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Please use the buttons to move a task up or down."))
        return _to_dashboard(project)
    actions.move_task(task, direction)
    return redirect(f"{reverse('manage:project', args=[project.pk])}#task-{task.pk}")
