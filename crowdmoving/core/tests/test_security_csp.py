"""The Content-Security-Policy allows no inline script or style, and no page needs any: every
key page is fetched and parsed, and every template is read, for inline script, ``style``
attributes, ``<style>`` blocks and ``on*=`` handlers."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.projects.models import Commitment

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parents[2]


class InlineCode(HTMLParser):
    """What a strict CSP would block in a page, as a browser parses it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.found.append(f"inline <script {attrs}>")
        if tag == "style":
            self.found.append("<style> block")
        for name, _value in attrs:
            if name == "style":
                self.found.append(f"style attribute on <{tag}>")
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"{name} handler on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_notices_each_kind_of_inline_code():
    assert inline_code("<script>alert(1)</script>") != []
    assert inline_code('<script type="module">x()</script>') != []
    assert inline_code("<style>p{}</style>") != []
    assert inline_code('<p style="color:red">x</p>') != []
    assert inline_code('<button onClick="x()">x</button>') != []
    assert inline_code('<button hx-on:click="x()">x</button>') != []
    assert inline_code('<script src="/static/x.js" defer></script>') == []
    assert inline_code('<script type="application/json" id="d">{"a": 1}</script>') == []


def assert_strict_csp(response) -> None:  # type: ignore[no-untyped-def]
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["img-src"] == "'self' data:"


@pytest.fixture
def pages(project, task, organiser, volunteer, organisation, platform_admin):  # type: ignore[no-untyped-def]
    """(who, url) for every key page; ``who`` is None for a visitor."""
    f.CommitmentFactory(task=task, user=volunteer, status=Commitment.Status.ACTIVE)
    return [
        (None, reverse("projects:home")),
        (None, reverse("projects:detail", args=[project.pk])),
        (None, reverse("sharing:task", args=[project.pk, task.pk])),
        (None, reverse("sharing:poster", args=[project.pk])),
        (None, reverse("account_login")),
        (None, reverse("account_signup")),
        (None, reverse("account_reset_password")),
        (None, "/no-such-page/"),
        (None, reverse("privacy:current")),
        (None, reverse("alerts:new")),
        (volunteer, reverse("alerts:mine")),
        (volunteer, reverse("projects:home")),
        (volunteer, reverse("projects:detail", args=[project.pk])),
        (volunteer, reverse("me:tasks")),
        (volunteer, reverse("me:settings")),
        (volunteer, reverse("notifications:index")),
        (volunteer, reverse("team:index", args=[project.pk])),
        (volunteer, reverse("me:data")),
        (volunteer, reverse("me:delete_account")),
        (volunteer, reverse("mfa_index")),
        (volunteer, reverse("privacy:consents")),
        (organiser, reverse("manage:index")),
        (organiser, reverse("manage:organisation", args=[organisation.slug])),
        (organiser, reverse("manage:members", args=[organisation.slug])),
        (organiser, reverse("manage:project", args=[project.pk])),
        (organiser, reverse("manage:project_edit", args=[project.pk])),
        (organiser, reverse("manage:task_create", args=[project.pk])),
        (organiser, reverse("team:index", args=[project.pk])),
        (platform_admin, reverse("platform:home")),
        (platform_admin, reverse("audit:log")),
    ]


def test_every_key_page_has_a_strict_csp_and_no_inline_code(client, pages):
    problems = []
    for who, url in pages:
        client.logout()
        if who is not None:
            client.force_login(who)
        response = client.get(url)
        expected = 404 if url == "/no-such-page/" else 200
        assert response.status_code == expected, (url, who, response.status_code)
        assert_strict_csp(response)
        problems += [f"{url} ({who}): {found}" for found in inline_code(response.content.decode())]
    assert problems == []


def test_the_htmx_card_answer_has_no_inline_code(login, volunteer, project, task):
    response = login(volunteer).post(
        reverse("projects:take", args=[project.pk, task.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'class="task-card' in response.content.decode()
    assert inline_code(response.content.decode()) == []


def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    html = client.get(reverse("projects:home")).content.decode()
    assert re.search(
        r"<meta name=\"htmx-config\" content='[^']*\"includeIndicatorStyles\":false", html
    )
    css = (PACKAGE / "static" / "css" / "app.css").read_text()
    assert ".htmx-request .htmx-indicator" in css


# Emails are no web pages (no CSP applies; mail clients need inline styles).
NOT_WEB_PAGES = ("notifications/templates/notifications/email/",)
TEMPLATE_PATTERNS = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "on* handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on handler (needs eval)": re.compile(r"\shx-on", re.I),
}


def test_no_template_contains_inline_script_or_style():
    problems = []
    for template in sorted(PACKAGE.rglob("*.html")):
        relative = template.relative_to(PACKAGE).as_posix()
        if any(part in relative for part in NOT_WEB_PAGES):
            continue
        text = template.read_text()
        for what, pattern in TEMPLATE_PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{relative}:{line}: {what}")
    assert problems == []
