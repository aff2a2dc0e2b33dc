"""A person's tasks as iCalendar events, each linking to the task on its own platform."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from crowdmoving.core import ics
from crowdmoving.notifications.outbox import site_url
from crowdmoving.projects.models import Task
from crowdmoving.tenancy.models import Platform


def task_event(task: Task, base_url: str) -> str:
    """The event of ``task`` (scheduled or whole-day; the caller leaves flexible ones out);
    ``base_url`` is the absolute address of the task's platform."""
    project = task.project
    url = f"{base_url}{reverse('projects:detail', args=[project.pk])}#task-{task.pk}"
    description = "\n".join(
        part
        for part in (
            _("%(project)s by %(organisation)s")
            % {"project": project.title, "organisation": project.organisation.name},
            task.description,
            url,
        )
        if part
    )
    host = base_url.split("://", 1)[-1]
    return ics.event(
        f"task-{task.pk}@{host}",
        task.starts_at if task.timing == Task.Timing.SCHEDULED else None,
        task.ends_at if task.timing == Task.Timing.SCHEDULED else None,
        task.day if task.timing == Task.Timing.DAY else None,
        task.title,
        description,
        task.location or project.place,
        url,
    )


class PlatformURLs:
    """The absolute base address of each platform, looked up once per platform."""

    def __init__(self) -> None:
        self._known: dict[int, str] = {}

    def __call__(self, platform: Platform) -> str:
        if platform.pk not in self._known:
            self._known[platform.pk] = site_url(platform)
        return self._known[platform.pk]


def has_date(task: Task) -> bool:
    if task.timing == Task.Timing.SCHEDULED:
        return task.starts_at is not None
    return task.timing == Task.Timing.DAY and task.day is not None
