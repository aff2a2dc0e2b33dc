"""Error pages in the platform's look, and the health endpoints for load balancers."""

from __future__ import annotations

import logging
import math
import re
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_ratelimit.exceptions import Ratelimited

logger = logging.getLogger(__name__)


# With DEBUG=False Django calls these for exceptions a view raised (config/urls.py handler*):
# pages in the platform's look that never show the exception, a traceback or SQL.

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def longest_sign_in_window() -> int:
    """allauth tells its 429 handler nothing about the limit that was hit: after the longest
    window of ACCOUNT_RATE_LIMITS ("3/15m/key": 15 minutes) every one of them allows again."""
    limits = getattr(settings, "ACCOUNT_RATE_LIMITS", None) or {}
    windows = [
        int(count or 1) * SECONDS[unit]
        for rates in limits.values()
        for count, unit in re.findall(r"/(\d*)([smhd])(?:/|,|$)", str(rates))
    ]
    return max(windows, default=5 * 60)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, Ratelimited):  # django-ratelimit's own decorator, if used
        return too_many_requests(request)
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: an expired form or blocked cookies, explained (the reason is for
    the log, not for the page)."""
    return render(request, "403.html", {"csrf_failure": True}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def too_many_requests(
    request: HttpRequest, exception: Exception | None = None, *, retry_after: int | None = None
) -> HttpResponse:
    """The 429 page: for core.ratelimit (which knows when the window ends) and allauth's
    sign-in limits (handler429 in config/urls.py; no window known: a few minutes)."""
    seconds = retry_after if retry_after is not None else longest_sign_in_window()
    context = {"minutes": max(1, math.ceil(seconds / 60)), "known": retry_after is not None}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(seconds)
    if getattr(request, "htmx", False):
        # The htmx forms swap a small part of the page; this answer replaces the whole page
        # (the htmx-config in base.html lets 429 answers swap).
        response["HX-Retarget"] = "body"
        response["HX-Reswap"] = "innerHTML show:top"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors, no database, no URL reversing: whatever failed may fail again.
    # The platform is already on the request (resolved before the view ran).
    platform = getattr(request, "platform", None)
    name = platform.name if platform is not None else "Crowdmoving"
    # The platform's colours (tenancy.views_look.stylesheet), linked as base.html does.
    colours = (
        f"/platform.css?v={int(platform.updated_at.timestamp())}"
        f"{platform.updated_at.microsecond:06d}"
        if platform is not None and platform.updated_at is not None
        else ""
    )
    return HttpResponse(
        render_to_string("500.html", {"platform_name": name, "platform_css": colours}),
        status=500,
    )


# Both answer on any host, without a platform (see tenancy.middleware.HOST_INDEPENDENT_PATHS),
# and over plain HTTP (SECURE_REDIRECT_EXEMPT in production settings).


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process serves requests. Touches neither database nor cache, so a
    database outage does not make the load balancer restart every app server."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers and the cache keeps a value. 503 names what fails; the
    details go to the log, not to whoever asks."""
    failing = []
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("readyz: the database does not answer", exc_info=True)
        failing.append("database")
    try:
        cache = caches["default"]
        key = f"readyz:{uuid.uuid4().hex}"
        cache.set(key, "ok", timeout=30)
        kept = cache.get(key) == "ok"
        cache.delete(key)
        if not kept:
            logger.warning("readyz: the cache did not keep a value")
            failing.append("cache")
    except Exception:
        logger.warning("readyz: the cache does not answer", exc_info=True)
        failing.append("cache")
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})
