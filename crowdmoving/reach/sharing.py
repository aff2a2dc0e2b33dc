"""Sharing a project or a task without trackers: the canonical absolute addresses, the share
links (built here, on the server: no third-party script, pixel or icon is ever loaded), the
Open Graph / Twitter preview data and the Mastodon server check.

What is shared depends on the project's stage:

- public: the page's own address, on every channel;
- inner circle: the page's address is a 404 for whoever lacks the secret, so the secret link
  (``projects:secret_link``) is shared, and only by the organisation's members (who see it on
  the dashboard anyway), only on private channels (copy-link, email, WhatsApp, Telegram), with
  a note. Other people in the circle see no share block: the page asks them not to pass the
  link on;
- draft and closed: nothing is shared (no share block, no QR code, no poster).

Every address is absolute and canonical: the platform's primary domain (the tenancy middleware
redirects every other domain of a platform to it, so the request's host is the primary one,
except on the hub's fixed hosts, where the middleware tells the primary domain)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from crowdmoving.organisations.models import Membership
from crowdmoving.projects.models import Project, Task
from crowdmoving.projects.story import share_summary
from crowdmoving.tenancy.resolver import normalise_host

SHAREABLE = (Project.Status.PUBLIC, Project.Status.INNER_CIRCLE)
OG_LOCALES = {"de": "de_DE", "en": "en_GB"}
POSTER_OPENING_LENGTH = 400


# --- addresses --------------------------------------------------------------------------------


def canonical_base(request: HttpRequest) -> str:
    """``scheme://host[:port]`` of the request's platform on its primary domain. The tenancy
    middleware found the primary domain with the platform (no query here); on another of the
    platform's domains it redirected already, so this differs from the request's host only on
    the hub's fixed hosts (DEFAULT_PLATFORM_HOSTS)."""
    host = request.get_host().lower()
    primary = getattr(request, "primary_domain", None)
    if primary:
        name = normalise_host(host)
        port = host[len(name) :] if host.startswith(name) else ""
        host = f"{primary}{port}"
    return f"{request.scheme}://{host}"


def absolute(request: HttpRequest, path: str) -> str:
    """``path`` (or a media URL) as an absolute address on the platform's primary domain."""
    if path.startswith(("http://", "https://")):
        return path
    return canonical_base(request) + path


def project_url(request: HttpRequest, project: Project) -> str:
    return absolute(request, project.get_absolute_url())


def task_url(request: HttpRequest, project: Project, task: Task) -> str:
    return absolute(request, reverse("sharing:task", args=[project.pk, task.pk]))


def is_shareable(project: Project) -> bool:
    """Whether ``project`` has anything to share (QR code, poster): public or inner circle."""
    return project.status in SHAREABLE


def target_url(request: HttpRequest, project: Project, task: Task | None = None) -> str:
    """The address that is shared (and encoded in the QR code): the project's or the task's
    page, or for an inner circle the secret link (which opens the project to its holder)."""
    if project.status == Project.Status.INNER_CIRCLE:
        return absolute(request, reverse("projects:secret_link", args=[project.pk, project.secret]))
    if task is not None:
        return task_url(request, project, task)
    return project_url(request, project)


def short_url(url: str) -> str:
    """An address to type from a poster: without the scheme and the trailing slash."""
    return re.sub(r"^https?://", "", url).rstrip("/")


# --- what a share says ------------------------------------------------------------------------


def task_date(task: Task) -> str:
    """The task's day in the current language's short form with its weekday ("Sa 12. Mai",
    "Sat May 12"), with the year when it is not this year; '' for a flexible task."""
    if task.timing == Task.Timing.SCHEDULED and task.starts_at is not None:
        day = timezone.localtime(task.starts_at).date()
    elif task.timing == Task.Timing.DAY and task.day is not None:
        day = task.day
    else:
        return ""
    text = f"{date_format(day, 'D')} {date_format(day, 'MONTH_DAY_FORMAT')}"
    if day.year != timezone.localdate().year:
        text += f" {day.year}"
    return text


def task_headline(task: Task) -> str:
    """ "We are looking for: Infostand besetzen, Sa 12. Mai" (without a date if flexible)."""
    when = task_date(task)
    if when:
        return gettext("We are looking for: %(task)s, %(when)s") % {
            "task": task.title,
            "when": when,
        }
    return gettext("We are looking for: %(task)s") % {"task": task.title}


def share_text(project: Project, task: Task | None = None) -> str:
    """The title and a short line: what a share link puts into the message."""
    if task is not None:
        return f"{task_headline(task)} – {project.title}"
    return f"{project.title} – {gettext('Take on a task and join in!')}"


def task_summary(project: Project, task: Task) -> str:
    """A task's preview text: its description (shortened), else the project's summary."""
    text = " ".join(task.description.split())
    if not text:
        return share_summary(project)
    return text if len(text) <= 200 else text[:199].rsplit(" ", 1)[0] + "…"


def story_opening(project: Project, length: int = POSTER_OPENING_LENGTH) -> str:
    """The story's first paragraph as plain text (at most ``length`` characters, cut at a
    word): the poster's opening."""
    html = project.story_html or ""
    found = re.search(r"<p>(.*?)</p>", html, flags=re.S)
    text = " ".join(strip_tags(found.group(1) if found else html).split())
    if not text:
        return share_summary(project)
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


def poster_tasks(project: Project) -> list[Task]:
    """The tasks a poster lists: not removed, with a free place, not over yet; in the
    project's order. One query."""
    now = timezone.now()
    over = (
        Q(timing=Task.Timing.SCHEDULED, ends_at__lt=now)
        | Q(timing=Task.Timing.SCHEDULED, ends_at__isnull=True, starts_at__lt=now)
        | Q(timing=Task.Timing.DAY, day__lt=timezone.localdate())
    )
    return list(
        Task.objects.filter(project=project, removed_at__isnull=True, taken__lt=F("capacity"))
        .exclude(over)
        .order_by("position", "pk")
    )


