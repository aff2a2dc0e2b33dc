from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up: the name others see (as the person allows)."""

    name = forms.CharField(label=_("Your name"), max_length=120)

    def signup(self, request: HttpRequest, user: User) -> None:
        user.name = self.cleaned_data["name"].strip()
        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        user.save(update_fields=["name", "language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "visibility", "language"]
        widgets = {"visibility": forms.RadioSelect}
