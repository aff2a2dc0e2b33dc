"""A person's own pages: the tasks they took and their settings."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crowdmoving.projects import selectors

from .actions import update_profile
from .forms import ProfileForm
from .models import User


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Upcoming and past commitments on this platform, waiting places with their position."""
    upcoming, past = selectors.my_commitments(request.user)  # type: ignore[arg-type]
    return render(request, "accounts/my_tasks.html", {"upcoming": upcoming, "past": past})


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    """Name, how others see me on project pages, and the language of my emails."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        update_profile(cast(User, request.user), form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("me:settings")
    return render(request, "accounts/settings.html", {"form": form})
