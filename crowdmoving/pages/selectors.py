"""The content pages that pages need, with their query budget."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404

from crowdmoving.tenancy.models import Platform

from .models import ContentPage

NAVIGATION_TIMEOUT = 60 * 60


@dataclass(frozen=True)
class NavigationLink:
    slug: str
    title: str


def navigation_key(platform: Platform) -> str:
    return f"nav:{platform.pk}:{platform.updated_at.isoformat()}"


def navigation_pages(platform: Platform) -> list[NavigationLink]:
    """The pages shown in the platform's main navigation, in their order. Cached per platform
    under its ``updated_at``, which every write to pages raises (pages.actions): no query
    while cached, one otherwise."""
    key = navigation_key(platform)
    links: list[NavigationLink] | None = cache.get(key)
    if links is None:
        links = [
            NavigationLink(slug, title)
            for slug, title in ContentPage.objects.filter(platform=platform, in_navigation=True)
            .order_by("position", "pk")
            .values_list("slug", "title")
        ]
        cache.set(key, links, NAVIGATION_TIMEOUT)
    return links


def pages_for_admin(platform: Platform) -> QuerySet[ContentPage]:
    """Every page of the platform in navigation order, without its texts. One query."""
    return (
        ContentPage.objects.filter(platform=platform)
        .order_by("position", "pk")
        .defer("body", "body_html")
    )


def public_page(platform: Platform, slug: str) -> ContentPage:
    """The page at /p/<slug>/ of ``platform``; a 404 for an unknown slug or another
    platform's."""
    page = ContentPage.objects.filter(platform=platform, slug=slug).first()
    if page is None:
        raise Http404
    return page


def imprint(platform: Platform) -> ContentPage | None:
    """The platform's imprint (Impressum), or None while it has none. One query."""
    return (
        ContentPage.objects.filter(platform=platform, kind=ContentPage.Kind.IMPRINT)
        .only("pk", "slug", "platform_id")
        .first()
    )


def access_admin_page(platform: Platform, page_id: int) -> ContentPage:
    """A page of ``platform`` for its administrators; a 404 for any other."""
    page = ContentPage.objects.filter(platform=platform, pk=page_id).first()
    if page is None:
        raise Http404
    return page
