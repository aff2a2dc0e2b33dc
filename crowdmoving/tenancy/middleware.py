"""Resolve the platform from the Host header and open its scope for the whole request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django_scopes import scope

from .resolver import platform_for_host


class PlatformMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # get_host() validates against ALLOWED_HOSTS; the Domain table is the real allowlist.
        platform = platform_for_host(request.META.get("HTTP_HOST", "") or request.get_host())
        if platform is None:
            return HttpResponseNotFound(render_to_string("tenancy/unknown_host.html"))
        request.platform = platform  # type: ignore[attr-defined]
        with scope(platform=platform):
            return self.get_response(request)
