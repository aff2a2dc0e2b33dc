"""A person's own pages: the tasks they took with their confirmed hours, their calendar feed,
and their settings."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crowdmoving.core import ics
from crowdmoving.projects import selectors
from crowdmoving.projects.access import access_project, access_task

from . import selectors as my
from .actions import regenerate_calendar_token, update_profile
from .calendar import PlatformURLs, has_date, task_event
from .forms import ProfileForm
from .models import User

ICS = "text/calendar; charset=utf-8"


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Upcoming and past commitments on this platform, waiting places with their position."""
    user = cast(User, request.user)
    upcoming, past = selectors.my_commitments(user)
    total_hours, hours = my.confirmed_hours(user)
    feed_url = (
        request.build_absolute_uri(reverse("me:calendar_feed", args=[user.calendar_token]))
        if user.calendar_token
        else ""
    )
    return render(
        request,
        "accounts/my_tasks.html",
        {
            "upcoming": upcoming,
            "past": past,
            "total_hours": total_hours,
            "hours": hours,
            "feed_url": feed_url,
        },
    )


@require_POST
@login_required
def calendar_token(request: HttpRequest) -> HttpResponse:
    """Create the secret address of the person's calendar feed, or replace it."""
    user = cast(User, request.user)
    had_one = bool(user.calendar_token)
    regenerate_calendar_token(user)
    messages.success(
        request,
        _("Your calendar has a new address. The old one no longer works.")
        if had_one
        else _("Your calendar address is ready. Add it to your calendar app as a subscription."),
    )
    return redirect(f"{reverse('me:tasks')}#calendar-section")


def calendar_feed(request: HttpRequest, calendar_token: str) -> HttpResponse:
    """The person's upcoming tasks on every platform, for calendar apps to subscribe to. The
    secret in the address is the permission: no sign-in, a wrong secret is a 404."""
    user = (
        User.objects.filter(calendar_token=calendar_token, is_active=True).first()
        if calendar_token
        else None
    )
    if user is None:
        raise Http404
    base_url = PlatformURLs()
    events = [
        task_event(c.task, base_url(c.task.project.organisation.platform))
        for c in my.calendar_commitments(user)
    ]
    response = HttpResponse(ics.calendar(events, _("My tasks")), content_type=ICS)
    response["Cache-Control"] = "private, max-age=900"
    return response


def task_ics(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    """One task as a calendar file, for anyone who can see its project."""
    project = access_project(request, pk)
    task = access_task(request, project, task_id)
    if not has_date(task):
        raise Http404
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(
        ics.calendar([task_event(task, base_url)], task.title), content_type=ICS
    )
    response["Content-Disposition"] = f'attachment; filename="task-{task.pk}.ics"'
    return response


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    """Name, how others see me on project pages, and the language of my emails."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        update_profile(cast(User, request.user), form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("me:settings")
    return render(request, "accounts/settings.html", {"form": form})
