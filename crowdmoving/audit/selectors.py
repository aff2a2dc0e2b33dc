"""The audit log's page: entries newest first, with what each one concerns in readable words.

A page costs a constant number of queries: the count, the entries with their people (and
platform), and one query per kind of object they concern (at most one per entry of TARGETS)."""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from crowdmoving.organisations.models import Organisation
from crowdmoving.pages.models import ContentPage
from crowdmoving.privacy.models import PrivacyText
from crowdmoving.projects.models import Project, Task
from crowdmoving.tenancy.models import Platform

from .models import AuditEntry

PAGE_SIZE = 50


@dataclass(frozen=True)
class TargetKind:
    model: type[models.Model]
    label: Promise  # what kind of object, e.g. "Project"
    platform_path: str  # the lookup from the object to its platform
    title: str  # the field that names an object


# The objects entries may concern. An object still there (on this platform) is named by its
# title; anything else reads "Project #12" (the same for a type not listed here).
TARGETS: dict[str, TargetKind] = {
    "projects.project": TargetKind(Project, _("Project"), "organisation__platform", "title"),
    "projects.task": TargetKind(Task, _("Task"), "project__organisation__platform", "title"),
    "organisations.organisation": TargetKind(Organisation, _("Organisation"), "platform", "name"),
    "privacy.privacytext": TargetKind(PrivacyText, _("Privacy text"), "platform", "version"),
    "tenancy.platform": TargetKind(Platform, _("Platform"), "pk", "name"),
    "pages.contentpage": TargetKind(ContentPage, _("Page"), "platform", "title"),
}


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries(platform: Platform | None, where: AuditFilter) -> QuerySet[AuditEntry]:
    """Entries of ``platform`` (every platform's for None: operators only) that match
    ``where``, newest first. Days are local days; ``until`` includes its whole day."""
    entries = AuditEntry.objects.select_related("actor", "subject", "platform").order_by(
        "-created_at", "-id"
    )
    if platform is not None:
        entries = entries.filter(platform=platform)
    if where.action:
        entries = entries.filter(action=where.action)
    if where.since:
        entries = entries.filter(created_at__gte=_start_of(where.since))
    if where.until:
        entries = entries.filter(created_at__lt=_start_of(where.until + timedelta(days=1)))
    return entries


def audit_page(platform: Platform | None, where: AuditFilter, number: Any) -> Page:
    """One page of PAGE_SIZE entries (``number`` as the visitor typed it; anything odd is the
    first or last page), each with ``target_label`` and ``details`` for display.

    The request's platform scope keeps every other platform's entries and objects out (the
    explicit filters say the same); only the operators' view of every platform (``platform``
    None) lifts it."""
    with scopes_disabled() if platform is None else nullcontext():
        page = Paginator(audit_entries(platform, where), PAGE_SIZE).get_page(number)
        entries = list(page.object_list)
        _label_targets(entries, platform)
    for entry in entries:
        entry.details = details(entry.data)  # type: ignore[attr-defined]
    page.object_list = entries
    return page


def _label_targets(entries: list[AuditEntry], platform: Platform | None) -> None:
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        if entry.target_type:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    titles: dict[tuple[str, str], str] = {}
    for target_type, ids in wanted.items():
        kind = TARGETS.get(target_type)
        if kind is None:
            continue
        found = kind.model._default_manager.filter(pk__in=[i for i in ids if i.isdigit()])
        if platform is not None:
            found = found.filter(**{kind.platform_path: platform.pk})
        for pk, title in found.values_list("pk", kind.title):
            titles[(target_type, str(pk))] = str(title)
    for entry in entries:
        entry.target_label = _target_label(entry, titles)  # type: ignore[attr-defined]


def _target_label(entry: AuditEntry, titles: dict[tuple[str, str], str]) -> str:
    if not entry.target_type:
        return ""
    kind = TARGETS.get(entry.target_type)
    kind_label = str(kind.label) if kind else entry.target_type
    title = titles.get((entry.target_type, entry.target_id))
    if title is None:
        return f"{kind_label} #{entry.target_id}"
    return f"{kind_label} “{title}”"


def details(data: Any) -> list[tuple[str, str]]:
    """The entry's details as (key, text) pairs, sorted by key; the template escapes them."""
    if not isinstance(data, dict):
        return [("", json.dumps(data, ensure_ascii=False))]
    return [
        (str(key), value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in sorted(data.items())
    ]
