"""``{{ text|erased }}``: what a deleted account left behind, in the reader's language."""

from __future__ import annotations

from django import template

from crowdmoving.accounts.deletion import shown

register = template.Library()


@register.filter
def erased(text: object) -> str:
    """The text with the marker of erased words (accounts.deletion.REMOVED_MARKER) in the
    reader's language. Returns plain text: autoescaping still applies."""
    return shown(str(text))
