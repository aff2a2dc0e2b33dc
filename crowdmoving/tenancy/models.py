"""A platform is one white-label site of the installation; a domain points a host at it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Feature(models.TextChoices):
    """Capabilities an operator switches per platform (Platform.features lists the enabled)."""

    GUEST_TAKEOVER = "guest_takeover", _("Take tasks without an account (name and email)")
    TEAM = "team", _("Team space of projects (updates, board, messages)")


def all_features() -> list[str]:
    """A new platform starts with every capability switched on."""
    return list(Feature.values)


class Platform(models.Model):
    Feature = Feature

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    class Publishing(models.TextChoices):
        OPEN = "open", _("Anyone may register an organisation and publish")
        APPROVAL = "approval", _("New organisations need the administrators' approval")

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
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    suspended_notice = models.TextField(
        _("notice while suspended"),
        blank=True,
        max_length=1000,
        help_text=_("Shown to visitors instead of the platform while it is suspended."),
    )
    features = models.JSONField(_("features"), default=all_features, blank=True)
    # The look: applies to every page and every email of the platform.
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    logo = models.ImageField(_("logo"), upload_to="platforms/logos/", blank=True)
    favicon = models.ImageField(_("favicon"), upload_to="platforms/icons/", blank=True)
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#0b6e4f")
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#f2a541")
    social_links = models.JSONField(_("social links"), default=list, blank=True)
    # Mail: the sender's display name and the address replies go to.
    email_sender_name = models.CharField(_("sender name of emails"), max_length=80, blank=True)
    email_reply_to = models.EmailField(_("reply-to address of emails"), blank=True)
    publishing = models.CharField(
        _("who may publish"), max_length=12, choices=Publishing.choices, default=Publishing.OPEN
    )
    show_in_network = models.BooleanField(
        _("show our public projects in the network"),
        default=True,
        help_text=_("The hub lists this platform's public projects and links to them here."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    def has_feature(self, feature: str) -> bool:
        return str(feature) in (self.features or [])


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


class PlatformInvitation(models.Model):
    """An operator's (or administrator's) invitation by email to administer a platform."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[PlatformInvitation]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("administrator invitation")
        verbose_name_plural = _("administrator invitations")

    def __str__(self) -> str:
        return f"{self.email} -> {self.platform}"
