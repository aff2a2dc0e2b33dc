"""The platform administrators' audit log: read only. There is no view that changes or
removes an entry (the model refuses that too)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from crowdmoving.tenancy.permissions import access_platform_admin, is_operator

from .forms import AuditFilterForm
from .models import Action
from .selectors import AuditFilter, audit_page


@require_safe
@login_required
def log(request: HttpRequest) -> HttpResponse:
    """This platform's entries, newest first, 50 a page, filtered by action and days.
    Operators add ``?all=1`` to see every platform's entries (with a platform column)."""
    platform = access_platform_admin(request)
    everywhere = request.GET.get("all") == "1" and is_operator(request.user)
    form = AuditFilterForm(request.GET)
    form.is_valid()  # a field with an error says so and does not filter; the others do
    where = AuditFilter(
        action=form.cleaned_data.get("action") or "",
        since=form.cleaned_data.get("since"),
        until=form.cleaned_data.get("until"),
    )
    page = audit_page(None if everywhere else platform, where, request.GET.get("page"))
    if not is_operator(request.user):
        # Anyone can type any address into a platform's sign-in form: naming the account a
        # failed attempt was made for would tell a platform's administrators who has an
        # account anywhere in the network. Operators see it; administrators see when and from
        # where.
        for entry in page.object_list:
            if entry.action == Action.LOGIN_FAILED and entry.subject is not None:
                entry.subject = None
                entry.had_subject = False
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "entries": page.object_list, "everywhere": everywhere},
        status=400 if form.errors else 200,
    )
