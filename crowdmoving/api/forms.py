"""The form of the tokens page: it parses and checks; api.actions writes."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdmoving.projects.forms import DateInput

MAX_VALIDITY_DAYS = 3 * 365


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “Website of our club”."),
        error_messages={
            "required": _("Please give the token a name, so you can tell it apart later."),
            "max_length": _("At most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    valid_until = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: valid until you revoke it."),
        error_messages={"invalid": _("Please enter a date.")},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(
                _("Please give the token a name, so you can tell it apart later.")
            )
        return name

    def clean_valid_until(self) -> datetime.date | None:
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("Please choose a day in the future."))
        if day > today + datetime.timedelta(days=MAX_VALIDITY_DAYS):
            raise forms.ValidationError(_("At most three years ahead, please."))
        return day
