"""Organisations publish projects; members hold roles that decide what they may do."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from crowdmoving.tenancy.models import Platform


class Organisation(models.Model):
    class Approval(models.TextChoices):
        """Whether the organisation may publish projects: on platforms where new organisations
        need the administrators' approval (Platform.publishing), a new one waits for it."""

        APPROVED = "approved", _("Approved")
        PENDING = "pending", _("Waiting for approval")
        DECLINED = "declined", _("Declined")

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name in addresses"), max_length=60)
    description = models.TextField(_("about the organisation"), blank=True, max_length=2000)
    website = models.URLField(_("website"), blank=True)
    embed_origins = models.TextField(
        _("websites that may embed your projects"),
        blank=True,
        max_length=2000,
        help_text=_(
            "One address per line, for example https://www.example.org. Only these websites "
            "may show your projects' task lists in a frame."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approval = models.CharField(
        _("approval"), max_length=12, choices=Approval.choices, default=Approval.APPROVED
    )
    approval_decided_at = models.DateTimeField(null=True, blank=True)
    approval_reason = models.TextField(_("reason"), blank=True, max_length=1000)

    objects: ClassVar[models.Manager[Organisation]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "slug"], name="organisation_slug_per_platform"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.approval == self.Approval.APPROVED


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    COORDINATOR = "coordinator", _("Coordinator")
    EDITOR = "editor", _("Editor")


class Membership(models.Model):
    Role = Role

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[Membership]] = ScopedManager(platform="organisation__platform")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_membership_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

    @property
    def can_edit_projects(self) -> bool:
        """Create and edit projects and tasks, change a project's state."""
        return self.role in (Role.OWNER, Role.EDITOR)

    @property
    def can_see_supporters(self) -> bool:
        """See who holds which task with contact details, and the waiting lists."""
        return self.role in (Role.OWNER, Role.COORDINATOR)

    @property
    def can_manage_members(self) -> bool:
        return self.role == Role.OWNER

    @property
    def can_change_settings(self) -> bool:
        """The organisation's settings, e.g. the websites that may embed its projects."""
        return self.role == Role.OWNER


class Invitation(models.Model):
    """An invitation by email to join an organisation with a role; works without an account."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EDITOR)
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

    objects: ClassVar[models.Manager[Invitation]] = ScopedManager(platform="organisation__platform")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} -> {self.organisation} ({self.role})"
