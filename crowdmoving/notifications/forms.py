from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crowdmoving.accounts.models import User

from .actions import mutable_kinds


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Email me about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(k.value, k.label) for k in mutable_kinds()],
    )
    daily_digest = forms.BooleanField(
        label=_("One email a day with everything, instead of single emails"),
        required=False,
        help_text=_("Confirmations, moving up and changes to your tasks still come at once."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        muted = set(user.muted_email_kinds or [])
        kinds = mutable_kinds()
        kwargs.setdefault(
            "initial",
            {
                "email_kinds": [k.value for k in kinds if k.value not in muted],
                "daily_digest": user.daily_digest,
            },
        )
        super().__init__(*args, **kwargs)
