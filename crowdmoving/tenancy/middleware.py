"""Resolve the platform from the Host header and open its scope for the whole request."""

from __future__ import annotations

import re
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
from django.utils.translation import get_language_from_request, gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header
from django_scopes import scope

from .models import Platform
from .resolver import resolve_host

# Load balancers probe by IP or an internal name that is no platform's host: these paths answer
# on any host, without a platform and without a scope (crowdmoving.core.views.healthz/readyz,
# which read no platform-owned data).
HOST_INDEPENDENT_PATHS = frozenset({"/healthz", "/readyz"})

_UNKNOWN_HOST = gettext_lazy("There is no platform at this address.")
_PAUSED = gettext_lazy("This platform is paused for the moment.")
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
                if _is_api(request.path_info):
                    return _api_error(404, "not_found", str(_UNKNOWN_HOST))
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
        if platform.is_suspended and not (
            _serves_files(request.path_info) or _legal_reading(request)
        ):
            return suspended_notice(request, platform)
        with scope(platform=platform):
            return self.get_response(request)


# A paused platform still shows who is responsible for it and how it handles data (§ 5 DDG, Art.
# 13 DSGVO): its Impressum and its privacy texts stay readable; the notice links them. The
# imprint is a content page (/impressum/ leads to /p/<slug>/): pages.views.page answers any
# other content page of a paused platform with the notice.
LEGAL_PATHS = re.compile(r"^/(impressum|privacy(/v[0-9]+)?|p/[-a-zA-Z0-9_]+)/$")


def _legal_reading(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and bool(LEGAL_PATHS.match(request.path_info))


def _is_api(path: str) -> bool:
    """The JSON API answers errors in its own JSON body (crowdmoving.api.errors), also those
    this middleware gives before the API is reached."""
    return path.startswith("/api/")


def _api_error(status: int, code: str, message: str) -> HttpResponse:
    from crowdmoving.api.errors import response  # the API builds on tenancy, not the reverse

    return response(status, code, message)


def _serves_files(path: str) -> bool:
    prefixes = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p != "/")
    return bool(prefixes) and path.startswith(prefixes)


def suspended_notice(request: HttpRequest, platform: Platform) -> HttpResponse:
    """The friendly page of a suspended platform: its name and the operator's notice, in the
    platform's language (the visitor's choice among ours first), no data of the platform."""
    with translation.override(language_for(request, platform)):
        if _is_api(request.path_info):
            message = " ".join(filter(None, [str(_PAUSED), platform.suspended_notice]))
            response = _api_error(503, "platform_suspended", message)
        else:
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
