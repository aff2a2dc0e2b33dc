"""The project directory (/projects/, projects.directory): search, each filter, the sort orders,
pages, bad input, the network directory on the hub, isolation of platforms, htmx answers and
the query budget. The search runs on both databases (CI runs this file on SQLite and on
PostgreSQL); where they differ on purpose, the test says so."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.notifications import periodic
from crowdmoving.organisations.models import Organisation
from crowdmoving.projects import actions
from crowdmoving.projects.directory import PER_PAGE, refresh_sort_keys
from crowdmoving.projects.models import Project, Task
from crowdmoving.tenancy.models import Domain, Platform

pytestmark = pytest.mark.django_db

URL = "/projects/"
CARD_TITLE = re.compile(r'class="card project-card directory-card">.*?<h2>(.*?)</h2>', re.S)
# The host (one or two lookups), the count, the page with its sort keys, the places and dates
# of the page's projects, the home domains on the hub, and one spare.
BUDGET = 7


def local_noon(days: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


def on(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def get(client: Client, params: dict[str, Any] | None = None, **headers: Any) -> str:
    response = client.get(URL, params or {}, **headers)
    assert response.status_code == 200
    return response.content.decode()


def titles(client: Client, **params: Any) -> list[str]:
    """The titles of the results, in their order."""
    return CARD_TITLE.findall(get(client, params))


@pytest.fixture
def make(organisation):  # type: ignore[no-untyped-def]
    """make(title, **fields) -> a public project of the first platform's organisation."""

    def _make(title: str, **fields: Any) -> Project:
        fields.setdefault("organisation", organisation)
        return f.ProjectFactory(title=title, **fields)

    return _make


def flexible(project: Project, **fields: Any) -> Task:
    return f.TaskFactory(
        project=project, timing=Task.Timing.FLEXIBLE, starts_at=None, ends_at=None, **fields
    )


def on_day(project: Project, days: int, **fields: Any) -> Task:
    return f.TaskFactory(
        project=project, timing=Task.Timing.DAY, starts_at=None, ends_at=None, day=on(days),
        **fields,
    )  # fmt: skip


def scheduled(project: Project, days: int, **fields: Any) -> Task:
    start = local_noon(days)
    return f.TaskFactory(project=project, starts_at=start, ends_at=start + timedelta(hours=2),
                         **fields)  # fmt: skip


# --- what is listed -------------------------------------------------------------------------


def test_the_directory_lists_the_platforms_public_projects_only(
    client, make, organisation, other_platform
):
    make("Öffentlich")
    make("Im Entwurf", status=Project.Status.DRAFT)
    make("Im Kreis", status=Project.Status.INNER_CIRCLE)
    make("Vorbei", status=Project.Status.CLOSED)
    f.ProjectFactory(organisation=f.OrganisationFactory(platform=other_platform), title="Fremd")
    assert titles(client) == ["Öffentlich"]


def test_the_main_navigation_and_the_home_page_lead_to_the_directory(client, project):
    html = client.get(reverse("projects:home")).content.decode()
    assert reverse("projects:directory") == URL
    assert f'<a href="{URL}">Projects</a>' in html
    assert f'action="{URL}"' in html


def test_each_result_shows_what_a_visitor_needs_at_a_glance(client, make):
    project = make("Suppe kochen", place="Leipzig", postal_code="04103",
                   category=Project.Category.SOCIAL, suitable_for_groups=True)  # fmt: skip
    scheduled(project, 3, capacity=4, taken=1)
    on_day(project, 9, capacity=2, taken=0)
    flexible(project, capacity=5, taken=5)
    scheduled(project, -2, capacity=9)  # past: neither a free place nor a date
    f.TaskFactory(project=project, capacity=9, removed_at=timezone.now())
    html = get(client)
    card = html[html.index("Suppe kochen") :]
    assert "KRASS e.V. · 04103 Leipzig" in card
    assert "Social help" in card and "Groups welcome" in card
    assert "5 places free in 2 tasks" in card
    assert f'<time datetime="{on(3).isoformat()}">' in card


