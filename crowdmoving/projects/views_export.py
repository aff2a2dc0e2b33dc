"""The supporters of a project as a spreadsheet, for its owners and coordinators."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from crowdmoving.accounts.deletion import is_tombstone
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.core.ratelimit import rate_limit
from crowdmoving.organisations.permissions import can_see_supporters

from .models import Commitment, Project
from .views_manage import _access_project

# A cell starting with one of these is a formula to a spreadsheet (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text, never runs it."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def supporter_rows(project: Project) -> list[Commitment]:
    """Every commitment of ``project`` (also stepped back, expired, of removed tasks), by
    task and then in the order people joined, with task and person: one query."""
    return list(
        Commitment.objects.filter(task__project=project)
        .select_related("task", "user")
        .order_by("task__position", "task_id", "joined_at", "pk")
    )


def write_csv(rows: Iterable[Commitment]) -> str:
    """The spreadsheet as text. Where the language writes decimals with a comma (German),
    cells are separated by semicolons and hours use the comma, as Excel there expects."""
    comma_decimals = formats.get_format("DECIMAL_SEPARATOR") == ","
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if comma_decimals else ",", lineterminator="\r\n")
    writer.writerow(
        [_("Task"), _("Status"), _("Name"), _("Email"), _("Hours"), _("Since"), _("Last change")]
    )
    for commitment in rows:
        person = commitment.user
        gone = is_tombstone(person)
        cells: list[Any] = [
            commitment.task.title,
            commitment.get_status_display(),
            _("(deleted account)") if gone else person.name,
            "" if gone else person.email,
            formats.number_format(commitment.hours, decimal_pos=2)
            if commitment.hours is not None
            else "",
            _when(commitment.joined_at),
            _when(commitment.changed_at),
        ]
        writer.writerow([safe_cell(str(cell)) for cell in cells])
    return out.getvalue()


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@login_required
@rate_limit("supporters_export", method="GET")
def supporters_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Download one row per commitment of the project: who, which task, status, contact,
    hours. For those who may see the supporters; noted in the audit log."""
    project, _rights = _access_project(request, pk, can_see_supporters)
    rows = supporter_rows(project)
    record(Action.SUPPORTERS_EXPORTED, request=request, target=project, rows=len(rows))
    # The byte order mark makes Excel read UTF-8 (umlauts) instead of the local code page.
    response = HttpResponse("\ufeff" + write_csv(rows), content_type="text/csv; charset=utf-8")
    name = slugify(project.title)[:40] or "project"
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="supporters-{name}-{day}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
