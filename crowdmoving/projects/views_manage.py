"""The organisers' side of a project: create and edit it, its tasks, and the dashboard.

Every view loads the project through the platform-scoped manager and then checks the
signed-in person's membership of its organisation; anything else is a 404."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record_at_most_hourly
from crowdmoving.audit.models import Action
from crowdmoving.organisations.models import Membership
from crowdmoving.organisations.permissions import (
    ProjectRights,
    access_organisation,
    access_project_rights,
    can_edit_projects,
)
from crowdmoving.pages.publishing import PublishingRefused, missing

from . import actions, story, task_templates
from .cards import guest_takeover, render_card
from .errors import PeopleAffected, TaskRemoved
from .forms import ProjectForm, ReleaseForm, TaskForm
from .models import Commitment, Project, Task
from .selectors import describe_people, live_commitments, manage_dashboard_tasks

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


def is_member(rights: ProjectRights) -> bool:
    """A member of the project's organisation (any role), not only a handed-over coordinator."""
    return rights.membership is not None


# --- the guided editor ----------------------------------------------------------------------


def _with_skeleton(request: HttpRequest, project: Project) -> ProjectForm:
    """The "use the activating structure" button without JavaScript: the form as sent, not
    saved and without errors, its story filled with the skeleton if it was empty."""
    sent = ProjectForm(request.POST, instance=project)
    initial = {name: sent[name].value() for name in sent.fields if name != "cover"}
    if (initial.get("story") or "").strip():
        messages.info(
            request,
            _("The structure only fills an empty story: your text stays as it is."),
        )
    else:
        initial["story"] = story.skeleton()
    return ProjectForm(initial=initial, instance=project)


def _typed(form: ProjectForm) -> Project:
    """The project as the form has it, never saved: a sent form's valid values are in its
    instance (ModelForm puts them there); an unbound form's story and start date come from
    its initial values (the skeleton button)."""
    if form.is_bound:
        form.is_valid()
        return form.instance
    typed = copy.copy(form.instance)
    for name in ("story", "starts_on"):
        try:
            setattr(typed, name, form.fields[name].clean(form[name].value()))
        except ValidationError:
            pass
    return typed


def _editor_context(form: ProjectForm, project: Project | None) -> dict[str, Any]:
    """What the guided editor shows beside the form: the checklist of what is typed (or
    saved), the story's skeleton for the button, and the examples."""
    tasks = list(Task.objects.filter(project=project, removed_at__isnull=True)) if project else []
    return {
        "checklist": story.checklist(_typed(form), tasks),
        "skeleton": story.skeleton(),
        "examples": story.EXAMPLES,
    }


# --- projects -------------------------------------------------------------------------------


@login_required
def project_create(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_organisation(request, slug, can_edit_projects)
    organisation = membership.organisation
    if request.method == "POST" and "use_structure" in request.POST:
        form = _with_skeleton(request, Project())
    else:
        form = ProjectForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
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
        {
            "form": form,
            "organisation": organisation,
            "project": None,
            "checklist_url": reverse("manage:project_checklist_new", args=[organisation.slug]),
            **_editor_context(form, None),
        },
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project, _membership = _access_project(request, pk, can_edit_projects)
    title = project.title  # the form writes into the instance even when it is invalid
    if request.method == "POST" and "use_structure" in request.POST:
        form = _with_skeleton(request, project)
    else:
        form = ProjectForm(request.POST or None, request.FILES or None, instance=project)
    if form.is_bound and form.is_valid():
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
            "checklist_url": reverse("manage:project_checklist", args=[project.pk]),
            **_editor_context(form, project),
        },
    )


@require_POST
@login_required
def project_checklist_new(request: HttpRequest, slug: str) -> HttpResponse:
    """The editor's live checklist of a project not yet created, from what is typed (htmx);
    nothing is saved."""
    access_organisation(request, slug, can_edit_projects)
    form = ProjectForm(request.POST)
    return _live_checklist(request, story.checklist(_typed(form), []))


