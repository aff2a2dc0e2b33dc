"""``{% embed_snippet project as snippet %}``: the code that shows ``project``'s task list on
the organisation's website (projects.embed.snippet), for the project dashboard."""

from __future__ import annotations

from typing import Any

from django import template

from crowdmoving.projects import embed
from crowdmoving.projects.models import Project

register = template.Library()


@register.simple_tag(takes_context=True)
def embed_snippet(context: dict[str, Any], project: Project) -> str:
    request = context["request"]
    return embed.snippet(request, project, request.platform)
