"""Personal access tokens for the public API."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from crowdmoving.tenancy.models import Platform


class AccessToken(models.Model):
    """A token a person made in their settings, valid on the platform it was made on only (as a
    session is). Only a SHA-256 digest of the secret is stored; ``prefix`` (its first
    characters) lets the person tell their tokens apart."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[models.Manager[AccessToken]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
