"""The outbox: every mail is a row written in the same transaction as the change it reports."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from crowdmoving.tenancy.models import Platform


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
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html_body = models.TextField(blank=True)
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
