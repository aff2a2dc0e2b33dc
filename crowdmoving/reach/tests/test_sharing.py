"""Sharing without trackers: the preview cards (Open Graph, Twitter), the share links and their
encodings, who gets a share block, the Mastodon step and a task's own page."""

from __future__ import annotations

import datetime
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from crowdmoving import factories as f
from crowdmoving.core.tests.test_security_csp import inline_code
from crowdmoving.projects import actions
from crowdmoving.projects.models import Project, Task
from crowdmoving.projects.story import share_summary
from crowdmoving.reach import sharing
from crowdmoving.tenancy.models import Domain
from crowdmoving.tenancy.resolver import resolve_host

pytestmark = pytest.mark.django_db

HOST = "krass.example.org"
STORY = (
    "Stell dir vor: zwanzig Kinder im Viertel malen ihre Welt auf große Leinwände.\n\n"
    "Das wollen wir ermöglichen: eine Ausstellung im Stadtteilzentrum."
)


class Tags(HTMLParser):
    """The page's meta tags, links and scripts, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("content") is not None:
            key = values.get("property") or values.get("name")
            if key:
                self.meta[key] = values["content"] or ""
        if tag == "a":
            self.links.append(values)
        if tag == "script" and values.get("src"):
            self.scripts.append(values["src"] or "")
        if tag == "img":
            self.images.append(values.get("src") or "")


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    tags.close()
    return tags


def share_link(tags: Tags, key: str) -> dict[str, str | None]:
    found = [a for a in tags.links if f"share-{key}" in (a.get("class") or "").split()]
    assert len(found) == 1, (key, found)
    return found[0]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def with_cover(project: Project) -> Project:
    out = io.BytesIO()
    Image.new("RGB", (1200, 630), "#0b6e4f").save(out, "JPEG")
    project.cover.save("cover.jpg", ContentFile(out.getvalue()), save=True)
    return project


@pytest.fixture
def story_project(project: Project) -> Project:
    project.story = STORY
    project.story_html = "<p>" + "</p>\n<p>".join(STORY.split("\n\n")) + "</p>"
    project.save()
    return project


def page(client: Client, project: Project) -> str:
    response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- preview cards ------------------------------------------------------------------------------


def test_the_project_page_has_open_graph_and_twitter_meta(client, story_project, platform):
    with_cover(story_project)
    meta = parse(page(client, story_project)).meta

    url = f"http://{HOST}/projects/{story_project.pk}/"
    assert meta["og:title"] == "Kinder malen ihre Welt"
    assert meta["og:description"] == share_summary(story_project)
    assert meta["og:description"].startswith("Stell dir vor: zwanzig Kinder")
    assert meta["og:url"] == url
    assert meta["og:type"] == "article"
    assert meta["og:site_name"] == "Krass Plattform"
    assert meta["og:locale"] == "en_GB"
    assert re.fullmatch(rf"http://{HOST}/media/covers/cover[^/]*\.jpg", meta["og:image"])
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == meta["og:image"]
    assert meta["twitter:title"] == "Kinder malen ihre Welt"


def test_without_a_cover_the_card_is_the_small_one(client, story_project):
    meta = parse(page(client, story_project)).meta
    assert "og:image" not in meta
    assert meta["twitter:card"] == "summary"


def test_the_summary_is_cut_at_a_word_and_plain_text(client, project):
    project.story = "**Fett** " + "Wort " * 100
    project.save()
    description = parse(page(client, project)).meta["og:description"]
    assert description.startswith("Fett Wort")
    assert description.endswith("Wort…")
    assert len(description) <= 200


def test_the_locale_follows_the_language(story_project):
    german = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="de")
    assert parse(page(german, story_project)).meta["og:locale"] == "de_DE"


def test_an_inner_circle_page_keeps_its_noindex_beside_the_preview(login, organiser, project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.INNER_CIRCLE)
    project.refresh_from_db()
    tags = parse(page(login(organiser), project))
    assert tags.meta["robots"] == "noindex"
    # The preview's address is the page's, never the secret link.
    assert tags.meta["og:url"] == f"http://{HOST}/projects/{project.pk}/"
    assert project.secret not in str(tags.meta)


def test_on_the_hubs_fixed_host_the_address_is_the_platforms_primary_domain(rf, project, hub):
    # testserver is one of the hub's fixed hosts (never redirected to a primary domain): the
    # tenancy resolver still tells the hub's primary domain, and shared addresses use it.
    f.DomainFactory(platform=hub, domain="hub.example.org")

    def asked_on(host: str) -> HttpRequest:
        request = rf.get("/", HTTP_HOST=host)
        match = resolve_host(host)
        assert match is not None
        request.platform, request.primary_domain = match.platform, match.primary_domain
        return request

    assert sharing.project_url(asked_on("testserver:8000"), project) == (
        f"http://hub.example.org:8000/projects/{project.pk}/"
    )
    Domain.objects.filter(platform=hub).delete()  # without any domain: the host it was asked on
    assert sharing.project_url(asked_on("testserver"), project) == (
        f"http://testserver/projects/{project.pk}/"
    )


# --- share links -------------------------------------------------------------------------------


def test_the_share_links_carry_the_canonical_address_and_the_text(client, project):
    tags = parse(page(client, project))
    url = f"http://{HOST}/projects/{project.pk}/"
    text = "Kinder malen ihre Welt – Take on a task and join in!"

    whatsapp = share_link(tags, "whatsapp")["href"] or ""
    assert whatsapp.startswith("https://wa.me/?text=")
    assert query(whatsapp) == {"text": f"{text} {url}"}
    telegram = share_link(tags, "telegram")["href"] or ""
    assert telegram.startswith("https://t.me/share/url?")
    assert query(telegram) == {"url": url, "text": text}
    facebook = share_link(tags, "facebook")["href"] or ""
    assert facebook.startswith("https://www.facebook.com/sharer/sharer.php?")
    assert query(facebook) == {"u": url}
    x = share_link(tags, "x")["href"] or ""
    assert x.startswith("https://x.com/intent/post?")
    assert query(x) == {"text": text, "url": url}
    linkedin = share_link(tags, "linkedin")["href"] or ""
    assert linkedin.startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert query(linkedin) == {"url": url}
    email = share_link(tags, "email")["href"] or ""
    assert email.startswith("mailto:?")
    assert query(email) == {"subject": "Kinder malen ihre Welt", "body": f"{text}\n\n{url}"}
    assert share_link(tags, "mastodon")["href"] == f"/projects/{project.pk}/share/mastodon/"


def test_spaces_are_encoded_as_percent_20_never_as_plus(client, project):
    html = page(client, project)
    email = share_link(parse(html), "email")["href"] or ""
    assert "+" not in email  # mailto (RFC 6068) reads "+" as a plus sign
    assert "Kinder%20malen%20ihre%20Welt" in email
    title = "Kinder & Jugend: 100% dabei?"
    project.title = title
    project.save()  # a new updated_at: a new page in the cache
    whatsapp = share_link(parse(page(client, project)), "whatsapp")["href"] or ""
    assert query(whatsapp)["text"].startswith(title + " – ")
    assert "%26" in whatsapp and "%25" in whatsapp and "%3F" in whatsapp


def test_outside_links_open_apart_and_tell_the_service_nothing(client, project):
    tags = parse(page(client, project))
    outside = [a for a in tags.links if (a.get("href") or "").startswith(("http", "mailto:"))]
    shared = [a for a in outside if "share-link" in (a.get("class") or "")]
    assert len(shared) == 6
    for link in shared:
        assert link["rel"] == "noopener noreferrer", link
        if not (link["href"] or "").startswith("mailto:"):
            assert link["target"] == "_blank", link


def test_the_page_loads_nothing_from_a_third_party(client, project):
    html = page(client, project)
    tags = parse(html)
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", html)
    assert all(src.startswith("/") and not src.startswith("//") for src in tags.scripts)
    assert all(src.startswith("/") and not src.startswith("//") for src in tags.images)
    assert "<iframe" not in html
    assert inline_code(html) == []


def test_signal_gets_the_address_to_copy_and_no_invented_link(client, project):
    html = page(client, project)
    assert "signal" not in " ".join(a.get("href") or "" for a in parse(html).links).lower()
    field = re.search(
        r'<input type="text" id="share-url" class="share-url" value="([^"]+)" readonly>', html
    )
    assert field and field.group(1) == f"http://{HOST}/projects/{project.pk}/"
    assert "also for Signal" in html
    # The copy and share buttons wait for share.js; without it they stay hidden.
    assert re.search(r'<button type="button" class="button share-native" hidden', html)
    assert re.search(
        r'<button type="button" class="button secondary small share-copy-button" hidden', html
    )


def test_the_share_block_links_the_qr_code_and_the_poster(client, project):
    html = page(client, project)
    assert f'href="/projects/{project.pk}/qr.svg" download' in html
    assert f'<img src="/projects/{project.pk}/qr.svg"' in html
    assert f'href="/projects/{project.pk}/poster/"' in html


# --- who gets a share block ----------------------------------------------------------------------


def test_drafts_and_closed_projects_have_no_share_block(login, organiser, project):
    for status in (Project.Status.DRAFT, Project.Status.CLOSED):
        Project.objects.filter(pk=project.pk).update(status=status)
        html = page(login(organiser), project)
        assert 'class="share"' not in html, status


def test_the_inner_circle_is_shared_by_its_members_with_the_secret_link_in_private(
    login, organiser, project
):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.INNER_CIRCLE)
    project.refresh_from_db()
    tags = parse(html := page(login(organiser), project))
    secret = f"http://{HOST}/projects/{project.pk}/join/{project.secret}/"
    assert "Shared with your inner circle" in html
    assert {
        (a.get("class") or "").split()[-1]
        for a in tags.links
        if "share-link" in (a.get("class") or "")
    } == {"share-whatsapp", "share-telegram", "share-email"}
    assert query(share_link(tags, "whatsapp")["href"] or "")["text"].endswith(secret)
    assert f'value="{secret}"' in html


def test_people_in_the_circle_who_are_no_members_get_no_share_block(client, project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.INNER_CIRCLE)
    project.refresh_from_db()
    client.get(reverse("projects:secret_link", args=[project.pk, project.secret]))
    html = page(client, project)
    assert "Please do not pass the link on" in html
    assert 'class="share"' not in html
    assert project.secret not in html


# --- Mastodon ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["javascript:", "http://x", "a b", "evil.com/path", "https://mastodon.social", "localhost",
     "127.0.0.1", "mastodon.social:8080", "-bad.example", "", "   ", "@me@mastodon.social",
     "evil.com?x=1", "evil.com#x", "mastodon.social\nHost: evil", "x" * 64 + ".social"],
)  # fmt: skip
def test_a_mastodon_server_is_a_host_name_and_nothing_else(value):
    with pytest.raises(ValidationError):
        sharing.clean_instance(value)


@pytest.mark.parametrize(
    ("value", "clean"),
    [("mastodon.social", "mastodon.social"), ("chaos.social", "chaos.social"),
     (" Chaos.Social ", "chaos.social"), ("social.bau-ha.us", "social.bau-ha.us"),
     ("mastodon.bayern.", "mastodon.bayern"), ("mästodon.de", "xn--mstodon-5wa.de")],
)  # fmt: skip
def test_good_mastodon_servers_are_taken(value, clean):
    assert sharing.clean_instance(value) == clean


def test_the_mastodon_step_sends_to_the_servers_share_page(client, project):
    url = reverse("sharing:project_mastodon", args=[project.pk])
    response = client.get(url, {"instance": "chaos.social"})
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith("https://chaos.social/share?text=")
    assert query(target) == {
        "text": f"Kinder malen ihre Welt – Take on a task and join in! "
        f"http://{HOST}/projects/{project.pk}/"
    }


def test_a_bad_mastodon_server_is_told_at_the_field(client, project):
    url = reverse("sharing:project_mastodon", args=[project.pk])
    for bad in ("javascript:", "http://x", "a b", "evil.com/path"):
        response = client.get(url, {"instance": bad})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'aria-invalid="true"' in html
        assert "Please enter only the name of your Mastodon server" in html
        assert "https://" + bad not in html.split("<main", 1)[1].split("This is shared:")[0]
    empty = client.get(url).content.decode()
    assert 'aria-invalid="true"' not in empty  # a first visit asks without scolding
    assert 'name="instance"' in empty


def test_only_the_mastodon_page_may_send_its_form_elsewhere(client, project):
    mastodon = client.get(reverse("sharing:project_mastodon", args=[project.pk]))
    policy = mastodon["Content-Security-Policy"]
    assert "form-action 'self' https:" in policy
    assert "'unsafe-inline'" not in policy
    assert inline_code(mastodon.content.decode()) == []
    detail = client.get(reverse("projects:detail", args=[project.pk]))
    assert "form-action 'self';" in detail["Content-Security-Policy"] + ";"


def test_the_mastodon_step_of_a_task_shares_the_tasks_page(client, project, task):
    url = reverse("sharing:task_mastodon", args=[project.pk, task.pk])
    response = client.get(url, {"instance": "mastodon.social"})
    assert response.status_code == 302
    text = query(response["Location"])["text"]
    assert text.startswith("We are looking for: Infostand besetzen, ")
    assert text.endswith(f" http://{HOST}/projects/{project.pk}/tasks/{task.pk}/")


def test_there_is_no_mastodon_step_for_an_inner_circle(login, organiser, project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.INNER_CIRCLE)
    url = reverse("sharing:project_mastodon", args=[project.pk])
    assert login(organiser).get(url, {"instance": "chaos.social"}).status_code == 404


# --- a task's page -----------------------------------------------------------------------------


def saturday_in_may(task: Task) -> datetime.date:
    """Put ``task`` on the next Saturday 12 May (as in the issue: "Sa 12. Mai")."""
    year = timezone.localdate().year
    while datetime.date(year, 5, 12).weekday() != 5:
        year += 1
    starts = datetime.datetime(year, 5, 12, 10, 0, tzinfo=timezone.get_current_timezone())
    Task.objects.filter(pk=task.pk).update(
        timing=Task.Timing.SCHEDULED, starts_at=starts, ends_at=starts + datetime.timedelta(hours=3)
    )
    task.refresh_from_db()
    return starts.date()


def year_suffix(day: datetime.date) -> str:
    return "" if day.year == timezone.localdate().year else f" {day.year}"


def test_a_tasks_page_shows_its_card_its_project_and_its_preview(client, project, task):
    day = saturday_in_may(task)
    response = client.get(reverse("sharing:task", args=[project.pk, task.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    tags = parse(html)
    headline = f"We are looking for: Infostand besetzen, Sat May 12{year_suffix(day)}"
    assert f"<h1>{headline}</h1>" in html
    assert f'id="task-{task.pk}"' in html  # the card, with its take-over
    assert f'href="/projects/{project.pk}/"' in html
    assert tags.meta["og:title"] == headline
    assert tags.meta["og:url"] == f"http://{HOST}/projects/{project.pk}/tasks/{task.pk}/"
    assert tags.meta["og:description"] == "Was zu tun ist."
    x = query(share_link(tags, "x")["href"] or "")
    assert x == {
        "text": f"{headline} – Kinder malen ihre Welt",
        "url": f"http://{HOST}/projects/{project.pk}/tasks/{task.pk}/",
    }
    assert f'<img src="/projects/{project.pk}/tasks/{task.pk}/qr.svg"' in html
    assert inline_code(html) == []


def test_the_tasks_date_is_in_the_languages_short_form(project, task):
    day = saturday_in_may(task)
    german = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="de")
    html = german.get(reverse("sharing:task", args=[project.pk, task.pk])).content.decode()
    assert f"Infostand besetzen, Sa 12. Mai{year_suffix(day)}" in parse(html).meta["og:title"]


def test_a_flexible_task_is_announced_without_a_date(client, project):
    flexible = f.TaskFactory(
        project=project, title="Flyer verteilen", timing=Task.Timing.FLEXIBLE, starts_at=None,
        ends_at=None, description="",
    )  # fmt: skip
    html = client.get(reverse("sharing:task", args=[project.pk, flexible.pk])).content.decode()
    meta = parse(html).meta
    assert meta["og:title"] == "We are looking for: Flyer verteilen"
    assert meta["og:description"] == share_summary(project)  # no description: the project's


def test_a_visitor_takes_the_task_on_its_page(login, volunteer, project, task):
    browser = login(volunteer)
    html = browser.get(reverse("sharing:task", args=[project.pk, task.pk])).content.decode()
    assert reverse("projects:take", args=[project.pk, task.pk]) in html
    assert "CSRF-TOKEN-PLACEHOLDER" not in html
    response = browser.post(reverse("projects:take", args=[project.pk, task.pk]))
    assert response.status_code == 302
    assert task.commitments.filter(user=volunteer).exists()


def test_a_removed_task_has_no_page(client, project, task):
    actions.remove_task(task)
    assert client.get(reverse("sharing:task", args=[project.pk, task.pk])).status_code == 404
    assert client.get(reverse("sharing:task_qr", args=[project.pk, task.pk])).status_code == 404


def test_a_task_of_another_project_or_platform_is_a_404(
    client, other_client, project, task, organisation
):
    other = f.ProjectFactory(organisation=organisation)
    assert client.get(reverse("sharing:task", args=[other.pk, task.pk])).status_code == 404
    assert other_client.get(reverse("sharing:task", args=[project.pk, task.pk])).status_code == 404


def test_a_drafts_task_is_a_404_for_visitors(client, login, organiser, project, task):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.DRAFT)
    url = reverse("sharing:task", args=[project.pk, task.pk])
    assert client.get(url).status_code == 404
    html = login(organiser).get(url).content.decode()
    assert 'class="share"' not in html  # members see the task, but nothing to share yet
    assert parse(html).meta["robots"] == "noindex"


def test_a_tasks_page_reads_only(client, project, task):
    assert client.post(reverse("sharing:task", args=[project.pk, task.pk])).status_code == 405


def test_a_tasks_page_costs_few_queries(
    client, login, volunteer, project, task, django_assert_max_num_queries
):
    url = reverse("sharing:task", args=[project.pk, task.pk])
    client.get(reverse("projects:home"))  # the navigation's pages are cached per platform
    # host -> platform, the project, the task, the people on the card (twice on a cold card)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
    browser = login(volunteer)
    browser.get(url)
    with django_assert_max_num_queries(10):
        assert browser.get(url).status_code == 200


def test_each_cards_title_leads_to_the_tasks_page(client, project, task):
    html = page(client, project)
    link = f'<a class="task-link" href="/projects/{project.pk}/tasks/{task.pk}/" hx-boost="false">'
    assert f"<h3>{link}Infostand besetzen</a></h3>" in html


def test_a_link_from_another_site_is_no_redirect_to_any_server(client, project):
    """A link elsewhere to the Mastodon step with ?instance= would send anyone to any host
    (an open redirect for phishing): it shows the page, filled in, to confirm first."""
    url = reverse("sharing:project_mastodon", args=[project.pk])
    response = client.get(url, {"instance": "evil.example"}, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 200
    assert 'value="evil.example"' in response.content.decode()
    confirmed = client.get(url, {"instance": "evil.example"}, HTTP_SEC_FETCH_SITE="same-origin")
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith("https://evil.example/share?text=")
