"""The outbox: every mail is a row written in the same transaction as the change it reports."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from crowdmoving.tenancy.models import Platform


class Kind(models.TextChoices):
    """What a notification is about; each kind can be muted for email (except essentials)."""

    TASK_TAKEN = "task_taken", _("Someone took a task of my project")
    TASK_WITHDRAWN = "task_withdrawn", _("Someone stepped back from a task of my project")
    CONFIRMED = "confirmed", _("Confirmation when I take a task")
    PROMOTED = "promoted", _("I moved up from a waiting list")
    TASK_CHANGED = "task_changed", _("A task I hold was changed or removed")
    PROJECT_CLOSED = "project_closed", _("A project I help with was closed")
    TEAM_MESSAGE = "team_message", _("A new message in a project team")
    INTRODUCTION = "introduction", _("An organiser introduces me to someone")
    REMINDER = "reminder", _("A reminder before my task")
    WELCOME_NUDGE = "welcome_nudge", _("A new supporter is waiting for a welcome")
    MEMBERSHIP = "membership", _("Changes to my roles in an organisation")
    PROJECT_RELEASE = "project_release", _("A project went public on its day (or could not)")


# Always emailed at once: a person must not miss these by a setting.
ESSENTIAL_KINDS = {Kind.CONFIRMED, Kind.PROMOTED, Kind.TASK_CHANGED}


class Notification(models.Model):
    """An in-app notification; the list with its unread count is per platform."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False, help_text="Sent by email at once.")
    digested_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[Notification]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "platform", "read_at"])]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, null=True, related_name="outbox_messages"
    )
    key = models.CharField(max_length=200, unique=True, help_text="Deduplicates deliveries.")
    to = models.EmailField()
    # From and Reply-To as they were when the mail was queued (outbox.sender_for/reply_to_for):
    # a later change of the platform's mail settings does not alter mail already queued.
    sender = models.CharField(max_length=255, blank=True)
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text="Files sent along: [{filename, mimetype, content}]."
    )
    # Extra headers of the mail, fixed at queue time, e.g. an alert digest's List-Unsubscribe
    # and List-Unsubscribe-Post (RFC 8058).
    headers = models.JSONField(default=dict, blank=True, help_text="Extra mail headers.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    # Mail of the platform-less account flows (allauth) has platform NULL; the worker reads
    # across platforms with scopes disabled.
    objects: ClassVar[models.Manager[OutboxMessage]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
