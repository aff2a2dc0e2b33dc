"""Embedding a project's live task list on the organisation's own website.

The organisation lists the websites that may show its projects in a frame
(``Organisation.embed_origins``, one origin per line); the embed page
(``views_embed.project``) answers with ``Content-Security-Policy: frame-ancestors <those
origins>`` and without ``X-Frame-Options``. Every other page keeps ``frame-ancestors 'none'``
and ``X-Frame-Options: DENY``; an organisation without listed websites gets ``'none'`` on its
embeds too.

What goes into that header is parsed strictly here, so that a line can never add a directive
or a keyword to the policy (``;``, quotes, spaces, ``*``, ``'self'``, ``data:`` ... are
refused):

- ``https://host`` or ``https://host:port``; host names with letters, digits and hyphens
  (international names are stored in their ASCII form), or an IPv4 address; no path, query,
  fragment or user name.
- ``http://`` is accepted too. The frame itself is always served by the platform (over https
  in production), so what a visitor types stays encrypted; refusing a small club's
  unencrypted website would protect nothing, as whoever can change that page in transit can
  show anything on it anyway. The settings page recommends https.
- One wildcard form: ``https://*.example.org`` (every subdomain of example.org, not
  example.org itself), with at least two labels after ``*.`` (``https://*.org`` is refused).
  Public suffixes such as ``*.co.uk`` cannot be told apart without a suffix list: the
  organisation is responsible for what it lists.
- At most ``MAX_ORIGINS`` lines.

Inside the frame the platform's cookies are not sent (they are SameSite=Lax and the frame is
on another site), so the embed knows nobody and has no CSRF cookie: its hold form carries a
signed, time-limited token bound to the project and task instead (``form_token``)."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from crowdmoving.organisations.models import Organisation
from crowdmoving.tenancy.models import Platform

from .cards import TaskRow, cached_cards, card_key
from .models import Commitment, Project, Task
from .selectors import describe_people

MAX_ORIGINS = 20
FORM_TOKEN_SALT = "crowdmoving.projects.embed.hold"  # noqa: S105 - a salt, not a secret
FORM_TOKEN_MAX_AGE = timedelta(hours=2)
# The iframe's height before the optional sizing script (embed.js) sets the real one.
FALLBACK_HEIGHT = 600

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PORT = re.compile(r"^[0-9]{1,5}$")


# --- origins ----------------------------------------------------------------------------------


@dataclass
class Origins:
    """The parsed lines: the valid origins (normalised, without duplicates, in order) and one
    message per refused line."""

    origins: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class _Refused(Exception):
    pass


def parse_origins(text: str) -> Origins:
    """Parse the organisation's list: one origin per line, empty lines ignored."""
    result = Origins()
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)]
    lines = [(number, line) for number, line in lines if line]
    for number, line in lines:
        try:
            origin = parse_origin(line)
        except _Refused as refused:
            result.errors.append(
                gettext("Line %(number)d (“%(line)s”): %(problem)s")
                % {"number": number, "line": _shorten(line), "problem": refused}
            )
            continue
        if origin not in result.origins:
            result.origins.append(origin)
    if len(result.origins) > MAX_ORIGINS:
        result.errors.append(
            gettext("At most %(max)d websites, please (you listed %(count)d).")
            % {"max": MAX_ORIGINS, "count": len(result.origins)}
        )
    return result


def _shorten(line: str, limit: int = 60) -> str:
    return line if len(line) <= limit else f"{line[: limit - 1]}…"


def parse_origin(line: str) -> str:
    """One origin, normalised (lower case, ASCII host, no trailing slash); raises _Refused with
    the reason, written for the organiser."""
    example = "https://www.example.org"
    if any(c.isspace() for c in line):
        raise _Refused(gettext("one address per line, without spaces."))
    scheme_match = _SCHEME.match(line)
    if scheme_match is None or not line[scheme_match.end() :].startswith("//"):
        raise _Refused(
            gettext("write the whole address, beginning with https://, as in %(example)s.")
            % {"example": example}
        )
    scheme = scheme_match.group(1).lower()
    if scheme not in ("https", "http"):
        raise _Refused(gettext("only websites (https://) can show your projects."))
    rest = line[scheme_match.end() + 2 :]
    if rest.endswith("/"):
        rest = rest[:-1]
    if any(c in rest for c in "/?#"):
        raise _Refused(
            gettext(
                "only the website's address, without a page on it (%(example)s, not "
                "%(example)s/news)."
            )
            % {"example": example}
        )
    if "@" in rest:
        raise _Refused(gettext("an address with a user name cannot embed."))
    host, port = rest, ""
    if ":" in rest:
        host, _colon, port = rest.rpartition(":")
        if not _PORT.match(port) or not 0 < int(port) < 65536:
            raise _Refused(gettext("the port after the colon must be a number up to 65535."))
    wildcard = host.startswith("*.")
    if wildcard:
        host = host[2:]
    if "*" in host:
        raise _Refused(
            gettext("a * may only stand for the subdomains, at the start: https://*.example.org.")
        )
    ascii_host = _ascii_host(host)
    if wildcard and (ascii_host.count(".") < 1 or _is_ip(ascii_host)):
        raise _Refused(
            gettext("a * must be followed by a domain of your own, as in https://*.example.org.")
        )
    origin = f"{scheme}://{'*.' if wildcard else ''}{ascii_host}"
    return f"{origin}:{int(port)}" if port else origin


