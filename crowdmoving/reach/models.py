"""Email alerts: people subscribe to new tasks of an organisation, a category or a place."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from crowdmoving.organisations.models import Organisation
from crowdmoving.projects.models import Project
from crowdmoving.tenancy.models import Platform


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Subscription(models.Model):
    """One person's alert on one platform. It stays unconfirmed (and sends nothing) until the
    link in the confirmation mail is opened (double opt-in); ``token`` also unsubscribes with
    one click."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("An organisation")
        CATEGORY = "category", _("A category")
        PLACE = "place", _("A place")

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("email"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
    )
    language = models.CharField(max_length=10, default="de")
    kind = models.CharField(_("alert about"), max_length=16, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Project.Category.choices, blank=True
    )
    # A postal code or its first digits ("04" matches 04103), or a town's name.
    place = models.CharField(_("place or postal code"), max_length=100, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Tasks created after this moment go into the next digest.
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[Subscription]] = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "email", "kind", "organisation", "category", "place"],
                name="one_alert_per_address_and_subject",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="organisation",
                        organisation__isnull=False,
                        category="",
                        place="",
                    )
                    | models.Q(kind="category", organisation__isnull=True, place="")
                    & ~models.Q(category="")
                    | models.Q(kind="place", organisation__isnull=True, category="")
                    & ~models.Q(place="")
                ),
                name="alert_names_exactly_its_subject",
            ),
        ]
        indexes = [models.Index(fields=["confirmed_at"], name="alert_confirmed")]

    def __str__(self) -> str:
        return f"{self.email}: {self.kind}"
