"""The operator console at /operator/: the people who run the installation (staff users) create
platforms, attach domains, invite administrators, switch features, suspend and reactivate.

It lives on the hub (the default platform) only: on any other host every address here is a 404,
so a platform's visitors never learn of it. Signed-out visitors on the hub are asked to sign in;
signed-in people who are not operators get a 404. The console reads every platform, so its views
run without the request's platform scope."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_scopes import scopes_disabled

from crowdmoving.accounts.models import User
from crowdmoving.organisations.models import Organisation
from crowdmoving.projects.models import Project

from . import actions
from .forms_operator import (
    DomainForm,
    FeaturesForm,
    InviteAdminForm,
    PlatformCreateForm,
    SuspendForm,
)
from .models import Domain, Platform, PlatformAdmin, PlatformInvitation
from .permissions import is_operator

View = Callable[..., HttpResponse]


def operator_view(view: View) -> View:
    """Only on the hub, only for operators (see the module's docstring); the view runs with
    scopes disabled, since it works on any platform."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        served: Platform = request.platform  # type: ignore[attr-defined]
        if not served.is_default:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_operator(request.user):
            raise Http404
        with scopes_disabled():
            return view(request, *args, **kwargs)

    return wrapped


def _operator(request: HttpRequest) -> User:
    return cast(User, request.user)


def _count(queryset: QuerySet[Any], path: str) -> Coalesce:
    """How many rows of ``queryset`` belong to the outer platform (``path`` leads to it)."""
    counted = (
        queryset.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def platforms_with_counts() -> QuerySet[Platform]:
    """Every platform (the hub first) with its domains (primary first) and its numbers of
    organisations, projects and administrators: two queries, however many platforms."""
    return (
        Platform.objects.annotate(
            organisation_count=_count(Organisation.objects.all(), "platform"),
            project_count=_count(Project.objects.all(), "organisation__platform"),
            admin_count=_count(PlatformAdmin.objects.all(), "platform"),
        )
        .prefetch_related(
            Prefetch("domains", queryset=Domain.objects.order_by("-is_primary", "domain"))
        )
        .order_by("-is_default", "name", "pk")
    )


def _platform(platform_id: int) -> Platform:
    return get_object_or_404(Platform, pk=platform_id)


# --- the list and a new platform ---------------------------------------------------------------


@require_safe
@operator_view
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "tenancy/operator/index.html", {"platforms": list(platforms_with_counts())}
    )


@require_http_methods(["GET", "POST"])
@operator_view
def create(request: HttpRequest) -> HttpResponse:
    form = PlatformCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            platform = actions.create_platform(
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                default_language=form.cleaned_data["default_language"],
                by=_operator(request),
            )
        except actions.PlatformRefused as refusal:
            form.add_error("slug", str(refusal.message))
        else:
            messages.success(
                request,
                _("The platform %(name)s is created. Next: invite its first administrators.")
                % {"name": platform.name},
            )
            return redirect("operator:detail", platform_id=platform.pk)
    return render(
        request,
        "tenancy/operator/create.html",
        {"form": form, "base_domain": settings.PLATFORM_BASE_DOMAIN},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- one platform ------------------------------------------------------------------------------


def _detail_page(
    request: HttpRequest,
    platform: Platform,
    *,
    domain_form: DomainForm | None = None,
    invite_form: InviteAdminForm | None = None,
    features_form: FeaturesForm | None = None,
) -> HttpResponse:
    bound = [form for form in (domain_form, invite_form, features_form) if form is not None]
    invitations = [
        invitation
        for invitation in PlatformInvitation.objects.filter(
            platform=platform, accepted_at__isnull=True, revoked_at__isnull=True
        ).order_by("-created_at", "-pk")
        if actions.invitation_is_open(invitation)
    ]
    return render(
        request,
        "tenancy/operator/detail.html",
        {
            "managed": platform,
            "domains": list(platform.domains.order_by("-is_primary", "domain")),
            "admins": list(
                PlatformAdmin.objects.filter(platform=platform)
                .select_related("user")
                .order_by("user__name", "user__email", "pk")
            ),
            "invitations": invitations,
            # Links to the platform keep the port of this address (e.g. :8000 in development).
            "site_port": f":{port}" if (port := split_domain_port(request.get_host())[1]) else "",
            "domain_form": domain_form or DomainForm(prefix="domain"),
            "invite_form": invite_form or InviteAdminForm(prefix="invite"),
            "features_form": features_form
            or FeaturesForm(prefix="features", initial={"features": platform.features}),
        },
        status=400 if any(form.errors for form in bound) else 200,
    )


@require_safe
@operator_view
def detail(request: HttpRequest, platform_id: int) -> HttpResponse:
    return _detail_page(request, _platform(platform_id))


def _back(platform: Platform, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('operator:detail', args=[platform.pk])}#{anchor}")


@require_POST
@operator_view
def domain_add(request: HttpRequest, platform_id: int) -> HttpResponse:
    platform = _platform(platform_id)
    form = DomainForm(request.POST, prefix="domain")
    if form.is_valid():
        try:
            added = actions.add_domain(platform, form.cleaned_data["domain"], by=_operator(request))
        except actions.PlatformRefused as refusal:
            form.add_error("domain", str(refusal.message))
        else:
            messages.success(
                request, _("%(domain)s now leads to this platform.") % {"domain": added.domain}
            )
            return _back(platform, "domains")
    return _detail_page(request, platform, domain_form=form)


def _domain(platform: Platform, domain_id: int) -> Domain:
    return get_object_or_404(
        Domain.objects.select_related("platform"), pk=domain_id, platform=platform
    )


@require_POST
@operator_view
def domain_primary(request: HttpRequest, platform_id: int, domain_id: int) -> HttpResponse:
    platform = _platform(platform_id)
    domain = actions.make_primary(_domain(platform, domain_id), by=_operator(request))
    messages.success(
        request,
        _("%(domain)s is the primary domain now; the others redirect to it.")
        % {"domain": domain.domain},
    )
    return _back(platform, "domains")


@require_http_methods(["GET", "POST"])
@operator_view
def domain_remove(request: HttpRequest, platform_id: int, domain_id: int) -> HttpResponse:
    platform = _platform(platform_id)
    domain = _domain(platform, domain_id)
    if request.method == "POST":
        try:
            actions.remove_domain(domain, by=_operator(request))
        except actions.PlatformRefused as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(
                request,
                _("%(domain)s no longer leads to this platform.") % {"domain": domain.domain},
            )
        return _back(platform, "domains")
    return _confirm(
        request,
        platform,
        title=_("Remove the domain %(domain)s?") % {"domain": domain.domain},
        explanation=_(
            "Visitors who use this address get a “not a Crowdmoving platform” page afterwards. "
            "The platform itself and its data stay."
        ),
        button=_("Remove the domain"),
        danger=True,
    )


# --- administrators ------------------------------------------------------------------------------


@require_POST
@operator_view
def invite(request: HttpRequest, platform_id: int) -> HttpResponse:
    platform = _platform(platform_id)
    form = InviteAdminForm(request.POST, prefix="invite")
    if form.is_valid():
        try:
            invitation = actions.invite_admin(
                platform, email=form.cleaned_data["email"], by=_operator(request)
            )
        except actions.PlatformRefused as refusal:
            form.add_error("email", str(refusal.message))
        else:
            messages.success(
                request,
                _("%(email)s is invited. The invitation link is valid for 14 days.")
                % {"email": invitation.email},
            )
            return _back(platform, "admins")
    return _detail_page(request, platform, invite_form=form)


@require_POST
@operator_view
def invitation_revoke(
    request: HttpRequest, platform_id: int, admin_invitation_id: int
) -> HttpResponse:
    platform = _platform(platform_id)
    invitation = get_object_or_404(
        PlatformInvitation.objects.select_related("platform"),
        pk=admin_invitation_id,
        platform=platform,
    )
    actions.revoke_admin_invitation(invitation, by=_operator(request))
    messages.success(
        request,
        _("The invitation to %(email)s is withdrawn; its link no longer works.")
        % {"email": invitation.email},
    )
    return _back(platform, "admins")


@require_http_methods(["GET", "POST"])
@operator_view
def admin_remove(request: HttpRequest, platform_id: int, admin_id: int) -> HttpResponse:
    platform = _platform(platform_id)
    admin = get_object_or_404(
        PlatformAdmin.objects.select_related("user", "platform"), pk=admin_id, platform=platform
    )
    person = admin.user.name or admin.user.email
    if request.method == "POST":
        try:
            actions.remove_admin(admin, by=_operator(request))
        except actions.PlatformRefused as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(
                request,
                _("%(person)s no longer administers %(platform)s.")
                % {"person": person, "platform": platform.name},
            )
        return _back(platform, "admins")
    return _confirm(
        request,
        platform,
        title=_("Remove %(person)s as an administrator?") % {"person": person},
        explanation=_(
            "They keep their account, but can no longer change the platform's look, pages, "
            "privacy text or read its audit log."
        ),
        button=_("Remove the administrator"),
        danger=True,
    )


# --- features and status ---------------------------------------------------------------------


@require_POST
@operator_view
def features(request: HttpRequest, platform_id: int) -> HttpResponse:
    platform = _platform(platform_id)
    form = FeaturesForm(request.POST, prefix="features")
    if not form.is_valid():
        return _detail_page(request, platform, features_form=form)
    actions.set_features(platform, form.cleaned_data["features"], by=_operator(request))
    messages.success(request, _("The features of %(name)s are saved.") % {"name": platform.name})
    return _back(platform, "features")


@require_http_methods(["GET", "POST"])
@operator_view
def suspend(request: HttpRequest, platform_id: int) -> HttpResponse:
    platform = _platform(platform_id)
    form = SuspendForm(
        request.POST if request.method == "POST" else None,
        initial={"notice": platform.suspended_notice},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.suspend_platform(
                platform, notice=form.cleaned_data["notice"], by=_operator(request)
            )
        except actions.PlatformRefused as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(
                request,
                _("%(name)s is suspended. Visitors see the notice; its data stays.")
                % {"name": platform.name},
            )
        return _back(platform, "status")
    if platform.is_default:
        messages.error(request, str(actions.DefaultPlatform.message))
        return _back(platform, "status")
    if platform.is_suspended:
        title = _("Change the notice of %(name)s?") % {"name": platform.name}
    else:
        title = _("Suspend %(name)s?") % {"name": platform.name}
    return _confirm(
        request,
        platform,
        title=title,
        explanation=_(
            "Every page of the platform then shows a notice instead, to everyone (its "
            "administrators included). Nothing is deleted: reactivating brings it back as it was."
        ),
        button=_("Suspend the platform"),
        danger=True,
        form=form,
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@operator_view
def reactivate(request: HttpRequest, platform_id: int) -> HttpResponse:
    platform = _platform(platform_id)
    if request.method == "POST":
        actions.reactivate_platform(platform, by=_operator(request))
        messages.success(request, _("%(name)s is active again.") % {"name": platform.name})
        return _back(platform, "status")
    return _confirm(
        request,
        platform,
        title=_("Reactivate %(name)s?") % {"name": platform.name},
        explanation=_("The platform opens again for everyone, as it was before."),
        button=_("Reactivate the platform"),
    )


def _confirm(
    request: HttpRequest,
    platform: Platform,
    *,
    title: str,
    explanation: str,
    button: str,
    danger: bool = False,
    form: SuspendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The confirmation step of a change: what happens, a button that does it, a way back."""
    return render(
        request,
        "tenancy/operator/confirm.html",
        {
            "managed": platform,
            "title": title,
            "explanation": explanation,
            "button": button,
            "danger": danger,
            "form": form,
        },
        status=status,
    )
