"""The organisers' start: their organisations, a new organisation, one organisation's projects."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crowdmoving.accounts.models import User
from crowdmoving.projects.selectors import manage_projects_with_places

from .actions import create_organisation
from .forms import OrganisationForm
from .models import Membership
from .permissions import access_organisation


@login_required
def index(request: HttpRequest) -> HttpResponse:
    memberships = list(
        Membership.objects.filter(user=cast(User, request.user))
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    projects = manage_projects_with_places([m.organisation for m in memberships])
    by_organisation: dict[int, list] = {}
    for project in projects:
        by_organisation.setdefault(project.organisation_id, []).append(project)
    for membership in memberships:
        membership.projects = by_organisation.get(membership.organisation_id, [])  # type: ignore[attr-defined]
    return render(request, "organisations/index.html", {"memberships": memberships})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = create_organisation(
            request.platform,  # type: ignore[attr-defined]
            request.user,  # type: ignore[arg-type]
            form.cleaned_data,
        )
        messages.success(
            request,
            _("%(name)s is set up. Tell the world about your first project.")
            % {"name": organisation.name},
        )
        return redirect("manage:organisation", slug=organisation.slug)
    return render(request, "organisations/create.html", {"form": form})


@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_organisation(request, slug)
    projects = manage_projects_with_places([membership.organisation])
    return render(
        request,
        "organisations/detail.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "projects": projects,
        },
    )
