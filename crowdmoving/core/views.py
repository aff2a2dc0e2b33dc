"""Error pages in the platform's look, and the health endpoints for load balancers."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that could fail again: a plain page in the same style.
    return HttpResponse(render_to_string("500.html"), status=500)


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
