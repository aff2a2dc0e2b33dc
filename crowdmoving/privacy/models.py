"""Privacy texts per platform, in versions, and who consented to which version when."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from crowdmoving.tenancy.models import Platform


class PrivacyText(models.Model):
    """One published version of a platform's Datenschutzerklärung. Versions are never edited:
    a change is a new version, and people are asked to accept it again."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="privacy_texts")
    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text (Markdown)"), max_length=50_000)
    body_html = models.TextField(editable=False)  # rendered and sanitised once at write time
    summary_of_changes = models.CharField(_("what changed"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[models.Manager[PrivacyText]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("privacy text")
        verbose_name_plural = _("privacy texts")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "version"], name="one_privacy_text_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} v{self.version}"


class Purpose(models.TextChoices):
    PRIVACY_TEXT = "privacy_text", _("Processing as the privacy text describes")


class Consent(models.Model):
    """A person accepted a version of a platform's privacy text for a purpose; withdrawn_at is
    set when they take it back (a withdrawal never deletes the record of the consent)."""

    Purpose = Purpose

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    text = models.ForeignKey(
        PrivacyText, on_delete=models.PROTECT, related_name="consents", verbose_name=_("version")
    )
    given_at = models.DateTimeField(_("given"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects: ClassVar[models.Manager[Consent]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["user", "platform", "purpose"], name="consent_lookup")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} v{self.text_id}"


class HeldConsent(models.Model):
    """A visitor without an account accepted a version when holding a place. It becomes a
    Consent when they confirm the place (which proves the address is theirs); until then it
    is nobody's consent, and it goes with the held place."""

    commitment = models.OneToOneField(
        "projects.Commitment", on_delete=models.CASCADE, related_name="+"
    )
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    text = models.ForeignKey(PrivacyText, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[HeldConsent]] = ScopedManager(platform="platform")

    def __str__(self) -> str:
        return f"{self.commitment_id} v{self.text_id}"


class PurgeRun(models.Model):
    """One day's retention purge (crowdmoving.privacy.retention). The worker claims a day by
    inserting its row, so that of several workers exactly one purges; the row keeps the counts
    (never what was deleted)."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    accounts = models.PositiveIntegerField(default=0)
    commitments = models.PositiveIntegerField(default=0)
    audit_addresses = models.PositiveIntegerField(default=0)  # audit entries' addresses blanked

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"purge {self.day}"
