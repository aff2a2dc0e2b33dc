"""User-written text: Markdown rendered to HTML, then cleaned by an allowlist sanitiser."""

from __future__ import annotations

import html

import markdown  # type: ignore[import-untyped]
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "a",
    "h2", "h3", "h4", "hr", "code", "pre",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> str:
    """Safe HTML for ``text``: no script, no event handlers, no javascript: URLs, no images."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
    )


def plain_summary(text: str, length: int = 200) -> str:
    """The first words of a Markdown text as plain text, for listings and previews. It is
    text, not HTML (entities decoded): templates escape it like any other text."""
    # Only the opening is rendered: a summary never needs more, and a long story's Markdown
    # would cost a list page a millisecond per project.
    opening = (text or "")[: length * 6]
    plain = html.unescape(nh3.clean(markdown.markdown(opening), tags=set()))
    plain = " ".join(plain.split())
    return plain if len(plain) <= length else plain[: length - 1].rsplit(" ", 1)[0] + "…"
