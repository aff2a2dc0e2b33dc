"""Forms of the operator console: a new platform, a domain, an invitation, features, suspension."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .actions import subdomain_for
from .models import Domain, Feature, Platform

# A platform's short name is also the first label of its subdomain: lowercase letters, digits
# and inner hyphens.
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
RESERVED_SLUGS = frozenset({"www", "mail", "smtp", "imap", "api", "static", "media", "operator"})
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

NOT_A_HOST = _(
    "This is not a valid domain. A domain looks like mitmachen.example.org: letters, digits and "
    "hyphens, in parts separated by dots."
)


def clean_host_name(value: str) -> str:
    """The host name as the Host header will carry it: lowercase, without a final dot,
    international names in their xn-- form. Raises ValidationError for anything else (a
    scheme, a path, a port, an IP address, a name without a dot)."""
    name = value.strip().lower().rstrip(".")
    if any(mark in name for mark in ("://", "/", ":", "@", "?", "#")) or " " in name:
        raise ValidationError(
            _(
                "Please enter the domain alone, like mitmachen.example.org: without https://, "
                "without a path and without a port."
            ),
            code="not_bare",
        )
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValidationError(NOT_A_HOST, code="invalid") from error
    labels = name.split(".")
    if (
        len(name) > 253
        or len(labels) < 2
        or not all(HOST_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(NOT_A_HOST, code="invalid")
    return name


class PlatformCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("As people will know the platform, e.g. “Nestwärme mitmachen”."),
        error_messages={
            "required": _("Please give the platform a name."),
            "max_length": _("The name can be at most %(limit_value)d characters long."),
        },
    )
    slug = forms.CharField(
        label=_("Short name"),
        max_length=60,
        help_text=_(
            "Lowercase letters, digits and hyphens, e.g. “nestwaerme”. It names the platform's "
            "own subdomain and cannot be changed later."
        ),
        error_messages={
            "required": _("Please choose a short name."),
            "max_length": _("The short name can be at most %(limit_value)d characters long."),
        },
    )
    default_language = forms.ChoiceField(
        label=_("Default language"),
        choices=Platform._meta.get_field("default_language").choices,  # type: ignore[arg-type]
        initial="de",
        help_text=_("For visitors whose browser asks for neither German nor English."),
        error_messages={"invalid_choice": _("Please choose German or English.")},
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        if not SLUG.match(slug):
            raise ValidationError(
                _(
                    "Use only lowercase letters (a–z), digits and hyphens, starting and ending "
                    "with a letter or digit."
                ),
                code="invalid",
            )
        if slug in RESERVED_SLUGS:
            raise ValidationError(
                _("This short name is reserved. Please choose another one."), code="reserved"
            )
        if Platform.objects.filter(slug=slug).exists():
            raise ValidationError(
                _("Another platform already has this short name. Please choose another one."),
                code="taken",
            )
        domain = subdomain_for(slug)
        if domain and Domain.objects.filter(domain=domain).exists():
            raise ValidationError(
                _(
                    "The address %(domain)s is already used by a platform. Please choose "
                    "another short name."
                ),
                code="domain_taken",
                params={"domain": domain},
            )
        return slug


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Domain"),
        max_length=253,
        help_text=_(
            "E.g. mitmachen.example.org. Its DNS must point at this installation and the proxy "
            "needs a certificate for it (docs/deploy.md)."
        ),
        error_messages={
            "required": _("Please enter a domain."),
            "max_length": _("A domain can be at most %(limit_value)d characters long."),
        },
    )

    def clean_domain(self) -> str:
        name = clean_host_name(self.cleaned_data["domain"])
        if Domain.objects.filter(domain=name).exists():
            raise ValidationError(
                _("This domain is already used by a platform. Each domain can serve one platform."),
                code="taken",
            )
        return name


class InviteAdminForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_(
            "We email a link. It works for people without an account: they sign up with this "
            "address and accept."
        ),
        error_messages={
            "required": _("Please enter the email address of the person you invite."),
            "invalid": _("Please enter an email address like name@example.org."),
        },
    )


class FeaturesForm(forms.Form):
    features = forms.MultipleChoiceField(
        label=_("Features"),
        choices=Feature.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Switched-off features disappear from the platform at once."),
        error_messages={"invalid_choice": _("Please choose only features from the list.")},
    )


class SuspendForm(forms.Form):
    notice = forms.CharField(
        label=_("Notice for visitors (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown on every page of the platform while it is suspended, e.g. when it will be "
            "back or whom to ask."
        ),
        error_messages={
            "max_length": _(
                "The notice can be at most %(limit_value)d characters long (it has %(show_value)d)."
            )
        },
    )
