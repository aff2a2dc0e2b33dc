"""The supporters' side: the project page and the one-click take-over.

Every take-over form is a plain POST form that works without JavaScript (answer: a redirect
back to the task on the project page, with a message). With htmx the same form swaps its task
card in place: the answer is the re-rendered ``_task_card.html`` with the message inside."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.validators import RegexValidator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from crowdmoving.accounts.models import User
from crowdmoving.core.ratelimit import rate_limit
from crowdmoving.privacy.forms import ask_to_accept
from crowdmoving.privacy.selectors import current_text
from crowdmoving.team.access import has_team, team_seat
from crowdmoving.tenancy.models import Platform

from . import actions, notify, pages, selectors, views_network
from .access import access_project, access_task, remember_secret
from .cards import (
    CSRF_PLACEHOLDER,
    Cards,
    guest_takeover,
    project_cards,
    render_card,
    task_rows,
)
from .errors import Refused
from .models import Commitment, Project, Task

HELD_SESSION_KEY = "held_commitments"
ALREADY_IN_SESSION_KEY = "crowdmoving.already_in"
Status = Commitment.Status


class HoldForm(forms.Form):
    """A visitor without an account holds a place with a name and an email address, and
    accepts the platform's privacy text if it has one (their consent once they confirm)."""

    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("Your email"))

    def __init__(self, *args: Any, platform: Platform, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.privacy_text = ask_to_accept(self, current_text(platform))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the email"),
        min_length=6,
        max_length=6,
        validators=[RegexValidator(r"^[0-9]{6}$", _("The code has six digits."))],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


# --- pages ----------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """The platform's public projects; on the hub (the default platform), the network's."""
    if request.platform.is_default:  # type: ignore[attr-defined]
        return views_network.hub(request)
    page = selectors.public_projects_page(
        request.platform,  # type: ignore[attr-defined]
        request.GET.get("page"),
    )
    return render(request, "projects/home.html", {"projects": page.object_list, "page": page})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, access_project(request, pk))


def secret_link(request: HttpRequest, pk: int, secret: str) -> HttpResponse:
    """The inner circle's link: remember its secret in the session and show the project."""
    project = Project.objects.filter(
        pk=pk,
        organisation__platform=request.platform,  # type: ignore[attr-defined]
    ).first()
    if project is None or not constant_time_compare(secret, project.secret):
        raise Http404
    remember_secret(request, project, secret)
    return redirect(project)


def _detail_page(
    request: HttpRequest,
    project: Project,
    *,
    hold_form: HoldForm | None = None,
    hold_task_id: int = 0,
) -> HttpResponse:
    held_ids = _held_ids(request)
    rows = task_rows(project)

    def context(cards: Cards, in_team: bool) -> dict[str, Any]:
        places, filled = cards.places, cards.filled
        return {
            "project": project,
            "cards": cards.html,
            "places": places,
            "filled": filled,
            "percent": round(100 * filled / places) if places else 0,
            "takes_open": project.is_open_for_takeover,
            "in_team": in_team,
        }

    if hold_form is None and pages.is_shared_view(request, held_ids):

        def render_shared() -> str:
            cards = project_cards(request, project, held_ids=[], rows=rows, token=CSRF_PLACEHOLDER)
            page = context(cards, in_team=False) | {"csrf_token": CSRF_PLACEHOLDER}
            return render_to_string("projects/detail.html", page, request=request)

        key = pages.page_key(request, project, rows)
        return HttpResponse(pages.cached_page(request, key, render_shared))

    extra = {hold_task_id: {"hold_form": hold_form}} if hold_form is not None else None
    cards = project_cards(request, project, held_ids=held_ids, extra=extra, rows=rows)
    in_team = has_team(request) and team_seat(project, request.user) is not None  # type: ignore[arg-type]
    return render(request, "projects/detail.html", context(cards, in_team))


def _card(
    request: HttpRequest,
    project: Project,
    task: Task,
    message: str = "",
    *,
    error: bool = False,
    hold_form: HoldForm | None = None,
) -> HttpResponse:
    """The task card alone, for htmx to swap in place (always 200, so that htmx swaps it)."""
    found = selectors.project_tasks(
        project, viewer=request.user, held_ids=_held_ids(request), task_id=task.pk
    )
    html = render_card(
        project,
        found[0] if found else task,
        request.user.is_authenticated,
        guest_takeover=guest_takeover(request),
        gone=not found,
        hold_form=hold_form,
        card_message=message,
        card_error=error,
    )
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def _answer(
    request: HttpRequest, project: Project, task: Task, message: str, *, error: bool = False
) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return _card(request, project, task, message, error=error)
    messages.add_message(request, messages.ERROR if error else messages.SUCCESS, message)
    return redirect(_next_url(request) or _task_url(project.pk, task.pk))


def _task_url(project_id: int, task_id: int) -> str:
    return f"{reverse('projects:detail', args=[project_id])}#task-{task_id}"