def _ascii_host(host: str) -> str:
    """The host in lower-case ASCII (international names as xn--), or _Refused."""
    invalid = _Refused(
        gettext("this is not a website address. Write it like https://www.example.org.")
    )
    if not host or len(host) > 253:
        raise invalid
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise invalid from None
    labels = ascii_host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise invalid
    if labels[-1].isdigit() and not _is_ip(ascii_host):
        raise invalid  # "1.2.3" or "300.1.1.1": neither a name nor an address
    return ascii_host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def frame_ancestors(organisation: Organisation) -> list[str]:
    """The origins that may frame ``organisation``'s embeds, for the CSP header: only lines
    that parse (the settings form refuses the others; stored text is never trusted)."""
    return parse_origins(organisation.embed_origins).origins[:MAX_ORIGINS]


# --- the hold form's token (instead of the CSRF cookie, which the frame does not get) ------


def form_token(task: Task) -> str:
    """A signed token for the embedded hold form of ``task``, valid FORM_TOKEN_MAX_AGE."""
    return signing.dumps({"p": task.project_id, "t": task.pk}, salt=FORM_TOKEN_SALT)


def form_token_is_valid(token: str, task: Task) -> bool:
    """Whether ``token`` was made by form_token for this very task, and recently enough."""
    try:
        data = signing.loads(token, salt=FORM_TOKEN_SALT, max_age=FORM_TOKEN_MAX_AGE)
    except signing.BadSignature:  # forged, changed or expired (SignatureExpired)
        return False
    return isinstance(data, dict) and data.get("p") == task.project_id and data.get("t") == task.pk


def mark_token_used(token: str) -> None:
    """Remember a token whose form was answered, so that sending it again (a double click, a
    reload) is answered as the first time without a second mail."""
    cache.set(_used_key(token), True, int(FORM_TOKEN_MAX_AGE.total_seconds()))


def token_was_used(token: str) -> bool:
    return bool(token) and bool(cache.get(_used_key(token)))


def _used_key(token: str) -> str:
    return f"embed-hold-used:{hashlib.sha256(token.encode()).hexdigest()}"


# --- what the organiser copies ----------------------------------------------------------------


def embed_url(request: HttpRequest, project: Project) -> str:
    """The frame's absolute address on the host of this request, which the tenancy middleware
    has made the platform's primary domain."""
    return request.build_absolute_uri(reverse("projects:embed", args=[project.pk]))


def snippet(request: HttpRequest, project: Project, platform: Platform) -> str:
    """The HTML the organisation copies into its website: the frame, and the optional script
    that sizes it to its content (served at a stable address, /embed.js)."""
    title = gettext("Tasks of “%(project)s” on %(platform)s") % {
        "project": project.title,
        "platform": platform.name,
    }
    frame = format_html(
        '<iframe src="{}" title="{}" loading="lazy" width="100%" height="{}" '
        'style="width:100%;border:0"></iframe>',
        embed_url(request, project),
        title,
        FALLBACK_HEIGHT,
    )
    script = format_html(
        '<script src="{}" defer></script>',
        request.build_absolute_uri(reverse("projects:embed_script")),
    )
    return f"{frame}\n{script}"


# --- the embed's task cards --------------------------------------------------------------------


def embed_cards(
    project: Project,
    rows: list[TaskRow],
    *,
    platform: Platform,
    guests: bool,
    lang_query: str,
    fresh: dict[int, dict[str, object]] | None = None,
) -> list[SafeString]:
    """The embed's cards of ``rows`` (cards.task_rows), in order. The embed knows nobody, so
    every card is the same for every visitor and is cached like the project page's cards (by
    the task's version), plus the platform's name and look (its ``updated_at``) and the
    language the links keep. ``fresh`` maps a task id to the context of a card rendered afresh
    (the open hold form, its errors, a message). One query for the cached cards' keys is the
    caller's (``rows``); two more when some card is not cached."""
    fresh = fresh or {}
    stamp = int(platform.updated_at.timestamp() * 1e6)
    keys = {
        pk: f"{card_key(project, pk, version, False, guests)}:embed.{stamp}.{lang_query}"
        for pk, version, _capacity, _taken in rows
        if pk not in fresh
    }

    def render(task: Task, people: list[Commitment]) -> str:
        describe_people(task, people, None, set())
        task.project = project
        return render_to_string(
            "projects/embed/_task_card.html",
            {
                "project": project,
                "task": task,
                "platform": platform,
                "takes_open": project.is_open_for_takeover,
                "guest_takeover": guests,
                "lang_query": lang_query,
                **fresh.get(task.pk, {}),
            },
        )

    # Rendered by our own template (user text escaped there).
    return [
        mark_safe(card)  # noqa: S308  # nosec B308 B703
        for card in cached_cards(rows, keys, render)
    ]


def language_of(request: HttpRequest, platform: Platform) -> tuple[str, bool]:
    """The embed's language: ``?lang=`` if it is one of ours, else the platform's default
    (the website around the frame speaks it, whatever the visitor's browser prefers). Also
    whether it was asked for (the embed's own links then keep it)."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked, True
    return platform.default_language or get_language() or settings.LANGUAGE_CODE, False
