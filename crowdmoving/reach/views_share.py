"""Sharing: a task's own page (its card, preview card and share links), the QR codes of a
project and of a task, the printable poster and the Mastodon step.

Who may see what follows the project page (projects.access): whatever the visitor may not see
is a 404. QR codes and the poster exist only for projects with something to share (public or
inner circle, sharing.is_shareable). Every view reads; a POST is refused (405) after the
object was found, so that a foreign object stays a 404 whatever the method."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from crowdmoving.projects.access import _holds_current_secret as holds_current_secret
from crowdmoving.projects.access import access_project, access_task
from crowdmoving.projects.cards import project_cards
from crowdmoving.projects.models import Project, Task
from crowdmoving.projects.views import HELD_SESSION_KEY

from . import sharing
from .qr import qr_svg

READ = ("GET", "HEAD")
POSTER_TASKS = 8


def _refuse_writes(request: HttpRequest) -> HttpResponse | None:
    if request.method not in READ:
        return HttpResponseNotAllowed(READ)
    return None


def _shareable_project(request: HttpRequest, pk: int) -> Project:
    project = access_project(request, pk)
    if not sharing.is_shareable(project):
        raise Http404
    # An inner circle's code and poster carry its current secret link: only for whoever holds
    # it already (members, visitors who came in by the current link), never for a supporter
    # who sees the project by a commitment alone after the link was renewed.
    if project.status == Project.Status.INNER_CIRCLE and not (
        sharing.may_share(request, project) or holds_current_secret(request, project)
    ):
        raise Http404
    return project


# --- the task's page --------------------------------------------------------------------------


def task_detail(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    """One task with its card (take it right here), its project, its preview card for social
    media ("We are looking for: …"), its share links and QR code."""
    project = access_project(request, pk)
    task = access_task(request, project, task_id)
    refused = _refuse_writes(request)
    if refused is not None:
        return refused
    held_ids = [int(i) for i in request.session.get(HELD_SESSION_KEY, [])]
    row = (task.pk, task.version, task.capacity, task.taken)
    cards = project_cards(request, project, held_ids=held_ids, rows=[row])
    context: dict[str, Any] = {
        "project": project,
        "task": task,
        "card": cards.html[0],
        "headline": sharing.task_headline(task),
        "preview": sharing.preview_for(request, project, task),
        "share": sharing.share_for(request, project, task),
    }
    return render(request, "reach/task.html", context)


# --- QR codes ---------------------------------------------------------------------------------


def _svg(project: Project, url: str, name: str) -> HttpResponse:
    response = HttpResponse(qr_svg(url), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    if project.status == Project.Status.PUBLIC:
        response["Cache-Control"] = "public, max-age=3600"
    else:
        # An inner circle's code holds its secret link: no shared cache may keep it, and a
        # renewed link must show at once.
        response["Cache-Control"] = "private, no-cache"
    return response


def project_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code (SVG) of the project's shared address (sharing.target_url)."""
    project = _shareable_project(request, pk)
    refused = _refuse_writes(request)
    if refused is not None:
        return refused
    url = sharing.target_url(request, project)
    return _svg(project, url, f"qr-project-{project.pk}.svg")


def task_qr(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    """The QR code (SVG) of the task's page (of the secret link for an inner circle)."""
    project = _shareable_project(request, pk)
    task = access_task(request, project, task_id)
    refused = _refuse_writes(request)
    if refused is not None:
        return refused
    url = sharing.target_url(request, project, task)
    return _svg(project, url, f"qr-task-{task.pk}.svg")


# --- the poster -------------------------------------------------------------------------------


def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """An A4 page to print for an info stand or a notice board: the platform, the title, the
    story's opening, the open tasks, the QR code and the address to type."""
    project = _shareable_project(request, pk)
    refused = _refuse_writes(request)
    if refused is not None:
        return refused
    tasks = sharing.poster_tasks(project)
    url = sharing.target_url(request, project)
    context: dict[str, Any] = {
        "project": project,
        "opening": sharing.story_opening(project),
        "tasks": tasks[:POSTER_TASKS],
        "more": max(len(tasks) - POSTER_TASKS, 0),
        # segno's markup of our own address: paths and numbers, no text of anyone's.
        "qr": mark_safe(qr_svg(url)),  # noqa: S308  # nosec B308 B703
        "url": url,
        "short_url": sharing.short_url(url),
    }
    return render(request, "reach/poster.html", context)


# --- Mastodon ---------------------------------------------------------------------------------


class MastodonForm(forms.Form):
    instance = forms.CharField(
        label=_("Your Mastodon server"),
        max_length=253,
        help_text=_("For example mastodon.social or chaos.social: the part after the second @."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "url",
                "autocapitalize": "none",
                "spellcheck": "false",
                "inputmode": "url",
                "placeholder": "mastodon.social",
            }
        ),
    )

    def clean_instance(self) -> str:
        return sharing.clean_instance(self.cleaned_data["instance"])


def _mastodon(request: HttpRequest, project: Project, task: Task | None) -> HttpResponse:
    share = sharing.share_for(request, project, task)
    if share is None or share.private:
        raise Http404
    refused = _refuse_writes(request)
    if refused is not None:
        return refused
    form = MastodonForm(request.GET if "instance" in request.GET else None)
    # Only this page's own form is answered with the redirect: a link from elsewhere with
    # ?instance= (an open redirect to any host) shows the page, filled in, to confirm.
    from_here = request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"
    if form.is_valid() and from_here:
        target = sharing.mastodon_share_url(form.cleaned_data["instance"], share.text, share.url)
        return redirect(target)
    back = (
        project.get_absolute_url()
        if task is None
        else reverse("sharing:task", args=[project.pk, task.pk])
    )
    context = {"project": project, "task": task, "form": form, "share": share, "back": back}
    response = render(request, "reach/mastodon.html", context)
    # Every server has its own address, so this page's form may lead to any https address (a
    # valid server is answered with a redirect there, and browsers hold a form's redirects to
    # form-action). Only this small page gets it; every other page keeps form-action 'self'.
    # django-csp reads this per response (what its csp_update decorator sets).
    response._csp_update = {"form-action": ["https:"]}  # type: ignore[attr-defined]
    return response


def project_mastodon(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the visitor's Mastodon server, then send them to its share page."""
    return _mastodon(request, access_project(request, pk), None)


def task_mastodon(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    project = access_project(request, pk)
    return _mastodon(request, project, access_task(request, project, task_id))
