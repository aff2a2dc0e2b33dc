"""Resolve the platform from the Host header and open its scope for the whole request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
)
from django.http.request import split_domain_port
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_from_request
from django.utils.translation.trans_real import parse_accept_lang_header
from django_scopes import scope

from .models import Platform
from .resolver import resolve_host

# Load balancers probe by IP or an internal name that is no platform's host: these paths answer
# on any host, without a platform and without a scope (crowdmoving.core.views.healthz/readyz,
# which read no platform-owned data).
HOST_INDEPENDENT_PATHS = frozenset({"/healthz", "/readyz"})
# How long a visitor of a suspended platform is asked to wait before trying again (seconds).
SUSPENDED_RETRY_AFTER = 3600


class PlatformMiddleware:
    """Host -> platform (one query, tenancy.resolver). A request on another domain of a platform
    is redirected (301) to the same address on its primary domain; a suspended platform answers
    every path with its notice (503), except static files, uploads and the health probes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in HOST_INDEPENDENT_PATHS:
            return self.get_response(request)
        # get_host() validates against ALLOWED_HOSTS; the Domain table is the real allowlist.
        host = request.META.get("HTTP_HOST", "") or request.get_host()
        match = resolve_host(host)
        if match is None:
            # No platform, so no platform locale: answer in the browser's language.
            with translation.override(get_language_from_request(request)):
                return HttpResponseNotFound(render_to_string("tenancy/unknown_host.html"))
        if match.primary is not None:
            _name, port = split_domain_port(host)
            primary = f"{match.primary}:{port}" if port else match.primary
            return HttpResponsePermanentRedirect(
                f"{request.scheme}://{primary}{request.get_full_path()}"
            )
        platform = match.platform
        request.platform = platform  # type: ignore[attr-defined]
        request.primary_domain = match.primary_domain  # type: ignore[attr-defined]
        if platform.is_suspended and not _serves_files(request.path_info):
            return suspended_notice(request, platform)
        with scope(platform=platform):
            return self.get_response(request)


def _serves_files(path: str) -> bool:
    prefixes = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p != "/")
    return bool(prefixes) and path.startswith(prefixes)


def suspended_notice(request: HttpRequest, platform: Platform) -> HttpResponse:
    """The friendly page of a suspended platform: its name and the operator's notice, in the
    platform's language (the visitor's choice among ours first), no data of the platform."""
    with translation.override(language_for(request, platform)):
        html = render_to_string(
            "tenancy/suspended.html",
            {"name": platform.name, "notice": platform.suspended_notice},
        )
        response = HttpResponse(html, status=503)
        response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(SUSPENDED_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def language_for(request: HttpRequest, platform: Platform | None) -> str:
    """The switcher's cookie, else the browser's language if we speak it, else the platform's
    default language."""
    language = get_language_from_request(request)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if platform is not None and not chosen and not _browser_asks_for_supported(request):
        language = platform.default_language
    return language


class PlatformLocaleMiddleware(LocaleMiddleware):
    """The language comes from the switcher's cookie, else the browser; a browser that asks for
    none of our languages gets the platform's default language (not the installation's)."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(language_for(request, getattr(request, "platform", None)))
        request.LANGUAGE_CODE = translation.get_language()


def _browser_asks_for_supported(request: HttpRequest) -> bool:
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    supported = {code for code, _name in settings.LANGUAGES}
    for accept_lang, _q in parse_accept_lang_header(header):
        if accept_lang != "*" and accept_lang.split("-")[0].lower() in supported:
            return True
    return False
