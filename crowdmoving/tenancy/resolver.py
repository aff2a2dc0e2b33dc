"""Host -> platform. An unknown host has no platform; there is no fallback.

One query per request: the Domain row with its platform and, in the same query, the platform's
primary domain (so that a request on another of its domains can be redirected). Hosts of the
hub that are not in the Domain table (DEFAULT_PLATFORM_HOSTS) cost a second query. There is no
per-process cache: a cached platform would have to follow every change of its status, features
and domains in every worker process, and one indexed query is cheap."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http.request import split_domain_port

from .models import Domain, Platform


@dataclass(frozen=True)
class HostMatch:
    platform: Platform
    # The platform's primary domain when the request came on another of its domains (the
    # middleware redirects there); None when the host is the primary one, or must stay.
    primary: str | None = None
    # The platform's primary domain whatever the host (None if it has none): the canonical
    # host of its absolute addresses (reach.sharing.canonical_base).
    primary_domain: str | None = None


def normalise_host(host: str) -> str:
    domain, _port = split_domain_port(host)
    return (domain or host).lower().rstrip(".")


def resolve_host(host: str) -> HostMatch | None:
    """The platform that serves ``host`` (with or without port), and where to redirect if
    ``host`` is not its primary domain; None if the host is unknown. The hub's fixed hosts
    (DEFAULT_PLATFORM_HOSTS) are never redirected."""
    name = normalise_host(host)
    fixed = name in settings.DEFAULT_PLATFORM_HOSTS or host in settings.DEFAULT_PLATFORM_HOSTS
    primary = Domain.objects.filter(platform_id=OuterRef("platform_id"), is_primary=True)
    found = (
        Domain.objects.select_related("platform")
        .filter(domain=name)
        .annotate(primary_domain=Subquery(primary.values("domain")[:1]))
        .first()
    )
    if found is not None:
        target = found.primary_domain  # type: ignore[attr-defined]
        redirect = not found.is_primary and not fixed and target and target != name
        return HostMatch(
            found.platform, primary=target if redirect else None, primary_domain=target
        )
    if fixed:
        hub = (
            Platform.objects.filter(is_default=True)
            .annotate(
                primary_domain=Subquery(
                    Domain.objects.filter(platform_id=OuterRef("pk"), is_primary=True).values(
                        "domain"
                    )[:1]
                )
            )
            .first()
        )
        if hub is None:
            return None
        return HostMatch(hub, primary_domain=hub.primary_domain)  # type: ignore[attr-defined]
    return None


def platform_for_host(host: str) -> Platform | None:
    """The platform that serves ``host`` (with or without port), or None if the host is unknown."""
    match = resolve_host(host)
    return match.platform if match is not None else None
