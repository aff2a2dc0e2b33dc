"""A platform's colours, and the contrast they must reach (WCAG 2.1, level AA).

Contrast is the WCAG 2.1 ratio ``(L1 + 0.05) / (L2 + 0.05)`` of the relative luminances of the
lighter (L1) and the darker (L2) colour; a luminance is ``0.2126 R + 0.7152 G + 0.0722 B`` of
the linearised sRGB channels (``c / 12.92`` up to 0.04045, else ``((c + 0.055) / 1.055) ** 2.4``).

Where app.css uses the colours, and the pairs that must pass:

(a) **Buttons and the page header**: their text sits on the primary colour (``--primary``) in
    the ink colour (``--primary-ink``), which is chosen here: white, unless dark text reads
    better. Ink on primary must reach **4.5:1** (normal-size text).
(b) **Links and text in the primary colour** (``a``, secondary buttons, link buttons) sit on
    the page background (``--page``, #f5f6f4) and on cards (``--surface``, white): the primary
    colour must reach **4.5:1** against both (the page background is the darker of the two, so
    it decides). Because of (b), the ink of (a) is white in practice.
(c) **The accent colour** (``--accent``) carries no text: it fills progress bars, a graphic
    whose numbers are also written next to it. As non-text UI it must reach **3:1** against
    the bar's track (``--accent-track``), which is chosen here: the light track (#e3e7e5) as
    before, or a dark one (#56605b) for light accents. An accent of middle brightness that
    reaches 3:1 against neither is refused.

The look form (tenancy.forms.LookForm) refuses colours that fail and says which pair failed
with the measured and the required ratio; ``/platform.css`` (tenancy.views_look) serves the
colours with the inks and tracks chosen here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

HEX_COLOUR = re.compile(r"^#[0-9a-f]{6}$")

WHITE = "#ffffff"
DARK_INK = "#1d2421"  # app.css --ink
PAGE = "#f5f6f4"  # app.css --page
SURFACE = "#ffffff"  # app.css --surface
LIGHT_TRACK = "#e3e7e5"  # app.css: the progress bars' track
DARK_TRACK = "#56605b"  # app.css --muted

TEXT_RATIO = 4.5  # WCAG 2.1 1.4.3, normal-size text
NON_TEXT_RATIO = 3.0  # WCAG 2.1 1.4.11, user interface components and graphics


def normalise(value: str) -> str | None:
    """``#rrggbb`` in lowercase, from ``#RRGGBB``, ``rrggbb`` or ``#rgb``; None if the value
    is no such colour."""
    text = value.strip().lower()
    if not text.startswith("#"):
        text = f"#{text}"
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        text = "#" + "".join(ch * 2 for ch in text[1:])
    return text if HEX_COLOUR.match(text) else None


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """The relative luminance (0 black .. 1 white) of a ``#rrggbb`` colour, per WCAG 2.1."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, from 1 (same) to 21 (black/white)."""
    darker, lighter = sorted((luminance(first), luminance(second)))
    return (lighter + 0.05) / (darker + 0.05)


def ink_for(primary: str) -> str:
    """The text colour on the primary colour: white, unless the dark ink contrasts more."""
    return WHITE if contrast(primary, WHITE) >= contrast(primary, DARK_INK) else DARK_INK


def track_for(accent: str) -> str:
    """The progress bars' track under the accent colour: the light one if the accent reaches
    3:1 against it, else whichever contrasts more."""
    if contrast(accent, LIGHT_TRACK) >= NON_TEXT_RATIO:
        return LIGHT_TRACK
    return max((LIGHT_TRACK, DARK_TRACK), key=lambda track: contrast(accent, track))


def ratio_text(ratio: float) -> str:
    """A ratio for people, rounded down so that a failing ratio never reads as enough:
    4.478 -> "4.47:1", 4.5 -> "4.5:1", 3 -> "3:1" (in the active language's number format)."""
    floored = math.floor(ratio * 100) / 100
    digits = 0 if floored == int(floored) else 1 if floored == round(floored, 1) else 2
    return f"{number_format(floored, digits)}:1"


@dataclass(frozen=True)
class Refusal:
    field: str  # "primary_colour" or "accent_colour"
    message: str


def check(primary: str, accent: str) -> list[Refusal]:
    """The pairs (a), (b) and (c) of the module docstring that fail, each with an explanation
    naming the measured and the required ratio. Both colours are ``#rrggbb``."""
    refusals: list[Refusal] = []
    ink = ink_for(primary)
    on_buttons = contrast(primary, ink)
    if on_buttons < TEXT_RATIO:
        message = (
            _(
                "The primary colour %(colour)s has a contrast of %(ratio)s with white text on "
                "buttons; at least %(required)s is needed so that everyone can read it. Please "
                "choose a darker colour."
            )
            if ink == WHITE
            else _(
                "The primary colour %(colour)s has a contrast of %(ratio)s with dark text on "
                "buttons; at least %(required)s is needed so that everyone can read it. Please "
                "choose a lighter colour."
            )
        )
        refusals.append(
            Refusal(
                "primary_colour",
                message
                % {
                    "colour": primary,
                    "ratio": ratio_text(on_buttons),
                    "required": ratio_text(TEXT_RATIO),
                },
            )
        )
    else:
        as_links = min(contrast(primary, PAGE), contrast(primary, SURFACE))
        if as_links < TEXT_RATIO:
            refusals.append(
                Refusal(
                    "primary_colour",
                    _(
                        "The primary colour %(colour)s has a contrast of %(ratio)s as the "
                        "colour of links on the page background; at least %(required)s is "
                        "needed so that everyone can read them. Please choose a darker colour."
                    )
                    % {
                        "colour": primary,
                        "ratio": ratio_text(as_links),
                        "required": ratio_text(TEXT_RATIO),
                    },
                )
            )
    track = track_for(accent)
    on_track = contrast(accent, track)
    if on_track < NON_TEXT_RATIO:
        refusals.append(
            Refusal(
                "accent_colour",
                _(
                    "The accent colour %(colour)s fills progress bars and has a contrast of "
                    "only %(ratio)s against their track (whether light or dark); at least "
                    "%(required)s is needed so that the filled part can be seen. Please choose "
                    "a clearly lighter or darker colour."
                )
                % {
                    "colour": accent,
                    "ratio": ratio_text(on_track),
                    "required": ratio_text(NON_TEXT_RATIO),
                },
            )
        )
    return refusals


def stylesheet(primary: str, accent: str) -> str:
    """The custom properties of ``/platform.css`` for these colours (app.css uses them)."""
    return (
        ":root {\n"
        f"  --primary: {primary};\n"
        f"  --primary-ink: {ink_for(primary)};\n"
        f"  --accent: {accent};\n"
        f"  --accent-track: {track_for(accent)};\n"
        "}\n"
    )
