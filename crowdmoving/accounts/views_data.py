"""A person's own data: see it, download it, delete the account (DSGVO Art. 15, 17, 20)."""

from __future__ import annotations

import json
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crowdmoving.audit.api import record, record_at_most_hourly
from crowdmoving.audit.models import Action
from crowdmoving.core.ratelimit import rate_limit

from . import deletion, export
from .models import User


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything about the signed-in person, on every platform, as a page to read."""
    user = cast(User, request.user)
    document = export.collect(user)
    # Reading the page again and again leaves one entry an hour.
    record_at_most_hourly(
        Action.DATA_EXPORTED, actor=user, target=user, request=request, format="html"
    )
    response = render(
        request,
        "accounts/my_data.html",
        {"sections": export.readable(document), "exported_at": document["exported_at"]},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
@rate_limit("export")
def my_data_download(request: HttpRequest) -> HttpResponse:
    """The same as a JSON file (export.py documents its structure)."""
    user = cast(User, request.user)
    document = export.collect(user)
    record(Action.DATA_EXPORTED, request=request, subject=user, format="json")
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{day}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@rate_limit("delete_account")
def delete_account(request: HttpRequest) -> HttpResponse:
    """What deleting the account does; a POST mails the link that confirms it."""
    user = cast(User, request.user)
    summary = deletion.preview(user)
    if request.method == "POST" and not summary.blocking:
        try:
            deletion.request_deletion(user, platform=getattr(request, "platform", None))
        except deletion.LastOwnerOf:
            summary = deletion.preview(user)
        else:
            messages.success(
                request,
                _(
                    "We have sent you an email. Open the link in it within %(hours)s hours "
                    "to delete your account."
                )
                % {"hours": int(deletion.LINK_VALID_FOR.total_seconds() // 3600)},
            )
            return redirect("me:delete_account")
    return render(
        request,
        "accounts/delete_account.html",
        {"summary": summary, "marker": deletion.REMOVED_LABEL},
    )


@rate_limit("delete_account")
def delete_account_confirm(request: HttpRequest, deletion_token: str) -> HttpResponse:
    """The emailed link: shows what will happen; the POST deletes the account. The link works
    only for the signed-in person it was sent to, once, within LINK_VALID_FOR."""
    link = deletion.check_link(deletion_token)
    if link.user is None:
        return _link_problem(request, link.problem)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.pk != link.user.pk:
        return _link_problem(request, "other", status=403)
    user = link.user
    summary = deletion.preview(user)
    if request.method == "POST" and not summary.blocking:
        try:
            deletion.delete_account(user, platform=getattr(request, "platform", None))
        except deletion.LastOwnerOf:
            summary = deletion.preview(user)
        else:
            # Signed out without the sign-out signal: its audit entry would name the
            # tombstone that the deletion has just unlinked from the log. The sessions are
            # gone already (deletion.end_sessions); this one starts afresh.
            request.session.flush()
            request.user = AnonymousUser()
            return redirect("me:account_deleted")
    return render(
        request,
        "accounts/delete_account_confirm.html",
        {"summary": summary, "marker": deletion.REMOVED_LABEL},
    )


def _link_problem(request: HttpRequest, problem: str, status: int = 400) -> HttpResponse:
    return render(
        request,
        "accounts/delete_account_link.html",
        {"problem": problem, "valid_hours": int(deletion.LINK_VALID_FOR.total_seconds() // 3600)},
        status=status,
    )


def account_deleted(request: HttpRequest) -> HttpResponse:
    """The last page a deleted account sees; the same words for anyone."""
    return render(request, "accounts/account_deleted.html")
