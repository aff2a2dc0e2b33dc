"""A platform's own pages (about, FAQ, Impressum, custom ones) and its contact form's messages."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from crowdmoving.tenancy.models import Platform


class ContentPage(models.Model):
    class Kind(models.TextChoices):
        ABOUT = "about", _("About")
        FAQ = "faq", _("FAQ")
        IMPRINT = "imprint", _("Imprint (Impressum)")
        CUSTOM = "custom", _("Custom page")

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="pages")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CUSTOM)
    slug = models.SlugField(_("address"), max_length=60)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text (Markdown)"), max_length=50_000)
    body_html = models.TextField(editable=False)  # rendered and sanitised once at write time
    position = models.PositiveIntegerField(_("position in the navigation"), default=0)
    in_navigation = models.BooleanField(_("show in the navigation"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[ContentPage]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "slug"], name="page_slug_per_platform"),
            models.UniqueConstraint(
                fields=["platform", "kind"],
                condition=~models.Q(kind="custom"),
                name="one_special_page_per_platform",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ContactMessage(models.Model):
    """A message sent through a platform's contact form; emailed to the platform's contact
    address (never to the address typed in)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    website = models.URLField(_("website"), blank=True)
    message = models.TextField(_("message"), max_length=350)
    created_at = models.DateTimeField(auto_now_add=True)
    # The platform's inbox (/platform/messages/): when and by which administrator a message
    # was marked handled; both empty while it is open.
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    objects: ClassVar[models.Manager[ContactMessage]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.platform_id}: {self.name}"
