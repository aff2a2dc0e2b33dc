"""The platform's pages as visitors see them: /p/<slug>/, the imprint at /impressum/, the pages
in the main navigation (in order, from the cache), and the footer's imprint and privacy links."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crowdmoving.pages import actions
from crowdmoving.pages.models import ContentPage
from crowdmoving.privacy.actions import publish_text

pytestmark = pytest.mark.django_db

FIRST = "krass.example.org"


def make(platform, **changes):  # type: ignore[no-untyped-def]
    data = {
        "title": "Über uns",
        "kind": "about",
        "slug": "ueber-uns",
        "body": "## Wer wir sind\n\nWir sind **krass**.",
        "in_navigation": True,
        **changes,
    }
    return actions.create_page(platform, data, by=None)


def nav(html: str) -> list[str]:
    """The link texts of the main navigation."""
    block = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    assert block, "no main navigation"
    return [text.strip() for text in re.findall(r"<a [^>]*>([^<]*)", block.group(0))]


def test_a_page_is_public_at_its_address(client, platform):
    make(platform)

    response = client.get("/p/ueber-uns/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Über uns · Krass Plattform</title>" in html
    assert "<h1>Über uns</h1>" in html
    assert "<h2>Wer wir sind</h2>" in html and "<strong>krass</strong>" in html


def test_an_unknown_address_is_a_404(client, platform):
    make(platform)
    assert client.get("/p/gibt-es-nicht/").status_code == 404


def test_another_platforms_page_is_a_404_here_and_shown_there(
    client, other_client, platform, other_platform
):
    make(other_platform, title="Fremde Seite", slug="fremd")

    assert client.get("/p/fremd/").status_code == 404
    assert "Fremde Seite" not in client.get("/").content.decode()
    assert other_client.get("/p/fremd/").status_code == 200
    assert "Fremde Seite" in nav(other_client.get("/").content.decode())


def test_the_imprint_has_a_stable_address(client, platform):
    make(platform, kind="imprint", slug="anbieter", title="Impressum", in_navigation=False)

    response = client.get("/impressum/")

    assert response.status_code == 302
    assert response["Location"] == "/p/anbieter/"
    assert "Impressum" in client.get("/p/anbieter/").content.decode()


def test_without_an_imprint_the_stable_address_says_so(client, login, platform, platform_admin):
    response = client.get("/impressum/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This platform has not published its imprint (Impressum) yet." in html
    assert "Write the imprint" not in html
    assert "Write the imprint" in login(platform_admin).get("/impressum/").content.decode()


def test_the_footer_always_links_the_imprint_and_the_privacy_policy_once(client, platform):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert footer.count(f'href="{reverse("pages:imprint")}"') == 1
    assert footer.count(f'href="{reverse("privacy:current")}"') == 1
    assert ">Imprint</a>" in footer and ">Privacy</a>" in footer


def test_pages_read_before_accepting_the_privacy_policy(login, volunteer, platform):
    """The imprint must be reachable for a signed-in person who has not accepted yet."""
    make(platform, kind="imprint", slug="impressum", title="Impressum")
    publish_text(platform, body="Wir speichern wenig.", summary_of_changes="", by=None)
    browser = login(volunteer)
    assert browser.get("/").status_code == 302  # asked to accept first
    assert browser.get("/p/impressum/").status_code == 200
    assert browser.get("/impressum/").status_code == 302


def test_the_navigation_shows_the_chosen_pages_in_their_order(client, platform):
    make(platform)  # about
    make(platform, kind="faq", slug="faq", title="FAQ")
    make(platform, kind="imprint", slug="impressum", title="Impressum", in_navigation=False)
    mitmachen = make(platform, kind="custom", slug="mitmachen", title="Mitmachen")
    for _ in range(3):  # above the imprint (not in the navigation), the FAQ, the about page
        actions.move_page(mitmachen, "up", by=None)

    links = nav(client.get("/").content.decode())

    assert links[:4] == ["Projects", "Mitmachen", "Über uns", "FAQ"]
    assert "Impressum" not in links


def test_a_changed_page_is_in_the_navigation_at_once(client, platform):
    page = make(platform)
    assert "Über uns" in nav(client.get("/").content.decode())  # cached now

    actions.update_page(
        page,
        {
            "title": "Wer wir sind",
            "kind": "about",
            "slug": "ueber-uns",
            "body": page.body,
            "in_navigation": True,
        },
        by=None,
    )

    links = nav(client.get("/").content.decode())
    assert "Wer wir sind" in links and "Über uns" not in links


def page_queries(context: CaptureQueriesContext) -> int:
    return sum("pages_contentpage" in query["sql"] for query in context.captured_queries)


@pytest.mark.parametrize("where", ["home", "project", "project_signed_in"])
def test_the_navigation_costs_one_query_then_none(
    client, platform, project, volunteer, django_assert_max_num_queries, where
):
    for i in range(5):
        make(platform, kind="custom", slug=f"seite-{i}", title=f"Seite {i}")
    url = "/" if where == "home" else reverse("projects:detail", args=[project.pk])
    if where == "project_signed_in":
        client.force_login(volunteer)

    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as again:
        response = client.get(url)

    assert page_queries(first) == 1
    assert page_queries(again) == 0
    assert nav(response.content.decode())[1:6] == [f"Seite {i}" for i in range(5)]


def test_the_anonymous_project_page_cached_whole_shows_a_new_navigation(client, platform, project):
    url = reverse("projects:detail", args=[project.pk])
    assert "Neu im Menü" not in client.get(url).content.decode()

    make(platform, kind="custom", slug="neu", title="Neu im Menü")

    assert "Neu im Menü" in nav(client.get(url).content.decode())


def test_the_navigation_still_fits_many_pages_without_a_query_per_page(
    client, platform, django_assert_max_num_queries
):
    for i in range(20):
        make(platform, kind="custom", slug=f"seite-{i}", title=f"Seite {i}")
    with CaptureQueriesContext(connection) as context:
        client.get("/")
    assert page_queries(context) == 1
    assert ContentPage.objects.count() == 20


def test_the_second_platforms_navigation_is_its_own(client, other_client, platform, other_platform):
    make(platform, kind="custom", slug="hier", title="Hier")
    make(other_platform, kind="custom", slug="dort", title="Dort")
    assert "Dort" not in nav(client.get("/").content.decode())
    assert "Hier" not in nav(other_client.get("/").content.decode())
    assert Client(HTTP_HOST=FIRST).get("/p/dort/").status_code == 404
