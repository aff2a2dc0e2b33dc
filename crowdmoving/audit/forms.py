"""The audit log's filter: what happened, and between which days."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Action

DATE_INVALID = _("This is not a date. Please pick one or write it as YYYY-MM-DD, e.g. 2026-03-31.")


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": DATE_INVALID},
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("Everything")), *Action.choices],
        error_messages={"invalid_choice": _("Please choose one of the listed actions.")},
    )
    since = _date_field(pgettext_lazy("start of a date range", "From"))
    until = _date_field(pgettext_lazy("end of a date range", "To"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end lies before the start. Please swap the dates."))
        return cleaned
