"""Uploaded images are checked by content and re-encoded, never stored as sent."""

from __future__ import annotations

import secrets
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
Image.MAX_IMAGE_PIXELS = 40_000_000


def reencode_image(upload: UploadedFile, *, prefix: str) -> ContentFile:
    """Validate an uploaded image and return a re-encoded JPEG under a random name.

    Raises ValidationError (in the user's language) for oversize files, non-images and
    images in other formats."""
    max_bytes = settings.CROWDMOVING["COVER_MAX_BYTES"]
    if upload.size and upload.size > max_bytes:
        raise ValidationError(
            _("The image is too large (at most %(size)s MB).") % {"size": max_bytes // 2**20},
            code="too_large",
        )
    try:
        upload.seek(0)
        image = Image.open(upload)  # reads the header only
        image_format = image.format
        # Pillow refuses only above twice its limit and merely warns below: refuse at it.
        limit = Image.MAX_IMAGE_PIXELS
        if limit and image.width * image.height > limit:
            raise ValidationError(
                _("The image has too many pixels. Please upload a smaller photo."),
                code="too_many_pixels",
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This file is not an image we can read. Please upload a JPEG, PNG or WebP."),
            code="not_an_image",
        ) from error
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("Please upload a JPEG, PNG or WebP image."), code="unsupported_format"
        )
    rgb: Image.Image = ImageOps.exif_transpose(image).convert("RGB")
    side = settings.CROWDMOVING["COVER_MAX_SIDE"]
    rgb.thumbnail((side, side))
    out = BytesIO()
    rgb.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{prefix}-{secrets.token_hex(12)}.jpg")


def reencode_png(
    upload: UploadedFile,
    *,
    prefix: str,
    max_bytes: int,
    max_pixels: int,
    fit: tuple[int, int],
    formats: frozenset[str] = frozenset(ACCEPTED_FORMATS),
    square: bool = False,
) -> ContentFile:
    """Validate an uploaded image (a logo, an icon) and return it re-encoded as a PNG under a
    random name, transparency kept, scaled down to fit ``fit`` (never up); ``square`` pads it
    with transparency to a square first.

    Raises ValidationError (in the user's language) for files over ``max_bytes``, images with
    more than ``max_pixels`` pixels (before decoding them), non-images (SVG included: it can
    carry script) and formats not in ``formats``."""
    if upload.size and upload.size > max_bytes:
        limit = (
            _("%(size)s MB") % {"size": max_bytes // 2**20}
            if max_bytes >= 2**20
            else _("%(size)s KB") % {"size": max_bytes // 2**10}
        )
        raise ValidationError(
            _("The file is too large (at most %(limit)s).") % {"limit": limit},
            code="too_large",
        )
    try:
        upload.seek(0)
        image = Image.open(upload)  # reads the header only
        image_format = image.format
        if image.width * image.height > max_pixels:
            raise ValidationError(
                _("The image has too many pixels. Please upload a smaller one."),
                code="too_many_pixels",
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This file is not an image we can read. Please upload a PNG, JPEG or WebP."),
            code="not_an_image",
        ) from error
    if image_format not in formats:
        raise ValidationError(
            _("Please upload a PNG, JPEG or WebP image."), code="unsupported_format"
        )
    rgba: Image.Image = ImageOps.exif_transpose(image).convert("RGBA")
    if square and rgba.width != rgba.height:
        side = max(rgba.width, rgba.height)
        padded = Image.new("RGBA", (side, side), (0, 0, 0, 0))
        padded.paste(rgba, ((side - rgba.width) // 2, (side - rgba.height) // 2))
        rgba = padded
    rgba.thumbnail(fit)
    out = BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{prefix}-{secrets.token_hex(12)}.png")
