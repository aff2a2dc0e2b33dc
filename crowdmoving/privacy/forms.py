"""The privacy app's forms, and the "I accept the privacy policy" checkbox that sign-up and
the visitor's hold form add when their platform has a privacy text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import PrivacyText

ACCEPT_FIELD = "accept_privacy"
BODY_MAX_LENGTH = 50_000
ACCEPT_REQUIRED = _("Please accept the privacy policy to go on.")


def ask_to_accept(form: forms.BaseForm, text: PrivacyText | None) -> PrivacyText | None:
    """Add the required checkbox for ``text`` (the platform's current version) to ``form``;
    without a text nothing is asked. Returns ``text`` for the view to record the consent."""
    if text is None:
        return None
    form.fields[ACCEPT_FIELD] = forms.BooleanField(
        label=_("I accept the privacy policy."),
        help_text=format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("privacy:current"),
            gettext(
                "Read the privacy policy (version %(version)s of %(date)s, opens in a new tab)."
            )
            % {"version": text.version, "date": date_format(text.published_at, "DATE_FORMAT")},
        ),
        error_messages={"required": ACCEPT_REQUIRED},
    )
    return text


class PublishForm(forms.Form):
    body = forms.CharField(
        label=_("Privacy policy (Markdown)"),
        max_length=BODY_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            "Headings with ##, lists with -, links as [text](https://…). Publishing makes a "
            "new version; earlier versions stay as they were."
        ),
        error_messages={
            "required": _("Please write the privacy policy."),
            "max_length": _("This is too long: at most %(limit_value)d characters."),
        },
    )
    summary_of_changes = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        strip=True,
        help_text=_("One line that people see when they are asked to accept the new version."),
        error_messages={"max_length": _("At most %(limit_value)d characters, please.")},
    )

    def __init__(self, *args: Any, current: PrivacyText | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        if current is not None:
            self.fields["body"].initial = current.body

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if self.current is not None and body.strip() == self.current.body.strip():
            raise forms.ValidationError(
                _("This is the text of the current version. Change it before publishing.")
            )
        return body

    def clean_summary_of_changes(self) -> str:
        summary: str = self.cleaned_data.get("summary_of_changes", "")
        if self.current is not None and not summary:
            raise forms.ValidationError(
                _("Please say in one line what changed: people are asked to accept it again.")
            )
        return summary
