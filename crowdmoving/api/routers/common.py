"""What the routers share: the page parameter and the caller of the request (api.auth)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Schema

from ..auth import Caller


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000, description="1 = the first page (24 per page).")


def caller_of(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined,no-any-return]
