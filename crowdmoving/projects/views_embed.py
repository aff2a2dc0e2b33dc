"""A project's live task list in a frame on the organisation's own website, and the
organisers' page that lists those websites and gives the code to copy.

How taking a task works inside the frame: the frame is on another site than the page around
it, so the browser sends none of the platform's cookies (SameSite=Lax) into it: no session, no
CSRF cookie, and the embed cannot know who is looking. So

- visitors hold a place with name and email right in the frame (the platform's guest
  take-over, as on the project page, privacy checkbox included). The form posts to
  ``hold``, which is exempt from the CSRF cookie check and instead needs a signed token bound
  to the project and task and valid for two hours (embed.form_token); it is rate-limited with
  the project page's hold form ("hold"). On success the frame says that we emailed a link:
  the hold mail's link (projects:confirm) opens the platform in the browser, which confirms
  the place and signs the person in there. The frame never starts a session.
- people with an account take the task on the platform: the card's link opens the project
  page in a new tab, where they are signed in. Full tasks link to the platform's waiting list
  the same way, and so does every task when the platform has no guest take-over.

Headers: ``frame-ancestors`` lists the organisation's websites (embed.frame_ancestors) and
``X-Frame-Options`` is left out, on these responses only; without listed websites the embed
stays unframeable ('none' and DENY) and says so to an organiser who opens it directly."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from crowdmoving.accounts.models import User
from crowdmoving.core.ratelimit import seconds_until_allowed
from crowdmoving.organisations.permissions import access_organisation, can_change_settings
from crowdmoving.tenancy.models import Platform

from . import actions, embed, notify
from .access import access_project, access_task
from .actions_embed import set_embed_origins
from .cards import guest_takeover, task_rows
from .errors import Refused
from .models import Commitment, Project, Task
from .views import HoldForm

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
SCRIPT_MAX_AGE = 60 * 60  # /embed.js: an hour, so that a fix reaches the websites soon


# --- the frame ----------------------------------------------------------------------------------


def _embeddable(request: HttpRequest, pk: int) -> Project:
    """A public project of this platform (or one that was public and is closed now), else
    404: drafts and inner circles are never embedded, whoever asks."""
    project = access_project(request, pk)
    closed_public = project.status == Project.Status.CLOSED and project.published_at is not None
    if project.status != Project.Status.PUBLIC and not closed_public:
        raise Http404
    return project


def _frame_headers(response: HttpResponse, origins: list[str]) -> HttpResponse:
    """Let the organisation's websites (``origins``, embed.frame_ancestors) frame this
    response, and nobody else; without any, it stays unframeable."""
    if origins:
        # django-csp reads this per response (csp_replace does the same for a fixed policy).
        response._csp_replace = {"frame-ancestors": origins}  # type: ignore[attr-defined]
        response.xframe_options_exempt = True  # type: ignore[attr-defined]
    response["X-Robots-Tag"] = "noindex"
    response["Content-Language"] = translation.get_language() or ""
    return response


def _page(
    request: HttpRequest,
    project: Project,
    *,
    lang_query: str,
    fresh: dict[int, dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    platform: Platform = request.platform  # type: ignore[attr-defined]
    origins = embed.frame_ancestors(project.organisation)
    rows = task_rows(project)
    open_for_takeover = project.is_open_for_takeover
    cards = (
        embed.embed_cards(
            project,
            rows,
            platform=platform,
            guests=guest_takeover(request),
            lang_query=lang_query,
            fresh=fresh,
        )
        if open_for_takeover
        else []
    )
    response = render(
        request,
        "projects/embed/project.html",
        {
            "project": project,
            "cards": cards,
            "closed": not open_for_takeover,
            "framable": bool(origins),
            "guest_takeover": guest_takeover(request),
        },
        status=status,
    )
    return _frame_headers(response, origins)


def project(request: HttpRequest, pk: int) -> HttpResponse:
    """The frame: the project's title, a link to it on the platform, and its live task list.
    (A POST gets the same page, as the project page does.)"""
    language, asked = embed.language_of(request, request.platform)  # type: ignore[attr-defined]
    with translation.override(language):
        found = _embeddable(request, pk)
        return _page(request, found, lang_query=f"?lang={language}" if asked else "")


@csrf_exempt  # the frame gets no CSRF cookie; the signed form token protects it (see above)
@require_http_methods(["GET", "POST"])
def hold(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    """GET: the frame with the hold form open in the task's card. POST: hold the place."""
    platform: Platform = request.platform  # type: ignore[attr-defined]
    language, asked = embed.language_of(request, platform)
    lang_query = f"?lang={language}" if asked else ""
    with translation.override(language):
        if not guest_takeover(request):
            raise Http404
        project = _embeddable(request, pk)
        task = access_task(request, project, task_id)
        if not project.is_open_for_takeover:
            raise Http404
        if request.method == "GET":
            return _with_form(request, project, task, HoldForm(platform=platform), lang_query)
        return _hold(request, project, task, lang_query)


