"""The project directory (/projects/): every platform's public projects, and on the hub (the
default platform) the public projects of the whole network, with a search, filters, two sort
orders and pages of PER_PAGE.

What the filters mean (README "Finding projects"):

- ``q``: every word must be found. PostgreSQL: full-text search over the title, the place,
  the postal code, the organisation's name and the story (the ``search_document`` column kept
  by migration 0007), each word as a prefix ("infost" finds "Infostand", "garten" finds
  "Gartenfreunde" but not "Gemeinschaftsgarten"), ranked (title before place and organisation
  before story). SQLite: each word as a part of any of those texts (LIKE), case-insensitive;
  SQLite folds only ASCII letters, so the word is also searched in lower and upper case
  ("KÜCHE" finds "Küche", "übung" finds "Übung").
- ``place``: digits are a postal code or its beginning ("04" finds 04103 and 04229); anything
  else is a part of the place's name.
- The task filters (dates, "needs people this week", skills, easy to join) ask for one *open*
  task that meets all of them together: a task not removed and not past (flexible tasks, tasks
  on a date from now on). A date range matches tasks dated within it; flexible tasks have no
  date, so a date range leaves them out. "Needs people this week" is an open task with a free
  place dated within the next seven days (today included).
- Sort: soonest (the next date of an open task, else the project's start if it is still ahead;
  projects with neither come last), most places free (in open tasks), newest, and with a search
  the best match first (SQLite: matches in the title first). Soonest and most places free read
  the keys ``Project.next_on`` and ``Project.places_open``, which the worker refreshes every
  minute (refresh_sort_keys): the order may lag a take-over by a minute, the places and dates
  each result shows never do (they are counted for the page's projects on every request).

Cost: three queries for a page (the count, the page with its sort keys, the places and dates
of the page's projects), four on the hub (the home domains of its links), whatever the number
of projects, tasks and platforms and whatever the filters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    Expression,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from crowdmoving.core.text import plain_summary
from crowdmoving.tenancy.models import Platform

from . import selectors
from .models import Project, Task

PER_PAGE = 20
QUERY_MAX = 100  # characters of a text filter
SEARCH_WORDS = 8  # words of q after these are ignored
WEEK = 7  # days of "needs people this week", today included
POSTAL_CODE = re.compile(r"^[0-9]{1,10}$")
WORD = re.compile(r"\w+")


class Sort(TextChoices):
    RELEVANCE = "relevance", _("Best match")
    SOONEST = "soonest", _("Soonest")
    NEEDED = "needed", _("Most places free")
    NEWEST = "newest", _("Newest")


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DirectoryForm(forms.Form):
    """The directory's filters: a GET form, so every search is a bookmarkable address. A bad
    value is reported at its field and left out; the valid ones still filter."""

    q = forms.CharField(
        label=_("Search"),
        max_length=QUERY_MAX,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Title, story, place or organisation, e.g. “Infostand Leipzig”."),
    )
    place = forms.CharField(
        label=_("Place or postal code"),
        max_length=QUERY_MAX,
        required=False,
        help_text=_("A town, or the beginning of a postal code such as “04”."),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("All categories")), *Project.Category.choices],
        required=False,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("Until"), required=False, widget=_date_input())
    skills = forms.CharField(
        label=_("Skills"),
        max_length=QUERY_MAX,
        required=False,
        help_text=_("A skill a task asks for, e.g. “cooking”."),
    )
    this_week = forms.BooleanField(label=_("Needs people this week"), required=False)
    groups = forms.BooleanField(label=_("Suitable for groups"), required=False)
    easy = forms.BooleanField(label=_("Easy to join"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("", _("Recommended")),
            *[(value, label) for value, label in Sort.choices if value != Sort.RELEVANCE],
        ],
        required=False,
        help_text=_("Recommended: the best match when you search, else the soonest."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The end of the period is before its beginning."))
        return data

    def filters(self) -> Filters:
        """The filters of the fields that are valid (call after ``is_valid()``)."""
        data = getattr(self, "cleaned_data", {})
        return Filters(
            q=" ".join(data.get("q", "").split()),
            place=data.get("place", "").strip(),
            category=data.get("category", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            skills=data.get("skills", "").strip(),
            this_week=bool(data.get("this_week")),
            groups=bool(data.get("groups")),
            easy=bool(data.get("easy")),
            sort=data.get("sort", ""),
        )


@dataclass(frozen=True)
class Filters:
    q: str = ""
    place: str = ""
    category: str = ""
    date_from: date | None = None
    date_to: date | None = None
    skills: str = ""
    this_week: bool = False
    groups: bool = False
    easy: bool = False
    sort: str = ""

    @property
    def words(self) -> list[str]:
        return WORD.findall(self.q.lower())[:SEARCH_WORDS]

    @property
    def order(self) -> str:
        """The sort order in effect: the chosen one, else ("Recommended") the best match when
        searching and the soonest otherwise."""
        return self.sort or (Sort.RELEVANCE if self.words else Sort.SOONEST)

    @property
    def asks_for_tasks(self) -> bool:
        return bool(self.date_from or self.date_to or self.this_week or self.skills or self.easy)


# --- the selector -------------------------------------------------------------------------------


def directory_page(
    platform: Platform,
    filters: Filters,
    number: str | int | None,
    *,
    now: datetime | None = None,
    scheme: str = "http",
    port: str = "",
) -> Page:
    """One page (PER_PAGE) of the directory of ``platform``: its public projects, or on the
    hub those of the network (``selectors.network_listed``, each linking to its home platform
    as ``selectors.network_projects_page`` does). An invalid page number gives the nearest
    page. Each project carries ``summary``, ``url``, ``places``, ``places_free``,
    ``open_tasks``, ``tasks_free`` (open tasks with a free place), ``next_date`` and
    ``flexible`` (open tasks without a date).

    The platform scope is disabled here, and the listing filter below says what may be
    listed: on the hub the network is read across platforms on purpose, and elsewhere the
    scope would join every task subquery to its project's platform again, once per project,
    though the outer query already holds only this platform's projects."""
    now = now or timezone.now()
    with scopes_disabled():
        if platform.is_default:
            projects = Project.objects.filter(selectors.network_listed(platform))
        else:
            projects = Project.objects.filter(organisation__platform=platform)
        projects = projects.filter(status=Project.Status.PUBLIC).select_related(
            "organisation__platform"
        )
        projects = _sorted(_filtered(projects, filters, now), filters)
        page = Paginator(projects, PER_PAGE).get_page(number)
        page.object_list = list(page.object_list)
        _describe(page.object_list, now)
        homes: dict[int, str] = {}
        if platform.is_default:
            homes = selectors.primary_domains(
                {p.organisation.platform_id for p in page.object_list} - {platform.pk}
            )
    for project in page.object_list:
        project.summary = plain_summary(project.story)  # type: ignore[attr-defined]
        project.url = selectors.home_url(project, homes, scheme, port)  # type: ignore[attr-defined]
    return page


