"""After the day: handing a project's coordination over to a supporter, and confirming who
took part (with hours) and who did not come."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from crowdmoving.accounts.models import User
from crowdmoving.organisations.permissions import can_confirm_attendance, can_hand_over

from . import actions
from .errors import NotASupporter, Refused
from .models import Commitment, Project
from .views_manage import _access_project

Status = Commitment.Status


@require_POST
@login_required
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    """Make one supporter of the project a coordinator of it (owners and coordinators)."""
    project, _rights = _access_project(request, pk, can_hand_over)
    supporter = (
        User.objects.filter(pk=request.POST.get("user", "")).first()
        if request.POST.get("user", "").isdigit()
        else None
    )
    try:
        if supporter is None:
            raise NotASupporter
        added = actions.hand_over_coordination(project, supporter, by=cast(User, request.user))
    except Refused as refusal:
        messages.error(request, str(refusal.message))
        return redirect("manage:project", pk=project.pk)
    name = supporter.name or supporter.email
    if added:
        messages.success(
            request,
            _("%(name)s now coordinates the supporters of this project and was told so.")
            % {"name": name},
        )
    else:
        messages.info(request, _("%(name)s coordinates this project already.") % {"name": name})
    return redirect("manage:project", pk=project.pk)


@require_POST
@login_required
def end_coordination(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a project's coordination back from a supporter (owners and coordinators)."""
    project, _rights = _access_project(request, pk, can_hand_over)
    user_id = request.POST.get("user", "")
    coordinator = project.coordinators.filter(pk=user_id).first() if user_id.isdigit() else None
    if coordinator is None or not actions.end_coordination(
        project, coordinator, by=cast(User, request.user)
    ):
        messages.error(request, _("This person does not coordinate this project."))
        return redirect("manage:project", pk=project.pk)
    messages.success(
        request,
        _("%(name)s no longer coordinates this project and was told so.")
        % {"name": coordinator.name or coordinator.email},
    )
    return redirect("manage:project", pk=project.pk)


# --- attendance -----------------------------------------------------------------------------

OPEN = Status.ACTIVE  # the choice "not confirmed yet"


class AttendanceForm(forms.Form):
    """One person of one ended task: took part (with hours), did not come, or still open."""

    attendance = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Please choose one of the options.")},
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        error_messages={
            "invalid": gettext_lazy("Please enter a number of hours, like 3 or 2.5."),
            "min_value": gettext_lazy("Hours cannot be negative."),
            "max_decimal_places": gettext_lazy("Please use at most two decimal places."),
            "max_digits": gettext_lazy("This is too many hours."),
            "max_whole_digits": gettext_lazy("This is too many hours."),
        },
    )

    def __init__(self, data: QueryDict | None, *, commitment: Commitment) -> None:
        self.commitment = commitment
        confirmed = commitment.status in actions.ATTENDANCE
        hours = commitment.hours if confirmed else actions.default_hours(commitment.task)
        initial = {"attendance": commitment.status, "hours": hours}
        super().__init__(data, prefix=f"c{commitment.pk}", initial=initial)
        choices = [
            (Status.COMPLETED, _("Took part")),
            (Status.NO_SHOW, _("Did not come")),
        ]
        if not confirmed:  # a confirmed record is corrected, never made open again
            choices.append((OPEN, _("Not confirmed yet")))
        cast(forms.ChoiceField, self.fields["attendance"]).choices = choices
        self.fields["attendance"].label = _("Did %(name)s take part?") % {
            "name": commitment.user.name or commitment.user.email
        }
        self.max_hours = actions.max_hours(commitment)
        self.fields["hours"].widget.attrs.update(
            {"min": "0", "max": str(self.max_hours), "step": "0.25", "inputmode": "decimal"}
        )

    def clean_hours(self) -> Decimal | None:
        hours: Decimal | None = self.cleaned_data.get("hours")
        if hours is not None and hours > self.max_hours:
            raise forms.ValidationError(
                _("At most %(max)s hours: 24 for each day of the task.")
                % {"max": f"{self.max_hours:g}"}
            )
        return hours


def attendance_rows(project: Project) -> list[Commitment]:
    """The commitments to confirm on ``project``: taken places, and those confirmed already
    (for corrections), of tasks that have ended; in the tasks' order. One query."""
    commitments = (
        Commitment.objects.filter(
            task__project=project,
            task__removed_at__isnull=True,
            status__in=actions.CONFIRMABLE,
        )
        .select_related("task", "user", "attendance_confirmed_by")
        .order_by("task__position", "task__pk", "joined_at", "pk")
    )
    return [c for c in commitments if actions.task_has_ended(c.task)]


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Who took part in the project's tasks that have ended: confirm in bulk, correct later."""
    project, rights = _access_project(request, pk, can_confirm_attendance)
    # Nobody confirms their own participation: another organiser does.
    rows = [c for c in attendance_rows(project) if c.user_id != request.user.pk]
    data: QueryDict | None = request.POST.copy() if request.method == "POST" else None
    if data is not None and data.get("everyone") == "1":
        # "Everyone still open took part": the open rows count as ticked "took part".
        for commitment in rows:
            key = f"c{commitment.pk}-attendance"
            if data.get(key, OPEN) == OPEN:
                data[key] = Status.COMPLETED
    forms_ = [AttendanceForm(data, commitment=c) for c in rows]
    if data is not None and all(form.is_valid() for form in forms_):
        entries = [
            actions.Attendance(
                commitment_id=form.commitment.pk,
                status=form.cleaned_data["attendance"],
                hours=form.cleaned_data["hours"],
            )
            for form in forms_
        ]
        try:
            changed = actions.confirm_attendance(project, entries, by=cast(User, request.user))
        except Refused as refusal:
            messages.error(request, str(refusal.message))
            return redirect("manage:attendance", pk=project.pk)
        messages.success(
            request,
            ngettext(
                "Saved: %(count)d person's attendance changed.",
                "Saved: the attendance of %(count)d people changed.",
                changed,
            )
            % {"count": changed},
        )
        return redirect("manage:attendance", pk=project.pk)
    tasks: list[dict[str, object]] = []
    for form in forms_:
        task = form.commitment.task
        if not tasks or tasks[-1]["task"] != task:
            tasks.append({"task": task, "forms": []})
        cast(list, tasks[-1]["forms"]).append(form)
    return render(
        request,
        "projects/manage/attendance.html",
        {
            "project": project,
            "membership": rights,
            "tasks": tasks,
            "has_errors": data is not None,
        },
        status=400 if data is not None else 200,
    )
