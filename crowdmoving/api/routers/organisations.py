"""/organisations: the platform's organisations, and new projects of one's own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from crowdmoving.organisations.permissions import access_organisation, can_edit_projects
from crowdmoving.projects import actions as project_actions
from crowdmoving.projects.forms import ProjectForm

from .. import errors, present, selectors, validation
from ..auth import OPTIONAL_TOKEN, TOKEN_OR_ANONYMOUS, token_auth
from ..schemas import Error, OrganisationOut, OrganisationPage, ProjectIn, ProjectOut
from .common import PageQuery, caller_of

router = Router(tags=["organisations"])


def _out(organisation: Any) -> dict[str, Any]:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "description": organisation.description,
        "website": organisation.website,
    }


@router.get(
    "",
    auth=TOKEN_OR_ANONYMOUS,
    openapi_extra=OPTIONAL_TOKEN,
    response={200: OrganisationPage, 401: Error, 422: Error, 429: Error},
    summary="List organisations",
    description="Approved organisations with a public project, and (with a token) your own.",
)
def list_organisations(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    caller = caller_of(request)
    organisations = selectors.visible_organisations(request.platform, caller.user).order_by(  # type: ignore[attr-defined]
        "name", "pk"
    )
    count, pages, page = selectors.page_of(organisations, query.page)
    return {"count": count, "page": query.page, "pages": pages, "results": [_out(o) for o in page]}


@router.get(
    "/{slug}",
    auth=TOKEN_OR_ANONYMOUS,
    openapi_extra=OPTIONAL_TOKEN,
    response={200: OrganisationOut, 401: Error, 404: Error, 429: Error},
    summary="One organisation",
)
def organisation(request: HttpRequest, slug: str) -> dict[str, Any]:
    caller = caller_of(request)
    return _out(selectors.access_organisation(request.platform, slug, caller.user))  # type: ignore[attr-defined]


@router.post(
    "/{slug}/projects",
    auth=token_auth,
    response={201: ProjectOut, 400: Error, 401: Error, 404: Error, 422: Error, 429: Error},
    summary="Create a project (a draft)",
    description="For members who may edit the organisation's projects (owners and editors).",
)
def create_project(request: HttpRequest, slug: str, payload: ProjectIn) -> Status[dict[str, Any]]:
    caller = caller_of(request)
    if not selectors.SLUG.fullmatch(slug):
        raise errors.not_found()
    # The web's own check (projects.views_manage.project_create); request.user is the token's.
    membership = access_organisation(request, slug, can_edit_projects)
    data = validation.cleaned(ProjectForm, None, payload.model_dump())
    project = project_actions.create_project(membership.organisation, caller.user, data)  # type: ignore[arg-type]
    return Status(201, present.project_detail(request, project, []))