def test_full_projects_and_projects_without_open_tasks_say_so(client, make):
    full = make("Alles voll")
    scheduled(full, 2, capacity=2, taken=2)
    make("Noch leer", starts_on=on(5))
    html = get(client)
    assert "All places taken" in html[html.index("Alles voll") :]
    empty = html[html.index("Noch leer") :]
    assert "No open tasks" in empty
    assert f'<time datetime="{on(5).isoformat()}">' in empty  # the project's own start


# --- search ---------------------------------------------------------------------------------


@pytest.fixture
def searchable(platform) -> dict[str, Project]:  # type: ignore[no-untyped-def]
    garden = f.OrganisationFactory(platform=platform, name="Gartenfreunde Süd")
    kitchen = f.OrganisationFactory(platform=platform, name="Tafel Nord")
    return {
        "beete": f.ProjectFactory(organisation=garden, title="Beete anlegen",
                                  story="Wir graben um.", place="Leipzig", postal_code="04277"),
        "suppe": f.ProjectFactory(organisation=kitchen, title="Suppenküche am Markt",
                                  story="Für alle", place="Halle"),
        "infostand": f.ProjectFactory(organisation=kitchen, title="Infostand",
                                      story="Wir erzählen von der SUPPENKÜCHE.", place="Dresden"),
        "lesen": f.ProjectFactory(organisation=kitchen, title="Vorlesen",
                                  story="Geschichten für Kinder im **Gemeinschaftsgarten**",
                                  place="Übersee"),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("beete", {"beete"}),  # title, any case
        ("INFOSTAND", {"infostand"}),
        ("infost", {"infostand"}),  # the beginning of a word
        ("graben", {"beete"}),  # story
        ("halle", {"suppe"}),  # place
        ("04277", {"beete"}),  # postal code
        ("tafel", {"suppe", "infostand", "lesen"}),  # organisation
        ("tafel halle", {"suppe"}),  # every word must be found, in any of the texts
        ("suppenküche", {"suppe", "infostand"}),  # umlauts in lower and upper case
        ("SUPPENKÜCHE", {"suppe", "infostand"}),
        ("übersee", {"lesen"}),
        ("  kinder   ", {"lesen"}),
        ("Schwimmbad", set()),
        ("'):* | !", {"beete", "suppe", "infostand", "lesen"}),  # no words: everything
    ],
)
def test_the_search_finds_every_word_in_title_story_place_or_organisation(
    client, searchable, query, expected
):
    shown = titles(client, q=query)
    assert {key for key, project in searchable.items() if project.title in shown} == expected


def test_a_word_inside_a_compound_is_found_on_sqlite_only(client, searchable):
    """SQLite looks for parts of words (LIKE); PostgreSQL's full-text search for words and
    their beginnings: "garten" finds "Gartenfreunde" there, not "Gemeinschaftsgarten"."""
    shown = titles(client, q="garten")
    assert searchable["beete"].title in shown
    assert (searchable["lesen"].title in shown) == (connection.vendor == "sqlite")


def test_the_best_match_comes_first_when_searching(client, searchable):
    """The title before the story ("Suppenküche" is the title of one, in the story of the
    other), although the story's project is newer."""
    assert titles(client, q="suppenküche") == ["Suppenküche am Markt", "Infostand"]
    assert titles(client, q="suppenküche", sort="newest") == ["Infostand", "Suppenküche am Markt"]


def test_a_renamed_organisation_is_found_by_its_new_name(client, searchable):
    """On PostgreSQL the search reads a document kept by triggers (migration 0007)."""
    Organisation.objects.filter(name="Gartenfreunde Süd").update(name="Grünzeug e.V.")
    assert titles(client, q="grünzeug") == ["Beete anlegen"]
    assert titles(client, q="gartenfreunde") == []
    project = searchable["suppe"]
    project.title = "Eintopf am Markt"
    project.save()
    assert titles(client, q="eintopf") == ["Eintopf am Markt"]


