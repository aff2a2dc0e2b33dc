"""Search engines: each platform's sitemap and robots.txt, the canonical address of a page, and
``X-Robots-Tag: noindex`` on everything private.

Every address is absolute on the request's host: the tenancy middleware has redirected other
domains of the platform to its primary domain before any of this runs (the hub's fixed hosts,
DEFAULT_PLATFORM_HOSTS, are served as they are).

What a sitemap lists: the home page, the directory of projects, the contact page, the privacy
policy (once the platform has one), the platform's content pages (the imprint among them) and
its public projects. Never drafts or inner circles, and not closed projects (a sitemap points to
what one can still join; a closed project that was public stays readable and indexable at its
address). Each section costs a fixed number of queries whatever the number of projects; a
section longer than its ``limit`` is split into pages, all listed in the sitemap index at
/sitemap.xml."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from crowdmoving.pages.models import ContentPage
from crowdmoving.privacy.models import PrivacyText
from crowdmoving.projects.models import Project
from crowdmoving.reach.sharing import canonical_base
from crowdmoving.tenancy.models import Platform

# Addresses no search engine should show: robots.txt disallows them and every answer under
# them carries ``X-Robots-Tag: noindex`` (NoindexMiddleware). ``*`` stands for one id; robots.txt
# writes it as is (understood by the major search engines).
PRIVATE_PATHS = (
    "/accounts/",
    "/alerts/",
    "/api/",
    "/confirm/",
    "/embed/",
    "/i18n/",
    "/manage/",
    "/me/",
    "/notifications/",
    "/operator/",
    "/platform/",
    "/privacy/accept/",
    "/privacy/consents/",
    "/projects/*/join/",  # the inner circle's secret links
    "/projects/*/team/",
    # Taking, holding, confirming and giving back a place (a task's own page, shared with its
    # preview card, stays open: social networks' preview robots read robots.txt too).
    "/projects/*/tasks/*/take/",
    "/projects/*/tasks/*/hold/",
    "/projects/*/tasks/*/code/",
    "/projects/*/tasks/*/wait/",
    "/projects/*/tasks/*/withdraw/",
)
PRIVATE = re.compile(
    "^(?:" + "|".join(re.escape(p).replace(r"\*", r"[^/]+") for p in PRIVATE_PATHS) + ")"
)
NOINDEX = "noindex"
SECRET_LINK = re.compile(r"^/projects/(?P<pk>[0-9]+)/join/")
PAGE_NUMBER = re.compile(r"^[0-9]{1,9}$")  # not \d: "²" is a digit to Python, not to int()
PROJECTS_PER_SITEMAP = 5_000
# Only <loc> and <lastmod> (Django's template also asks for change frequency, priority and
# languages, which we do not give): half the time of a page of 5,000.
SITEMAP_TEMPLATE = "reach/sitemap.xml"


def is_private(path: str) -> bool:
    return bool(PRIVATE.match(path))


class NoindexMiddleware:
    """``X-Robots-Tag: noindex`` on every answer under PRIVATE_PATHS (the administration, one's
    own pages, secret links, embeds ...), whatever view answers: a new view there is covered
    without remembering it. Drafts and inner circles at /projects/<pk>/ say it in their page
    (projects/detail.html)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private(request.path_info):
            response["X-Robots-Tag"] = NOINDEX
        return response


def canonical_url(request: HttpRequest) -> str:
    """The address search engines should file this page under: scheme, host and path, plus
    ``?page=N`` for the pages of a list after the first; no other query (search words,
    tracking). A secret link's page is its project's page: the secret never leaves."""
    path = request.path
    secret = SECRET_LINK.match(path)
    if secret is not None:
        path = reverse("projects:detail", args=[int(secret["pk"])])
    page = request.GET.get("page", "")
    query = f"?page={int(page)}" if PAGE_NUMBER.match(page) and int(page) > 1 else ""
    return f"{canonical_base(request)}{path}{query}"


# --- sitemaps --------------------------------------------------------------------------------


