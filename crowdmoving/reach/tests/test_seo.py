"""What search engines read: sitemaps, robots.txt, canonical addresses and noindex."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localdate

from crowdmoving import factories as f
from crowdmoving.conftest import make_publishable
from crowdmoving.core.tests.test_permissions import all_addresses
from crowdmoving.pages.models import ContentPage
from crowdmoving.privacy.actions import give_consent
from crowdmoving.projects import actions
from crowdmoving.projects.models import Project
from crowdmoving.reach.seo import PRIVATE_PATHS, ProjectsSitemap, is_private

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "krass.example.org"
BASE = f"http://{HOST}"


def xml(response) -> ET.Element:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)  # noqa: S314 - our own answer, not untrusted XML


def locations(root: ET.Element) -> list[str]:
    return [loc.text or "" for loc in root.iter(f"{SM}loc")]


def canonical(html: str) -> str:
    found = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def site(organisation, platform, other_platform):  # type: ignore[no-untyped-def]
    """The first platform, publishable (an imprint and a privacy text), with an about page,
    public, draft, inner-circle and closed projects; the second platform with its own."""
    privacy_text = make_publishable(platform)
    ContentPage.objects.create(
        platform=platform, kind="about", slug="ueber-uns", title="Über uns", body="x"
    )
    projects = {
        "public": f.ProjectFactory(organisation=organisation, title="Öffentlich"),
        "draft": f.ProjectFactory(organisation=organisation, status=Project.Status.DRAFT),
        "circle": f.ProjectFactory(organisation=organisation, status=Project.Status.INNER_CIRCLE),
        "closed": f.ProjectFactory(organisation=organisation, status=Project.Status.CLOSED),
    }
    other = f.OrganisationFactory(platform=other_platform, slug="fremd")
    projects["foreign"] = f.ProjectFactory(organisation=other)
    ContentPage.objects.create(
        platform=other.platform, kind="custom", slug="fremde-seite", title="Fremd", body="x"
    )
    projects["privacy_text"] = privacy_text
    return projects


# --- sitemaps --------------------------------------------------------------------------------


def test_the_sitemap_index_lists_the_platforms_sections_on_its_host(client, site):
    root = xml(client.get("/sitemap.xml"))
    assert root.tag == f"{SM}sitemapindex"
    assert locations(root) == [f"{BASE}/sitemap-pages.xml", f"{BASE}/sitemap-projects.xml"]


def test_the_projects_sitemap_lists_public_projects_only_with_their_last_change(client, site):
    root = xml(client.get("/sitemap-projects.xml"))
    assert locations(root) == [f"{BASE}/projects/{site['public'].pk}/"]
    lastmod = date.fromisoformat(root.findtext(f"{SM}url/{SM}lastmod", ""))
    assert lastmod == localdate(site["public"].updated_at)


def test_the_pages_sitemap_lists_home_directory_contact_privacy_and_content_pages(client, site):
    assert locations(xml(client.get("/sitemap-pages.xml"))) == [
        f"{BASE}/",
        f"{BASE}/projects/",
        f"{BASE}/contact/",
        f"{BASE}/privacy/",
        f"{BASE}/p/impressum/",
        f"{BASE}/p/ueber-uns/",
    ]


def test_a_platform_without_privacy_text_lists_no_privacy_page(other_client, site):
    assert locations(xml(other_client.get("/sitemap-pages.xml"))) == [
        "http://andere.example.org/",
        "http://andere.example.org/projects/",
        "http://andere.example.org/contact/",
        "http://andere.example.org/p/fremde-seite/",
    ]


def test_the_second_platforms_sitemaps_show_nothing_of_the_first(other_client, site):
    projects = locations(xml(other_client.get("/sitemap-projects.xml")))
    assert projects == [f"http://andere.example.org/projects/{site['foreign'].pk}/"]
    index = locations(xml(other_client.get("/sitemap.xml")))
    assert all(loc.startswith("http://andere.example.org/") for loc in index)


def test_a_project_leaves_the_sitemap_when_it_is_no_longer_public(client, site, organiser):
    actions.change_status(site["public"], Project.Status.CLOSED, by=organiser)
    assert locations(xml(client.get("/sitemap-projects.xml"))) == []


def test_long_sections_are_split_into_pages_listed_in_the_index(
    client, site, organisation, monkeypatch
):
    monkeypatch.setattr(ProjectsSitemap, "limit", 2)
    for _ in range(3):
        f.ProjectFactory(organisation=organisation)
    index = locations(xml(client.get("/sitemap.xml")))
    assert f"{BASE}/sitemap-projects.xml?p=2" in index
    first = locations(xml(client.get("/sitemap-projects.xml")))
    second = locations(xml(client.get("/sitemap-projects.xml?p=2")))
    assert len(first) == 2 and len(second) == 2 and not set(first) & set(second)
    assert client.get("/sitemap-projects.xml?p=3").status_code == 404
    assert client.get("/sitemap-projects.xml?p=x").status_code == 404


def test_the_sitemaps_cost_the_same_queries_for_many_projects(client, site, organisation):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            xml(client.get(url))
        return len(context.captured_queries)

    urls = ("/sitemap.xml", "/sitemap-pages.xml", "/sitemap-projects.xml")
    before = [count(url) for url in urls]
    for _ in range(30):
        f.ProjectFactory(organisation=organisation)
    assert [count(url) for url in urls] == before
    assert before == [5, 3, 3]  # the platform; pages: privacy + pages; projects: count + list


def test_sitemaps_answer_get_and_head_only(client, site):
    assert client.post("/sitemap.xml").status_code == 405
    assert client.post("/sitemap-pages.xml").status_code == 405


# --- robots.txt ------------------------------------------------------------------------------


def test_robots_txt_disallows_private_addresses_and_names_the_sitemap(client, other_client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/manage/", "/me/", "/platform/", "/operator/", "/accounts/", "/embed/"):
        assert f"Disallow: {path}" in lines
    for path in ("/notifications/", "/alerts/", "/api/", "/projects/*/join/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines  # the public pages stay open
    assert lines[-1] == f"Sitemap: {BASE}/sitemap.xml"
    other = other_client.get("/robots.txt").content.decode()
    assert other.splitlines()[-1] == "Sitemap: http://andere.example.org/sitemap.xml"


def test_a_suspended_platform_answers_robots_txt_with_its_notice(client, platform):
    platform.status = platform.Status.SUSPENDED
    platform.save()
    assert client.get("/robots.txt").status_code == 503


# --- canonical addresses ---------------------------------------------------------------------


def test_pages_name_their_canonical_address_without_tracking(client, site):
    public = site["public"]
    pages = {
        "/": f"{BASE}/",
        "/?utm_source=newsletter&q=garten": f"{BASE}/",
        "/?page=2&utm_campaign=x": f"{BASE}/?page=2",
        "/?page=1": f"{BASE}/",
        "/?page=abc": f"{BASE}/",
        "/?page=%C2%B2": f"{BASE}/",  # "²", a digit to str.isdigit()
        "/?page=02": f"{BASE}/?page=2",
        f"/projects/{public.pk}/?fbclid=abc": f"{BASE}/projects/{public.pk}/",
        "/p/ueber-uns/": f"{BASE}/p/ueber-uns/",
        "/contact/": f"{BASE}/contact/",
        "/privacy/": f"{BASE}/privacy/",
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert canonical(response.content.decode()) == expected, url


def test_the_canonical_address_is_on_the_primary_domain(client, platform, site):
    f.DomainFactory(platform=platform, domain="www.krass.example.org", is_primary=False)
    browser = Client(HTTP_HOST="www.krass.example.org", HTTP_ACCEPT_LANGUAGE="en")
    response = browser.get("/contact/", follow=True)
    assert canonical(response.content.decode()) == f"{BASE}/contact/"


def test_the_secret_link_never_reaches_the_canonical_address(site):
    circle = site["circle"]
    browser = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
    link = f"/projects/{circle.pk}/join/{circle.secret}/"
    first = browser.get(link)
    assert first["X-Robots-Tag"] == "noindex"
    response = browser.get(link, follow=True)
    html = response.content.decode()
    assert canonical(html) == f"{BASE}/projects/{circle.pk}/"
    assert circle.secret not in html
    assert '<meta name="robots" content="noindex">' in html
    # A wrong secret's page (a 404) names the project, not the wrong secret.
    wrong = browser.get(f"/projects/{circle.pk}/join/wrong-secret/")
    assert wrong.status_code == 404
    assert canonical(wrong.content.decode()) == f"{BASE}/projects/{circle.pk}/"


# --- noindex ---------------------------------------------------------------------------------

NOINDEX_META = '<meta name="robots" content="noindex">'


def test_private_addresses_carry_the_noindex_header_whatever_they_answer(client, login, site):
    circle = site["circle"]
    urls = [
        "/manage/",
        "/me/tasks/",
        "/platform/",
        "/operator/",
        "/accounts/login/",
        "/notifications/",
        "/embed/projects/1/",
        "/alerts/",
        "/api/v1/projects/",
        f"/projects/{circle.pk}/join/{circle.secret}/",
        "/confirm/not-a-token/",
        "/projects/1/team/",
    ]
    for url in urls:
        assert client.get(url)["X-Robots-Tag"] == "noindex", url


def test_public_pages_carry_no_noindex(client, site):
    public = site["public"]
    closed = site["closed"]  # closed after being public: public history
    for url in ("/", f"/projects/{public.pk}/", f"/projects/{closed.pk}/", "/p/ueber-uns/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "X-Robots-Tag" not in response, url
        assert NOINDEX_META not in response.content.decode(), url
    for url in ("/contact/", "/privacy/", "/feeds/projects.atom", "/robots.txt"):
        assert "X-Robots-Tag" not in client.get(url), url


def test_drafts_inner_circles_and_never_public_closed_projects_say_noindex(
    client, login, site, organiser
):
    never_public = f.ProjectFactory(
        organisation=site["public"].organisation, status=Project.Status.CLOSED, published_at=None
    )
    give_consent(organiser, site["privacy_text"], platform=site["public"].organisation.platform)
    browser = login(organiser)
    for project in (site["draft"], site["circle"], never_public):
        response = browser.get(f"/projects/{project.pk}/")
        assert response.status_code == 200
        assert NOINDEX_META in response.content.decode(), project.status


def test_every_address_under_a_private_path_is_noindex_and_no_other_is(client, site):
    """Walks every named address of the URL resolver (arguments filled with "1"): the header
    is there exactly where robots.txt disallows, apart from the answers that are never a search
    result by themselves (sitemaps, calendar files)."""
    own_header = {
        "feeds:sitemap",
        "feeds:sitemap_pages",
        "feeds:sitemap_projects",
        "feeds:project_calendar",
    }
    problems = []
    walked = 0
    for address in all_addresses()[0]:
        url = reverse(address.name, kwargs={param: "1" for param in address.params})
        response = client.get(url)
        walked += 1
        header = response.get("X-Robots-Tag", "")
        if is_private(url) and header != "noindex":
            problems.append(f"{url} ({address.name}) lacks noindex: {header!r}")
        if not is_private(url) and header and address.name not in own_header:
            problems.append(f"{url} ({address.name}) is public but says {header!r}")
    assert walked > 50
    assert problems == []


def test_the_private_paths_match_the_addresses_they_name():
    assert is_private("/projects/12/join/abc/")
    assert is_private("/projects/12/tasks/3/hold/")
    assert not is_private("/projects/12/tasks/3/")  # the task's page, shared with a preview
    assert not is_private("/projects/12/")
    assert not is_private("/projects/12/tasks.ics")
    assert not is_private("/privacy/")
    assert all(path.startswith("/") and path.endswith("/") for path in PRIVATE_PATHS)


def test_the_site_remembers_when_a_project_changed(client, site):
    """lastmod follows the project's updated_at (a later change, a later lastmod)."""
    public = site["public"]
    Project.objects.filter(pk=public.pk).update(updated_at=public.updated_at + timedelta(days=3))
    root = xml(client.get("/sitemap-projects.xml"))
    lastmod = date.fromisoformat(root.findtext(f"{SM}url/{SM}lastmod", ""))
    assert lastmod == localdate(public.updated_at + timedelta(days=3))