def test_the_search_says_how_many_were_found(client, searchable):
    html = get(client, {"q": "tafel"})
    assert "3 projects found" in html
    assert 'value="tafel"' in html
    html = get(client, {"q": "Schwimmbad"})
    assert "0 projects found" in html
    assert "No project matches your search." in html


# --- filters --------------------------------------------------------------------------------


def test_place_is_a_postal_code_or_its_beginning_or_part_of_the_town(client, make):
    make("Leipzig Mitte", place="Leipzig", postal_code="04103")
    make("Leipzig Süd", place="Leipzig-Connewitz", postal_code="04277")
    make("Dresden", place="Dresden", postal_code="01067")
    make("Köln", place="Köln", postal_code="50667")
    assert set(titles(client, place="04")) == {"Leipzig Mitte", "Leipzig Süd"}
    assert titles(client, place="04277") == ["Leipzig Süd"]
    assert titles(client, place="0") == titles(client, place="0")  # a prefix, no error
    assert set(titles(client, place="leipzig")) == {"Leipzig Mitte", "Leipzig Süd"}
    assert titles(client, place="connewitz") == ["Leipzig Süd"]
    assert titles(client, place="KÖLN") == ["Köln"]
    assert titles(client, place="9") == []


def test_category_and_groups(client, make):
    make("Tiere", category=Project.Category.ANIMALS, suitable_for_groups=True)
    make("Kultur", category=Project.Category.CULTURE, suitable_for_groups=True)
    make("Noch mehr Tiere", category=Project.Category.ANIMALS)
    assert set(titles(client, category="animals")) == {"Tiere", "Noch mehr Tiere"}
    assert set(titles(client, groups="on")) == {"Tiere", "Kultur"}
    assert titles(client, category="animals", groups="on") == ["Tiere"]


def test_a_date_range_asks_for_an_open_task_dated_within_it(client, make):
    soon = make("Bald")
    scheduled(soon, 3)
    later = make("Später")
    on_day(later, 20)
    make_flexible = make("Wann es passt")
    flexible(make_flexible)
    removed = make("Abgesagt")
    scheduled(removed, 3, removed_at=timezone.now())
    past = make("Vorbei")
    scheduled(past, -3)
    week = {"date_from": on(0).isoformat(), "date_to": on(6).isoformat()}
    assert titles(client, **week) == ["Bald"]
    assert titles(client, date_from=on(10).isoformat()) == ["Später"]
    assert titles(client, date_to=on(3).isoformat()) == ["Bald"]
    assert set(titles(client, date_from=on(3).isoformat(), date_to=on(20).isoformat())) == {
        "Bald",
        "Später",
    }
    # A period that began in the past counts from today: past tasks are over.
    assert titles(client, date_from=on(-5).isoformat(), date_to=on(-1).isoformat()) == []


def test_needs_people_this_week_is_a_free_place_in_the_next_seven_days(client, make):
    needed = make("Gesucht")
    scheduled(needed, 2, capacity=3, taken=1)
    today = make("Heute den ganzen Tag")
    on_day(today, 0)
    full = make("Voll")
    scheduled(full, 2, capacity=2, taken=2)
    next_week = make("Nächste Woche")
    scheduled(next_week, 7)
    whenever = make("Irgendwann")
    flexible(whenever)
    assert set(titles(client, this_week="on")) == {"Gesucht", "Heute den ganzen Tag"}


def test_skills_and_easy_tasks(client, make):
    cooking = make("Kochen")
    scheduled(cooking, 5, skills="Kochen, Geduld")
    easy = make("Leicht")
    flexible(easy, easy=True, skills="Freude am Gespräch")
    removed = make("Entfernt")
    flexible(removed, easy=True, skills="kochen", removed_at=timezone.now())
    assert titles(client, skills="koch") == ["Kochen"]
    assert titles(client, skills="GESPRÄCH") == ["Leicht"]
    assert titles(client, easy="on") == ["Leicht"]