TEXT_FIELDS = ("title", "story", "place", "postal_code", "organisation__name")


def _filtered(projects: QuerySet[Project], filters: Filters, now: datetime) -> QuerySet[Project]:
    if filters.words:
        projects = _searched(projects, filters.words)
    if filters.place:
        if POSTAL_CODE.match(filters.place):
            projects = projects.filter(postal_code__startswith=filters.place)
        else:
            projects = projects.filter(_contains(("place",), filters.place))
    if filters.category:
        projects = projects.filter(category=filters.category)
    if filters.groups:
        projects = projects.filter(suitable_for_groups=True)
    if filters.asks_for_tasks:
        projects = projects.filter(Exists(_tasks().filter(_task_filter(filters, now))))
    return projects


def _task_filter(filters: Filters, now: datetime) -> Q:
    """One open task that meets every task filter."""
    today = timezone.localdate(now)
    condition = open_tasks(now)
    if filters.date_from or filters.date_to:
        condition &= _dated_between(
            max(filters.date_from or today, today), filters.date_to or date.max
        )
    if filters.this_week:
        condition &= Q(taken__lt=F("capacity")) & _dated_between(
            today, today + timedelta(days=WEEK - 1)
        )
    if filters.skills:
        condition &= _contains(("skills",), filters.skills)
    if filters.easy:
        condition &= Q(easy=True)
    return condition


def _sorted(projects: QuerySet[Project], filters: Filters) -> QuerySet[Project]:
    """By the sort keys the worker keeps (refresh_sort_keys): sorting by aggregates of the
    tasks would have to sum the tasks of every listed project first (on the network's 14,000
    public projects with 200,000 tasks that took 50-250 ms on PostgreSQL, see
    docs/benchmarks.md), where an index gives the page in a millisecond."""
    order = filters.order
    if order == Sort.RELEVANCE:
        return projects.order_by("-rank", "-created_at", "-pk")
    if order == Sort.NEEDED:
        return projects.order_by("-places_open", "-created_at", "-pk")
    if order == Sort.NEWEST:
        return projects.order_by("-created_at", "-pk")
    return projects.order_by(F("next_on").asc(nulls_last=True), "-created_at", "-pk")


def refresh_sort_keys(now: datetime) -> int:
    """Set each project's ``next_on`` (the next date of an open task, else its start if that
    is ahead) and ``places_open`` (free places of open tasks) where they changed; returns how
    many changed. The worker's tick runs it every minute (notifications.periodic), so the
    directory's order lags the take-overs by up to a minute, while each result shows its
    places as they are. Two queries (the open tasks grouped by project, the projects' keys)
    and the writes of the changed rows; across platforms, as the worker's work is."""
    today = timezone.localdate(now)
    with scopes_disabled():
        tasks = {
            row["project_id"]: row
            for row in Task.objects.filter(open_tasks(now))
            .values("project_id")
            .annotate(
                free_places=Sum(F("capacity") - F("taken"), output_field=IntegerField()),
                next_start=Min("starts_at", filter=Q(timing=Task.Timing.SCHEDULED)),
                next_day=Min("day", filter=Q(timing=Task.Timing.DAY)),
            )
            .order_by()
        }
        changed = []
        for pk, next_on, places_open, starts_on in Project.objects.values_list(
            "pk", "next_on", "places_open", "starts_on"
        ).iterator(chunk_size=5000):
            row = tasks.get(pk, {})
            keys = (_next_date(row, starts_on, today), max(row.get("free_places") or 0, 0))
            if keys != (next_on, places_open):
                changed.append(Project(pk=pk, next_on=keys[0], places_open=keys[1]))
        Project.objects.bulk_update(changed, ["next_on", "places_open"], batch_size=500)
    return len(changed)


