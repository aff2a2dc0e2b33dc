"""The contact form: name, email, an optional website and a short message, plus a honeypot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX = 350  # ContactMessage.message's limit: the form, the counter and the model agree
REQUIRED = _("Required field missing")
HONEYPOT = "contact_me_by_fax_only"


# The field's own messages: a missing value, and a text longer than the field allows.
TEXT_ERRORS = {
    "required": REQUIRED,
    "max_length": _("At most %(limit_value)d characters (you wrote %(show_value)d)"),
}


def email_field() -> forms.EmailField:
    """The sender's address with this form's messages (the alert form asks the same way)."""
    return forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": REQUIRED,
            "invalid": _("Email address invalid"),
            "max_length": _("Email address invalid"),
        },
    )


def honeypot_field() -> forms.CharField:
    """The field named HONEYPOT: left empty by people (off-screen, out of the tab order,
    labelled "leave empty" for screen readers); robots that fill every field fill it."""
    return forms.CharField(
        label=_("Leave this field empty: it is here to catch spam robots."),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class MessageField(forms.CharField):
    """Line breaks arrive as CRLF but are typed (and counted by the browser's ``maxlength`` and
    the counter) as one character: count them as one here too, so that a message the browser
    let through is never refused as too long."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return text.replace("\r\n", "\n").replace("\r", "\n")


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, error_messages=TEXT_ERRORS)
    email = email_field()
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Optional, e.g. https://example.org"),
        error_messages={
            "invalid": _("Website address invalid"),
            "max_length": _("Website address invalid"),
        },
    )
    message = MessageField(
        label=_("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(_("At most {limit} characters."), limit=MESSAGE_MAX),
        error_messages=TEXT_ERRORS,
    )
    contact_me_by_fax_only = honeypot_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].validators = [
            URLValidator(schemes=["http", "https"], message=_("Website address invalid"))
        ]
        self.fields["website"].widget.attrs.update({"autocomplete": "url", "inputmode": "url"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    @property
    def is_robot(self) -> bool:
        """The honeypot was filled: answer as if the message was sent, store and mail nothing."""
        return bool(self.cleaned_data.get(HONEYPOT))
