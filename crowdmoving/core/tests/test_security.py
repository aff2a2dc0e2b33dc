"""Attacks through what people write and upload.

The sanitiser (core.text) against a corpus of known XSS payloads and a Hypothesis search over
obfuscated URL schemes (the free-form fragment search is in projects/tests/test_invariants.py);
uploads through the real project form: wrong types, fake extensions, oversize files, a
decompression bomb, file names with path tricks. CSRF and the URL walk are in
test_permissions.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from crowdmoving.core.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from crowdmoving.projects.models import Project

# --- the sanitiser --------------------------------------------------------------------------

XSS_PAYLOADS = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script/xss src="//evil.example/x.js"></script>',
    "<<script>alert(1);//<</script>",
    "<script\n>alert(1)</script\n>",
    # event handlers in many casings and places
    '<p onclick="alert(1)">x</p>',
    '<a href="https://example.org" OnMouseOver="alert(1)">x</a>',
    '<b ONLOAD="alert(1)">x</b>',
    "<strong onfocus=alert(1) autofocus tabindex=0>x</strong>",
    "<em/onpointerenter=alert(1)>x</em>",
    '<blockquote oNcLiCk="alert(1)">x</blockquote>',
    '<img src=x onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<details open ontoggle="alert(1)">',
    '<input autofocus onfocus="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    # javascript:, vbscript:, data: URLs, plain and obfuscated
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="java\x00script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
    '<a href="&#0000106&#0000097vascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    # dangerous tags
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<style>@import 'javascript:alert(1)';</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    # Markdown link and image syntax
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](&#106;avascript:alert(1))",
    "[click](java%0ascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[click](javascript:alert(1) "title")',
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](x onerror=alert(1))",
    '![x](https://example.org/x.png "onerror=alert(1)")',
    "[![x](javascript:alert(1))](javascript:alert(1))",
    # comments, CDATA and parser confusion
    "<!--<script>alert(1)</script>-->",
    "<!-- --><script>alert(1)</script><!-- -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    '<a href="https://example.org"><!--"--><script>alert(1)</script></a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<textarea><script>alert(1)</script></textarea>",
    '<p title="&quot;><script>alert(1)</script>">x</p>',
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
]

SAFE_SCHEMES = ("http", "https", "mailto")


class Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def unknown_decl(self, data: str) -> None:
        self.comments.append(data)


def url_scheme(value: str) -> str:
    """The scheme a browser reads from an attribute value (the WHATWG URL parser): leading
    and trailing control characters and spaces are dropped, tabs and newlines anywhere; a
    scheme is a letter, then letters, digits, + - . up to a colon. "java script:x" has none
    (a relative path), neither has "java%0ascript:x"."""
    cleaned = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else ""


GENERIC_ATTRIBUTES = {"title", "lang"}  # nh3 keeps these on any tag; neither runs anything


def executable_parts(output: str) -> list[str]:
    """Everything in sanitised output that a browser could execute or that is not on the
    allowlist: tags, attributes, URL schemes, comments and CDATA. (The parser decodes
    entities in attribute values, as a browser does.)"""
    parser = Parsed()
    parser.feed(output)
    parser.close()
    found = [f"comment/CDATA {c!r}" for c in parser.comments]
    for tag, attrs in parser.tags:
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | GENERIC_ATTRIBUTES | {"rel"}
        for name, value in attrs:
            if name not in allowed:
                found.append(f"attribute {name} on <{tag}>")
            if name == "href" and url_scheme(value or "") not in ("", *SAFE_SCHEMES):
                found.append(f"{url_scheme(value or '')}: URL")
    return found


def test_the_checker_notices_what_a_browser_would_run():
    assert executable_parts('<a href="java&#x09;script:alert(1)">x</a>') != []
    assert executable_parts('<a href=" \x01JAVA\nSCRIPT:alert(1)">x</a>') != []
    assert executable_parts('<a href="java script:alert(1)">x</a>') == []  # relative
    assert executable_parts('<p onclick="x()">x</p>') != []
    assert executable_parts("<svg></svg>") != []
    assert executable_parts("<!-- x -->") != []
    assert executable_parts('<a href="https://example.org/a:b" rel="nofollow">x</a>') == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_known_xss_payload_survives_the_sanitiser(payload):
    output = render_markdown(payload)
    assert executable_parts(output) == [], output
    assert "<script" not in output.lower()


def test_the_corpus_is_large_and_the_sanitiser_still_keeps_honest_markdown():
    assert len(XSS_PAYLOADS) >= 40
    output = render_markdown("**Hallo** [Plan](https://example.org/plan) <b>fett</b>")
    assert "<strong>Hallo</strong>" in output and "<b>fett</b>" in output
    assert 'href="https://example.org/plan"' in output


def obfuscated(word: str):  # type: ignore[no-untyped-def]
    """``word`` as an attacker may spell it: any casing, characters as decimal or hex
    entities with or without padding and semicolon, tabs, newlines and NULs in between."""

    def spell(char: str):  # type: ignore[no-untyped-def]
        forms = st.sampled_from(
            [
                char,
                char.upper(),
                f"&#{ord(char)};",
                f"&#{ord(char):07d};",
                f"&#x{ord(char):x};",
                f"&#X{ord(char):X}",
            ]
        )
        noise = st.sampled_from(["", "", "", "\t", "\n", "\x00", "&#9;", "&Tab;", "&NewLine;"])
        return st.tuples(noise, forms).map("".join)

    return st.tuples(*[spell(c) for c in word]).map("".join)


SCHEME = st.one_of(obfuscated("javascript"), obfuscated("vbscript"), obfuscated("data"))
COLON = st.sampled_from([":", "&colon;", "&#58;", "&#x3a;", "&#x3A"])
WRAPPERS = [
    "[x]({url})",
    "![x]({url})",
    "[x][r]\n\n[r]: {url}",
    "<{url}>",
    '<a href="{url}">x</a>',
    "<a href='{url}'>x</a>",
    "<a href={url}>x</a>",
]


@settings(max_examples=400, deadline=None)
@given(
    lead=st.sampled_from(["", " ", "\t", "\x01", "&#32;"]),
    scheme=SCHEME,
    colon=COLON,
    wrapper=st.sampled_from(WRAPPERS),
)
def test_no_obfuscated_script_url_survives(lead, scheme, colon, wrapper):
    text = wrapper.format(url=f"{lead}{scheme}{colon}alert(1)")
    output = render_markdown(text)
    assert executable_parts(output) == [], (text, output)


# --- uploads through the real project form --------------------------------------------------

pytestmark_db = pytest.mark.django_db


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), (20, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def bomb_bytes() -> bytes:
    """A 1-bit PNG of 8000 x 6000 pixels: a few kilobytes that decode to 48 megapixels."""
    out = BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)

REFUSED = [
    ("leaflet.pdf", PDF, "application/pdf", "not an image we can read"),
    ("page.html", HTML, "text/html", "not an image we can read"),
    ("logo.svg", SVG, "image/svg+xml", "not an image we can read"),
    ("photo.jpg", HTML, "image/jpeg", "not an image we can read"),  # HTML renamed .jpg
    ("photo.png", SVG, "image/png", "not an image we can read"),
    ("bomb.png", None, "image/png", "too many pixels"),
]


def create_project(client, upload: SimpleUploadedFile, organisation):  # type: ignore[no-untyped-def]
    data = {"title": "Ein Garten für alle", "story": "Wir graben.", "place": "Leipzig"}
    return client.post(
        reverse("manage:project_create", args=[organisation.slug]), data | {"cover": upload}
    )


@pytestmark_db
# Pillow warns about the bomb when it reads the header; core.images then refuses it.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("name", "content", "content_type", "message"), REFUSED)
def test_a_file_that_is_no_accepted_image_is_refused_at_the_field(
    login, organiser, organisation, name, content, content_type, message
):
    upload = SimpleUploadedFile(name, content or bomb_bytes(), content_type=content_type)
    response = create_project(login(organiser), upload, organisation)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["cover"]
    assert message in errors["cover"][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Project.objects.exists()


@pytestmark_db
def test_an_oversize_upload_is_refused_before_it_is_decoded(
    login, organiser, organisation, settings
):
    settings.CROWDMOVING = settings.CROWDMOVING | {"COVER_MAX_BYTES": 1024}
    upload = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 2048, content_type="image/png")
    response = create_project(login(organiser), upload, organisation)
    assert "too large" in response.context["form"].errors["cover"][0]
    assert not Project.objects.exists()


@pytestmark_db
@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.jpg", "..\\..\\windows\\win.ini.png", "x.jpg\x00.html", "/var/www/abs.png"],
)
def test_a_file_name_with_path_tricks_is_replaced_by_a_random_name_inside_media_root(
    login, organiser, organisation, settings, name
):
    upload = SimpleUploadedFile(name, png_bytes(), content_type="image/png")
    response = create_project(login(organiser), upload, organisation)
    assert response.status_code == 302
    cover = Project.objects.get().cover
    assert re.fullmatch(r"covers/cover-[0-9a-f]{24}\.jpg", cover.name)
    stored = Path(cover.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    with Image.open(stored) as image:
        assert image.format == "JPEG"


@pytestmark_db
def test_a_polyglot_keeps_none_of_its_payload_after_re_encoding(login, organiser, organisation):
    upload = SimpleUploadedFile(
        "poly.png", png_bytes() + b"<script>alert(1)</script>", content_type="image/png"
    )
    assert create_project(login(organiser), upload, organisation).status_code == 302
    stored = Path(Project.objects.get().cover.path).read_bytes()
    assert stored.startswith(b"\xff\xd8")  # a JPEG we wrote
    assert b"<script" not in stored
