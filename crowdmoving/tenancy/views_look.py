"""The platform's look: the administrators' page (/platform/look/) and the per-platform
stylesheet (/platform.css) that carries the colours to every page."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from crowdmoving.accounts.models import User
from crowdmoving.privacy.middleware import consent_exempt

from . import colours
from .actions_look import LOOK_FIELDS, update_look
from .forms import LookForm
from .models import Platform
from .permissions import access_platform_admin

DEFAULT_PRIMARY = str(Platform._meta.get_field("primary_colour").default)
DEFAULT_ACCENT = str(Platform._meta.get_field("accent_colour").default)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def look(request: HttpRequest) -> HttpResponse:
    """Administrators change the name, tagline, logo, favicon, colours, social links and the
    mail settings; colours below the WCAG AA contrast are refused at their field."""
    platform = access_platform_admin(request)
    if request.method == "POST":
        form = LookForm(request.POST, request.FILES, initial=LookForm.initial_for(platform))
        if form.is_valid():
            data = form.cleaned_data
            changed = update_look(
                platform,
                values={name: data[name] for name in LOOK_FIELDS},
                logo=data["logo"],
                favicon=data["favicon"],
                remove_logo=data["remove_logo"],
                remove_favicon=data["remove_favicon"],
                by=cast(User, request.user),
            )
            if changed:
                messages.success(request, _("Saved. Every page and email shows the new look."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("platform:look")
    else:
        form = LookForm(initial=LookForm.initial_for(platform))
    return render(request, "tenancy/look.html", {"form": form, "platform": platform})


def stylesheet_version(platform: Platform) -> str:
    """The ``v`` of base.html's link to /platform.css: changes whenever the platform is saved."""
    changed = platform.updated_at
    return str(int(changed.timestamp()) * 1_000_000 + changed.microsecond)


@require_safe
@consent_exempt
def stylesheet(request: HttpRequest) -> HttpResponse:
    """The platform's colours as CSS custom properties (app.css uses them), linked from every
    page as ``/platform.css?v=<version>``. Cached for a year when ``v`` is the current version
    (a saved look changes the link); any other ``v`` gets a short cache. No query beyond the
    platform the middleware loaded. Stored colours are checked again: only ``#rrggbb`` reaches
    the CSS."""
    platform: Platform = request.platform  # type: ignore[attr-defined]
    primary = colours.normalise(platform.primary_colour) or DEFAULT_PRIMARY
    accent = colours.normalise(platform.accent_colour) or DEFAULT_ACCENT
    response = HttpResponse(colours.stylesheet(primary, accent), content_type="text/css")
    if request.GET.get("v") == stylesheet_version(platform):
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "public, max-age=60"
    return response