@require_POST
@login_required
def project_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor's live checklist of ``pk`` with what is typed and its saved tasks (htmx);
    nothing is saved."""
    project, _membership = _access_project(request, pk, can_edit_projects)
    form = ProjectForm(request.POST, instance=project)
    return _live_checklist(request, _editor_context(form, project)["checklist"])


def _live_checklist(request: HttpRequest, checklist: list[story.Item]) -> HttpResponse:
    return render(
        request,
        "projects/manage/_checklist.html",
        {
            "checklist": checklist,
            "checklist_done": sum(item.done for item in checklist),
            "live": True,
        },
    )


@login_required
def project_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The project page as visitors will see it once it is open, and its share card. Only
    the organisation's members; the task cards are rendered as for a signed-out visitor and
    cannot be used here."""
    project, membership = _access_project(request, pk, is_member)
    tasks = list(
        Task.objects.filter(project=project, removed_at__isnull=True).order_by("position", "pk")
    )
    people = live_commitments([task.pk for task in tasks])
    opened = copy.copy(project)
    if not opened.is_open_for_takeover:
        opened.status = Project.Status.PUBLIC  # as it will be: its tasks can be taken
    guests = guest_takeover(request)
    cards = []
    for task in tasks:
        describe_people(task, people.get(task.pk, []), None, set())
        cards.append(render_card(opened, task, False, guest_takeover=guests))
    places = sum(task.capacity for task in tasks)
    filled = sum(min(task.taken, task.capacity) for task in tasks)
    return render(
        request,
        "projects/manage/preview.html",
        {
            "project": project,
            "cards": cards,
            "places": places,
            "filled": filled,
            "percent": round(100 * filled / places) if places else 0,
            "membership": membership,
            "summary": story.share_summary(project),
            "share_host": request.get_host(),
            "checklist": story.checklist(project, tasks),
        },
    )


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    project, membership = _access_project(request, pk)
    return _dashboard_page(request, project, membership)


def _dashboard_page(
    request: HttpRequest,
    project: Project,
    membership: ProjectRights,
    release_form: ReleaseForm | None = None,
) -> HttpResponse:
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
            "checklist": story.checklist(project, tasks),
            "release_form": release_form
            or ReleaseForm(
                initial={"public_on": project.public_on},
                project=project,
                opening=project.status != Project.Status.INNER_CIRCLE,
            ),
            # Who can see a draft: the organisation's members, by name (organisations are small).
            "members": (
                list(
                    Membership.objects.filter(organisation_id=project.organisation_id)
                    .select_related("user")
                    .order_by("user__name", "pk")
                )
                if project.status == Project.Status.DRAFT
                else []
            ),
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
def project_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Set, change or clear the day on which the worker makes the project public; with
    ``open``, open it to the inner circle at the same time."""
    project, membership = _access_project(request, pk, can_edit_projects)
    opening = request.POST.get("open") == "1" and project.status != Project.Status.INNER_CIRCLE
    if request.POST.get("clear") == "1":
        data = {"public_on": ""}
    else:
        data = request.POST
    form = ReleaseForm(data, project=project, opening=opening)
    if not form.is_valid():
        # The dashboard again, with the message at the field in its state list.
        return _dashboard_page(request, project, membership, release_form=form)
    day = form.cleaned_data["public_on"]
    try:
        actions.schedule_release(project, day, open_now=opening, by=cast(User, request.user))
    except PublishingRefused as refusal:
        messages.error(request, str(refusal))
        return _to_dashboard(project)
    if day is None:
        messages.success(request, _("The project will not become public automatically."))
    else:
        messages.success(
            request,
            _(
                "The project is in the inner circle and becomes public on %(day)s. You will "
                "be told when it has happened."
            )
            % {"day": date_format(day, "DATE_FORMAT")},
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
    # ?template=<key> fills the form from a task template; an unknown key is ignored.
    template = task_templates.find(request.GET.get("template"))
    form = TaskForm(request.POST or None, initial=template.initial() if template else None)
    if request.method == "POST" and form.is_valid():
        task = actions.add_task(project, form.cleaned_data)
        messages.success(request, _("The task “%(title)s” is added.") % {"title": task.title})
        return _to_dashboard(project)
    return render(
        request,
        "projects/manage/task_form.html",
        {
            "form": form,
            "project": project,
            "task": None,
            "templates": task_templates.TEMPLATES,
            "template": template,
        },
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
