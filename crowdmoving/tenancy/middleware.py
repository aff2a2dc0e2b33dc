"""Resolve the platform from the Host header and open its scope for the whole request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_from_request
from django.utils.translation.trans_real import parse_accept_lang_header
from django_scopes import scope

from .resolver import platform_for_host

# Load balancers probe by IP or an internal name that is no platform's host: these paths answer
# on any host, without a platform and without a scope (crowdmoving.core.views.healthz/readyz,
# which read no platform-owned data).
HOST_INDEPENDENT_PATHS = frozenset({"/healthz", "/readyz"})


class PlatformMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in HOST_INDEPENDENT_PATHS:
            return self.get_response(request)
        # get_host() validates against ALLOWED_HOSTS; the Domain table is the real allowlist.
        platform = platform_for_host(request.META.get("HTTP_HOST", "") or request.get_host())
        if platform is None:
            # No platform, so no platform locale: answer in the browser's language.
            with translation.override(get_language_from_request(request)):
                return HttpResponseNotFound(render_to_string("tenancy/unknown_host.html"))
        request.platform = platform  # type: ignore[attr-defined]
        with scope(platform=platform):
            return self.get_response(request)


class PlatformLocaleMiddleware(LocaleMiddleware):
    """The language comes from the switcher's cookie, else the browser; a browser that asks for
    none of our languages gets the platform's default language (not the installation's)."""

    def process_request(self, request: HttpRequest) -> None:
        language = get_language_from_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        platform = getattr(request, "platform", None)
        if platform is not None and not chosen and not _browser_asks_for_supported(request):
            language = platform.default_language
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _browser_asks_for_supported(request: HttpRequest) -> bool:
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    supported = {code for code, _name in settings.LANGUAGES}
    for accept_lang, _q in parse_accept_lang_header(header):
        if accept_lang != "*" and accept_lang.split("-")[0].lower() in supported:
            return True
    return False