def test_the_task_filters_ask_for_one_task_that_meets_them_all(client, make):
    split = make("Verteilt")
    scheduled(split, 2, skills="Kochen")  # this week, but not easy
    flexible(split, easy=True)  # easy, but no date
    together = make("Beides")
    scheduled(together, 2, skills="Kochen", easy=True)
    assert titles(client, this_week="on", easy="on") == ["Beides"]
    assert set(titles(client, skills="kochen")) == {"Verteilt", "Beides"}
    assert titles(client, skills="kochen", easy="on") == ["Beides"]


# --- sort -----------------------------------------------------------------------------------


@pytest.fixture
def to_sort(make) -> None:  # type: ignore[no-untyped-def]
    late = make("Spät, viele Plätze")  # the oldest
    on_day(late, 30, capacity=10)
    soon = make("Bald, wenig Plätze")
    scheduled(soon, 1, capacity=2, taken=1)
    scheduled(soon, 40, capacity=1)
    starting = make("Beginnt in zehn Tagen", starts_on=on(10))
    flexible(starting, capacity=4)
    undated = make("Ohne Datum")  # the newest
    flexible(undated, capacity=3)
    scheduled(undated, -1, capacity=50)  # past: neither its date nor its places count
    assert refresh_sort_keys(timezone.now()) == 4  # the worker's tick (below)


def test_soonest_is_the_default_order_and_undated_projects_come_last(client, to_sort):
    expected = ["Bald, wenig Plätze", "Beginnt in zehn Tagen", "Spät, viele Plätze", "Ohne Datum"]
    assert titles(client) == expected
    assert titles(client, sort="soonest") == expected
    assert titles(client, sort="") == expected  # "Recommended" without a search


def test_most_needed_counts_free_places_in_open_tasks(client, to_sort):
    assert titles(client, sort="needed") == [
        "Spät, viele Plätze",
        "Beginnt in zehn Tagen",
        "Ohne Datum",
        "Bald, wenig Plätze",
    ]


def test_newest_first(client, to_sort):
    assert titles(client, sort="newest") == [
        "Ohne Datum",
        "Beginnt in zehn Tagen",
        "Bald, wenig Plätze",
        "Spät, viele Plätze",
    ]


def test_the_worker_keeps_the_sort_keys_and_writes_only_what_changed(client, make, volunteer):
    first = make("Erstes")
    task = scheduled(first, 3, capacity=2)
    second = make("Zweites")
    scheduled(second, 5, capacity=1)
    assert periodic.run_due_work()["directory"] == 2
    first.refresh_from_db()
    assert (first.next_on, first.places_open) == (on(3), 2)
    assert refresh_sort_keys(timezone.now()) == 0
    assert titles(client, sort="needed") == ["Erstes", "Zweites"]

    actions.take_task(task, volunteer)
    actions.take_task(task, f.UserFactory())
    html = get(client, {"sort": "needed"})
    assert "All places taken" in html  # the results count live ...
    assert CARD_TITLE.findall(html) == ["Erstes", "Zweites"]  # ... the order after the tick
    assert refresh_sort_keys(timezone.now()) == 1
    assert titles(client, sort="needed") == ["Zweites", "Erstes"]


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def many(make) -> None:  # type: ignore[no-untyped-def]
    for n in range(2 * PER_PAGE + 5):
        make(f"Garten {n:02d}", category=Project.Category.ENVIRONMENT)
    make("Anderes Thema", category=Project.Category.SPORT)


def test_pages_of_twenty_with_numbers_and_the_filters_kept_in_their_links(client, many):
    html = get(client, {"category": "environment", "sort": "newest"})
    assert "45 projects found · page 1 of 3" in html
    assert len(CARD_TITLE.findall(html)) == PER_PAGE
    assert 'href="?category=environment&amp;sort=newest&amp;page=2" rel="next"' in html
    assert 'href="?category=environment&amp;sort=newest&amp;page=3"' in html
    last = titles(client, category="environment", sort="newest", page=3)
    assert last == [f"Garten {n:02d}" for n in range(4, -1, -1)]


