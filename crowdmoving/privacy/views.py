"""The privacy policy of a platform (current and earlier versions), accepting a new version,
one's own consents, and the administrators' page that publishes a new version."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crowdmoving.accounts.models import User
from crowdmoving.core.text import render_markdown
from crowdmoving.tenancy.models import Platform
from crowdmoving.tenancy.permissions import access_platform_admin

from . import actions, selectors
from .forms import BODY_MAX_LENGTH, PublishForm
from .models import Consent


def _platform(request: HttpRequest) -> Platform:
    return request.platform  # type: ignore[attr-defined,no-any-return]


def safe_next(request: HttpRequest, value: str | None) -> str:
    """A path on this platform to go on to, or the home page: never another host."""
    if (
        value
        and value.startswith("/")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return reverse("projects:home")


@require_GET
def current(request: HttpRequest) -> HttpResponse:
    """The platform's privacy policy; a clear notice while it has none."""
    platform = _platform(request)
    text = selectors.current_text(platform)
    return render(
        request,
        "privacy/text.html",
        {"text": text, "is_current": True, "versions": selectors.versions(platform)},
    )


@require_GET
def version(request: HttpRequest, version: int) -> HttpResponse:
    """An earlier (or the current) version, as it was published."""
    platform = _platform(request)
    text = selectors.text_version(platform, version)
    latest = selectors.current_text(platform)
    return render(
        request,
        "privacy/text.html",
        {
            "text": text,
            "is_current": latest is not None and latest.pk == text.pk,
            "current": latest,
            "versions": selectors.versions(platform),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest) -> HttpResponse:
    """Accept the current version of the privacy policy, then go on where one was going."""
    user = cast(User, request.user)
    platform = _platform(request)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if selectors.text_to_accept(user, platform) is None:
        return redirect(next_url)  # nothing (more) to accept
    text = selectors.current_text(platform)
    if text is None:  # removed since text_to_accept found it (only with the platform)
        raise Http404
    read = request.POST.get("version")
    if request.method == "POST" and read not in (None, str(text.version)):
        # A newer version was published while the person read the page: they accept only
        # what they were shown, so show them the new one.
        messages.warning(
            request,
            _("A new version was published while you were reading. Please read this one."),
        )
    elif request.method == "POST":
        actions.give_consent(user, text, platform=platform, request=request)
        messages.success(request, _("Thank you. You accepted the privacy policy."))
        return redirect(next_url)
    earlier = Consent.objects.filter(user=user, platform=platform).select_related("text").first()
    return render(
        request,
        "privacy/accept.html",
        {"text": text, "next": next_url, "earlier": earlier},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest) -> HttpResponse:
    """One's consents on this platform; withdrawing one (its record stays)."""
    user = cast(User, request.user)
    platform = _platform(request)
    if request.method == "POST":
        consent = (
            selectors.consents(user, platform)
            .filter(pk=_int(request.POST.get("withdraw")), withdrawn_at__isnull=True)
            .first()
        )
        if consent is None:
            raise Http404
        actions.withdraw_consent(consent, request=request)
        messages.success(
            request,
            _(
                "You withdrew your consent. You will be asked to accept the privacy policy "
                "again before you can go on using this platform."
            ),
        )
        return redirect("privacy:consents")
    return render(
        request,
        "privacy/consents.html",
        {"consents": list(selectors.consents(user, platform))},
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest) -> HttpResponse:
    """Administrators publish a new version: edit the current text, preview, publish."""
    platform = access_platform_admin(request)
    current_text = selectors.current_text(platform)
    preview = current_text.body_html if current_text else ""
    if request.method == "POST" and "preview" in request.POST:
        # Show the text as it will look, unsaved and without judging it yet.
        body = request.POST.get("body", "")[:BODY_MAX_LENGTH]
        summary = request.POST.get("summary_of_changes", "")
        form = PublishForm(
            initial={"body": body, "summary_of_changes": summary}, current=current_text
        )
        preview = render_markdown(body)
    elif request.method == "POST":
        form = PublishForm(request.POST, current=current_text)
        if form.is_valid():
            text = actions.publish_text(
                platform,
                body=form.cleaned_data["body"],
                summary_of_changes=form.cleaned_data["summary_of_changes"],
                by=cast(User, request.user),
                request=request,
            )
            messages.success(
                request,
                _("Version %(version)s is published. Everyone is asked to accept it.")
                % {"version": text.version},
            )
            return redirect("privacy:publish")
    else:
        form = PublishForm(current=current_text)
    return render(
        request,
        "privacy/publish.html",
        {
            "form": form,
            "current": current_text,
            "next_version": (current_text.version if current_text else 0) + 1,
            "preview": preview,
            "versions": selectors.versions(platform),
        },
    )
