"""Remember the request's platform and address for ``record()`` while the request runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .api import forget_request, remember_request


class AuditContextMiddleware:
    """Goes after PlatformMiddleware, which sets ``request.platform``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = remember_request(request)
        try:
            return self.get_response(request)
        finally:
            forget_request(token)