def _next_date(row: dict[str, Any], starts_on: date | None, today: date) -> date | None:
    """The next date of a project's open tasks (``row`` of their aggregates), else its start
    if that is still ahead."""
    dates = [row["next_day"]] if row.get("next_day") is not None else []
    if row.get("next_start") is not None:
        dates.append(timezone.localdate(row["next_start"]))
    if not dates and starts_on is not None and starts_on >= today:
        dates.append(starts_on)
    return min(dates) if dates else None


def _tasks() -> QuerySet[Task]:
    """The tasks of the outer query's project (unscoped: see directory_page)."""
    return Task.objects.filter(project=OuterRef("pk"))


def open_tasks(now: datetime) -> Q:
    """Tasks that are not removed and not past: flexible ones, and those dated from now on."""
    return Q(removed_at__isnull=True) & (
        Q(timing=Task.Timing.FLEXIBLE)
        | Q(timing=Task.Timing.SCHEDULED, starts_at__gte=now)
        | Q(timing=Task.Timing.DAY, day__gte=timezone.localdate(now))
    )


def _dated_between(first: date, last: date) -> Q:
    """Tasks dated from ``first`` to ``last`` (local days, both included)."""
    last = min(last, date.max - timedelta(days=1))
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return Q(timing=Task.Timing.SCHEDULED, starts_at__gte=start, starts_at__lt=end) | Q(
        timing=Task.Timing.DAY, day__gte=first, day__lte=last
    )


def _variants(text: str) -> set[str]:
    """SQLite's LIKE ignores the case of ASCII letters only: also ask for the lower and upper
    case of the text, so that umlauts match in either case."""
    if connection.vendor == "sqlite":
        return {text, text.lower(), text.upper()}
    return {text}


def _contains(fields: tuple[str, ...], text: str) -> Q:
    """Any of ``fields`` contains ``text``, case-insensitive."""
    found = Q()
    for field in fields:
        for variant in sorted(_variants(text)):
            found |= Q(**{f"{field}__icontains": variant})
    return found


class SearchDocument(Expression):
    """PostgreSQL: the project's ``search_document`` column, kept by triggers (migration 0007),
    not a model field."""

    def __init__(self) -> None:
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_document", []


def _searched(projects: QuerySet[Project], words: list[str]) -> QuerySet[Project]:
    """Every word must be found (see the module's docstring); ``rank`` orders by best match."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        # The words are \w+ only: no quote or operator of tsquery's syntax gets through.
        query = SearchQuery(
            " & ".join(f"'{word}':*" for word in words), search_type="raw", config="simple"
        )
        return (
            projects.alias(document=SearchDocument())
            .filter(document=query)
            .annotate(rank=SearchRank(SearchDocument(), query))
        )
    for word in words:
        projects = projects.filter(_contains(TEXT_FIELDS, word))
    in_title = Q()
    for word in words:
        in_title &= _contains(("title",), word)
    return projects.annotate(
        rank=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def _describe(projects: list[Project], now: datetime) -> None:
    """The places, open tasks and next date of the page's projects, in one query."""
    if not projects:
        return
    today = timezone.localdate(now)
    rows = {
        row["project_id"]: row
        for row in Task.objects.filter(open_tasks(now), project_id__in=[p.pk for p in projects])
        .values("project_id")
        .annotate(
            capacity_sum=Sum("capacity"),
            taken_sum=Sum("taken"),
            tasks=Count("pk"),
            tasks_free=Count("pk", filter=Q(taken__lt=F("capacity"))),
            flexible=Count("pk", filter=Q(timing=Task.Timing.FLEXIBLE)),
            next_start=Min("starts_at", filter=Q(timing=Task.Timing.SCHEDULED)),
            next_day=Min("day", filter=Q(timing=Task.Timing.DAY)),
        )
        .order_by()
    }
    for project in projects:
        row = rows.get(project.pk, {})
        places, taken = row.get("capacity_sum") or 0, row.get("taken_sum") or 0
        project.places = places  # type: ignore[attr-defined]
        project.places_free = max(places - taken, 0)  # type: ignore[attr-defined]
        project.open_tasks = row.get("tasks", 0)  # type: ignore[attr-defined]
        project.tasks_free = row.get("tasks_free", 0)  # type: ignore[attr-defined]
        project.flexible = row.get("flexible", 0)  # type: ignore[attr-defined]
        project.next_date = _next_date(row, project.starts_on, today)  # type: ignore[attr-defined]
