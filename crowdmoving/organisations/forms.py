"""Forms of the organisers' side for organisations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crowdmoving.tenancy.models import Platform

from .models import Organisation, Role


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Please enter a full web address, like https://example.org")},
    )

    class Meta:
        model = Organisation
        fields = ["name", "description", "website"]
        labels = {"description": _("Short description")}
        help_texts = {
            "name": _("As people know you, e.g. “KRASS e.V.”."),
            "description": _("Two or three sentences: who you are and what you do."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {
                "required": _("Please give the organisation a name."),
                "max_length": _("The name can be at most %(limit_value)d characters long."),
            },
        }


ROLE_HELP = _(
    "Owner: members, settings and everything else. Coordinator: supporters, messages and "
    "confirming who took part. Editor: projects and tasks."
)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Please enter the email address of the person you invite."),
            "invalid": _("Please enter an email address like name@example.org."),
        },
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, help_text=ROLE_HELP)


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        error_messages={"invalid_choice": _("Please choose one of the roles.")},
    )


# --- the platform administrators' approval queue ---------------------------------------------


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Emailed to the organisation's owners."),
        error_messages={"max_length": _("At most %(limit_value)d characters, please.")},
    )


class PublishingForm(forms.Form):
    publishing = forms.ChoiceField(
        label=_("Who may publish"),
        choices=Platform.Publishing.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "With approval, a new organisation can prepare projects as drafts; it can publish "
            "once you approved it. Organisations that exist already stay approved. Switching "
            "back to open approves the organisations still waiting."
        ),
        error_messages={
            "required": _("Please choose who may publish."),
            "invalid_choice": _("Please choose one of the two rules."),
        },
    )