def _with_form(
    request: HttpRequest,
    project: Project,
    task: Task,
    form: HoldForm,
    lang_query: str,
    *,
    message: str = "",
    error: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "hold_form": form,
        "form_token": embed.form_token(task),
        "card_message": message,
        "card_error": error,
    }
    return _page(request, project, lang_query=lang_query, fresh={task.pk: context}, status=status)


def _answered(request: HttpRequest, project: Project, task: Task, lang_query: str) -> HttpResponse:
    minutes = settings.CROWDMOVING["HOLD_MINUTES"]
    message = gettext(
        "We emailed you a link to confirm your place. Please open it within %(minutes)d "
        "minutes: until then we hold the place for you."
    ) % {"minutes": minutes}
    fresh = {task.pk: {"card_message": message, "held": True}}
    return _page(request, project, lang_query=lang_query, fresh=fresh)


def _hold(request: HttpRequest, project: Project, task: Task, lang_query: str) -> HttpResponse:
    platform: Platform = request.platform  # type: ignore[attr-defined]
    form = HoldForm(request.POST, platform=platform)
    wait = seconds_until_allowed(request, "hold")
    if wait is not None:
        message = gettext(
            "Too many attempts from your connection. Please try again in %(minutes)d minutes."
        ) % {"minutes": max(1, -(-wait // 60))}
        response = _with_form(
            request, project, task, form, lang_query, message=message, error=True, status=429
        )
        response["Retry-After"] = str(wait)
        return response
    token = request.POST.get(FORM_TOKEN_FIELD, "")
    if not embed.form_token_is_valid(token, task):
        message = gettext(
            "This form has expired or is not valid. Please check your details and send it again."
        )
        return _with_form(
            request, project, task, form, lang_query, message=message, error=True, status=403
        )
    if embed.token_was_used(token):  # a double click or a reload: answer as the first time
        return _answered(request, project, task, lang_query)
    if not form.is_valid():
        return _with_form(request, project, task, form, lang_query, status=400)
    try:
        held = actions.hold_task(
            task,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            accepted=form.privacy_text,
        )
    except Refused as refusal:
        fresh = {task.pk: {"card_message": str(refusal.message), "card_error": True}}
        return _page(request, project, lang_query=lang_query, fresh=fresh)
    if held.commitment.status != Commitment.Status.HELD:
        # The address already takes part: the same answer as for a new hold, so that nobody
        # finds out who takes part by typing addresses; the owner is told by email.
        notify.supporter_already_in(held.commitment)
    embed.mark_token_used(token)
    return _answered(request, project, task, lang_query)


@cache
def _script() -> bytes:
    return (Path(__file__).resolve().parents[1] / "static" / "js" / "embed.js").read_bytes()


@require_GET
def script(request: HttpRequest) -> HttpResponse:
    """The optional sizing script for the website around the frame, at an address that stays
    the same (static files get a new, hashed name with every change)."""
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={SCRIPT_MAX_AGE}"
    return response


# --- the organisers' page -------------------------------------------------------------------------


class EmbeddingForm(forms.Form):
    embed_origins = forms.CharField(
        label=_("Websites that may show your projects"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "autocapitalize": "off"}),
        help_text=_(
            "One address per line, for example https://www.example.org. For all subdomains: "
            "https://*.example.org. Only the address of the website, without a page on it. "
            "Leave it empty and no website can show your projects."
        ),
        error_messages={"max_length": _("This is too long: at most %(limit_value)d characters.")},
    )

    def clean_embed_origins(self) -> list[str]:
        parsed = embed.parse_origins(self.cleaned_data["embed_origins"])
        if parsed.errors:
            raise forms.ValidationError(parsed.errors)
        return parsed.origins


@login_required
@require_http_methods(["GET", "POST"])
def embedding(request: HttpRequest, slug: str) -> HttpResponse:
    """Which websites may show the organisation's projects, and the code to copy for each
    public project. Owners only (can_change_settings)."""
    membership = access_organisation(request, slug, can_change_settings)
    organisation = membership.organisation
    form = EmbeddingForm(
        request.POST if request.method == "POST" else None,
        initial={"embed_origins": organisation.embed_origins},
    )
    if request.method == "POST" and form.is_valid():
        changed = set_embed_origins(
            organisation, form.cleaned_data["embed_origins"], by=cast(User, request.user)
        )
        if changed:
            messages.success(request, gettext("Saved: these websites may show your projects."))
        return redirect("manage:embedding", slug=organisation.slug)
    platform: Platform = request.platform  # type: ignore[attr-defined]
    projects = list(
        Project.objects.filter(organisation=organisation, status=Project.Status.PUBLIC).order_by(
            "-created_at", "-pk"
        )
    )
    for found in projects:
        found.snippet = embed.snippet(request, found, platform)  # type: ignore[attr-defined]
    return render(
        request,
        "projects/embed/settings.html",
        {
            "organisation": organisation,
            "form": form,
            "projects": projects,
            "origins": embed.frame_ancestors(organisation),
            "guest_takeover": guest_takeover(request),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
