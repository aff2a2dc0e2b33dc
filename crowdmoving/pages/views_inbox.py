"""The platform administrators' inbox of contact messages: /platform/messages/ lists them
(open, handled or all, 25 a page), each can be marked handled or open again (a plain form;
with htmx the message swaps in place) and deleted after a confirmation page. Everybody else
gets a 404, like every /platform/ page."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.core.views import bad_request
from crowdmoving.tenancy.permissions import access_platform_admin

from . import inbox


def _back(request: HttpRequest, message_id: int | None = None) -> str:
    """The inbox address with the filter and page the person came from (as sent with the
    form; anything odd is left out), at the message when there is one."""
    query = {"show": inbox.parse_show(request.POST.get("show"))}
    page = _page_number(request.POST.get("page"))
    if page not in ("", "1"):
        query["page"] = page
    anchor = f"#message-{message_id}" if message_id is not None else ""
    return f"{reverse('pages:inbox')}?{urlencode(query)}{anchor}"


def _page_number(value: str | None) -> str:
    """A page number as sent back by a form or link; '' for anything else."""
    return value if value and value.isascii() and value.isdigit() and len(value) < 8 else ""


@require_safe
@login_required
def inbox_list(request: HttpRequest) -> HttpResponse:
    platform = access_platform_admin(request)
    show = inbox.parse_show(request.GET.get("show"))
    page = inbox.inbox_page(platform, show, request.GET.get("page"))
    if page.object_list:
        # The page shows senders' names and email addresses: viewing contact details in bulk.
        record(
            Action.CONTACTS_VIEWED,
            request=request,
            platform=platform,
            what="contact_messages",
            show=show,
            page=page.number,
            messages=len(page.object_list),
        )
    return render(
        request,
        "pages/inbox.html",
        {
            "page": page,
            "show": show,
            "shows": _shows(),
            "counts": inbox.counts(platform),
            "retention_days": settings.CROWDMOVING["RETENTION_CONTACT_MESSAGE_DAYS"],
        },
    )


def _shows() -> list[tuple[str, str]]:
    return [
        (inbox.SHOW_OPEN, _("Open")),
        (inbox.SHOW_HANDLED, _("Handled")),
        (inbox.SHOW_ALL, _("All")),
    ]


@require_POST
@login_required
def inbox_handled(request: HttpRequest, contact_message_id: int) -> HttpResponse:
    """POST ``handled`` 1 marks the message handled, 0 open again."""
    platform = access_platform_admin(request)
    message = inbox.access_message(platform, contact_message_id)
    handled = request.POST.get("handled", "")
    if handled == "1":
        inbox.mark_handled(message, by=cast(User, request.user))
        said = _("Marked as handled: the message from %(name)s.")
    elif handled == "0":
        inbox.mark_open(message)
        said = _("Marked as open: the message from %(name)s.")
    else:
        return bad_request(request)  # only a form changed by hand gets here
    said %= {"name": message.name}
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "pages/_inbox_message.html",
            {
                "message": inbox.prepare(message, platform),
                "show": inbox.parse_show(request.POST.get("show")),
                "page_number": _page_number(request.POST.get("page")),
                "status": said,
                "swapped": True,
            },
        )
    messages.success(request, said)
    return redirect(_back(request, message.pk))


@require_http_methods(["GET", "POST"])
@login_required
def inbox_delete(request: HttpRequest, contact_message_id: int) -> HttpResponse:
    """GET asks for the confirmation (works without JavaScript); POST deletes."""
    platform = access_platform_admin(request)
    message = inbox.access_message(platform, contact_message_id)
    if request.method == "POST":
        name = message.name
        inbox.delete_message(message)
        messages.success(request, _("The message from %(name)s is deleted.") % {"name": name})
        return redirect(_back(request))
    return render(
        request,
        "pages/inbox_delete.html",
        {
            "message": inbox.prepare(message, platform),
            "show": inbox.parse_show(request.GET.get("show")),
            "page_number": _page_number(request.GET.get("page")),
        },
    )
