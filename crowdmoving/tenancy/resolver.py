"""Host -> platform. An unknown host has no platform; there is no fallback."""

from __future__ import annotations

from django.conf import settings
from django.http.request import split_domain_port

from .models import Domain, Platform


def normalise_host(host: str) -> str:
    domain, _port = split_domain_port(host)
    return (domain or host).lower().rstrip(".")


def platform_for_host(host: str) -> Platform | None:
    """The platform that serves ``host`` (with or without port), or None if the host is unknown."""
    name = normalise_host(host)
    found = Domain.objects.select_related("platform").filter(domain=name).first()
    if found is not None:
        return found.platform
    if name in settings.DEFAULT_PLATFORM_HOSTS or host in settings.DEFAULT_PLATFORM_HOSTS:
        return Platform.objects.filter(is_default=True).first()
    return None
