"""/api/: version 1 (api.api) and a JSON 404 for every other address under /api/."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt

from . import errors
from .api import api, root


def _json_answers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a method an address does not take with an empty 405: ours is JSON. The
    API's addresses also pass the privacy consent check (they take tokens, not the session
    that the consent page is for)."""

    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = [m.strip() for m in response["Allow"].split(",") if m.strip()]
            return errors.method_not_allowed(allowed)
        return response

    answered.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    answered.consent_exempt = True  # type: ignore[attr-defined]
    return answered


def _reads_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema, the docs and the index answer GET; anything else is a JSON 405 (before
    Django's CSRF check, which would answer with its HTML page)."""

    def read(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return errors.method_not_allowed(["GET", "HEAD"])
        return view(request, *args, **kwargs)

    return csrf_exempt(read)


def _version_1() -> list[Any]:
    patterns, _app, _namespace = api.urls
    result: list[Any] = [path("", _json_answers(_reads_only(root)), name="api-root")]
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name == "api-root":
            continue  # ninja's raises Http404 to name the docs: ours says where they are
        if isinstance(pattern, URLPattern):
            view = pattern.callback
            if pattern.name in ("openapi-json", "openapi-view"):
                view = _reads_only(view)
            pattern.callback = _json_answers(view)
        result.append(pattern)
    return result


urlpatterns = [
    path("v1/", (_version_1(), "api-v1", "api-v1")),
    # Any method: a write to an unknown address is a 404 too (not a CSRF refusal).
    re_path(r"^", _json_answers(csrf_exempt(errors.not_found_view)), name="api_not_found"),
]
