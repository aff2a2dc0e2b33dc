"""Atom feeds of a platform's new public projects (all, or one organisation's), and the iCal
calendar of one project's dated tasks.

What a feed lists: the newest FEED_SIZE projects of this platform whose status is public, by the
day they became public. Never drafts, never inner circles, and not closed projects either: a
feed announces projects one can still join (a closed project stays readable at its address).

Feeds are answered conditionally: the ETag is a digest of everything a feed shows (the platform's
name and tagline, each listed project's id, last change, organisation and category, the
language), computed from the one query that also fills the feed, so a reader that has the
current feed gets a 304 for that one query, and a changed, added or removed project changes the
ETag at once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from crowdmoving.accounts.calendar import task_event
from crowdmoving.core import ics
from crowdmoving.organisations.models import Organisation
from crowdmoving.projects.access import access_project
from crowdmoving.projects.models import Project, Task
from crowdmoving.projects.story import share_summary
from crowdmoving.tenancy.models import Platform

FEED_SIZE = 30
FEED_MAX_AGE = 15 * 60  # seconds a reader or proxy may keep a feed without asking again
ICS = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class FeedSource:
    """What one feed shows: the platform, the organisation (None: the whole platform) and its
    projects, newest first."""

    platform: Platform
    organisation: Organisation | None
    projects: list[Project]

    def etag(self) -> str:
        parts = [
            str(self.platform.pk),
            self.platform.name,
            self.platform.tagline,
            self.organisation.name if self.organisation else "",
            get_language() or "",
            *(
                f"{p.pk}.{p.updated_at.isoformat()}.{p.organisation.name}.{p.category}"
                for p in self.projects
            ),
        ]
        return '"' + hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest() + '"'

    def last_modified(self) -> datetime:
        return max([self.platform.updated_at, *(p.updated_at for p in self.projects)])


def newest_public_projects(
    platform: Platform, organisation: Organisation | None = None
) -> list[Project]:
    """The newest FEED_SIZE public projects of ``platform`` (of ``organisation`` only, if
    given), by the day they became public, with their organisations. One query."""
    # Every public project has its published_at (projects.actions.change_status; migration
    # 0002 filled it in). The index project_published (status, -published_at, -id) gives
    # them in order: the newest are read first instead of sorting every public project.
    projects = Project.objects.filter(
        organisation__platform=platform,
        status=Project.Status.PUBLIC,
        published_at__isnull=False,
    )
    if organisation is not None:
        projects = projects.filter(organisation=organisation)
    return list(
        projects.select_related("organisation")
        .defer("story_html")
        .order_by("-published_at", "-pk")[:FEED_SIZE]
    )


class ProjectsFeed(Feed):
    """The Atom document of a FeedSource (django.contrib.syndication): every link absolute on
    the request's host, which the tenancy middleware made the platform's primary domain."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedSource:
        return kwargs["source"]  # type: ignore[no-any-return]

    def title(self, source: FeedSource) -> str:
        if source.organisation is not None:
            return f"{source.organisation.name} · {source.platform.name}"
        return source.platform.name

    def subtitle(self, source: FeedSource) -> str:
        if source.organisation is not None:
            return _("New projects of %(organisation)s on %(platform)s") % {
                "organisation": source.organisation.name,
                "platform": source.platform.name,
            }
        return source.platform.tagline or _("New projects on %(platform)s") % {
            "platform": source.platform.name
        }

    def link(self, source: FeedSource) -> str:
        return reverse("projects:home")

    def feed_url(self, source: FeedSource) -> str:
        if source.organisation is not None:
            return reverse("feeds:organisation", args=[source.organisation.slug])
        return reverse("feeds:projects")

    def items(self, source: FeedSource) -> list[Project]:
        return source.projects

    def item_title(self, project: Project) -> str:
        return project.title  # Atom titles are text: the feed writer escapes them

    def item_description(self, project: Project) -> str:
        # Atom's <summary> is written as type="html": the plain summary, escaped.
        return escape(share_summary(project))

    def item_link(self, project: Project) -> str:
        return project.get_absolute_url()

    def item_pubdate(self, project: Project) -> datetime | None:
        return project.published_at

    def item_updateddate(self, project: Project) -> datetime:
        return project.updated_at

    def item_author_name(self, project: Project) -> str:
        return project.organisation.name

    def item_categories(self, project: Project) -> list[str]:
        return [str(project.get_category_display())] if project.category else []


def _platform(request: HttpRequest) -> Platform:
    return request.platform  # type: ignore[attr-defined,no-any-return]


def _answer(request: HttpRequest, source: FeedSource) -> HttpResponse:
    """The feed, or 304 when the reader's copy (If-None-Match, else If-Modified-Since) is
    current; both carry the ETag and Last-Modified."""
    etag = source.etag()
    last_modified = int(source.last_modified().timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = ProjectsFeed()(request, source=source)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response


@require_safe
def projects_feed(request: HttpRequest) -> HttpResponse:
    """/feeds/projects.atom: the platform's newest public projects."""
    platform = _platform(request)
    return _answer(request, FeedSource(platform, None, newest_public_projects(platform)))


@require_safe
def organisation_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """/feeds/o/<slug>.atom: one organisation's newest public projects; a 404 for a slug that
    is not an organisation of this platform."""
    platform = _platform(request)
    organisation = Organisation.objects.filter(platform=platform, slug=slug).first()
    if organisation is None:
        raise Http404
    projects = newest_public_projects(platform, organisation)
    return _answer(request, FeedSource(platform, organisation, projects))


# --- a project's dates as a calendar ---------------------------------------------------------


def dated_tasks(project: Project) -> list[Task]:
    """The live tasks of ``project`` that have a date (scheduled with a start, or a whole day),
    in the order of their dates. One query."""
    tasks = list(
        Task.objects.filter(project=project, removed_at__isnull=True).filter(
            Q(timing=Task.Timing.SCHEDULED, starts_at__isnull=False)
            | Q(timing=Task.Timing.DAY, day__isnull=False)
        )
    )
    for task in tasks:
        task.project = project
    return sorted(tasks, key=_when)


def _when(task: Task) -> datetime:
    """A dated task's start; a whole day starts at midnight (dated_tasks reads only tasks with
    a start or a day)."""
    if task.starts_at is not None:
        return task.starts_at
    day = task.day or date.max
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@require_safe
def project_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """/projects/<pk>/tasks.ics: the project's dated tasks as events, for whoever may see the
    project page (projects.access.access_project): everyone for public projects (and closed
    ones that were public), only members, holders of the secret link and supporters for an
    inner circle, only members for a draft; a 404 for anyone else and for other platforms.
    A calendar app that subscribes has no session, so it gets only public projects' dates."""
    project = access_project(request, pk)
    base_url = request.build_absolute_uri("/").rstrip("/")
    events = [task_event(task, base_url) for task in dated_tasks(project)]
    response = HttpResponse(ics.calendar(events, project.title), content_type=ICS)
    response["Content-Disposition"] = f'inline; filename="project-{project.pk}.ics"'
    # Only a public project's calendar may sit in shared caches; and no search engine result.
    public = project.status == Project.Status.PUBLIC or (
        project.status == Project.Status.CLOSED and project.published_at is not None
    )
    response["Cache-Control"] = "public, max-age=900" if public else "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
