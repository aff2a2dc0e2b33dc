"""The contrast maths of the platform's colours (tenancy.colours), with pairs of known ratio."""

from __future__ import annotations

import pytest
from django.utils import translation

from crowdmoving.tenancy import colours


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#777777", "#ffffff", 4.48),  # the classic grey that just fails AA
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes on white
        ("#0b6e4f", "#ffffff", 6.25),
        ("#f2a541", "#ffffff", 2.05),
    ],
)
def test_contrast_is_the_wcag_ratio_of_relative_luminances(first, second, ratio):
    assert colours.contrast(first, second) == pytest.approx(ratio, abs=0.005)
    assert colours.contrast(second, first) == colours.contrast(first, second)


def test_luminance_linearises_srgb_before_weighting_the_channels():
    assert colours.luminance("#ffffff") == pytest.approx(1.0)
    assert colours.luminance("#000000") == 0.0
    # 0x80 = 0.502 linearises to 0.216, not 0.502
    assert colours.luminance("#808080") == pytest.approx(0.2159, abs=0.0001)
    assert colours.luminance("#00ff00") == pytest.approx(0.7152)


@pytest.mark.parametrize(
    ("typed", "colour"),
    [
        ("#0B6E4F", "#0b6e4f"),
        ("0b6e4f", "#0b6e4f"),
        (" #abc ", "#aabbcc"),
        ("green", None),
        ("#12345", None),
        ("#12345g", None),
        ("#0b6e4f;}", None),
        ("", None),
    ],
)
def test_only_hex_colours_are_colours(typed, colour):
    assert colours.normalise(typed) == colour


def test_a_grey_just_below_aa_on_the_page_background_is_refused_and_just_above_is_accepted():
    # #767676 reaches 4.54:1 on white cards, but the page background (#f5f6f4) is darker: there
    # it reaches 4.18:1. #717171 reaches 4.50:1 on the page background.
    refused = colours.check("#767676", "#0b6e4f")
    assert [r.field for r in refused] == ["primary_colour"]
    assert colours.contrast("#727272", colours.PAGE) < 4.5
    assert colours.check("#727272", "#0b6e4f") != []
    assert colours.contrast("#717171", colours.PAGE) >= 4.5
    assert colours.check("#717171", "#0b6e4f") == []


def test_the_defaults_pass():
    assert colours.check("#0b6e4f", "#f2a541") == []


def test_a_light_primary_is_refused_with_the_measured_and_the_required_ratio():
    with translation.override("en"):
        (refusal,) = colours.check("#f2f2f2", "#0b6e4f")
    assert refusal.field == "primary_colour"
    # Dark text would do on buttons, but as a link colour on the page it cannot be read.
    assert "The primary colour #f2f2f2 has a contrast of 1.03:1" in refusal.message
    assert "links on the page background" in refusal.message
    assert "at least 4.5:1 is needed" in refusal.message


def test_a_middle_primary_fails_with_white_and_dark_text_on_buttons():
    primary = "#5a8a78"  # white text 3.93:1, dark text 4.02:1: neither reaches 4.5:1
    ink = colours.ink_for(primary)
    assert colours.contrast(primary, ink) < 4.5
    with translation.override("en"):
        (refusal,) = colours.check(primary, "#0b6e4f")
    assert "The primary colour #5a8a78 has a contrast of 4.02:1 with dark text on buttons" in (
        refusal.message
    )


def test_a_middle_accent_that_shows_on_no_track_is_refused():
    accent = "#8a9a93"  # too dark for the light track, too light for the dark one
    assert colours.contrast(accent, colours.LIGHT_TRACK) < 3
    assert colours.contrast(accent, colours.DARK_TRACK) < 3
    with translation.override("en"):
        (refusal,) = colours.check("#0b6e4f", accent)
    assert refusal.field == "accent_colour"
    assert "fills progress bars" in refusal.message
    assert "at least 3:1 is needed" in refusal.message


def test_the_ink_is_white_on_dark_and_dark_on_light_colours():
    assert colours.ink_for("#0b6e4f") == colours.WHITE
    assert colours.ink_for("#f2f2f2") == colours.DARK_INK


def test_a_light_accent_gets_the_dark_track_and_a_dark_accent_the_light_one():
    assert colours.track_for("#f2a541") == colours.DARK_TRACK
    assert colours.contrast("#f2a541", colours.DARK_TRACK) >= 3
    assert colours.track_for("#0b6e4f") == colours.LIGHT_TRACK


def test_a_failing_ratio_never_reads_as_enough():
    with translation.override("en"):
        assert colours.ratio_text(4.4999) == "4.49:1"
        assert colours.ratio_text(4.478) == "4.47:1"
        assert colours.ratio_text(4.5) == "4.5:1"
        assert colours.ratio_text(3.0) == "3:1"
    with translation.override("de"):
        assert colours.ratio_text(4.478) == "4,47:1"


def test_the_stylesheet_carries_the_colours_and_the_chosen_inks():
    css = colours.stylesheet("#0b6e4f", "#f2a541")
    assert "--primary: #0b6e4f;" in css
    assert "--primary-ink: #ffffff;" in css
    assert "--accent: #f2a541;" in css
    assert "--accent-track: #56605b;" in css
