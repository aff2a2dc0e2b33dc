from typing import Any

from allauth.core import context as allauth_context
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from crowdmoving.privacy.actions import give_consent
from crowdmoving.privacy.forms import ask_to_accept
from crowdmoving.privacy.selectors import current_text

from .models import User


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up: the name others see (as the person allows), and
    accepting the platform's privacy text when it has one (recorded as their consent)."""

    name = forms.CharField(label=_("Your name"), max_length=120)
    field_order = ["name", "email", "password1", "password2"]  # the privacy checkbox last

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        platform = getattr(allauth_context.request, "platform", None)
        self.privacy_text = ask_to_accept(self, current_text(platform) if platform else None)

    def signup(self, request: HttpRequest, user: User) -> None:
        user.name = self.cleaned_data["name"].strip()
        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        user.save(update_fields=["name", "language"])
        if self.privacy_text is not None:
            give_consent(user, self.privacy_text, request=request)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "visibility", "language"]
        widgets = {"visibility": forms.RadioSelect}
