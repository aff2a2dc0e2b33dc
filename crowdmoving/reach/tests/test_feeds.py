"""Atom feeds of new public projects (per platform, per organisation) and a project's calendar."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.projects.models import Project, Task
from crowdmoving.reach.feeds import FEED_SIZE

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOST = "krass.example.org"


def parse(response) -> ET.Element:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own answer, not untrusted XML


def child(element: ET.Element, name: str) -> ET.Element:
    found = element.find(f"{ATOM}{name}")
    assert found is not None, name
    return found


def titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title", "") for entry in feed.iter(f"{ATOM}entry")]


@pytest.fixture
def shown(organisation, organiser):  # type: ignore[no-untyped-def]
    """Public, draft, inner-circle and closed projects of the first platform's organisation,
    an other organisation's public project, and the second platform's look-alike."""
    hour = timedelta(hours=1)
    now = timezone.now()
    projects = {
        "older": f.ProjectFactory(
            organisation=organisation,
            title="Ältere Aktion",
            published_at=now - 3 * hour,
            category=Project.Category.ENVIRONMENT,
        ),
        "newer": f.ProjectFactory(
            organisation=organisation,
            title="Bäume & Bänke <streichen>",
            story="Stell dir vor: **neue Bänke** für den Park & ein Fest. " + "Wort " * 200,
            published_at=now - hour,
            category=Project.Category.NEIGHBOURHOOD,
        ),
        "draft": f.ProjectFactory(
            organisation=organisation, title="Geheimer Entwurf", status=Project.Status.DRAFT
        ),
        "circle": f.ProjectFactory(
            organisation=organisation, title="Nur im Kreis", status=Project.Status.INNER_CIRCLE
        ),
        "closed": f.ProjectFactory(
            organisation=organisation, title="Schon vorbei", status=Project.Status.CLOSED
        ),
    }
    neighbour = f.OrganisationFactory(
        platform=organisation.platform, name="Nachbarverein", slug="nachbarn"
    )
    projects["neighbour"] = f.ProjectFactory(
        organisation=neighbour, title="Nachbarschaftsfest", published_at=now - 2 * hour
    )
    return projects


@pytest.fixture
def foreign(other_platform):  # type: ignore[no-untyped-def]
    org = f.OrganisationFactory(platform=other_platform, name="KRASS e.V.", slug="krass-ev")
    return f.ProjectFactory(organisation=org, title="Fremdes Projekt")


def test_the_platform_feed_lists_its_public_projects_newest_first(client, shown, foreign):
    feed = parse(client.get("/feeds/projects.atom"))
    assert titles(feed) == ["Bäume & Bänke <streichen>", "Nachbarschaftsfest", "Ältere Aktion"]


def test_the_feed_is_named_after_the_platform_and_links_to_it(client, platform, shown):
    platform.tagline = "Gemeinsam mehr bewegen"
    platform.save()
    feed = parse(client.get("/feeds/projects.atom"))
    assert feed.findtext(f"{ATOM}title") == "Krass Plattform"
    assert feed.findtext(f"{ATOM}subtitle") == "Gemeinsam mehr bewegen"
    links = {link.get("rel"): link.get("href") for link in feed.iter(f"{ATOM}link")}
    assert links["self"] == f"http://{HOST}/feeds/projects.atom"


def test_an_entry_has_its_absolute_link_summary_dates_author_and_category(client, shown):
    feed = parse(client.get("/feeds/projects.atom"))
    entry = next(feed.iter(f"{ATOM}entry"))
    newer = shown["newer"]
    assert entry.findtext(f"{ATOM}id") == f"http://{HOST}/projects/{newer.pk}/"
    assert child(entry, "link").get("href") == f"http://{HOST}/projects/{newer.pk}/"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "KRASS e.V."
    assert child(entry, "category").get("term") == "Neighbourhood"
    updated = datetime.fromisoformat(entry.findtext(f"{ATOM}updated", ""))
    assert abs(updated - newer.updated_at) < timedelta(seconds=1)
    published = datetime.fromisoformat(entry.findtext(f"{ATOM}published", ""))
    assert abs(published - newer.published_at) < timedelta(seconds=1)
    summary = child(entry, "summary")
    assert summary.get("type") == "html"
    # Plain text (no Markdown, no tags), escaped once more for type="html", and short.
    text = summary.text or ""
    assert text.startswith("Stell dir vor: neue Bänke für den Park &amp; ein Fest.")
    assert len(text) < 320
    assert text.endswith("…")


@pytest.mark.parametrize("hidden", ["draft", "circle", "closed"])
def test_the_feeds_never_show_drafts_inner_circles_or_closed_projects(
    client, shown, foreign, hidden
):
    for url in ("/feeds/projects.atom", "/feeds/o/krass-ev.atom"):
        response = client.get(url)
        parse(response)
        assert shown[hidden].title not in response.content.decode()
        assert "Fremdes Projekt" not in response.content.decode()


def test_the_organisation_feed_lists_only_its_projects(client, shown, foreign):
    feed = parse(client.get("/feeds/o/krass-ev.atom"))
    assert titles(feed) == ["Bäume & Bänke <streichen>", "Ältere Aktion"]
    assert feed.findtext(f"{ATOM}title") == "KRASS e.V. · Krass Plattform"
    neighbour = parse(client.get("/feeds/o/nachbarn.atom"))
    assert titles(neighbour) == ["Nachbarschaftsfest"]


def test_the_organisation_feed_of_an_unknown_or_foreign_slug_is_a_404(
    client, other_client, shown, foreign, other_platform
):
    f.OrganisationFactory(platform=other_platform, name="Nur drüben", slug="nur-drueben")
    assert client.get("/feeds/o/nur-drueben.atom").status_code == 404
    assert client.get("/feeds/o/nowhere.atom").status_code == 404
    assert other_client.get("/feeds/o/nachbarn.atom").status_code == 404
    # The second platform's own look-alike "krass-ev" shows its own project only.
    assert titles(parse(other_client.get("/feeds/o/krass-ev.atom"))) == ["Fremdes Projekt"]


def test_the_second_platforms_feed_shows_only_its_own(other_client, shown, foreign):
    feed = parse(other_client.get("/feeds/projects.atom"))
    assert titles(feed) == ["Fremdes Projekt"]
    assert feed.findtext(f"{ATOM}title") == "Andere Plattform"


def test_a_feed_holds_at_most_its_size(client, organisation):
    for _ in range(FEED_SIZE + 3):
        f.ProjectFactory(organisation=organisation)
    assert len(titles(parse(client.get("/feeds/projects.atom")))) == FEED_SIZE


def test_a_feed_costs_the_same_few_queries_for_many_projects(
    client, organisation, django_assert_num_queries
):
    f.ProjectFactory(organisation=organisation)
    # The host's platform, the projects; for the organisation's feed, the organisation too.
    with django_assert_num_queries(2):
        parse(client.get("/feeds/projects.atom"))
    with django_assert_num_queries(3):
        parse(client.get("/feeds/o/krass-ev.atom"))
    for _ in range(25):
        f.ProjectFactory(organisation=organisation)
    with django_assert_num_queries(2):
        parse(client.get("/feeds/projects.atom"))
    with django_assert_num_queries(3):
        parse(client.get("/feeds/o/krass-ev.atom"))


def test_a_reader_with_the_current_feed_gets_a_304_and_a_change_renews_it(client, shown):
    first = client.get("/feeds/projects.atom")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"].startswith("public")
    again = client.get("/feeds/projects.atom", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert client.get("/feeds/projects.atom", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # Closing a project takes it out of the feed: a new ETag, the full feed.
    Project.objects.filter(pk=shown["older"].pk).update(status=Project.Status.CLOSED)
    changed = client.get("/feeds/projects.atom", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Ältere Aktion" not in changed.content.decode()


def test_the_feeds_answer_get_and_head_only(client, shown):
    assert client.head("/feeds/projects.atom").status_code == 200
    assert client.post("/feeds/projects.atom").status_code == 405
    assert client.post("/feeds/o/krass-ev.atom").status_code == 405


def test_every_page_names_the_platforms_feed(client, shown):
    html = client.get("/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="New projects on Krass Plattform" href="/feeds/projects.atom">'
    ) in html


# --- the project's calendar ------------------------------------------------------------------


def events(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The VEVENTs of an iCalendar answer as {property: value} (folded lines unfolded)."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode().replace("\r\n ", "")
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    found: list[dict[str, str]] = []
    for line in lines:
        if line == "BEGIN:VEVENT":
            found.append({})
        elif found and line != "END:VEVENT" and ":" in line:
            name, value = line.split(":", 1)
            found[-1].setdefault(name, value)
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == len(found)
    return found


@pytest.fixture
def dated(project):  # type: ignore[no-untyped-def]
    start = datetime(2030, 6, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    f.TaskFactory(project=project, title="Zelt aufbauen", timing=Task.Timing.FLEXIBLE)
    f.TaskFactory(
        project=project,
        title="Kuchen backen",
        timing=Task.Timing.DAY,
        day=date(2030, 5, 31),
    )
    f.TaskFactory(
        project=project,
        title="Infostand, Markt; Stand 3",
        timing=Task.Timing.SCHEDULED,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    f.TaskFactory(
        project=project,
        title="Entfernte Aufgabe",
        timing=Task.Timing.SCHEDULED,
        starts_at=start,
        removed_at=timezone.now(),
    )
    return project


def test_a_projects_calendar_holds_its_live_dated_tasks_in_date_order(client, dated):
    found = events(client.get(f"/projects/{dated.pk}/tasks.ics"))
    assert [e["SUMMARY"] for e in found] == ["Kuchen backen", "Infostand\\, Markt\\; Stand 3"]
    day, scheduled = found
    assert day["DTSTART;VALUE=DATE"] == "20300531"
    assert scheduled["DTSTART"] == "20300601T080000Z"  # 10:00 in Berlin, summer time
    assert scheduled["DTEND"] == "20300601T100000Z"
    assert scheduled["URL"].startswith(f"http://{HOST}/projects/{dated.pk}/#task-")


def test_the_project_page_links_its_calendar(client, dated):
    html = client.get(f"/projects/{dated.pk}/").content.decode()
    assert f'href="/projects/{dated.pk}/tasks.ics"' in html
    assert "Add the dates to your calendar" in html


@pytest.mark.parametrize("status", [Project.Status.DRAFT, Project.Status.INNER_CIRCLE])
def test_a_hidden_projects_calendar_is_a_404_for_visitors_and_there_for_members(
    client, login, dated, organiser, status
):
    Project.objects.filter(pk=dated.pk).update(status=status, published_at=None)
    assert Client(HTTP_HOST=HOST).get(f"/projects/{dated.pk}/tasks.ics").status_code == 404
    response = login(organiser).get(f"/projects/{dated.pk}/tasks.ics")
    assert len(events(response)) == 2
    assert response["Cache-Control"].startswith("private")


def test_the_inner_circle_gets_the_calendar_with_the_secret_link(dated):
    Project.objects.filter(pk=dated.pk).update(status=Project.Status.INNER_CIRCLE)
    browser = Client(HTTP_HOST=HOST)
    assert browser.get(f"/projects/{dated.pk}/join/{dated.secret}/").status_code == 302
    assert len(events(browser.get(f"/projects/{dated.pk}/tasks.ics"))) == 2


def test_a_public_projects_calendar_may_be_cached_and_is_not_for_search_engines(client, dated):
    response = client.get(f"/projects/{dated.pk}/tasks.ics")
    assert response["Cache-Control"].startswith("public")
    assert response["X-Robots-Tag"] == "noindex"


def test_another_platforms_project_calendar_is_a_404(other_client, dated):
    assert other_client.get(f"/projects/{dated.pk}/tasks.ics").status_code == 404
    assert other_client.get("/projects/999999/tasks.ics").status_code == 404


def test_a_calendar_costs_the_same_queries_for_many_tasks(client, dated, django_assert_num_queries):
    with django_assert_num_queries(3):  # the host's platform, the project, its tasks
        events(client.get(f"/projects/{dated.pk}/tasks.ics"))
    for day in range(1, 20):
        f.TaskFactory(project=dated, timing=Task.Timing.DAY, day=date(2030, 7, day))
    with django_assert_num_queries(3):
        assert len(events(client.get(f"/projects/{dated.pk}/tasks.ics"))) == 21
