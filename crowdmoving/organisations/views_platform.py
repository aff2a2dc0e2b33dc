"""The platform administrators' page of organisations (/platform/organisations/): who may
publish (open or with approval), and the queue of organisations that wait for approval, with
approve and decline (with an optional reason)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crowdmoving.accounts.models import User
from crowdmoving.tenancy.models import Platform
from crowdmoving.tenancy.permissions import access_platform_admin

from . import selectors
from .actions import approve_organisation, decline_organisation, set_publishing_rule
from .forms import DeclineForm, PublishingForm
from .models import Organisation

PER_PAGE = 50


def _decline_form(organisation_id: int, data: dict | None = None) -> DeclineForm:
    return DeclineForm(data, auto_id=f"decline-{organisation_id}-%s")


def _queue_page(
    request: HttpRequest,
    platform: Platform,
    *,
    publishing_form: PublishingForm | None = None,
    declining: DeclineForm | None = None,
    declining_id: int | None = None,
) -> HttpResponse:
    page = Paginator(selectors.approval_queue(platform), PER_PAGE).get_page(request.GET.get("page"))
    for organisation in page:
        if organisation.pk == declining_id and declining is not None:
            organisation.decline_form = declining  # type: ignore[attr-defined]
        else:
            organisation.decline_form = _decline_form(organisation.pk)  # type: ignore[attr-defined]
    bound = (publishing_form is not None and publishing_form.errors) or declining is not None
    return render(
        request,
        "organisations/platform_queue.html",
        {
            "platform": platform,
            "page": page,
            "waiting": selectors.waiting_count(platform),
            "publishing_form": publishing_form
            or PublishingForm(initial={"publishing": platform.publishing}),
            "PENDING": Organisation.Approval.PENDING,
            "DECLINED": Organisation.Approval.DECLINED,
        },
        status=400 if bound else 200,
    )


def _access_organisation(platform: Platform, organisation_id: int) -> Organisation:
    organisation = Organisation.objects.filter(platform=platform, pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return organisation


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, access_platform_admin(request))


@require_POST
@login_required
def publishing(request: HttpRequest) -> HttpResponse:
    platform = access_platform_admin(request)
    form = PublishingForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, platform, publishing_form=form)
    set_publishing_rule(platform, form.cleaned_data["publishing"], by=cast(User, request.user))
    if form.cleaned_data["publishing"] == Platform.Publishing.APPROVAL:
        messages.success(
            request,
            _("From now on, new organisations need your approval before they can publish."),
        )
    else:
        messages.success(request, _("From now on, every organisation can publish."))
    return redirect("organisations:queue")


@require_POST
@login_required
def approve(request: HttpRequest, organisation_id: int) -> HttpResponse:
    platform = access_platform_admin(request)
    organisation = approve_organisation(
        _access_organisation(platform, organisation_id), by=cast(User, request.user)
    )
    messages.success(
        request,
        _("%(name)s is approved; its owners were emailed.") % {"name": organisation.name},
    )
    return redirect("organisations:queue")


@require_POST
@login_required
def decline(request: HttpRequest, organisation_id: int) -> HttpResponse:
    platform = access_platform_admin(request)
    organisation = _access_organisation(platform, organisation_id)
    form = _decline_form(organisation.pk, request.POST)
    if not form.is_valid():
        return _queue_page(request, platform, declining=form, declining_id=organisation.pk)
    decline_organisation(
        organisation, reason=form.cleaned_data["reason"], by=cast(User, request.user)
    )
    messages.success(
        request,
        _("%(name)s is declined; its owners were emailed.") % {"name": organisation.name},
    )
    return redirect("organisations:queue")