@pytest.mark.parametrize(("number", "shown"), [("abc", 1), ("0", 3), ("-1", 3), ("9999", 3)])
def test_a_page_number_that_does_not_exist_gives_the_nearest_page(client, many, number, shown):
    html = get(client, {"category": "environment", "page": number})
    assert f"page {shown} of 3" in html
    assert 'aria-current="page"' in html


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "morgen"}, "date_from", "Enter a valid date."),
        ({"date_to": "2026-02-31"}, "date_to", "Enter a valid date."),
        ({"date_from": on(1).isoformat(), "date_to": on(0).isoformat()}, "date_to",
         "The end of the period is before its beginning."),
        ({"category": "aliens"}, "category", "Select a valid choice."),
        ({"sort": "random"}, "sort", "Select a valid choice."),
        ({"sort": "relevance"}, "sort", "Select a valid choice."),  # "Recommended" is the blank
        ({"q": "x" * 101}, "q", "Ensure this value has at most 100 characters"),
    ],
)  # fmt: skip
def test_a_bad_value_is_reported_at_its_field_and_the_others_still_filter(
    client, make, params, field, message
):
    on_day(make("Tiere", category=Project.Category.ANIMALS), 3)
    on_day(make("Kultur", category=Project.Category.CULTURE), 3)
    query = {"category": "culture", **params}
    html = get(client, query)
    assert f'id="id_{field}_error"' in html and message in html
    assert 'aria-invalid="true"' in html
    assert "Please correct the following:" in html
    if field == "category":
        assert set(titles(client, **query)) == {"Tiere", "Kultur"}  # the bad one is left out
    else:
        assert titles(client, **query) == ["Kultur"]  # the valid filter still filters


def test_extreme_dates_are_no_error(client, make):
    far = make("Fern")
    on_day(far, 400)
    assert titles(client, date_from="0001-01-01", date_to="9999-12-31") == ["Fern"]
    assert titles(client, date_from="9999-12-31") == []


def test_a_post_is_not_allowed(client):
    assert client.post(URL).status_code == 405


# --- htmx -----------------------------------------------------------------------------------


def test_htmx_gets_only_the_results(client, make):
    make("Tiere", category=Project.Category.ANIMALS)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "directory-results"}
    response = client.get(URL, {"category": "animals"}, **headers)
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="directory-results" id="directory-results"')
    assert "<html" not in html and "Tiere" in html
    assert "HX-Request" in response["Vary"]


def test_htmx_gets_the_form_back_when_a_value_is_bad(client):
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "directory-results"}
    response = client.get(URL, {"date_from": "morgen"}, **headers)
    assert response["HX-Retarget"] == "#directory"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert 'id="directory"' in html and "Enter a valid date." in html and "<html" not in html


# --- the network directory on the hub -------------------------------------------------------


@pytest.fixture
def hub(db) -> Platform:  # type: ignore[no-untyped-def]
    found = Platform.objects.filter(is_default=True).first()
    return found or f.PlatformFactory(name="Crowdmoving", slug="hub", is_default=True)


@pytest.fixture
def visitor(hub) -> Client:  # type: ignore[no-untyped-def]
    return Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")


def test_the_hub_lists_the_network_and_links_each_project_to_its_home(
    visitor, hub, project, platform, other_platform
):
    own = f.ProjectFactory(organisation=f.OrganisationFactory(platform=hub), title="Am Hub")
    hidden = f.ProjectFactory(
        organisation=f.OrganisationFactory(platform=other_platform), title="Nicht im Netz"
    )
    f.ProjectFactory(organisation=project.organisation, title="Entwurf", status="draft")
    f.ProjectFactory(organisation=project.organisation, title="Kreis", status="inner_circle")
    Platform.objects.filter(pk=other_platform.pk).update(show_in_network=False)
    html = get(visitor)
    assert "Projects in the network" in html
    assert set(CARD_TITLE.findall(html)) == {own.title, project.title}
    assert f'href="http://krass.example.org/projects/{project.pk}/"' in html
    assert f'href="/projects/{own.pk}/"' in html
    assert "on Krass Plattform" in html
    assert hidden.title not in get(visitor, {"q": "Netz"})


