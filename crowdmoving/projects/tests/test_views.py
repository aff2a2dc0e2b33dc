"""The supporters' side: the project page and the one-click take-over, as people use it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Project

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def detail_url(project):
    return reverse("projects:detail", args=[project.pk])


def task_url(name, task):
    return reverse(f"projects:{name}", args=[task.project_id, task.pk])


def live(task, user):
    return Commitment.objects.filter(task=task, user=user, status__in=Commitment.LIVE)


# --- home ---------------------------------------------------------------------------------


def test_home_lists_public_projects_only_newest_first(client, organisation, task):
    older = task.project
    newer = f.ProjectFactory(organisation=organisation, title="Neues Gartenprojekt")
    f.ProjectFactory(organisation=organisation, title="Geheimer Entwurf", status="draft")
    f.ProjectFactory(organisation=organisation, title="Innerer Kreis", status="inner_circle")
    f.ProjectFactory(organisation=organisation, title="Schon vorbei", status="closed")

    html = client.get(reverse("projects:home")).content.decode()

    assert html.index(newer.title) < html.index(older.title)
    assert "Geheimer Entwurf" not in html
    assert "Innerer Kreis" not in html
    assert "Schon vorbei" not in html
    assert "3 of 3 places free" in html
    assert "KRASS e.V." in html


def test_home_shows_a_plain_summary_of_the_story(client, organisation):
    story = "**Kinder** malen <script>alert(1)</script> ihre Welt"
    f.ProjectFactory(organisation=organisation, story=story, story_html="")
    html = client.get(reverse("projects:home")).content.decode()
    assert "Kinder malen" in html
    assert "<script>alert" not in html
    assert "<strong>Kinder" not in html


def test_home_says_so_when_there_is_nothing(client, platform):
    response = client.get(reverse("projects:home"))
    assert response.status_code == 200
    assert "There are no open projects right now" in response.content.decode()


def test_home_never_shows_another_platforms_projects(other_client, project):
    html = other_client.get(reverse("projects:home")).content.decode()
    assert project.title not in html


# --- the project page -----------------------------------------------------------------------


def test_the_project_page_tells_the_story_and_the_tasks(client, task):
    f.TaskFactory(project=task.project, title="Kuchen backen", capacity=2)
    html = client.get(detail_url(task.project)).content.decode()
    assert task.project.title in html
    assert "Stell dir vor" in html
    assert "KRASS e.V." in html
    assert html.index("Infostand besetzen") < html.index("Kuchen backen")
    assert "0 of 5 places filled" in html
    assert "2 of 2 places free" in html


def test_a_story_with_script_is_not_rendered_as_script(client, project, organiser):
    actions.update_project(project, {"story": "Hallo <script>alert('x')</script> **Welt**"})
    html = client.get(detail_url(project)).content.decode()
    assert "<strong>Welt</strong>" in html
    assert "<script>alert" not in html


def test_removed_tasks_are_not_on_the_page(client, task):
    gone: Any = f.TaskFactory(project=task.project, title="Abgesagte Aufgabe")
    actions.remove_task(gone)
    html = client.get(detail_url(task.project)).content.decode()
    assert "Abgesagte Aufgabe" not in html
    assert "Infostand besetzen" in html


def test_people_appear_as_each_allows(client, task):
    f.CommitmentFactory(task=task, user=f.UserFactory(name="Anna Voll", visibility="full"))
    f.CommitmentFactory(task=task, user=f.UserFactory(name="Berta Kurz", visibility="first"))
    f.CommitmentFactory(task=task, user=f.UserFactory(name="Carl Geheim", visibility="anonymous"))
    html = client.get(detail_url(task.project)).content.decode()
    assert "Anna Voll" in html
    assert "Berta" in html and "Kurz" not in html
    assert "Carl" not in html
    assert "and 1 more" in html
    assert "full" in html


def test_a_signed_in_person_gets_a_real_form_with_htmx(login, volunteer, task):
    html = login(volunteer).get(detail_url(task.project)).content.decode()
    take = task_url("take", task)
    assert f'<form method="post" action="{take}"' in html
    # the task list boosts its forms and links with htmx, swapping the card they are in
    assert 'hx-boost="true" hx-target="closest li" hx-swap="outerHTML"' in html
    assert "Take this task" in html


def test_an_anonymous_visitor_opens_a_name_and_email_form_right_in_the_card(client, task):
    html = client.get(detail_url(task.project)).content.decode()
    assert f'href="{task_url("hold", task)}"' in html  # one link per card, no form yet
    card = client.get(task_url("hold", task), **HTMX).content.decode()
    assert card.startswith(f'<li class="task-card" id="task-{task.pk}">')
    assert f'action="{task_url("hold", task)}"' in card
    assert 'name="email"' in card
    assert 'name="password"' not in card


def test_without_javascript_the_form_opens_on_the_project_page(client, task):
    html = client.get(task_url("hold", task)).content.decode()
    assert "<h1>" in html and task.project.title in html
    assert f'action="{task_url("hold", task)}"' in html
    assert 'name="email"' in html


def test_an_anonymous_visitor_is_sent_to_sign_in_for_a_full_task(client, task):
    for _ in range(task.capacity):
        f.CommitmentFactory(task=task)
    html = client.get(detail_url(task.project)).content.decode()
    assert "Sign in to join the waiting list" in html
    assert reverse("account_login") in html
    assert f'action="{task_url("hold", task)}"' not in html


def test_a_closed_project_has_no_buttons_and_says_why(login, volunteer, task):
    Project.objects.filter(pk=task.project_id).update(status="closed")
    html = login(volunteer).get(detail_url(task.project)).content.decode()
    assert "This project is closed" in html
    assert "Take this task" not in html
    assert task_url("take", task) not in html


def test_inner_circle_pages_are_not_indexed(client, task):
    project = task.project
    Project.objects.filter(pk=project.pk).update(status="inner_circle")
    client.get(reverse("projects:secret_link", args=[project.pk, project.secret]))
    html = client.get(detail_url(project)).content.decode()
    assert '<meta name="robots" content="noindex">' in html


def test_public_pages_may_be_indexed(client, project):
    assert b"noindex" not in client.get(detail_url(project)).content


# --- who may see what -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "volunteer", "outsider"])
def test_a_draft_is_a_404_for_everyone_but_members(who, request, client, login, project):
    Project.objects.filter(pk=project.pk).update(status="draft")
    if who != "anonymous":
        client = login(request.getfixturevalue(who))
    assert client.get(detail_url(project)).status_code == 404


@pytest.mark.parametrize("who", ["organiser", "coordinator", "editor"])
def test_members_see_their_draft_without_buttons(who, request, login, task):
    Project.objects.filter(pk=task.project_id).update(status="draft")
    response = login(request.getfixturevalue(who)).get(detail_url(task.project))
    assert response.status_code == 200
    assert "This project is a draft" in response.content.decode()
    assert "Take this task" not in response.content.decode()


def test_another_platforms_host_gets_a_404_for_every_url(other_client, task):
    project = task.project
    assert other_client.get(detail_url(project)).status_code == 404
    assert other_client.get(task_url("enter_code", task)).status_code == 404
    for name in ("take", "hold", "wait", "withdraw"):
        assert other_client.post(task_url(name, task)).status_code in (404, 302)
    assert (
        other_client.get(
            reverse("projects:secret_link", args=[project.pk, project.secret])
        ).status_code
        == 404
    )


def test_a_foreign_organiser_cannot_take_tasks_of_this_platform(
    other_client, foreign_organiser, task
):
    other_client.force_login(foreign_organiser)
    response = other_client.post(task_url("take", task))
    assert response.status_code == 404
    assert not live(task, foreign_organiser).exists()


def test_unknown_project_and_task_are_404(client, login, volunteer, task):
    assert client.get(reverse("projects:detail", args=[999999])).status_code == 404
    signed_in = login(volunteer)
    response = signed_in.post(reverse("projects:take", args=[task.project_id, 999999]))
    assert response.status_code == 404
    other: Any = f.TaskFactory(project=f.ProjectFactory(organisation=task.project.organisation))
    response = signed_in.post(reverse("projects:take", args=[task.project_id, other.pk]))
    assert response.status_code == 404


def test_the_inner_circle_sees_the_project_only_with_the_current_link(client, task):
    project = task.project
    Project.objects.filter(pk=project.pk).update(status="inner_circle")
    assert client.get(detail_url(project)).status_code == 404

    wrong = client.get(reverse("projects:secret_link", args=[project.pk, "wrong-secret"]))
    assert wrong.status_code == 404

    response = client.get(reverse("projects:secret_link", args=[project.pk, project.secret]))
    assert response.status_code == 302
    assert response.url == detail_url(project)
    assert client.get(detail_url(project)).status_code == 200

    project.refresh_from_db()
    actions.regenerate_secret(project)
    assert client.get(detail_url(project)).status_code == 404


def test_members_see_their_inner_circle_without_the_link(login, organiser, task):
    Project.objects.filter(pk=task.project_id).update(status="inner_circle")
    assert login(organiser).get(detail_url(task.project)).status_code == 200


# --- taking a task --------------------------------------------------------------------------


def test_taking_a_task_redirects_back_with_a_message(login, volunteer, task):
    client = login(volunteer)
    response = client.post(task_url("take", task))
    assert response.status_code == 302
    assert response.url == f"{detail_url(task.project)}#task-{task.pk}"
    assert live(task, volunteer).get().status == "active"
    html = client.get(response.url).content.decode()
    assert "You are in!" in html
    assert "Step back" in html


def test_taking_a_task_with_htmx_answers_with_the_card(login, volunteer, task):
    response = login(volunteer).post(task_url("take", task), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<li class="task-card is-mine" id="task-{task.pk}">')
    assert 'role="status"' in html
    assert "You are in" in html
    assert "<html" not in html
    assert live(task, volunteer).get().status == "active"


def test_take_refuses_get(login, volunteer, task):
    client = login(volunteer)
    for name in ("take", "wait", "withdraw"):
        assert client.get(task_url(name, task)).status_code == 405
    assert client.get(task_url("hold", task)).status_code == 302  # signed in: one click
    assert not live(task, volunteer).exists()


def test_an_anonymous_take_goes_to_sign_in_first(client, task):
    response = client.post(task_url("take", task))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" + detail_url(task.project).replace("/", "%2F") in response.url


def test_an_anonymous_htmx_take_is_redirected_by_htmx(client, task):
    response = client.post(task_url("take", task), **HTMX)
    assert response["HX-Redirect"].startswith(reverse("account_login"))


def test_a_double_click_creates_one_commitment(login, volunteer, task):
    client = login(volunteer)
    first = client.post(task_url("take", task))
    second = client.post(task_url("take", task))
    assert first.url == second.url
    assert live(task, volunteer).count() == 1
    task.refresh_from_db()
    assert task.taken == 1


def test_the_same_answer_for_a_repeated_htmx_take(login, volunteer, task):
    client = login(volunteer)
    first = client.post(task_url("take", task), **HTMX).content.decode()
    second = client.post(task_url("take", task), **HTMX).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", first) == strip.sub("", second)


def test_a_full_task_says_so_and_offers_the_waiting_list(login, volunteer, task):
    for _ in range(task.capacity):
        f.CommitmentFactory(task=task)
    client = login(volunteer)
    response = client.post(task_url("take", task), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "All places of this task are taken" in html
    assert "Join the waiting list" in html
    assert not live(task, volunteer).exists()

    response = client.post(task_url("take", task))
    assert "All places of this task are taken" in client.get(response.url).content.decode()


def test_a_closed_project_refuses_with_a_message(login, volunteer, task):
    Project.objects.filter(pk=task.project_id).update(status="closed")
    client = login(volunteer)
    response = client.post(task_url("take", task))
    assert response.status_code == 302
    assert "not open for sign-ups" in client.get(response.url).content.decode()
    assert not live(task, volunteer).exists()


def test_a_removed_task_is_a_404_except_for_the_take_over_that_says_why(login, volunteer, task):
    actions.remove_task(task)
    browser = login(volunteer)
    assert browser.get(task_url("hold", task)).status_code == 404
    assert browser.post(task_url("withdraw", task)).status_code == 404
    assert browser.post(task_url("take", task)).status_code == 302  # with "removed" message


def test_the_organiser_is_told_by_email(login, volunteer, organiser, task, outbox):
    login(volunteer).post(task_url("take", task))
    sent = outbox()
    assert any(organiser.email in m.to and "Infostand besetzen" in m.subject for m in sent)


def test_waiting_list_position_and_leaving_it(login, volunteer, task):
    for _ in range(task.capacity):
        f.CommitmentFactory(task=task)
    actions.join_waitlist(task, f.UserFactory())
    client = login(volunteer)

    response = client.post(task_url("wait", task), **HTMX)
    assert "You are number 2 on the waiting list" in response.content.decode()
    assert live(task, volunteer).get().status == "waiting"

    response = client.post(task_url("withdraw", task), **HTMX)
    assert "You left the waiting list" in response.content.decode()
    assert not live(task, volunteer).exists()


def test_stepping_back_frees_the_place(login, volunteer, task):
    client = login(volunteer)
    client.post(task_url("take", task))
    response = client.post(task_url("withdraw", task))
    assert response.status_code == 302
    assert not live(task, volunteer).exists()
    task.refresh_from_db()
    assert task.taken == 0
    again = client.post(task_url("withdraw", task))
    assert again.url == response.url


def test_nobody_can_step_back_for_someone_else(login, volunteer, task):
    f.CommitmentFactory(task=task)
    assert login(volunteer).post(task_url("withdraw", task)).status_code == 404


# --- visitors without an account ------------------------------------------------------------


def code_from(mails, email):
    body = next(m.body for m in reversed(mails) if email in m.to and "code" in m.body)
    found = re.search(r"\b(\d{6})\b", body)
    assert found is not None
    return found.group(1)


def test_a_visitor_holds_a_place_and_confirms_with_the_code(client, task, outbox):
    response = client.post(
        task_url("hold", task), {"name": "Hanna Gast", "email": "hanna@example.org"}
    )
    assert response.status_code == 302
    assert response.url == task_url("enter_code", task)

    page = client.get(response.url).content.decode()
    assert "We sent a code to hanna@example.org" in page
    assert "60 minutes" in page

    code = code_from(outbox(), "hanna@example.org")
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(task_url("enter_code", task), {"code": wrong})
    assert response.status_code == 200
    assert "This code is not right" in response.content.decode()
    assert live(task, User.objects.get(email="hanna@example.org")).get().status == "held"

    response = client.post(task_url("enter_code", task), {"code": code})
    assert response.status_code == 302
    person = User.objects.get(email="hanna@example.org")
    assert live(task, person).get().status == "active"
    assert int(client.session["_auth_user_id"]) == person.pk
    assert "You are in" in client.get(response.url).content.decode()


def test_a_visitor_with_bad_input_gets_errors_at_the_fields(client, task):
    response = client.post(task_url("hold", task), {"name": "", "email": "kein-email"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'aria-describedby="n{task.pk}e"' in html
    assert f'<ul class="errorlist" id="e{task.pk}e">' in html
    assert not Commitment.objects.exists()
    assert not User.objects.filter(email="kein-email").exists()


def test_bad_input_with_htmx_comes_back_in_the_card(client, task):
    response = client.post(task_url("hold", task), {"name": "x" * 121, "email": "a@b.de"}, **HTMX)
    html = response.content.decode()
    assert html.startswith('<li class="task-card"')
    assert f'<ul class="errorlist" id="n{task.pk}e">' in html
    assert not Commitment.objects.exists()


def test_a_visitor_cannot_hold_a_full_task(client, task):
    for _ in range(task.capacity):
        f.CommitmentFactory(task=task)
    response = client.post(task_url("hold", task), {"name": "Hanna", "email": "hanna@example.org"})
    assert "All places of this task are taken" in client.get(response.url).content.decode()
    assert not Commitment.objects.filter(user__email="hanna@example.org").exists()


def test_the_code_page_needs_a_held_place_in_this_session(client, task):
    assert client.get(task_url("enter_code", task)).status_code == 404


def test_the_emailed_link_confirms_only_by_post(client, task):
    held = actions.hold_task(task, name="Hanna Gast", email="hanna@example.org")
    url = reverse("projects:confirm", args=[held.token])

    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count("Confirm my place") >= 1
    held.commitment.refresh_from_db()
    assert held.commitment.status == "held"

    response = client.post(url)
    assert response.status_code == 302
    assert response.url == f"{detail_url(task.project)}#task-{task.pk}"
    held.commitment.refresh_from_db()
    assert held.commitment.status == "active"
    assert int(client.session["_auth_user_id"]) == held.commitment.user_id


def test_a_broken_link_is_a_404(client, platform):
    assert client.get(reverse("projects:confirm", args=["not-a-token"])).status_code == 404


def test_an_expired_hold_without_a_free_place_says_so(client, task, time_machine):
    held = actions.hold_task(task, name="Hanna Gast", email="hanna@example.org")
    time_machine.move_to(timezone.now() + timedelta(minutes=61))
    for _ in range(task.capacity):
        actions.take_task(task, f.UserFactory())
    response = client.post(reverse("projects:confirm", args=[held.token]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "not confirmed in time" in html
    assert detail_url(task.project) in html
    assert "_auth_user_id" not in client.session


# --- the permission matrix ------------------------------------------------------------------

MATRIX = {
    # view: (method, anonymous, volunteer, organiser, foreign organiser on the other host)
    "detail": ("get", 200, 200, 200, 404),
    "secret_link": ("get", 302, 302, 302, 404),
    "take": ("post", 302, 302, 302, 404),
    "wait": ("post", 302, 302, 302, 404),
    "hold": ("post", 200, 302, 302, 404),
    "withdraw": ("post", 302, 404, 404, 404),
    "enter_code": ("get", 404, 404, 404, 404),
}


@pytest.mark.parametrize("view", sorted(MATRIX))
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "organiser", "foreign"])
def test_permission_matrix(view, who, request, client, other_client, task):
    project = task.project
    args = {
        "detail": [project.pk],
        "secret_link": [project.pk, project.secret],
    }.get(view, [project.pk, task.pk])
    if who == "foreign":
        other_client.force_login(request.getfixturevalue("foreign_organiser"))
        browser = other_client
    else:
        browser = client
        if who != "anonymous":
            browser.force_login(request.getfixturevalue(who))
    method, *expected = MATRIX[view]
    status = dict(zip(["anonymous", "volunteer", "organiser", "foreign"], expected, strict=True))
    response = getattr(browser, method)(reverse(f"projects:{view}", args=args))
    assert response.status_code == status[who]


# --- more of the visitor's way --------------------------------------------------------------


def test_a_visitor_in_the_inner_circle_holds_a_place(client, task, outbox):
    project = task.project
    Project.objects.filter(pk=project.pk).update(status="inner_circle")
    assert (
        client.post(task_url("hold", task), {"name": "A", "email": "a@example.org"}).status_code
        == 404
    )

    client.get(reverse("projects:secret_link", args=[project.pk, project.secret]))
    response = client.post(
        task_url("hold", task), {"name": "Ina Kreis", "email": "ina@example.org"}
    )
    assert response.url == task_url("enter_code", task)
    response = client.post(response.url, {"code": code_from(outbox(), "ina@example.org")})
    assert response.status_code == 302
    assert live(task, User.objects.get(email="ina@example.org")).get().status == "active"


def test_a_visitor_holding_sees_the_confirm_hint_on_the_card(client, task):
    client.post(task_url("hold", task), {"name": "Hanna Gast", "email": "hanna@example.org"})
    html = client.get(detail_url(task.project)).content.decode()
    assert "Please confirm with the code from your email." in html
    assert task_url("enter_code", task) in html


def test_a_double_hold_keeps_one_place(client, task):
    data = {"name": "Hanna Gast", "email": "hanna@example.org"}
    first = client.post(task_url("hold", task), data)
    second = client.post(task_url("hold", task), data)
    assert first.url == second.url
    assert Commitment.objects.filter(task=task).count() == 1
    task.refresh_from_db()
    assert task.taken == 1


def test_an_htmx_hold_sends_the_browser_to_the_code_page(client, task):
    data = {"name": "Hanna Gast", "email": "hanna@example.org"}
    response = client.post(task_url("hold", task), data, **HTMX)
    assert response["HX-Redirect"] == task_url("enter_code", task)


def test_too_many_wrong_codes_point_to_the_link(client, task, settings, outbox):
    client.post(task_url("hold", task), {"name": "Hanna Gast", "email": "hanna@example.org"})
    code = code_from(outbox(), "hanna@example.org")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.CROWDMOVING["CONFIRMATION_CODE_ATTEMPTS"]):
        client.post(task_url("enter_code", task), {"code": wrong})
    response = client.post(task_url("enter_code", task), {"code": code})
    assert "Too many wrong codes" in response.content.decode()
    assert Commitment.objects.get(task=task).status == "held"
    assert "_auth_user_id" not in client.session


def test_a_code_that_is_not_six_digits_is_refused_at_the_field(client, task):
    client.post(task_url("hold", task), {"name": "Hanna Gast", "email": "hanna@example.org"})
    response = client.post(task_url("enter_code", task), {"code": "12ab"})
    html = response.content.decode()
    assert 'aria-describedby="code-errors"' in html
    assert Commitment.objects.get(task=task).code_attempts == 0


def test_a_confirmed_place_never_signs_in_from_the_code_page(client, task):
    client.post(task_url("hold", task), {"name": "Hanna Gast", "email": "hanna@example.org"})
    held = Commitment.objects.get(task=task)
    actions.confirm_hold(held)  # e.g. by the emailed link in another browser
    response = client.post(task_url("enter_code", task), {"code": "000000"})
    assert response.status_code == 200
    assert "already confirmed" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_person_posting_the_hold_form_simply_takes_the_task(login, volunteer, task):
    login(volunteer).post(task_url("hold", task), {"name": "egal", "email": "egal@example.org"})
    assert live(task, volunteer).get().status == "active"
    assert not User.objects.filter(email="egal@example.org").exists()


def test_a_person_with_a_place_keeps_seeing_an_inner_circle_project(login, volunteer, task):
    project = task.project
    Project.objects.filter(pk=project.pk).update(status="inner_circle")
    client = login(volunteer)
    assert client.get(detail_url(project)).status_code == 404
    actions.take_task(task, volunteer)
    assert client.get(detail_url(project)).status_code == 200


def test_a_hold_with_an_address_that_takes_part_looks_like_any_hold_and_tells_the_owner(
    client, task, volunteer, outbox
):
    actions.take_task(task, volunteer)
    outbox().clear()
    hold_url = reverse("projects:hold", args=[task.project_id, task.pk])
    response = client.post(hold_url, {"name": "Someone", "email": volunteer.email})
    code_page = client.get(response["Location"]).content.decode()
    assert "We sent a code to" in code_page
    answer = client.post(response["Location"], {"code": "123456"}).content.decode()
    assert "This code is not right" in answer
    assert "_auth_user_id" not in client.session
    mails = outbox()
    assert [m.to for m in mails] == [[volunteer.email]]
    assert "Du bist schon dabei" in mails[0].subject  # the platform speaks German


def test_taking_a_task_removed_while_the_page_was_open_says_so_in_the_card(login, volunteer, task):
    actions.remove_task(task)
    browser = login(volunteer)
    card = browser.post(task_url("take", task), **HTMX).content.decode()
    assert "This task was removed by the organisers." in card
    response = browser.post(task_url("take", task), follow=True)
    assert "This task was removed by the organisers." in response.content.decode()


def test_the_home_page_is_paginated_and_survives_a_bad_page_number(
    client, organisation, django_assert_max_num_queries
):
    from crowdmoving.projects.selectors import PROJECTS_PER_PAGE

    for number in range(PROJECTS_PER_PAGE + 3):
        f.ProjectFactory(organisation=organisation, title=f"Projekt Nummer {number:03d}")
    with django_assert_max_num_queries(6):
        first = client.get(reverse("projects:home")).content.decode()
    assert first.count('class="card project-card"') == PROJECTS_PER_PAGE
    assert "Page 1 of 2" in first and "?page=2" in first
    second = client.get(reverse("projects:home") + "?page=2").content.decode()
    assert second.count('class="card project-card"') == 3
    assert "Projekt Nummer 000" in second  # the oldest come last
    for bad in ("0", "x", "999"):
        assert client.get(reverse("projects:home") + f"?page={bad}").status_code == 200
