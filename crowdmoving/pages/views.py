"""A platform's content pages: the public page at /p/<slug>/, the imprint at its stable address
/impressum/, and the administrators' pages at /platform/pages/ (list, create and edit with a
preview, move in the navigation, delete)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crowdmoving.accounts.models import User
from crowdmoving.core.text import render_markdown
from crowdmoving.privacy.middleware import consent_exempt
from crowdmoving.tenancy.middleware import suspended_notice
from crowdmoving.tenancy.models import Platform
from crowdmoving.tenancy.permissions import access_platform_admin, is_platform_admin

from . import actions, selectors
from .forms import BODY_MAX_LENGTH, PageForm
from .models import ContentPage


def _platform(request: HttpRequest) -> Platform:
    return request.platform  # type: ignore[attr-defined,no-any-return]


# --- the public side --------------------------------------------------------------------------


@consent_exempt  # the imprint and the platform's own pages are readable before accepting
@require_GET
def page(request: HttpRequest, page_slug: str) -> HttpResponse:
    platform = _platform(request)
    found = selectors.public_page(platform, page_slug)
    if platform.is_suspended and found.kind != ContentPage.Kind.IMPRINT:
        return suspended_notice(request, platform)  # only the imprint stays readable
    return render(request, "pages/page.html", {"page": found})


@consent_exempt
@require_GET
def imprint(request: HttpRequest) -> HttpResponse:
    """The stable address of the imprint, linked in every footer: on to the imprint page, or a
    notice while the platform has none."""
    platform = _platform(request)
    found = selectors.imprint(platform)
    if found is not None:
        return redirect("pages:page", page_slug=found.slug)
    return render(
        request,
        "pages/no_imprint.html",
        {"administers": is_platform_admin(request.user, platform)},
    )


# --- the administrators' side ----------------------------------------------------------------


@require_GET
@login_required
def admin_list(request: HttpRequest) -> HttpResponse:
    platform = access_platform_admin(request)
    pages = list(selectors.pages_for_admin(platform))
    present = {p.kind for p in pages}
    return render(
        request,
        "pages/admin_list.html",
        {
            "pages": pages,
            "missing_special": [
                kind
                for kind in (ContentPage.Kind.IMPRINT, ContentPage.Kind.ABOUT, ContentPage.Kind.FAQ)
                if kind not in present
            ],
        },
    )


def _form_page(request: HttpRequest, platform: Platform, page: ContentPage | None) -> HttpResponse:
    """Create (``page`` None) or edit a page; "Preview" shows the text as it will look,
    without saving and without judging the input yet."""
    preview = ""
    form: PageForm
    if request.method == "POST" and "preview" in request.POST:
        initial: dict[str, object] = {
            field: request.POST.get(field, "") for field in ("title", "kind", "slug")
        }
        body = request.POST.get("body", "")[:BODY_MAX_LENGTH]
        initial |= {"body": body, "in_navigation": "in_navigation" in request.POST}
        form = PageForm(initial=initial, platform=platform, instance=page)
        preview = render_markdown(body)
    elif request.method == "POST":
        form = PageForm(request.POST, platform=platform, instance=page)
        if form.is_valid():
            by = cast(User, request.user)
            try:
                if page is None:
                    saved = actions.create_page(platform, form.cleaned_data, by=by)
                else:
                    saved = actions.update_page(page, form.cleaned_data, by=by)
            except actions.PageRefused as refusal:
                form.add_error(refusal.field, str(refusal))
            else:
                messages.success(
                    request, _("The page “%(title)s” is saved.") % {"title": saved.title}
                )
                return redirect("pages:admin_list")
    else:
        initial = {}
        kind = request.GET.get("kind", "")
        if page is None and kind in ContentPage.Kind.values:
            initial = {"kind": kind, "title": ContentPage.Kind(kind).label}
            if kind == ContentPage.Kind.IMPRINT:
                initial |= {"title": _("Imprint"), "slug": "impressum", "in_navigation": False}
        form = PageForm(initial=initial, platform=platform, instance=page)
    return render(
        request,
        "pages/admin_form.html",
        {"form": form, "page": page, "preview": preview},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def admin_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, access_platform_admin(request), None)


@require_http_methods(["GET", "POST"])
@login_required
def admin_edit(request: HttpRequest, page_id: int) -> HttpResponse:
    platform = access_platform_admin(request)
    return _form_page(request, platform, selectors.access_admin_page(platform, page_id))


@require_POST
@login_required
def admin_move(request: HttpRequest, page_id: int) -> HttpResponse:
    platform = access_platform_admin(request)
    page = selectors.access_admin_page(platform, page_id)
    direction = request.POST.get("direction", "")
    if direction in ("up", "down"):
        actions.move_page(page, direction, by=cast(User, request.user))
    return redirect("pages:admin_list")


@require_http_methods(["GET", "POST"])
@login_required
def admin_delete(request: HttpRequest, page_id: int) -> HttpResponse:
    platform = access_platform_admin(request)
    page = selectors.access_admin_page(platform, page_id)
    if request.method == "POST":
        actions.delete_page(page, by=cast(User, request.user))
        messages.success(request, _("The page “%(title)s” is deleted.") % {"title": page.title})
        return redirect("pages:admin_list")
    return render(request, "pages/admin_delete.html", {"page": page})