def _next_url(request: HttpRequest) -> str:
    """A local address to return to (e.g. "My tasks"), or ''."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _login_first(request: HttpRequest, project_id: int) -> HttpResponse:
    url = f"{reverse('account_login')}?" + urlencode(
        {"next": reverse("projects:detail", args=[project_id])}
    )
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _said(commitment: Commitment) -> str:
    """What a person is told after an action, by where their commitment stands now."""
    if commitment.status == Status.ACTIVE:
        return gettext("You are in! Thank you. We sent you the details by email.")
    if commitment.status == Status.WAITING:
        return gettext(
            "You are on the waiting list. We will email you as soon as a place becomes free."
        )
    if commitment.status == Status.HELD:
        return gettext("Please confirm with the code from your email.")
    return gettext("You are no longer on this task.")


# --- taking part ----------------------------------------------------------------------------


def _take_part(
    request: HttpRequest, pk: int, task_id: int, action: Callable[[Task, Any], Commitment]
) -> HttpResponse:
    project = access_project(request, pk)
    # A task removed while the page was open is answered with "removed", not a bare 404.
    task = access_task(request, project, task_id, removed=True)
    if not request.user.is_authenticated:
        return _login_first(request, project.pk)
    try:
        commitment = action(task, request.user)
    except Refused as refusal:
        return _answer(request, project, task, str(refusal.message), error=True)
    _ask_about_contact_sharing(request, commitment)
    return _answer(request, project, task, _said(commitment))


def _ask_about_contact_sharing(request: HttpRequest, commitment: Commitment) -> None:
    """After a person's first take-over: ask once whether the other supporters may see their
    email address (team:contact_sharing answers it)."""
    person = commitment.user
    if (
        not has_team(request)  # the answer is about the team page, which this platform lacks
        or commitment.status != Status.ACTIVE
        or person.share_contact_asked
        or request.user.pk != person.pk
    ):
        return
    project_id = commitment.task.project_id
    url = reverse("team:contact_sharing", args=[project_id])
    url += "?" + urlencode({"next": _task_url(project_id, commitment.task_id)})
    messages.info(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            gettext("May the other supporters of this project see your email address?"),
            url,
            gettext("Please tell us"),
        ),
    )


@require_POST
@rate_limit("take")
def take(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    return _take_part(request, pk, task_id, actions.take_task)


@require_POST
@rate_limit("take")
def wait(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    return _take_part(request, pk, task_id, actions.join_waitlist)


@require_POST
@rate_limit("take")
def withdraw(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    """Step back from a task or leave its waiting list. The person's own commitment is what
    gives access (also after an inner-circle link was renewed); anything else is a 404."""
    if not request.user.is_authenticated:
        return _login_first(request, pk)
    commitment = (
        Commitment.objects.filter(
            task_id=task_id,
            task__project_id=pk,
            task__removed_at__isnull=True,
            user_id=request.user.pk,
        )
        .select_related("task__project__organisation")
        .order_by("-joined_at", "-pk")
        .first()
    )
    if commitment is None or commitment.status not in (*Commitment.LIVE, Status.WITHDRAWN):
        raise Http404
    was = commitment.status
    actions.withdraw(commitment)  # a repeated step-back is harmless and answers the same
    message = (
        gettext("You left the waiting list.")
        if was == Status.WAITING
        else gettext("You stepped back from this task. Thank you for letting us know.")
    )
    return _answer(request, commitment.task.project, commitment.task, message)


@require_http_methods(["GET", "POST"])
@rate_limit("hold")
def hold(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    """A visitor without an account holds a place with name and email; the code page follows.

    GET opens the small form right in the task's card (htmx swaps the card; without JavaScript
    the project page opens with the form in place). A platform without the guest take-over
    feature has neither this nor the code page (404)."""
    if not guest_takeover(request):
        raise Http404
    project = access_project(request, pk)
    task = access_task(request, project, task_id)
    platform: Platform = request.platform  # type: ignore[attr-defined]
    if request.method == "GET":
        if request.user.is_authenticated:
            return redirect(_task_url(project.pk, task.pk))
        empty = HoldForm(platform=platform)
        if request.htmx:  # type: ignore[attr-defined]
            return _card(request, project, task, hold_form=empty)
        return _detail_page(request, project, hold_form=empty, hold_task_id=task.pk)
    if request.user.is_authenticated:
        return _take_part(request, pk, task_id, actions.take_task)
    if _session_hold(request, task) is not None:  # double click: answer as the first time
        return _to_code_page(request, project, task)
    form = HoldForm(request.POST, platform=platform)
    if not form.is_valid():
        if request.htmx:  # type: ignore[attr-defined]
            return _card(request, project, task, hold_form=form)
        return _detail_page(request, project, hold_form=form, hold_task_id=task.pk)
    try:
        held = actions.hold_task(
            task,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            accepted=form.privacy_text,
        )
    except Refused as refusal:
        return _answer(request, project, task, str(refusal.message), error=True)
    if held.commitment.status != Status.HELD:
        # The address already takes part. Answer exactly as for a new hold, so that nobody
        # can find out who takes part by typing addresses; the owner is told by email.
        notify.supporter_already_in(held.commitment)
        request.session[ALREADY_IN_SESSION_KEY] = [*_already_in_ids(request), held.commitment.pk]
        return _to_code_page(request, project, task)
    ids = _held_ids(request)
    request.session[HELD_SESSION_KEY] = [*ids, held.commitment.pk]
    return _to_code_page(request, project, task)


def _already_in_ids(request: HttpRequest) -> list[int]:
    return [int(pk) for pk in request.session.get(ALREADY_IN_SESSION_KEY, [])]


def _to_code_page(request: HttpRequest, project: Project, task: Task) -> HttpResponse:
    url = reverse("projects:enter_code", args=[project.pk, task.pk])
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _held_ids(request: HttpRequest) -> list[int]:
    return [int(pk) for pk in request.session.get(HELD_SESSION_KEY, [])]


def _session_hold(request: HttpRequest, task: Task) -> Commitment | None:
    ids = _held_ids(request)
    if not ids:
        return None
    return Commitment.objects.filter(pk__in=ids, task=task, status=Status.HELD).first()


def _forget_hold(request: HttpRequest, commitment_id: int) -> None:
    request.session[HELD_SESSION_KEY] = [pk for pk in _held_ids(request) if pk != commitment_id]


def _log_in(request: HttpRequest, user: User) -> None:
    """Confirming by code or emailed link proves the address: sign the person in. Someone
    else who is signed in in this browser stays signed in (a link sent by another person
    must not swap the session)."""
    if request.user.is_authenticated and request.user.pk != user.pk:
        return
    # The emailed code proves the address, not the second factor: whoever uses one signs in
    # through allauth (which asks for it), or an email inbox would be enough to become them.
    if user.is_active and not is_mfa_enabled(user):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")


@require_http_methods(["GET", "POST"])
@rate_limit("code")
def enter_code(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    """Type the six-digit code from the email to confirm a held place."""
    if not guest_takeover(request):
        raise Http404
    project = access_project(request, pk)
    task = access_task(request, project, task_id)
    already_in = _already_in_ids(request)
    mine = Q(pk__in=[*_held_ids(request), *already_in])
    if request.user.is_authenticated:
        mine |= Q(user_id=request.user.pk, status=Status.HELD)
    commitment = (
        Commitment.objects.filter(mine, task=task)
        .select_related("user")
        .order_by("-joined_at", "-pk")
        .first()
    )
    if commitment is None:
        raise Http404
    context: dict[str, Any] = {"project": project, "task": task, "commitment": commitment}
    if commitment.status != Status.HELD and commitment.pk not in already_in:
        if request.user.pk == commitment.user_id and commitment.status in Commitment.LIVE:
            messages.success(request, _said(commitment))
            return redirect(_task_url(project.pk, task.pk))
        # Without a held place there is no code left to check: never sign in from here.
        context["settled"] = commitment.status in Commitment.LIVE
        return render(request, "projects/enter_code.html", context)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            confirmed = actions.confirm_hold(commitment, code=form.cleaned_data["code"])
        except Refused as refusal:
            form.add_error("code", str(refusal.message))
        else:
            _forget_hold(request, commitment.pk)
            _log_in(request, confirmed.user)
            messages.success(request, _said(confirmed))
            _ask_about_contact_sharing(request, confirmed)
            return redirect(_task_url(project.pk, task.pk))
    context["form"] = form
    return render(request, "projects/enter_code.html", context)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. GET only shows a button, so that mail scanners confirm nothing."""
    commitment, current = actions.commitment_from_token(token)
    if commitment is None:
        raise Http404
    project = commitment.task.project
    context: dict[str, Any] = {"project": project, "task": commitment.task, "token": token}
    if not current:
        # Used up (already confirmed) or replaced by a newer mail: it signs nobody in.
        if commitment.status == Status.ACTIVE:
            messages.info(request, gettext("This place is already confirmed."))
            return redirect(_task_url(project.pk, commitment.task_id))
        context["refusal"] = gettext("This link is no longer valid. Please use the newest email.")
        return render(request, "projects/confirm.html", context)
    if request.method == "POST":
        try:
            confirmed = actions.confirm_hold(commitment)
        except Refused as refusal:
            context["refusal"] = refusal.message
            return render(request, "projects/confirm.html", context)
        _forget_hold(request, commitment.pk)
        _log_in(request, confirmed.user)
        messages.success(request, _said(confirmed))
        _ask_about_contact_sharing(request, confirmed)
        return redirect(_task_url(project.pk, confirmed.task_id))
    return render(request, "projects/confirm.html", context)