class PagesSitemap(Sitemap):
    """The platform's fixed pages and its content pages. Two queries."""

    FIXED = ("projects:home", "projects:directory", "contact:form")

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._found: list[tuple[str, datetime | None]] | None = None

    def items(self) -> list[tuple[str, datetime | None]]:
        if self._found is None:
            found: list[tuple[str, datetime | None]] = [
                (reverse(name), None) for name in self.FIXED
            ]
            privacy = (
                PrivacyText.objects.filter(platform=self.platform)
                .order_by("-version")
                .values_list("published_at", flat=True)
                .first()
            )
            if privacy is not None:
                found.append((reverse("privacy:current"), privacy))
            found += [
                (reverse("pages:page", args=[slug]), updated_at)
                for slug, updated_at in ContentPage.objects.filter(platform=self.platform)
                .order_by("position", "pk")
                .values_list("slug", "updated_at")
            ]
            self._found = found
        return self._found

    def location(self, item: tuple[str, datetime | None]) -> str:
        return item[0]

    def lastmod(self, item: tuple[str, datetime | None]) -> datetime | None:
        return item[1]


class ProjectsSitemap(Sitemap):
    """The platform's public projects, newest first, with their last change. Per page of the
    sitemap: the count and the page (``limit`` projects)."""

    limit = PROJECTS_PER_SITEMAP

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        # One reverse() instead of one per project (a third of a page's time for 5,000).
        self.address = reverse("projects:detail", args=[0]).replace("/0/", "/{}/")

    def items(self) -> Any:
        return (
            Project.objects.filter(
                organisation__platform=self.platform, status=Project.Status.PUBLIC
            )
            .order_by("-created_at", "-pk")
            .only("pk", "updated_at")
        )

    def location(self, project: Project) -> str:
        return self.address.format(project.pk)

    def lastmod(self, project: Project) -> datetime:
        return project.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        """The index's lastmod of this section: one query (Django's default would read every
        project)."""
        latest: datetime | None = self.items().aggregate(latest=Max("updated_at"))["latest"]
        return latest


def sections(platform: Platform) -> dict[str, Sitemap[Any]]:
    """The sections of the platform's sitemap; each has the address feeds:sitemap_<name>."""
    return {"pages": PagesSitemap(platform), "projects": ProjectsSitemap(platform)}


@dataclass(frozen=True)
class IndexEntry:
    """One sitemap in the index (what Django's sitemap_index.xml template reads)."""

    location: str
    last_mod: datetime | None


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: the index of the platform's sitemaps, each section and each of its pages.
    Not Django's index view: that one wants a single address taking the section as its
    argument, ours has a fixed address per section. Four queries: the pages section's two, the
    projects' latest change and their count."""
    found: list[IndexEntry] = []
    for name, sitemap in sections(request.platform).items():  # type: ignore[attr-defined]
        location = request.build_absolute_uri(reverse(f"feeds:sitemap_{name}"))
        lastmod = sitemap.get_latest_lastmod()
        found.append(IndexEntry(location, lastmod))
        found += [
            IndexEntry(f"{location}?p={number}", lastmod)
            for number in range(2, sitemap.paginator.num_pages + 1)
        ]
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": found}, content_type="application/xml"
    )
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"  # as Django's own sitemap views
    return response


@require_safe
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """/sitemap-pages.xml, /sitemap-projects.xml (?p=N): one page of one section; a 404 for a
    page it has not."""
    maps: dict[str, Sitemap[Any] | type[Sitemap[Any]]] = {
        **sections(request.platform)  # type: ignore[attr-defined]
    }
    response: HttpResponse = sitemap_views.sitemap(
        request, maps, section=section, template_name=SITEMAP_TEMPLATE
    )
    return response


# --- robots.txt ------------------------------------------------------------------------------


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """/robots.txt: everything public may be crawled, PRIVATE_PATHS may not; where the sitemap
    is. The same for every platform, each naming its own host."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE_PATHS), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('feeds:sitemap'))}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
