"""The team space of a project: updates from the organisers, a board for everyone in the team,
messages to one person or to everyone on a task, and introductions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from crowdmoving.projects.models import Project, Task


class TeamMessage(models.Model):
    class Kind(models.TextChoices):
        UPDATE = "update", _("Update to everyone")
        BOARD = "board", _("Board")
        DIRECT = "direct", _("To one person")
        TASK = "task", _("To everyone on a task")
        INTRODUCTION = "introduction", _("Introduction")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team_messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    body = models.TextField(_("message"), max_length=2000)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="DIRECT: the person; INTRODUCTION: the first of the two.",
    )
    introduced = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="INTRODUCTION: the second person.",
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[models.Manager[TeamMessage]] = ScopedManager(
        platform="project__organisation__platform"
    )

    class Meta:
        verbose_name = _("team message")
        verbose_name_plural = _("team messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.body[:40]}"
