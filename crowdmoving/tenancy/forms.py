"""The platform administrators' forms: the look of the platform and its mail settings."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from crowdmoving.core.images import reencode_png

from . import colours
from .models import Platform

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LOGO_MAX_BYTES = 1 * 2**20
LOGO_MAX_PIXELS = 4000 * 4000
LOGO_FIT = (800, 240)  # shown about 40 px high in the header, sharp on dense screens
FAVICON_MAX_BYTES = 256 * 2**10
FAVICON_MAX_PIXELS = 1024 * 1024
FAVICON_FIT = (192, 192)
SOCIAL_ROWS = 4
NOT_A_COLOUR = _("Please write the colour as # and six digits or letters a–f, e.g. #0b6e4f.")

# Control characters (newlines above all) would let a sender name add mail headers; < > @ would
# make a name look like an address in people's inboxes.
NOT_IN_SENDER_NAME = re.compile(r"[\x00-\x1f\x7f<>@\"]")


class ColourInput(forms.TextInput):
    """The text field of a colour (``#rrggbb``); the template puts a colour picker next to it,
    which static/js/look.js keeps in step (without JavaScript the text field alone works)."""

    def __init__(self) -> None:
        super().__init__(
            attrs={
                "maxlength": 7,
                "size": 8,
                "spellcheck": "false",
                "autocomplete": "off",
                "pattern": "#?[0-9A-Fa-f]{6}",
                "class": "colour-text",
            }
        )


def colour_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=7,
        widget=ColourInput(),
        help_text=help_text,
        error_messages={
            "required": _("Please choose a colour."),
            "max_length": NOT_A_COLOUR,
        },
    )


class LookForm(forms.Form):
    """Name, tagline, logo, favicon, colours, social links and mail settings of a platform.

    Colours must pass the contrast pairs of tenancy.colours (WCAG 2.1 AA); uploads are
    re-encoded as PNG (core.images.reencode_png) and arrive in cleaned_data as files; social
    links are cleaned into ``social_links``: ``[{"label": ..., "url": ...}]``."""

    name = forms.CharField(
        label=_("Name of the platform"),
        max_length=120,
        help_text=_("Shown in the header of every page and as the sender of emails."),
        error_messages={
            "required": _("Please give the platform a name."),
            "max_length": _("The name can be at most %(limit_value)d characters long."),
        },
    )
    tagline = forms.CharField(
        label=_("Tagline"),
        max_length=160,
        required=False,
        help_text=_("One short sentence under the name, e.g. “Lend a hand in your town”."),
        error_messages={
            "max_length": _("The tagline can be at most %(limit_value)d characters long."),
        },
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_(
            "PNG (transparent background works best), JPEG or WebP, at most 1 MB. It is shown "
            "in the header of every page and in emails, with the platform's name as its text."
        ),
    )
    remove_logo = forms.BooleanField(
        label=_("Remove the logo (the name is shown instead)"), required=False
    )
    favicon = forms.FileField(
        label=_("Favicon (the small icon in the browser tab)"),
        required=False,
        widget=forms.FileInput(
            attrs={"accept": "image/png,image/x-icon,image/vnd.microsoft.icon,image/webp"}
        ),
        help_text=_(
            "A square PNG or ICO file, at most 256 KB; other shapes get a transparent border. "
            "We store it as a PNG of at most 192 × 192 pixels."
        ),
    )
    remove_favicon = forms.BooleanField(
        label=_("Remove the favicon (the default icon is shown instead)"), required=False
    )
    primary_colour = colour_field(
        _("Primary colour"),
        _(
            "The header and the buttons, with white (or dark) text on it, and the colour of "
            "links on the page background. Both need a contrast of at least 4.5:1 (WCAG AA), "
            "so that everyone can read them; very light colours are refused."
        ),
    )
    accent_colour = colour_field(
        _("Accent colour"),
        _(
            "Fills the progress bars. It needs a contrast of at least 3:1 against the bar's "
            "track, which is light grey or, for light accents, dark grey (chosen for you)."
        ),
    )
    email_sender_name = forms.CharField(
        label=_("Sender name of emails"),
        max_length=80,
        required=False,
        help_text=_(
            "The name people see as the sender of the platform's emails (empty: the platform's "
            "name). The address itself stays the installation's, so that the mails arrive."
        ),
        error_messages={
            "max_length": _("The sender name can be at most %(limit_value)d characters long."),
        },
    )
    email_reply_to = forms.EmailField(
        label=_("Reply-to address of emails"),
        required=False,
        help_text=_(
            "Where answers to the platform's emails go (empty: the contact address below, if "
            "there is one)."
        ),
        error_messages={"invalid": _("Please enter a valid email address, like name@example.org.")},
    )
    contact_email = forms.EmailField(
        label=_("Contact address"),
        required=False,
        help_text=_("Messages of the contact form go here. Visitors do not see the address."),
        error_messages={"invalid": _("Please enter a valid email address, like name@example.org.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, SOCIAL_ROWS + 1):
            self.fields[f"social_label_{row}"] = forms.CharField(
                label=_("Link %(number)s: label") % {"number": row},
                max_length=40,
                required=False,
                help_text=_("e.g. Instagram, Mastodon, Newsletter") if row == 1 else "",
                error_messages={
                    "max_length": _("The label can be at most %(limit_value)d characters long.")
                },
            )
            self.fields[f"social_url_{row}"] = forms.CharField(
                label=_("Link %(number)s: address") % {"number": row},
                max_length=300,
                required=False,
                widget=forms.URLInput(),
                help_text=_("Beginning with https://") if row == 1 else "",
                error_messages={
                    "max_length": _("The address can be at most %(limit_value)d characters long.")
                },
            )

    @classmethod
    def initial_for(cls, platform: Platform) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(platform, name)
            for name in (
                "name",
                "tagline",
                "primary_colour",
                "accent_colour",
                "email_sender_name",
                "email_reply_to",
                "contact_email",
            )
        }
        links = [link for link in platform.social_links or [] if isinstance(link, dict)]
        for row, link in enumerate(links[:SOCIAL_ROWS], start=1):
            initial[f"social_label_{row}"] = link.get("label", "")
            initial[f"social_url_{row}"] = link.get("url", "")
        return initial

    def social_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"social_label_{row}"], self[f"social_url_{row}"])
            for row in range(1, SOCIAL_ROWS + 1)
        ]

    def _clean_colour(self, name: str) -> str:
        colour = colours.normalise(self.cleaned_data[name])
        if colour is None:
            raise ValidationError(NOT_A_COLOUR, code="invalid")
        return colour

    def clean_primary_colour(self) -> str:
        return self._clean_colour("primary_colour")

    def clean_accent_colour(self) -> str:
        return self._clean_colour("accent_colour")

    def clean_logo(self) -> ContentFile | None:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        return reencode_png(
            upload,
            prefix="logo",
            max_bytes=LOGO_MAX_BYTES,
            max_pixels=LOGO_MAX_PIXELS,
            fit=LOGO_FIT,
            formats=frozenset({"PNG", "JPEG", "WEBP", "GIF"}),
        )

    def clean_favicon(self) -> ContentFile | None:
        upload = self.cleaned_data.get("favicon")
        if not upload:
            return None
        return reencode_png(
            upload,
            prefix="icon",
            max_bytes=FAVICON_MAX_BYTES,
            max_pixels=FAVICON_MAX_PIXELS,
            fit=FAVICON_FIT,
            formats=frozenset({"PNG", "ICO", "WEBP", "GIF"}),
            square=True,
        )

    def clean_email_sender_name(self) -> str:
        name: str = self.cleaned_data["email_sender_name"]
        if NOT_IN_SENDER_NAME.search(name):
            raise ValidationError(
                _(
                    "The sender name is a name, not an address: please leave out line breaks, "
                    "quotation marks and the characters @, < and >."
                ),
                code="invalid",
            )
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("logo") and data.get("remove_logo"):
            self.add_error(
                "remove_logo",
                _("Please either upload a new logo or remove the logo, not both."),
            )
        if data.get("favicon") and data.get("remove_favicon"):
            self.add_error(
                "remove_favicon",
                _("Please either upload a new favicon or remove the favicon, not both."),
            )
        if data.get("primary_colour") and data.get("accent_colour"):
            for refusal in colours.check(data["primary_colour"], data["accent_colour"]):
                self.add_error(refusal.field, refusal.message)
        data["social_links"] = self._clean_social_links(data)
        return data

    def _clean_social_links(self, data: dict[str, Any]) -> list[dict[str, str]]:
        links: list[dict[str, str]] = []
        for row in range(1, SOCIAL_ROWS + 1):
            label_field, url_field = f"social_label_{row}", f"social_url_{row}"
            if label_field not in data or url_field not in data:
                continue  # too long: the field has its error already
            label, url = data[label_field].strip(), data[url_field].strip()
            if not label and not url:
                continue
            if not label:
                self.add_error(label_field, _("Please name this link, e.g. “Instagram”."))
                continue
            if not url:
                self.add_error(url_field, _("Please enter the address of this link."))
                continue
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                self.add_error(
                    url_field,
                    _(
                        "Please enter a web address beginning with https:// (or http://), "
                        "e.g. https://instagram.com/yourname."
                    ),
                )
                continue
            links.append({"label": label, "url": url})
        return links
