"""Cached task cards are never stale and never carry another person's CSRF token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.accounts.actions import update_profile
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment

pytestmark = pytest.mark.django_db

HOST = "krass.example.org"


def page(client, task) -> str:  # type: ignore[no-untyped-def]
    return client.get(reverse("projects:detail", args=[task.project_id])).content.decode()


def test_a_take_over_shows_on_the_next_visitors_page(client, task, volunteer):
    assert "3 of 3 places free" in page(client, task)
    actions.take_task(task, volunteer)
    html = page(Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en"), task)
    assert "2 of 3 places free" in html
    assert "With Margit" in html


def test_a_name_changed_in_settings_shows_at_once(client, task, volunteer):
    actions.take_task(task, volunteer)
    assert "With Margit" in page(client, task)
    update_profile(volunteer, {"visibility": "anonymous"})
    html = page(client, task)
    assert "Margit" not in html
    assert "1 person is in" in html


def test_a_confirmed_hold_shows_the_name_on_the_card(client, task):
    hold = actions.hold_task(task, name="Vera Besuch", email="vera@example.org")
    assert "Vera" not in page(client, task)
    actions.confirm_hold(hold.commitment, code=hold.code)
    assert "With Vera" in page(client, task)


def test_an_edited_task_shows_its_new_title(client, task):
    assert "Infostand besetzen" in page(client, task)
    actions.update_task(task, {"title": "Infostand am Markt"})
    assert "Infostand am Markt" in page(client, task)


def test_a_cached_card_carries_each_visitors_own_csrf_token(task, volunteer):
    first = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    first.force_login(f.UserFactory())
    page(first, task)  # fills the cache
    second = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    second.force_login(volunteer)
    html = page(second, task)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found
    token = found.group(1)
    take = reverse("projects:take", args=[task.project_id, task.pk])
    response = second.post(take, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "CSRF-TOKEN-PLACEHOLDER" not in html


def test_a_cached_page_costs_no_more_queries_than_a_fresh_one(
    client, project, django_assert_max_num_queries
):
    for _ in range(30):
        f.TaskFactory(project=project)
    with django_assert_max_num_queries(12) as fresh:
        page(client, project.tasks.first())
    with django_assert_max_num_queries(len(fresh.captured_queries)):
        page(client, project.tasks.first())


def _without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_after_every_action_the_cached_page_equals_a_fresh_render(project, volunteer):
    """Whatever happens, what a visitor sees from the cache is what a fresh render shows."""
    from django.core.cache import cache

    task = f.TaskFactory(project=project, capacity=2)
    other = f.UserFactory(name="Olga Other")
    third = f.UserFactory(name="Theo Third")
    visitors = [Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en") for _ in range(3)]
    visitors[0].force_login(f.UserFactory())  # an uninvolved signed-in person
    visitors[1].force_login(volunteer)  # someone whose own card changes

    state: dict = {}
    steps = [
        lambda: actions.take_task(task, volunteer),
        lambda: state.setdefault("hold", actions.hold_task(task, name="Hugo", email="h@x.org")),
        lambda: actions.join_waitlist(task, other),
        lambda: actions.join_waitlist(task, third),
        lambda: actions.confirm_hold(state["hold"].commitment),
        lambda: update_profile(volunteer, {"visibility": "full"}),
        lambda: actions.withdraw(Commitment.objects.get(task=task, user=volunteer)),
        lambda: actions.update_task(task, {"capacity": 1}, confirmed=True),
        lambda: actions.update_task(task, {"capacity": 3, "title": "Neu"}, confirmed=True),
        lambda: actions.change_status(project, "closed"),
    ]
    for number, step in enumerate(steps):
        for visitor in visitors:
            page(visitor, task)  # fill the cache with what each saw before
        step()
        for index, visitor in enumerate(visitors):
            cached = _without_tokens(page(visitor, task))
            cache.clear()
            fresh = _without_tokens(page(visitor, task))
            if cached != fresh:
                import difflib

                diff = "\n".join(
                    difflib.unified_diff(fresh.split("\n"), cached.split("\n"), lineterm="")
                )
                raise AssertionError(f"step {number}, visitor {index}:\n{diff}")


# --- the whole page for anonymous visitors (projects/pages.py) ------------------------------


def test_anonymous_visitors_get_the_whole_page_from_the_cache(
    client, project, django_assert_max_num_queries
):
    for _ in range(30):
        f.TaskFactory(project=project)
    task = project.tasks.first()
    first = page(client, task)
    visitor = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
    # host -> platform, the project with its organisation, the tasks' keys: no card, no
    # template, no session
    with django_assert_max_num_queries(3):
        second = page(visitor, task)
    assert _without_tokens(second) == _without_tokens(first)


def test_a_cached_page_carries_each_anonymous_visitors_own_csrf_token(task):
    first = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    page(first, task)  # fills the cache
    second = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    html = page(second, task)
    assert "CSRF-TOKEN-PLACEHOLDER" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    answer = second.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert answer.status_code == 403  # the check is on
    answer = second.post(
        reverse("set_language"), {"language": "de", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302


def test_a_renamed_organisation_and_project_show_on_the_cached_page(client, task):
    page(client, task)
    organisation = task.project.organisation
    organisation.name = "Neuer Name e.V."
    organisation.save()
    assert "Neuer Name e.V." in page(client, task)
    actions.update_project(task.project, {"title": "Kinder malen ihre Stadt"})
    assert "Kinder malen ihre Stadt" in page(client, task)


def test_each_language_has_its_own_cached_page(task):
    english = page(Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en"), task)
    german = page(Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="de"), task)
    assert "Tasks" in english and "Aufgaben" in german
    assert "Aufgaben" not in english


def test_a_visitor_with_a_message_waiting_sees_it_on_the_page(client, task):
    from django.contrib.messages import SUCCESS
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import MessageEncoder

    page(Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en"), task)  # fills the cache
    session = client.session
    session["_messages"] = MessageEncoder().encode([Message(SUCCESS, "Thanks for looking in")])
    session.save()
    client.cookies["sessionid"] = session.session_key
    assert "Thanks for looking in" in page(client, task)
    assert "Thanks for looking in" not in page(client, task)  # shown once
