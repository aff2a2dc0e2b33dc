"""Rate limits on the forms a person could abuse: one decorator, the limits in one setting.

    @require_POST
    @rate_limit("take")
    def take(request, ...): ...

``settings.CROWDMOVING["RATE_LIMITS"]`` maps a name to a django-ratelimit rate ("30/10m" =
30 requests in 10 minutes). Views sharing a name share one counter. Only POSTs count: a GET
of the same view is never limited, unless the view is a download that is fetched by GET
(``rate_limit("supporters_export", method="GET")``). The counter is per signed-in person,
else per client address (an IPv6 /64 counts as one address), the same address allauth's
sign-in limits use (behind the proxy: ALLAUTH_TRUSTED_PROXY_COUNT). Over the limit the view
does not run: the answer is the 429 page with ``Retry-After`` (core.views.too_many_requests).

Counters live in the "ratelimit" cache (RATELIMIT_USE_CACHE; why: config/settings/base.py).
``RATELIMIT_ENABLE = False`` switches every limit off (the test settings do)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage

from .views import too_many_requests

View = Callable[..., HttpResponse]


def rate_of(name: str) -> str:
    """The configured rate of the limit ``name``; an unknown name is a configuration error
    (raised when the decorated module is imported, not at the first request)."""
    limits: dict[str, str] = settings.CROWDMOVING["RATE_LIMITS"]
    if name not in limits:
        raise ImproperlyConfigured(f'CROWDMOVING["RATE_LIMITS"] has no limit named {name!r}.')
    return limits[name]


def client_key(group: str, request: HttpRequest) -> str:
    """Who is counted: the signed-in person, else the client's address (IPv6 by /64)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    address = ipaddress.ip_address(get_adapter(request).get_client_ip(request))
    if address.version == 6:
        return f"ip:{ipaddress.ip_network(f'{address}/64', strict=False).network_address}"
    return f"ip:{address}"


def seconds_until_allowed(request: HttpRequest, name: str, method: str = "POST") -> int | None:
    """Count this request against the limit ``name`` (requests of ``method`` only). None
    while within the limit; over it, the seconds until the window ends (at least 1)."""
    usage = get_usage(
        request,
        group=f"crowdmoving.{name}",
        key=client_key,
        rate=lambda group, request: rate_of(name),
        method=method,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def rate_limit(name: str, method: str = "POST") -> Callable[[View], View]:
    """Decorate a view: its POSTs (or requests of ``method``) count against the limit
    ``name``; over the limit the person sees the 429 page (in the platform's look) saying
    when to try again."""
    rate_of(name)

    def decorator(view: View) -> View:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            wait = seconds_until_allowed(request, name, method)
            if wait is not None:
                return too_many_requests(request, retry_after=wait)
            return view(request, *args, **kwargs)

        return limited

    return decorator
