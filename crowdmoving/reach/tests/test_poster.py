"""The printable A4 poster: the platform, the title, the story's opening, the open tasks (at
most eight, "and N more"), the QR code inline and the address to type, for whoever may see a
public or inner-circle project."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.core.tests.test_security_csp import inline_code
from crowdmoving.projects import actions
from crowdmoving.projects.models import Project, Task
from crowdmoving.reach import qr
from crowdmoving.reach.tests.test_qr import decode, rasterise

pytestmark = pytest.mark.django_db

HOST = "krass.example.org"
OPENING = (
    "Stell dir vor: zwanzig Kinder im Viertel malen ihre Welt auf große Leinwände, "
    "und alle sehen es."
)


@pytest.fixture
def story(project: Project) -> Project:
    project.story = f"{OPENING}\n\nDas wollen wir ermöglichen: eine Ausstellung."
    project.story_html = f"<p>{OPENING}</p>\n<p>Das wollen wir ermöglichen: eine Ausstellung.</p>"
    project.save()
    return project


def poster(client: Client, project: Project) -> str:
    response = client.get(reverse("sharing:poster", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_poster_shows_the_opening_the_open_tasks_and_the_code(client, story, task):
    full = f.TaskFactory(project=story, title="Schon voll", capacity=1)
    Task.objects.filter(pk=full.pk).update(taken=1)
    past = f.TaskFactory(
        project=story,
        title="Schon vorbei",
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-2),
    )
    removed = f.TaskFactory(project=story, title="Gestrichen")
    actions.remove_task(removed)

    html = poster(client, story)

    assert '<h1 class="poster-title">Kinder malen ihre Welt</h1>' in html
    assert f'<p class="poster-opening">{OPENING}</p>' in html
    assert "Das wollen wir" not in html  # the opening only
    assert "Krass Plattform" in html and "KRASS e.V." in html
    assert "<strong>Infostand besetzen</strong>" in html
    assert "3 places free" in html
    for gone in (full, past, removed):
        assert gone.title not in html
    svg = re.search(r'<figure class="poster-qr"[^>]*>(<svg.*?</svg>)\s*</figure>', html, re.S)
    assert svg, "the QR code is inline"
    assert decode(rasterise(svg.group(1))) == f"http://{HOST}/projects/{story.pk}/"
    assert f'<p class="poster-url">{HOST}/projects/{story.pk}</p>' in html
    assert re.search(r'<button type="button" class="button small poster-print" hidden>', html)


def test_a_long_opening_is_cut_at_a_word(client, project):
    words = "Wort " * 200
    project.story, project.story_html = words, f"<p>{words}</p>"
    project.save()
    opening = re.search(r'<p class="poster-opening">([^<]*)</p>', poster(client, project))
    assert opening
    assert opening.group(1).endswith("Wort…") and len(opening.group(1)) <= 400


def test_the_poster_lists_eight_tasks_and_counts_the_rest(client, project, task):
    for number in range(10):
        f.TaskFactory(project=project, title=f"Aufgabe Nummer {number}")
    html = poster(client, project)
    assert html.count("<li><strong>") == 8
    assert "… and 3 more tasks." in html


def test_the_poster_says_so_when_every_place_is_taken(client, project, task):
    Task.objects.filter(pk=task.pk).update(taken=task.capacity)
    assert "Every place is taken right now" in poster(client, project)


def test_the_poster_has_no_inline_code_and_loads_nothing_from_elsewhere(client, project, task):
    html = poster(client, project)
    assert inline_code(html) == []
    assert not re.search(r"<(script|img|link)[^>]+(src|href)=\"(https?:)?//", html)
    assert '<meta name="robots" content="noindex">' in html


def test_an_inner_circles_poster_carries_its_secret_link(client, project, task):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.INNER_CIRCLE)
    project.refresh_from_db()
    url = reverse("sharing:poster", args=[project.pk])
    assert client.get(url).status_code == 404  # without the secret
    client.get(reverse("projects:secret_link", args=[project.pk, project.secret]))
    html = poster(client, project)
    assert f"{HOST}/projects/{project.pk}/join/{project.secret}" in html


@pytest.mark.parametrize("status", [Project.Status.DRAFT, Project.Status.CLOSED])
def test_drafts_and_closed_projects_have_no_poster(login, organiser, project, status):
    Project.objects.filter(pk=project.pk).update(status=status)
    assert login(organiser).get(reverse("sharing:poster", args=[project.pk])).status_code == 404


def test_another_platforms_project_has_no_poster(other_client, project):
    assert other_client.get(reverse("sharing:poster", args=[project.pk])).status_code == 404


def test_the_dashboard_links_the_poster(login, organiser, project):
    html = login(organiser).get(reverse("manage:project", args=[project.pk])).content.decode()
    assert f'href="/projects/{project.pk}/poster/"' in html


def test_the_poster_costs_few_queries(client, project, task, django_assert_max_num_queries):
    for _ in range(20):
        f.TaskFactory(project=project)
    qr.qr_svg(f"http://{HOST}/projects/{project.pk}/")
    # host -> platform, the project, the open tasks
    with django_assert_max_num_queries(4):
        poster(client, project)
