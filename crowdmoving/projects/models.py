"""Projects told as stories, their concrete tasks, and people's commitments to them."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from crowdmoving.organisations.models import Organisation


def new_secret() -> str:
    return secrets.token_urlsafe(18)


class Project(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        INNER_CIRCLE = "inner_circle", _("Inner circle")
        PUBLIC = "public", _("Public")
        CLOSED = "closed", _("Closed")

    class Category(models.TextChoices):
        """What a project is about: a filter of the directory and of email alerts."""

        CHILDREN = "children", _("Children and youth")
        EDUCATION = "education", _("Education")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
        SOCIAL = "social", _("Social help")
        INTEGRATION = "integration", _("Refugees and integration")
        OLDER_PEOPLE = "older_people", _("Older people")
        HEALTH = "health", _("Health and care")
        ENVIRONMENT = "environment", _("Environment and nature")
        ANIMALS = "animals", _("Animals")
        CULTURE = "culture", _("Culture")
        SPORT = "sport", _("Sport")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=120)
    story = models.TextField(
        _("story"),
        max_length=20000,
        blank=True,
        help_text=_(
            "Who are you, what do you want to do, what changes when it is done, and what can "
            "people contribute? Markdown: **bold**, *italic*, lists, links."
        ),
    )
    story_html = models.TextField(editable=False, blank=True)
    cover = models.ImageField(_("cover image"), upload_to="covers/", blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    suitable_for_groups = models.BooleanField(
        _("suitable for groups"),
        default=False,
        help_text=_("Teams, school classes or colleagues can join together."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    secret = models.CharField(max_length=40, default=new_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("remind supporters this many hours before a task"),
        default=24,
        help_text=_("0 sends no reminders."),
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_projects",
        help_text="Supporters to whom the volunteer coordination of this project is handed over.",
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the project first became public."
    )
    public_on = models.DateField(
        _("public automatically on"),
        null=True,
        blank=True,
        help_text=_(
            "While the project is shown to the inner circle only, the worker makes it public "
            "on this day and tells the organisers."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The directory's sort keys (projects.directory.refresh_sort_keys, every minute by the
    # worker): the next date of an open task (else the start, if ahead) and the free places of
    # open tasks. Kept apart from the take-over, which writes tasks only.
    next_on = models.DateField(null=True, blank=True, editable=False)
    places_open = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[models.Manager[Project]] = ScopedManager(platform="organisation__platform")

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]
        indexes = [
            # Lists of public projects, newest first (home page, network hub): the first page
            # is read from the index instead of sorting every public project.
            models.Index(fields=["status", "-created_at", "-id"], name="project_listing"),
            # The directory's sort orders "soonest" and "most places free" (projects.directory).
            models.Index(
                fields=["status", "next_on", "-created_at", "-id"], name="project_soonest"
            ),
            models.Index(
                fields=["status", "-places_open", "-created_at", "-id"], name="project_most_needed"
            ),
            models.Index(fields=["category", "status"], name="project_category"),
            # The Atom feeds: public projects, newest publication first (reach.feeds).
            models.Index(fields=["status", "-published_at", "-id"], name="project_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def is_open_for_takeover(self) -> bool:
        return self.status in (self.Status.INNER_CIRCLE, self.Status.PUBLIC)


class Task(models.Model):
    class Timing(models.TextChoices):
        SCHEDULED = "scheduled", _("On a date, from - to")
        DAY = "day", _("A whole day")
        FLEXIBLE = "flexible", _("Flexible, whenever it suits")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    timing = models.CharField(
        _("when"), max_length=12, choices=Timing.choices, default=Timing.FLEXIBLE
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    day = models.DateField(_("day"), null=True, blank=True)
    location = models.CharField(_("where"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("people needed"), default=1)
    taken = models.PositiveIntegerField(default=0, editable=False)
    skills = models.CharField(_("helpful skills"), max_length=200, blank=True)
    easy = models.BooleanField(
        _("easy to join"),
        default=False,
        help_text=_("Takes little time and no special skill: a good first step for newcomers."),
    )
    position = models.PositiveIntegerField(default=0, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Grows with every change a task card shows (places, names, fields): its cache key.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects: ClassVar[models.Manager[Task]] = ScopedManager(
        platform="project__organisation__platform"
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="task_needs_someone"),
            models.CheckConstraint(
                condition=models.Q(taken__lte=models.F("capacity")), name="task_never_overbooked"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="task_ends_after_start",
            ),
        ]
        indexes = [
            # The directory's task filters (a date range, "needs people this week"): the tasks
            # not removed, by date. The take-over changes neither column (its updates stay HOT).
            models.Index(
                fields=["starts_at"],
                condition=models.Q(removed_at__isnull=True),
                name="task_open_by_start",
            ),
            models.Index(
                fields=["day"], condition=models.Q(removed_at__isnull=True), name="task_open_by_day"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.taken >= self.capacity

    @property
    def skill_list(self) -> list[str]:
        return [s.strip() for s in self.skills.split(",") if s.strip()]

    @property
    def sort_start(self):  # type: ignore[no-untyped-def]
        return self.starts_at.date() if self.starts_at else self.day


class Commitment(models.Model):
    """A person's take-over of a task, a place held until email confirmation, or a waiting place."""

    class Status(models.TextChoices):
        HELD = "held", _("Held until confirmed")
        ACTIVE = "active", _("Taken")
        WAITING = "waiting", _("On the waiting list")
        WITHDRAWN = "withdrawn", _("Stepped back")
        EXPIRED = "expired", _("Not confirmed in time")
        RELEASED = "released", _("Released by the organiser")
        COMPLETED = "completed", _("Took part")
        NO_SHOW = "no_show", _("Did not come")

    LIVE = (Status.HELD, Status.ACTIVE, Status.WAITING)
    HOLDING_A_PLACE = (Status.HELD, Status.ACTIVE)

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="commitments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitments"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    joined_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=128, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    # After the day: who took part, with how many hours, confirmed by whom and when.
    hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    attendance_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendance_confirmed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    welcomed_at = models.DateTimeField(null=True, blank=True)
    nudged_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[Commitment]] = ScopedManager(
        platform="task__project__organisation__platform"
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "user"],
                condition=models.Q(status__in=["held", "active", "waiting"]),
                name="one_live_commitment_per_person_and_task",
            )
        ]
        indexes = [models.Index(fields=["task", "status", "joined_at"])]

    def __str__(self) -> str:
        return f"{self.user} -> {self.task} ({self.status})"