def test_the_hub_leaves_out_suspended_platforms_and_platforms_without_a_domain(
    visitor, project, platform, other_platform
):
    elsewhere = f.ProjectFactory(
        organisation=f.OrganisationFactory(platform=other_platform), title="Anderswo"
    )
    assert set(titles(visitor)) == {project.title, elsewhere.title}
    Platform.objects.filter(pk=platform.pk).update(status=Platform.Status.SUSPENDED)
    Domain.objects.filter(platform=other_platform).delete()
    assert titles(visitor) == []


def test_the_hubs_home_sends_a_search_to_the_directory(visitor, project):
    response = visitor.get("/", {"q": "  Kinder   malen "})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?q=Kinder+malen"
    html = visitor.get("/").content.decode()
    assert f'action="{URL}"' in html


def test_another_platforms_directory_shows_nothing_of_the_first(other_client, project, task):
    f.ProjectFactory(organisation=f.OrganisationFactory(platform=project.organisation.platform))
    own = f.ProjectFactory(
        organisation=f.OrganisationFactory(platform=Platform.objects.get(slug="andere")),
        title="Eigenes",
    )
    for params in ({}, {"q": "Kinder"}, {"q": "Eigenes"}, {"sort": "needed"}):
        html = other_client.get(URL, params).content.decode()
        assert project.title not in html and task.title not in html
        assert "Krass Plattform" not in html
    assert titles(other_client) == [own.title]


# --- the query budget -----------------------------------------------------------------------

FILTERS = [
    {},
    {"q": "projekt infostand", "sort": ""},
    {"place": "04", "category": "social", "groups": "on", "sort": "needed"},
    {"this_week": "on", "easy": "on", "skills": "kochen", "date_from": on(0).isoformat(),
     "date_to": on(30).isoformat(), "sort": "soonest", "page": "2"},
]  # fmt: skip


def add_projects(organisation: Organisation, count: int) -> None:
    for n in range(count):
        project = f.ProjectFactory(
            organisation=organisation, title=f"Projekt {n} Infostand", place="Leipzig",
            postal_code="04103", category=Project.Category.SOCIAL, suitable_for_groups=True,
        )  # fmt: skip
        scheduled(project, 2, skills="Kochen", easy=True)
        flexible(project)


@pytest.mark.parametrize("params", FILTERS)
def test_a_page_costs_the_same_for_3_and_30_projects(
    client, organisation, params, django_assert_max_num_queries
):
    def queries() -> int:
        with django_assert_max_num_queries(BUDGET), CaptureQueriesContext(connection) as seen:
            get(client, params)
        return len(seen)

    add_projects(organisation, 3)
    get(client, params)  # warm up: what base.html caches per platform
    few = queries()
    add_projects(organisation, 27)
    assert queries() == few


def test_the_network_directory_costs_the_same_for_1_and_6_platforms(
    visitor, hub, django_assert_max_num_queries
):
    def add_platform(n: int) -> None:
        other = f.PlatformFactory()
        Domain.objects.create(platform=other, domain=f"p{n}.example.org", is_primary=True)
        add_projects(f.OrganisationFactory(platform=other), 5)

    def queries(params: dict[str, str]) -> int:
        with django_assert_max_num_queries(BUDGET), CaptureQueriesContext(connection) as seen:
            get(visitor, params)
        return len(seen)

    add_platform(0)
    get(visitor)
    few = [queries(params) for params in FILTERS]
    for n in range(1, 6):
        add_platform(n)
    assert [queries(params) for params in FILTERS] == few
