"""The organisers' start: their organisations, a new organisation, one organisation's projects,
its members and invitations."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crowdmoving.accounts.models import User
from crowdmoving.core.ratelimit import rate_limit
from crowdmoving.projects.selectors import manage_projects_with_places

from .actions import (
    accept_invitation,
    change_role,
    create_organisation,
    invitation_is_open,
    invite,
    remove_member,
    revoke_invitation,
)
from .errors import MembersRefused
from .forms import InviteForm, OrganisationForm, RoleForm
from .models import Invitation, Membership, Role
from .permissions import access_organisation, can_manage_members


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
    # Projects whose coordination was handed over to this person (without membership).
    coordinated = manage_projects_with_places(None, coordinator=cast(User, request.user))
    return render(
        request,
        "organisations/index.html",
        {"memberships": memberships, "coordinated": coordinated},
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = create_organisation(
            request.platform,  # type: ignore[attr-defined]
            request.user,  # type: ignore[arg-type]
            form.cleaned_data,
        )
        if organisation.is_approved:
            messages.success(
                request,
                _("%(name)s is set up. Tell the world about your first project.")
                % {"name": organisation.name},
            )
        else:
            messages.success(
                request,
                _(
                    "%(name)s is set up and waits for the approval of the platform's "
                    "administrators (they were told). Until then you can prepare projects as "
                    "drafts; publishing is possible once it is approved."
                )
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


# --- members ----------------------------------------------------------------------------------


def _members_page(request: HttpRequest, membership: Membership, form: InviteForm) -> HttpResponse:
    organisation = membership.organisation
    members = list(
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__name", "user__email", "pk")
    )
    invitations = [
        invitation
        for invitation in Invitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
        ).order_by("-created_at", "-pk")
        if invitation_is_open(invitation)
    ]
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "membership": membership,
            "members": members,
            "invitations": invitations,
            "form": form,
            "roles": Role.choices,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@rate_limit("invitation")
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's members with their roles, open invitations, and inviting someone."""
    membership = access_organisation(request, slug, can_manage_members)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invite(
                membership.organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=cast(User, request.user),
            )
        except MembersRefused as refusal:
            form.add_error("email", str(refusal.message))
        else:
            messages.success(
                request,
                _("%(email)s is invited. The invitation link is valid for 14 days.")
                % {"email": invitation.email},
            )
            return redirect("manage:members", slug=slug)
    return _members_page(request, membership, form)


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    membership = access_organisation(request, slug, can_manage_members)
    invitation = get_object_or_404(
        Invitation.objects.filter(organisation=membership.organisation), pk=invitation_id
    )
    revoke_invitation(invitation)
    messages.success(
        request,
        _("The invitation to %(email)s is withdrawn; its link no longer works.")
        % {"email": invitation.email},
    )
    return redirect("manage:members", slug=slug)


def _member(membership: Membership, member_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(organisation=membership.organisation).select_related(
            "user", "organisation__platform"
        ),
        pk=member_id,
    )


@require_POST
@login_required
def member_role(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    membership = access_organisation(request, slug, can_manage_members)
    member = _member(membership, member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the roles."))
        return redirect("manage:members", slug=slug)
    try:
        member = change_role(member, form.cleaned_data["role"], by=cast(User, request.user))
    except MembersRefused as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request,
            _("%(name)s is now: %(role)s.")
            % {"name": member.user, "role": member.get_role_display()},
        )
    return redirect("manage:members", slug=slug)


@require_POST
@login_required
def member_remove(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    membership = access_organisation(request, slug, can_manage_members)
    member = _member(membership, member_id)
    try:
        remove_member(member, by=cast(User, request.user))
    except MembersRefused as refusal:
        messages.error(request, str(refusal.message))
        return redirect("manage:members", slug=slug)
    messages.success(
        request,
        _("%(name)s is no longer a member of %(organisation)s.")
        % {"name": member.user, "organisation": membership.organisation.name},
    )
    if member.pk == membership.pk:  # removed themselves: the members page is closed to them now
        return redirect("manage:index")
    return redirect("manage:members", slug=slug)


def invitation_accept(request: HttpRequest, invitation_token: str) -> HttpResponse:
    """The emailed link: shows what the invitation is for; a signed-in person accepts it by
    POST. Without an account, the page offers signing in or up and comes back here."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"), token=invitation_token
    )
    here = request.get_full_path()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
        try:
            accept_invitation(invitation, cast(User, request.user))
        except MembersRefused as refusal:
            messages.error(request, str(refusal.message))
            return redirect(here)
        messages.success(
            request,
            _("Welcome to %(organisation)s!") % {"organisation": invitation.organisation.name},
        )
        return redirect("manage:organisation", slug=invitation.organisation.slug)
    return render(
        request,
        "organisations/invitation_accept.html",
        {
            "invitation": invitation,
            "is_open": invitation_is_open(invitation),
            "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
            "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
        },
    )