# --- share links ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareLink:
    key: str  # a stable name ("whatsapp"): the CSS class and the tests' handle
    label: str
    url: str


@dataclass
class Share:
    """Everything a share block shows for one project or task."""

    url: str  # the address that is shared
    title: str
    text: str
    links: list[ShareLink] = field(default_factory=list)
    private: bool = False  # an inner circle: private channels only, with a note
    mastodon_url: str = ""  # our page that asks for the Mastodon server ('' if private)
    qr_url: str = ""
    poster_url: str = ""


def _query(params: dict[str, str]) -> str:
    # %20 for spaces, never "+": mailto (RFC 6068) and some apps read "+" literally.
    return urlencode(params, quote_via=quote)


def share_links(url: str, text: str, subject: str, *, private: bool) -> list[ShareLink]:
    """The share links for ``url``: each service's documented web address, filled on the
    server. Signal has no documented web share address (signal.me links only open a chat with
    a known number or username), so it gets none: the copy-link button serves it."""
    message = f"{text} {url}"
    email = ShareLink(
        "email",
        gettext("Email"),
        "mailto:?" + _query({"subject": subject, "body": f"{text}\n\n{url}"}),
    )
    whatsapp = ShareLink("whatsapp", "WhatsApp", "https://wa.me/?" + _query({"text": message}))
    telegram = ShareLink(
        "telegram", "Telegram", "https://t.me/share/url?" + _query({"url": url, "text": text})
    )
    if private:
        return [whatsapp, telegram, email]
    return [
        whatsapp,
        telegram,
        ShareLink(
            "facebook",
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + _query({"u": url}),
        ),
        ShareLink("x", "X", "https://x.com/intent/post?" + _query({"text": text, "url": url})),
        ShareLink(
            "linkedin",
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?" + _query({"url": url}),
        ),
        email,
    ]


def may_share(request: HttpRequest, project: Project) -> bool:
    """Whether this viewer gets a share block: anyone on a public project; on an inner circle
    the organisation's members only (one query for signed-in people)."""
    if project.status == Project.Status.PUBLIC:
        return True
    if project.status != Project.Status.INNER_CIRCLE or not request.user.is_authenticated:
        return False
    return Membership.objects.filter(
        organisation_id=project.organisation_id, user_id=request.user.pk
    ).exists()


def share_for(request: HttpRequest, project: Project, task: Task | None = None) -> Share | None:
    """The share block of ``project`` (or of its ``task``) for this viewer, or None."""
    if not may_share(request, project):
        return None
    url = target_url(request, project, task)
    private = project.status == Project.Status.INNER_CIRCLE
    text = share_text(project, task)
    subject = task_headline(task) if task is not None else project.title
    if task is not None:
        args = [project.pk, task.pk]
        mastodon, qr = (
            reverse("sharing:task_mastodon", args=args),
            reverse("sharing:task_qr", args=args),
        )
    else:
        mastodon = reverse("sharing:project_mastodon", args=[project.pk])
        qr = reverse("sharing:project_qr", args=[project.pk])
    return Share(
        url=url,
        title=subject,
        text=text,
        links=share_links(url, text, subject, private=private),
        private=private,
        mastodon_url="" if private else mastodon,
        qr_url=qr,
        poster_url=reverse("sharing:poster", args=[project.pk]),
    )


# --- Mastodon ---------------------------------------------------------------------------------

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TOP_LEVEL = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


def clean_instance(value: str) -> str:
    """A Mastodon server's host name ("mastodon.social"), lower-cased (international names in
    their ASCII form); anything else (a scheme, a path, a port, spaces, an IP address, a name
    without a dot) raises ValidationError."""
    name = (value or "").strip().lower().rstrip(".")
    if not name:
        raise ValidationError(
            _("Please enter your Mastodon server, for example mastodon.social."), code="required"
        )
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        name = "\x00"  # not a host name: refused below
    labels = name.split(".")
    if (
        len(name) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not _TOP_LEVEL.match(labels[-1])
    ):
        raise ValidationError(
            _(
                "Please enter only the name of your Mastodon server, like mastodon.social "
                "(without https:// and without a path)."
            ),
            code="invalid",
        )
    return name


def mastodon_share_url(instance: str, text: str, url: str) -> str:
    """The share page of the Mastodon server ``instance`` (checked by clean_instance)."""
    return f"https://{instance}/share?" + _query({"text": f"{text} {url}"})


# --- preview cards ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """The Open Graph and Twitter meta of a page."""

    title: str
    description: str
    url: str  # canonical, never the secret link
    image: str  # absolute, or ''
    site_name: str
    locale: str
    kind: str = "article"

    @property
    def card(self) -> str:
        return "summary_large_image" if self.image else "summary"


def _image(request: HttpRequest, project: Project) -> str:
    if project.cover:
        return absolute(request, project.cover.url)
    platform = getattr(request, "platform", None)
    if platform is not None and platform.logo:
        return absolute(request, platform.logo.url)
    return ""


def preview_for(request: HttpRequest, project: Project, task: Task | None = None) -> Preview:
    platform = getattr(request, "platform", None)
    language = (get_language() or "en").split("-")[0]
    if task is not None:
        title, description = task_headline(task), task_summary(project, task)
        url = task_url(request, project, task)
    else:
        title, description = project.title, share_summary(project)
        url = project_url(request, project)
    return Preview(
        title=title,
        description=description,
        url=url,
        image=_image(request, project),
        site_name=platform.name if platform is not None else "Crowdmoving",
        locale=OG_LOCALES.get(language, "en_GB"),
    )
