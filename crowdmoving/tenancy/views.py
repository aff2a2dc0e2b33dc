"""The platform administrators' start page: what they can look after on their platform; and
the emailed invitation to become one of them."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from crowdmoving.accounts.mfa import STATE_SESSION_KEY as MFA_STATE_SESSION_KEY
from crowdmoving.accounts.models import User
from crowdmoving.organisations.selectors import waiting_count
from crowdmoving.pages.inbox import open_count
from crowdmoving.pages.publishing import checklist

from .actions import PlatformRefused, accept_admin_invitation, invitation_is_open
from .models import PlatformInvitation
from .permissions import access_platform_admin, is_operator


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    platform = access_platform_admin(request)
    return render(
        request,
        "tenancy/platform_home.html",
        {
            "platform": platform,
            "is_operator": is_operator(request.user),
            # What the platform needs before projects can be published (pages.publishing).
            "publishing_checklist": checklist(platform),
            "organisations_waiting": waiting_count(platform),
            "contact_messages_open": open_count(platform),
        },
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, admin_invitation_token: str) -> HttpResponse:
    """The emailed link (on the invited platform's own domain; elsewhere a 404): shows what the
    invitation is for; a signed-in person accepts it by POST and becomes an administrator.
    Without an account, the page offers signing in or up and comes back here."""
    invitation = get_object_or_404(
        PlatformInvitation.objects.select_related("platform", "invited_by"),
        token=admin_invitation_token,
        platform=request.platform,  # type: ignore[attr-defined]
    )
    here = request.get_full_path()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
        try:
            accept_admin_invitation(invitation, cast(User, request.user))
        except PlatformRefused as refusal:
            messages.error(request, str(refusal.message))
            return redirect(here)
        # The session remembers for a while that no authenticator app was needed: ask afresh,
        # so that the new administrator sets one up before the first administration page.
        request.session.pop(MFA_STATE_SESSION_KEY, None)
        messages.success(
            request,
            _("Welcome! You now administer %(platform)s.") % {"platform": invitation.platform.name},
        )
        return redirect("platform:home")
    return render(
        request,
        "tenancy/admin_invitation.html",
        {
            "invitation": invitation,
            "is_open": invitation_is_open(invitation),
            "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
            "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
        },
    )
