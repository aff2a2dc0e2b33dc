"""The head links of every page: the canonical address and the platform's Atom feed."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from crowdmoving.reach.seo import canonical_url

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_links(context: Any) -> SafeString | str:
    """``<link rel="canonical">`` (reach.seo.canonical_url) and, on a platform, the
    ``<link rel="alternate">`` of its feed of new projects."""
    request = context.get("request")
    platform = context.get("platform")
    if request is None or platform is None:
        return ""
    return format_html(
        '<link rel="canonical" href="{}">\n  '
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        canonical_url(request),
        _("New projects on %(platform)s") % {"platform": platform.name},
        reverse("feeds:projects"),
    )
