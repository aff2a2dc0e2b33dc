"""One identity across the network: a person signs in by email on any platform."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager["User"]):
    use_in_migrations = True

    def _create_user_by_email(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: object
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user_by_email(email, password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: object
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user_by_email(email, password, **extra)


class User(AbstractUser):
    class Visibility(models.TextChoices):
        FULL_NAME = "full", _("My full name")
        FIRST_NAME = "first", _("My first name only")
        ANONYMOUS = "anonymous", _("Anonymous")

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    visibility = models.CharField(
        _("Show others on project pages"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.FIRST_NAME,
    )
    language = models.CharField(
        _("language"), max_length=8, blank=True, choices=[("de", "Deutsch"), ("en", "English")]
    )
    share_contact = models.BooleanField(
        _("Other supporters of my projects may see my email address"),
        default=False,
        help_text=_("Organisers always see it. Off unless you switch it on."),
    )
    share_contact_asked = models.BooleanField(default=False, editable=False)
    muted_email_kinds = models.JSONField(
        default=list, blank=True, help_text="Notification kinds not sent by email."
    )
    daily_digest = models.BooleanField(
        _("One email a day with everything, instead of single emails"), default=False
    )
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    calendar_token = models.CharField(max_length=40, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def first_name_only(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""

    def public_name(self) -> str:
        """The name shown to other people, as this person allows; empty means anonymous."""
        if self.visibility == self.Visibility.FULL_NAME:
            return self.name
        if self.visibility == self.Visibility.FIRST_NAME:
            return self.first_name_only
        return ""

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.first_name_only
