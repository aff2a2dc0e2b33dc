"""The audit log: security- and privacy-relevant events, written once and never changed.

An entry says who did what, when, on which platform, to whom or to which object. It holds no
names, email addresses, passwords, tokens or message texts: the actor and the person concerned
are foreign keys that become empty when that person's account is deleted, so a deleted person
leaves no trace here (the DSGVO deletion test dumps the database to prove it). The one change
ever made: the client address is blanked after RETENTION_AUDIT_IP_DAYS (audit.retention)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from crowdmoving.tenancy.models import Platform


class Action(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    MFA_CHANGED = "mfa_changed", _("Two-factor authentication changed")
    ROLE_CHANGED = "role_changed", _("Role changed")
    MEMBER_ADDED = "member_added", _("Member added")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    SUPPORTERS_EXPORTED = "supporters_exported", _("Supporter list exported")
    CONTACTS_VIEWED = "contacts_viewed", _("Contact details viewed in bulk")
    DATA_EXPORTED = "data_exported", _("Own data downloaded")
    DELETION_REQUESTED = "deletion_requested", _("Account deletion requested")
    ACCOUNT_DELETED = "account_deleted", _("Account deleted")
    CONSENT_GIVEN = "consent_given", _("Consent given")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    SETTINGS_CHANGED = "settings_changed", _("Settings changed")
    PRIVACY_TEXT_PUBLISHED = "privacy_text_published", _("Privacy text published")
    PLATFORM_ADMIN_CHANGED = "platform_admin_changed", _("Platform administrators changed")
    COORDINATION_HANDED_OVER = "coordination_handed_over", _("Coordination handed over")
    COORDINATION_TAKEN_BACK = "coordination_taken_back", _("Coordination taken back")
    PROJECT_STATE_CHANGED = "project_state_changed", _("Project state changed")
    SECRET_LINK_RENEWED = "secret_link_renewed", _("Inner-circle link renewed")
    PLATFORM_CREATED = "platform_created", _("Platform created")
    PLATFORM_SUSPENDED = "platform_suspended", _("Platform suspended")
    PLATFORM_REACTIVATED = "platform_reactivated", _("Platform reactivated")
    DOMAIN_CHANGED = "domain_changed", _("Platform domains changed")
    ORGANISATION_APPROVED = "organisation_approved", _("Organisation approved")
    ORGANISATION_DECLINED = "organisation_declined", _("Organisation declined")
    API_TOKEN_CREATED = "api_token_created", _("API access token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API access token revoked")


class ImmutableQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    Action = Action

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("what"), max_length=32, choices=Action.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    target_type = models.CharField(max_length=60, blank=True)  # e.g. "projects.project"
    target_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)  # details without personal data
    # Whether an actor / a person concerned was recorded: an empty foreign key with the flag set
    # means that person's account was deleted since (shown as "deleted account").
    had_actor = models.BooleanField(default=False, editable=False)
    had_subject = models.BooleanField(default=False, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects: ClassVar[models.Manager[AuditEntry]] = ScopedManager(
        platform="platform", _manager_class=models.Manager.from_queryset(ImmutableQuerySet)
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["platform", "-created_at"], name="audit_platform_recent")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit entries cannot be deleted.")
