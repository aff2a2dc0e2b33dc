"""The network hub: the default platform's home page lists the public projects of every
platform that shows them in the network (the directory searches them: views_directory); and
each platform's administrators decide at /platform/network/ whether their projects are listed
there."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from crowdmoving.accounts.models import User
from crowdmoving.tenancy.permissions import access_platform_admin

from . import selectors
from .actions_network import set_show_in_network

QUERY_MAX = 100  # characters of ?q= that are searched for


def hub(request: HttpRequest) -> HttpResponse:
    """The hub's home page (projects.views.home on the default platform): the network's newest
    public projects, each linking to its home platform, 24 per page, and a search form that
    opens the network directory (views_directory). A search address of the time before the
    directory (``/?q=``) is sent there."""
    query = " ".join(request.GET.get("q", "").split())[:QUERY_MAX]
    if query:
        return redirect(f"{reverse('projects:directory')}?{urlencode({'q': query})}")
    _domain, port = split_domain_port(request.get_host())
    page = selectors.network_projects_page(
        request.platform,  # type: ignore[attr-defined]
        number=request.GET.get("page"),
        scheme=request.scheme or "http",
        port=f":{port}" if port else "",
    )
    return render(
        request,
        "projects/network.html",
        {"projects": page.object_list, "page": page},
    )


class NetworkForm(forms.Form):
    show_in_network = forms.BooleanField(
        label=_("Show our public projects in the network"),
        help_text=_(
            "The network's hub lists your public projects next to those of other platforms, "
            "and links each to its page here. Drafts and projects for the inner circle are "
            "never listed."
        ),
        required=False,
    )


@require_http_methods(["GET", "POST"])
@login_required
def network_settings(request: HttpRequest) -> HttpResponse:
    """Whether the platform's public projects are listed on the hub (its administrators and
    the operators; a 404 for everyone else). The hub itself always lists its own projects, so
    its page only says so."""
    platform = access_platform_admin(request)
    if platform.is_default:
        return render(request, "projects/network_settings.html", {"platform": platform})
    form = NetworkForm(
        request.POST if request.method == "POST" else None,
        initial={"show_in_network": platform.show_in_network},
    )
    if form.is_bound and form.is_valid():
        show = form.cleaned_data["show_in_network"]
        set_show_in_network(platform, show, by=cast(User, request.user))
        messages.success(
            request,
            gettext("Your public projects are listed in the network.")
            if show
            else gettext("Your projects are no longer listed in the network."),
        )
        return redirect("network:settings")
    return render(request, "projects/network_settings.html", {"platform": platform, "form": form})
