"""The project page's preview card and share block (reach.sharing), as two tags, so that
projects/detail.html needs no change of its view:

    {% load share_tags %}
    {% block meta %}… {% share_meta project %}{% endblock %}
    {% share_block project %}

Both render what sharing.py decides for the request in the context; they write nothing."""

from __future__ import annotations

from typing import Any

from django import template

from crowdmoving.projects.models import Project

from .. import sharing

register = template.Library()


@register.inclusion_tag("reach/_meta.html", takes_context=True)
def share_meta(context: template.Context, project: Project) -> dict[str, Any]:
    """Open Graph and Twitter meta of the project page, and the share script."""
    return {"preview": sharing.preview_for(context["request"], project)}


@register.inclusion_tag("reach/_share.html", takes_context=True)
def share_block(context: template.Context, project: Project) -> dict[str, Any]:
    """The share block of the project page, or nothing for a viewer who has nothing to share."""
    return {"share": sharing.share_for(context["request"], project), "project": project}
