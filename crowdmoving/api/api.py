"""The public JSON API, version 1, mounted at /api/v1/ (config/urls.py via api/urls.py).

The schema is at /api/v1/openapi.json, the interactive docs at /api/v1/docs (swagger-ui from
ninja's static files and our own start script: no CDN, no inline script). Every error is one
JSON body (api.errors); the caller comes from api.auth; the routes read through
api.selectors and write through the projects' and the API's actions."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.operation import Operation

from . import errors
from .auth import RateLimited
from .routers import me, organisations, projects


class Docs(DocsBase):
    """swagger-ui under our Content-Security-Policy: its files from ninja's static folder,
    started by static/js/api-docs.js with the schema's address from a data attribute."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "api/docs.html",
            {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)},
        )


class CrowdmovingAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__  # list_projects, take, ... (unique in this API)


api = CrowdmovingAPI(
    title="Crowdmoving API",
    version="1",
    description=(
        "Projects, tasks and their free places of this platform; taking part; and the "
        "organisers' projects, tasks and supporters. Public reads need no token; everything "
        "else needs a personal access token (your settings -> API access tokens) in the "
        "header `Authorization: Bearer cm_…`. Errors: "
        '`{"error": {"code": "…", "message": "…", "fields": {}}}`.'
    ),
    urls_namespace="api-v1",
    docs=Docs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/organisations", organisations.router)
api.add_router("/projects", projects.router)
api.add_router("/me", me.router)


@api.exception_handler(errors.ApiError)
def _api_error(request: HttpRequest, exc: errors.ApiError) -> HttpResponse:
    answer = errors.response(exc.status, exc.code, exc.message, exc.fields)
    if isinstance(exc, RateLimited):
        answer["Retry-After"] = str(exc.retry_after)
    if exc.status == 401:
        answer["WWW-Authenticate"] = 'Bearer realm="api"'
    return answer


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _api_error(request, errors.unauthorized())


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _api_error(request, errors.from_validation(exc.errors))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _api_error(request, errors.not_found())


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own (a body that is not JSON, ...): our body with its status.
    if exc.status_code == 400:
        return errors.response(
            400, "bad_request", _("The request could not be read: please send JSON.")
        )
    return errors.response(exc.status_code, "error", str(exc))


def root(request: HttpRequest) -> HttpResponse:
    """/api/v1/: where the schema and the docs are."""
    return errors.JsonResponse(
        {
            "version": api.version,
            "openapi": request.build_absolute_uri(reverse("api-v1:openapi-json")),
            "docs": request.build_absolute_uri(reverse("api-v1:openapi-view")),
        }
    )
