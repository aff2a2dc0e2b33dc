"""The team page of a project: who is in which task, the organisers' updates, the board, and
the coordinators' messages to one person, to a task, and introductions.

Every view finds the project on the request's platform and the signed-in person's seat in its
team (access.access_team); anyone else gets a 404. Every form is a plain POST form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from crowdmoving.core.ratelimit import rate_limit
from crowdmoving.projects.errors import Refused

from . import actions
from .access import TeamSeat, access_team
from .forms import FORMS, ContactSharingForm, MessageForm
from .models import TeamMessage
from .selectors import team_page


def _forms(seat: TeamSeat, bound: MessageForm | None = None) -> dict[str, MessageForm]:
    """The forms ``seat``'s person may use, unbound except ``bound``."""
    forms: dict[str, MessageForm] = {}
    for kind, (form_class, coordinators_only) in FORMS.items():
        if coordinators_only and not seat.coordinates:
            continue
        if bound is not None and bound.prefix == kind:
            forms[kind] = bound
        else:
            forms[kind] = form_class(prefix=kind, project=seat.project)
    return forms


def _write(seat: TeamSeat, kind: str, data: dict[str, Any]) -> TeamMessage:
    project, me = seat.project, seat.person
    body = data["body"]
    if kind == "update":
        return actions.post_update(project, me, body)
    if kind == "direct":
        return actions.write_to_supporter(project, me, data["recipient"], body)
    if kind == "task":
        return actions.write_to_task(project, me, data["task"], body)
    if kind == "introduction":
        return actions.introduce(project, me, data["first"], data["second"], body)
    return actions.post_to_board(project, me, body)


SENT = {
    "update": _("Your update is posted and sent to the supporters."),
    "board": _("Your message is on the board."),
    "direct": _("Your message is sent."),
    "task": _("Your message is sent to everyone on the task."),
    "introduction": _("The introduction is sent to both."),
}


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("team_message")
def index(request: HttpRequest, pk: int) -> HttpResponse:
    """The team page (GET); a POST writes the message of the form named by ``kind``."""
    seat = access_team(request, pk)
    bound: MessageForm | None = None
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in _forms(seat):
            raise Http404
        form_class = FORMS[kind][0]
        bound = form_class(request.POST, prefix=kind, project=seat.project)
        if bound.is_valid():
            try:
                message = _write(seat, kind, bound.cleaned_data)
            except actions.TooManyMessages as refusal:
                bound.add_error(None, str(refusal.message))
                status = 429
            except Refused as refusal:
                bound.add_error(None, str(refusal.message))
            else:
                messages.success(request, str(SENT[kind]))
                url = reverse("team:index", args=[seat.project.pk])
                return redirect(f"{url}#message-{message.pk}")
    context = {
        "project": seat.project,
        "seat": seat,
        "page": team_page(seat),
        "forms": _forms(seat, bound),
        "open_form": bound.prefix if bound is not None else "",
    }
    return render(request, "team/index.html", context, status=status)


@require_POST
@login_required
def remove(request: HttpRequest, pk: int, message_id: int) -> HttpResponse:
    """A coordinator removes a message: nobody sees it any more."""
    seat = access_team(request, pk, coordinates=True)
    message = TeamMessage.objects.filter(
        pk=message_id, project=seat.project, removed_at__isnull=True
    ).first()
    if message is None:
        raise Http404
    actions.remove_message(message, seat.person)
    messages.success(request, gettext("The message is removed."))
    return redirect("team:index", pk=seat.project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contact_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """The question asked after a first take-over: may the other supporters see my address?"""
    seat = access_team(request, pk)
    target = _next_url(request) or reverse("team:index", args=[seat.project.pk])
    form = ContactSharingForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        person = actions.answer_contact_sharing(seat.person, share=form.cleaned_data["share"])
        messages.success(
            request,
            gettext("The other supporters can now see your email address.")
            if person.share_contact
            else gettext("Your email address stays with the organisers."),
        )
        return redirect(target)
    return render(
        request,
        "team/contact_sharing.html",
        {"project": seat.project, "form": form, "next": target},
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
