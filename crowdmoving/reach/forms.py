"""The form that asks for an email alert: what about (an organisation of this platform, a
category, a place) and to which address; plus a honeypot like the contact form's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crowdmoving.organisations.models import Organisation
from crowdmoving.pages.forms_contact import HONEYPOT, REQUIRED, email_field, honeypot_field
from crowdmoving.projects.models import Project
from crowdmoving.tenancy.models import Platform

from .actions import Subject
from .models import Subscription

PLACE_MIN = 2  # "04" (the first digits of a postal code) or a short town name such as "Au"
PLACE_MAX = Subscription._meta.get_field("place").max_length or 100


class AlertForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is the alert about?"),
        choices=Subscription.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": REQUIRED,
            "invalid_choice": _("Choose what the alert is about"),
        },
    )
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        error_messages={"invalid_choice": _("Unknown organisation")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("Choose a category")), *Project.Category.choices],
        error_messages={"invalid_choice": _("Unknown category")},
    )
    place = forms.CharField(
        label=_("Place or postal code"),
        required=False,
        max_length=PLACE_MAX,
        help_text=_('A town, or a postal code or its first digits ("04" for 04103 and more).'),
        error_messages={
            "max_length": _("At most %(limit_value)d characters (you wrote %(show_value)d)")
        },
    )
    email = email_field()
    # The contact form's honeypot (pages.forms_contact).
    contact_me_by_fax_only = honeypot_field()

    def __init__(
        self, *args: Any, platform: Platform, account_email: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.platform = platform
        # Only this platform's organisations (the request's scope says the same): another
        # platform's slug is an unknown organisation.
        self.organisations = {
            o.slug: o
            for o in Organisation.objects.filter(
                platform=platform, approval=Organisation.Approval.APPROVED
            ).order_by("name", "pk")
        }
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose an organisation")),
            *((slug, o.name) for slug, o in self.organisations.items()),
        ]
        email = self.fields["email"]
        email.widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        if account_email:
            # Signed in: the account's address, shown read-only; another address typed in (or
            # sent) still works, confirmed by the link mailed to it like anyone's.
            email.initial = account_email
            email.widget.attrs["readonly"] = "readonly"
            email.help_text = _(
                "Your account's address. Alerts to it start at once; they are listed under "
                "My alerts."
            )

    def clean_place(self) -> str:
        return " ".join(str(self.cleaned_data.get("place") or "").split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Subscription.Kind.ORGANISATION and not data.get("organisation"):
            if "organisation" not in self.errors:
                self.add_error("organisation", _("Choose an organisation"))
        elif kind == Subscription.Kind.CATEGORY and not data.get("category"):
            if "category" not in self.errors:
                self.add_error("category", _("Choose a category"))
        elif kind == Subscription.Kind.PLACE and "place" not in self.errors:
            if not data.get("place"):
                self.add_error("place", _("Type a place or a postal code"))
            elif len(data["place"]) < PLACE_MIN:
                self.add_error("place", _("At least %(count)d characters") % {"count": PLACE_MIN})
        # A subject field of another kind is ignored, its errors too: only the chosen one counts.
        for name in ("organisation", "category", "place"):
            if name != kind and name in self.errors:
                del self.errors[name]
        return data

    @property
    def subject(self) -> Subject:
        """What the valid form asks for."""
        kind = self.cleaned_data["kind"]
        return Subject(
            kind=kind,
            organisation=(
                self.organisations[self.cleaned_data["organisation"]]
                if kind == Subscription.Kind.ORGANISATION
                else None
            ),
            category=self.cleaned_data["category"] if kind == Subscription.Kind.CATEGORY else "",
            place=self.cleaned_data["place"] if kind == Subscription.Kind.PLACE else "",
        )

    @property
    def is_robot(self) -> bool:
        """The honeypot was filled: answer as if it worked, store and mail nothing."""
        return bool(self.cleaned_data.get(HONEYPOT))
