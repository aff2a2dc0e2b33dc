"""A person's notifications on this platform, their email preferences, and the one-click
unsubscribe link of every email."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crowdmoving.accounts.models import User

from . import actions
from .api import read_unsubscribe_token
from .forms import PreferencesForm
from .models import ESSENTIAL_KINDS, Kind, Notification

PER_PAGE = 30


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Newest first, unread marked, 30 to a page."""
    notifications = Notification.objects.filter(
        user=cast(User, request.user),
        platform=request.platform,  # type: ignore[attr-defined]
    ).only("kind", "title", "url", "created_at", "read_at")
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/index.html", {"page": page})


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actions.mark_all_read(cast(User, request.user), request.platform)  # type: ignore[attr-defined]
    return redirect("notifications:index")


@require_POST
@login_required
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(
        Notification,
        pk=notification_id,
        user=request.user,
        platform=request.platform,  # type: ignore[attr-defined]
    )
    actions.mark_read(notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:index")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = PreferencesForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        actions.save_preferences(
            user,
            email_kinds=form.cleaned_data["email_kinds"],
            daily_digest=form.cleaned_data["daily_digest"],
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    essentials = [kind for kind in Kind if kind in ESSENTIAL_KINDS]
    return render(request, "notifications/settings.html", {"form": form, "essentials": essentials})


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every email: GET asks, POST stops emails of that kind. The signed token is
    the permission, so no sign-in is needed; a forged token is a 404."""
    found = read_unsubscribe_token(token)
    if found is None:
        raise Http404
    user_id, kind = found
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise Http404
    done = kind in (person.muted_email_kinds or [])
    if request.method == "POST":
        actions.mute(person, kind)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind_label": Kind(kind).label, "done": done, "token": token},
    )
