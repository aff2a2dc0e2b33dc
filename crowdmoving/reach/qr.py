"""QR codes of shared addresses: made here with segno (no outside service), as SVG, black
modules on white with the standard quiet zone (what printers and phone cameras read best), and
cached by the address they encode."""

from __future__ import annotations

import hashlib
import io

import segno
from django.core.cache import cache

TIMEOUT = 7 * 24 * 60 * 60
SCALE = 8  # pixels per module: a version 3-5 code is 240-300 px wide at its intrinsic size
BORDER = 4  # the quiet zone the standard asks for, in modules
# Medium error correction: survives a crease or a drawing pin on a poster, and keeps the code
# small enough for a phone to read from a metre away.
ERROR = "m"


def cache_key(url: str) -> str:
    digest = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
    return f"qr:{segno.__version__}:{digest}"


def render_svg(url: str) -> str:
    """The QR code of ``url`` as SVG markup, freshly made (qr_svg caches it)."""
    code = segno.make(url, error=ERROR, micro=False, boost_error=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=SCALE,
        border=BORDER,
        dark="#000",
        light="#fff",
        xmldecl=False,
        unit="px",  # width and height in px, plus a viewBox: it scales when printed
        svgclass="qr-code",
    )
    return out.getvalue().decode("utf-8")


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as SVG markup, from the cache when it was made before."""
    key = cache_key(url)
    svg = cache.get(key)
    if svg is None:
        svg = render_svg(url)
        cache.set(key, svg, TIMEOUT)
    return str(svg)
