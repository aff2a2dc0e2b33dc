"""The network hub: the default platform's home page lists the public projects of every active
platform that opts in, links each to its home platform, searches across them, and costs the
same number of queries for 1 project as for 30. Administrators opt out at /platform/network/."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.projects.models import Project
from crowdmoving.tenancy.models import Domain, Platform

pytestmark = pytest.mark.django_db

HUB_HOST = "localhost"
BUDGET = 6  # the host (two: the hub is no Domain row here), the selector's three, spare


@pytest.fixture
def hub(db) -> Platform:  # type: ignore[no-untyped-def]
    """The default platform (made by a data migration), served on localhost."""
    found = Platform.objects.filter(is_default=True).first()
    return found or f.PlatformFactory(name="Crowdmoving", slug="hub", is_default=True)


@pytest.fixture
def visitor(hub) -> Client:  # type: ignore[no-untyped-def]
    return Client(HTTP_HOST=HUB_HOST, HTTP_ACCEPT_LANGUAGE="en")


def listed(client: Client, query: str = "") -> str:
    """The hub's home page; with a search (``q=``) the network directory, where the hub's
    search lives (views_directory; the home page sends ``?q=`` there)."""
    page = "projects:directory" if "q=" in query else "projects:home"
    url = reverse(page) + (f"?{query}" if query else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_hub_lists_public_projects_of_every_platform_with_name_organisation_and_places(
    visitor, project, other_platform
):
    f.TaskFactory(project=project, capacity=4, taken=1)
    elsewhere = f.ProjectFactory(
        organisation=f.OrganisationFactory(platform=other_platform, name="Andere Leute"),
        title="Suppenküche am Markt",
    )
    html = listed(visitor)
    assert "Projects in the network" in html
    for text in (project.title, "KRASS e.V.", "on Krass Plattform", "3 of 4 places free"):
        assert text in html
    for text in (elsewhere.title, "Andere Leute", "on Andere Plattform", "No tasks yet"):
        assert text in html


def test_each_project_links_to_its_home_platforms_primary_domain(visitor, project, platform):
    Domain.objects.filter(platform=platform).update(is_primary=True)
    Domain.objects.create(platform=platform, domain="alt.krass.example.org", is_primary=False)
    html = listed(visitor)
    assert f'href="http://krass.example.org/projects/{project.pk}/"' in html
    assert "alt.krass.example.org" not in html


def test_the_links_keep_the_port_the_installation_is_served_on(hub, project):
    browser = Client(HTTP_HOST=f"{HUB_HOST}:8000", HTTP_ACCEPT_LANGUAGE="en")
    html = listed(browser)
    assert f'href="http://krass.example.org:8000/projects/{project.pk}/"' in html


def test_the_hubs_own_projects_link_on_the_hub(visitor, hub):
    own = f.ProjectFactory(organisation=f.OrganisationFactory(platform=hub), title="Hub-Projekt")
    html = listed(visitor)
    assert f'href="/projects/{own.pk}/"><h2>Hub-Projekt</h2>' in html


def test_the_hub_always_lists_its_own_projects(visitor, hub):
    Platform.objects.filter(pk=hub.pk).update(show_in_network=False)
    f.ProjectFactory(organisation=f.OrganisationFactory(platform=hub), title="Hub-Projekt")
    assert "Hub-Projekt" in listed(visitor)


def test_a_platform_that_opted_out_is_not_listed(visitor, project, platform):
    Platform.objects.filter(pk=platform.pk).update(show_in_network=False)
    html = listed(visitor)
    assert project.title not in html
    assert "Krass Plattform" not in html


def test_a_suspended_platform_is_not_listed(visitor, project, platform):
    Platform.objects.filter(pk=platform.pk).update(status=Platform.Status.SUSPENDED)
    assert project.title not in listed(visitor)


def test_a_platform_without_a_domain_is_not_listed(visitor, project, platform):
    Domain.objects.filter(platform=platform).delete()
    assert project.title not in listed(visitor)


def test_drafts_inner_circles_and_closed_projects_never_appear(visitor, organisation):
    f.ProjectFactory(organisation=organisation, title="Im Entwurf", status="draft")
    f.ProjectFactory(organisation=organisation, title="Im Kreis", status="inner_circle")
    f.ProjectFactory(organisation=organisation, title="Nie öffentlich", status="closed",
                     published_at=None)  # fmt: skip
    f.ProjectFactory(
        organisation=organisation, title="Vorbei", status="closed", published_at=timezone.now()
    )
    f.ProjectFactory(organisation=organisation, title="Sichtbar")
    html = listed(visitor)
    assert "Sichtbar" in html
    for hidden in ("Im Entwurf", "Im Kreis", "Nie öffentlich", "Vorbei"):
        assert hidden not in html
    assert "Im Entwurf" not in listed(visitor, "q=Entwurf")


def test_other_platforms_keep_their_own_home_page(client, project, other_platform):
    f.ProjectFactory(
        organisation=f.OrganisationFactory(platform=other_platform), title="Auf der anderen"
    )
    html = client.get(reverse("projects:home")).content.decode()
    assert project.title in html
    assert "Auf der anderen" not in html
    assert "Projects in the network" not in html


# --- search ---------------------------------------------------------------------------------


@pytest.fixture
def three(platform, other_platform) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    garden = f.OrganisationFactory(platform=platform, name="Gartenfreunde Süd")
    kitchen = f.OrganisationFactory(platform=other_platform, name="Tafel Nord")
    return {
        "beete": f.ProjectFactory(
            organisation=garden, title="Beete anlegen", story="Wir graben um.", place="Leipzig"
        ),
        "suppe": f.ProjectFactory(
            organisation=kitchen, title="Suppe kochen", story="Für alle", place="Halle"
        ),
        "lesen": f.ProjectFactory(
            organisation=kitchen,
            title="Vorlesen",
            story="Geschichten für Kinder im **Gemeinschaftsgarten**",
            place="Dresden",
        ),
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("beete", {"beete"}),  # title, any case
        ("SUPPE", {"suppe"}),
        ("graben", {"beete"}),  # story
        ("halle", {"suppe"}),  # place
        ("tafel", {"suppe", "lesen"}),  # organisation
        # the beginning of a word (parts inside compounds: SQLite only, see test_directory)
        ("garten", {"beete", "lesen"} if connection.vendor == "sqlite" else {"beete"}),
        ("garten leipzig", {"beete"}),  # every word must match
        ("  kinder   ", {"lesen"}),
        ("Schwimmbad", set()),
    ],
)
def test_the_search_looks_in_title_story_place_and_organisation(visitor, three, query, found):
    html = listed(visitor, f"q={query}")
    shown = {key for key, project in three.items() if project.title in html}
    assert shown == found


def test_a_search_says_how_many_were_found_and_how_to_see_all(visitor, three):
    html = listed(visitor, "q=tafel")
    assert "2 projects found" in html
    assert 'value="tafel"' in html
    html = listed(visitor, "q=Schwimmbad")
    assert "0 projects found" in html
    assert "No project matches your search." in html
    assert 'href="/projects/">Clear all filters' in html


def test_a_search_does_not_find_projects_of_platforms_that_opted_out(visitor, three, platform):
    Platform.objects.filter(pk=platform.pk).update(show_in_network=False)
    assert "Beete anlegen" not in listed(visitor, "q=beete")


def test_the_hub_shows_24_projects_per_page(visitor, organisation):
    for n in range(30):
        f.ProjectFactory(organisation=organisation, title=f"Garten {n:02d}")
    first = listed(visitor)
    assert first.count('class="card project-card"') == 24
    assert 'href="?page=2"' in first
    second = listed(visitor, "page=2")
    assert second.count('class="card project-card"') == 6
    assert "Garten 00" in second and "Garten 29" not in second


def test_the_hub_costs_the_same_for_1_and_30_projects_on_many_platforms(
    visitor, hub, django_assert_max_num_queries
):
    def add_platform_with_projects(n: int, count: int) -> None:
        other = f.PlatformFactory()
        Domain.objects.create(platform=other, domain=f"p{n}.example.org", is_primary=True)
        org = f.OrganisationFactory(platform=other)
        for _ in range(count):
            f.TaskFactory(project=f.ProjectFactory(organisation=org))

    add_platform_with_projects(0, 1)

    def queries(query: str = "") -> int:
        with django_assert_max_num_queries(BUDGET), CaptureQueriesContext(connection) as context:
            listed(visitor, query)
        return len(context)

    listed(visitor)  # warm up: what base.html caches per platform (its navigation)
    few, few_searched = queries(), queries("q=projekt")
    for n in range(1, 6):
        add_platform_with_projects(n, 6 if n < 5 else 5)
    assert Project.objects.count() == 30
    many, many_searched = queries(), queries("q=projekt")
    assert (few, few_searched) == (many, many_searched)


# --- opting out -----------------------------------------------------------------------------

SETTINGS = "/platform/network/"


def test_the_settings_page_is_linked_from_the_platform_page(login, platform_admin):
    assert reverse("network:settings") == SETTINGS
    html = login(platform_admin).get(reverse("platform:home")).content.decode()
    assert f'href="{SETTINGS}"' in html


def test_an_administrator_opts_out_and_the_hub_no_longer_lists_the_platform(
    login, platform_admin, platform, project, visitor
):
    browser = login(platform_admin)
    page = browser.get(SETTINGS).content.decode()
    assert 'name="show_in_network"' in page and "checked" in page
    before = Platform.objects.get(pk=platform.pk).updated_at

    response = browser.post(SETTINGS, {})
    assert response.status_code == 302 and response["Location"] == SETTINGS

    platform.refresh_from_db()
    assert platform.show_in_network is False
    assert platform.updated_at > before
    entry = AuditEntry.objects.get(action=Action.SETTINGS_CHANGED, platform=platform)
    assert entry.actor == platform_admin
    assert entry.data["fields"] == ["show_in_network"]
    assert entry.data["show_in_network"] is False
    assert project.title not in listed(visitor)
    assert "no longer listed" in browser.get(SETTINGS).content.decode()


def test_an_administrator_opts_in_again(login, platform_admin, platform, project, visitor):
    Platform.objects.filter(pk=platform.pk).update(show_in_network=False)
    login(platform_admin).post(SETTINGS, {"show_in_network": "on"})
    platform.refresh_from_db()
    assert platform.show_in_network is True
    assert project.title in listed(visitor)


def test_saving_without_a_change_writes_no_audit_entry(login, platform_admin, platform):
    login(platform_admin).post(SETTINGS, {"show_in_network": "on"})
    assert not AuditEntry.objects.filter(action=Action.SETTINGS_CHANGED).exists()


def test_people_who_do_not_administer_the_platform_get_a_404(login, organiser, platform):
    browser = login(organiser)
    assert browser.get(SETTINGS).status_code == 404
    assert browser.post(SETTINGS, {}).status_code == 404
    platform.refresh_from_db()
    assert platform.show_in_network is True


def test_an_administrator_of_another_platform_cannot_change_this_one(
    platform_admin, other_platform
):
    browser = Client(HTTP_HOST="andere.example.org", HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(platform_admin)
    assert browser.post(SETTINGS, {}).status_code == 404
    other_platform.refresh_from_db()
    assert other_platform.show_in_network is True


def test_on_the_hub_the_page_explains_that_the_hub_lists_its_own_projects(hub, operator):
    browser = Client(HTTP_HOST=HUB_HOST, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(operator)
    html = browser.get(SETTINGS).content.decode()
    assert "This platform is the network's hub" in html
    assert 'name="show_in_network"' not in html
    assert browser.post(SETTINGS, {}).status_code == 200
    hub.refresh_from_db()
    assert hub.show_in_network is True
