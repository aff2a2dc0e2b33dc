"""/me: the caller's own commitments on this platform."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from crowdmoving.projects.selectors import my_commitments

from .. import present
from ..auth import token_auth
from ..schemas import Error, MyCommitments
from .common import caller_of

router = Router(tags=["me"])


@router.get(
    "/commitments",
    auth=token_auth,
    response={200: MyCommitments, 401: Error, 429: Error},
    summary="My commitments",
    description=(
        "Upcoming (taken, held, waiting; soonest first) and past commitments on this platform."
    ),
)
def my_commitments_list(request: HttpRequest) -> dict[str, Any]:
    upcoming, past = my_commitments(caller_of(request).user)  # type: ignore[arg-type]
    return {
        "upcoming": [present.my_commitment(c) for c in upcoming],
        "past": [present.my_commitment(c) for c in past],
    }
