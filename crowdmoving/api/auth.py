"""Who calls the API: a personal access token in ``Authorization: Bearer cm_…``, or nobody.

The API accepts tokens only, never the session cookie: a browser's session cannot be used
from another site's page (no CSRF), and ``request.user`` is set to the token's person (or
to an anonymous user) before any route runs, whatever cookies came along.

Every request is counted against a rate limit (CROWDMOVING["RATE_LIMITS"] "api_read" for
GET, "api_write" for the rest): per token, else per client address (an IPv6 /64 as one, as
core.ratelimit counts). Over the limit: 429 with Retry-After."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from ninja.security import HttpBearer

from crowdmoving.accounts.models import User
from crowdmoving.core.ratelimit import client_key, rate_of

from . import actions, errors
from .models import AccessToken
from .tokens import valid_token

READ_METHODS = ("GET", "HEAD", "OPTIONS")
rate_of("api_read"), rate_of("api_write")  # unknown names fail at import, not at a request


@dataclass(frozen=True)
class Caller:
    """The token of the call (None: anonymous). Always truthy, so that ninja accepts it."""

    token: AccessToken | None

    @property
    def user(self) -> User | None:
        return self.token.user if self.token is not None else None


class RateLimited(errors.ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            "rate_limited",
            _("Too many requests. Please try again in %(seconds)d seconds.")
            % {"seconds": retry_after},
        )
        self.retry_after = retry_after


def count_request(request: HttpRequest, token: AccessToken | None) -> None:
    """Count this request; raise RateLimited over the limit."""
    name = "api_read" if request.method in READ_METHODS else "api_write"

    def key(group: str, request: HttpRequest) -> str:
        return f"token:{token.pk}" if token is not None else client_key(group, request)

    usage = get_usage(
        request,
        group=f"crowdmoving.{name}",
        key=key,
        rate=lambda group, request: rate_of(name),
        method=ALL,
        increment=True,
    )
    if usage is not None and usage["should_limit"]:
        raise RateLimited(max(1, int(usage["time_left"])))


class TokenAuth(HttpBearer):
    """A personal access token of this platform. No header: None (the next way in, or 401);
    a header with a token that does not work here (unknown, revoked, expired, of another
    platform, of a deactivated or deleted account): 401 at once."""

    openapi_description = "A personal access token (cm_…), made in the settings of this platform."

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if not header:
            return None
        scheme, _space, presented = header.partition(" ")
        return self.authenticate(request, presented.strip() if scheme.lower() == "bearer" else "")

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        request.user = AnonymousUser()  # never the session's person
        found = valid_token(token, request.platform) if token else None  # type: ignore[attr-defined]
        count_request(request, found)
        if found is None:
            raise errors.unauthorized()
        actions.note_use(found)
        request.user = found.user
        return Caller(found)


def anonymous(request: HttpRequest) -> Caller | None:
    """The way in without a token, for the public reads (after TokenAuth found no header)."""
    if request.headers.get("Authorization"):
        return None
    request.user = AnonymousUser()
    count_request(request, None)
    return Caller(None)


token_auth = TokenAuth()
TOKEN_OR_ANONYMOUS = [token_auth, anonymous]
# In the schema: the token is optional for the public reads. ninja lists TokenAuth; this adds
# the alternative {} (no security needed) to the operation's list.
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}]}
