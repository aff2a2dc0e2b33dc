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
