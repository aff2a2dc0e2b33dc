"""``{% mfa_continue_url as url %}``: where a person sent to set up two-factor
authentication was going, so that the pages after the set-up can offer to continue there."""

from __future__ import annotations

from typing import Any

from django import template

from crowdmoving.accounts.mfa import continue_url

register = template.Library()


@register.simple_tag(takes_context=True)
def mfa_continue_url(context: dict[str, Any]) -> str:
    request = context.get("request")
    return continue_url(request) if request is not None else ""


@register.simple_tag(takes_context=True)
def mfa_required(context: dict[str, Any]) -> bool:
    """Must the signed-in person keep two-factor authentication on?"""
    from crowdmoving.accounts.mfa import needs_second_factor

    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and needs_second_factor(user))
