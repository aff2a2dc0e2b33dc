"""A platform is one white-label site of the installation; a domain points a host at it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Platform(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    default_language = models.CharField(
        _("default language"),
        max_length=8,
        default="de",
        choices=[("de", "Deutsch"), ("en", "English")],
    )
    is_default = models.BooleanField(
        _("default platform"),
        default=False,
        help_text=_("The hub: served on localhost and on hosts not otherwise assigned."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_platform",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    domain = models.CharField(_("domain"), max_length=253, unique=True)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="domains")
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain


class PlatformAdmin(models.Model):
    """A person who runs one platform: its look, pages, privacy text and audit log.

    Operators (staff users) run the installation; platform administrators run one platform."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="admins")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_admin_of"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[PlatformAdmin]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("platform administrator")
        verbose_name_plural = _("platform administrators")
        constraints = [
            models.UniqueConstraint(fields=["platform", "user"], name="one_admin_row_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.platform}"
