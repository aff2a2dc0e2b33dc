"""The team page costs the same number of queries for a small and a large team."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.team import actions
from crowdmoving.team.models import TeamMessage

pytestmark = pytest.mark.django_db

BUDGET = 16


def grow(team, *, tasks: int, supporters: int, messages: int) -> None:
    for _ in range(tasks):
        task = f.TaskFactory(project=team.project, capacity=supporters + 1)
        for _ in range(supporters):
            f.CommitmentFactory(task=task, user=f.UserFactory())
    for n in range(messages):
        for kind, extra in (
            (TeamMessage.Kind.BOARD, {}),
            (TeamMessage.Kind.UPDATE, {}),
            (TeamMessage.Kind.DIRECT, {"recipient": team.margit}),
            (TeamMessage.Kind.TASK, {"task": team.stand}),
            (TeamMessage.Kind.INTRODUCTION, {"recipient": team.margit, "introduced": team.bernd}),
        ):
            TeamMessage.objects.create(
                project=team.project, author=team.organiser, kind=kind, body=f"{n}", **extra
            )


@pytest.mark.parametrize("person", ["organiser", "margit"])
def test_the_team_page_needs_the_same_queries_for_few_and_many(
    login, team, person, django_assert_max_num_queries
):
    browser = login(getattr(team, person))
    url = reverse("team:index", args=[team.project.pk])
    grow(team, tasks=1, supporters=1, messages=1)
    # The navigation's pages are cached per platform (pages.selectors): warm them first.
    browser.get(reverse("projects:home"))
    with django_assert_max_num_queries(BUDGET) as few:
        assert browser.get(url).status_code == 200
    grow(team, tasks=15, supporters=8, messages=20)
    with django_assert_max_num_queries(BUDGET) as many:
        response = browser.get(url)
    assert response.content.decode().count('class="card team-message"') == 5 * 21
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_removed_message_is_left_out_of_the_page(login, team):
    kept = actions.post_to_board(team.project, team.margit, "Bleibt")
    gone = actions.post_to_board(team.project, team.margit, "Geht")
    actions.remove_message(gone, team.organiser)
    html = login(team.organiser).get(reverse("team:index", args=[team.project.pk])).content.decode()
    assert f'id="message-{kept.pk}"' in html
    assert f'id="message-{gone.pk}"' not in html
