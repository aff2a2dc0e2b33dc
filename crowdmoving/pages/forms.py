"""The administrators' form for a content page."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from crowdmoving.tenancy.models import Platform

from .models import ContentPage

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 60
BODY_MAX_LENGTH = 50_000


class PageForm(forms.ModelForm):
    slug = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=SLUG_MAX_LENGTH,
        help_text=_(
            "The page is at /p/<address>/. Lowercase letters, digits and hyphens, e.g. "
            "“about-us”. Leave it empty to make one from the title."
        ),
        error_messages={"max_length": _("The address can be at most %(limit_value)d characters.")},
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        max_length=BODY_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Headings with ##, lists with -, **bold**, links as [text](https://…). "
            "Use “Preview” to see it before saving."
        ),
        error_messages={
            "required": _("Please write the page's text."),
            "max_length": _("This is too long: at most %(limit_value)d characters."),
        },
    )

    class Meta:
        model = ContentPage
        fields = ["title", "kind", "slug", "body", "in_navigation"]
        labels = {
            "title": _("Title"),
            "kind": _("Kind of page"),
            "in_navigation": _("Show in the navigation"),
        }
        help_texts = {
            "kind": _(
                "The imprint (Impressum) is always linked in the footer. A platform has at "
                "most one about page, one FAQ and one imprint, and any number of custom pages."
            ),
            "in_navigation": _("A link to the page in the main navigation at the top."),
        }
        error_messages = {
            "title": {
                "required": _("Please give the page a title."),
                "max_length": _("The title can be at most %(limit_value)d characters long."),
            },
            "kind": {"invalid_choice": _("Please choose one of the kinds of page.")},
        }

    def __init__(self, *args: Any, platform: Platform, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.platform = platform

    def _others(self) -> Any:
        return ContentPage.objects.filter(platform=self.platform).exclude(pk=self.instance.pk)

    def clean_slug(self) -> str:
        slug: str = (self.cleaned_data.get("slug") or "").strip().lower()
        if slug and not SLUG_PATTERN.match(slug):
            raise forms.ValidationError(
                _(
                    "Use only lowercase letters (a-z), digits and single hyphens between "
                    "them, e.g. “about-us”."
                )
            )
        return slug

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data["kind"]
        if kind != ContentPage.Kind.CUSTOM:
            same = self._others().filter(kind=kind).only("title").first()
            if same is not None:
                raise forms.ValidationError(
                    _(
                        "This platform has a page of this kind already: “%(title)s”. Edit "
                        "that page, or choose “Custom page”."
                    )
                    % {"title": same.title}
                )
        return kind

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors.get("slug"):
            return cleaned
        slug = cleaned.get("slug") or ""
        if not slug and cleaned.get("title"):
            slug = slugify(cleaned["title"])[:SLUG_MAX_LENGTH].strip("-")
            if not slug:
                self.add_error(
                    "slug",
                    _("Please choose an address: the title has no letters to make one from."),
                )
                return cleaned
        if slug:
            same = self._others().filter(slug=slug).only("title").first()
            if same is not None:
                self.add_error(
                    "slug",
                    _(
                        "The address /p/%(slug)s/ belongs to the page “%(title)s” already. "
                        "Please choose another."
                    )
                    % {"slug": slug, "title": same.title},
                )
            cleaned["slug"] = slug
        return cleaned
