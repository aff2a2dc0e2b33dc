"""The team page as its people use it: who may see it, what each sees, writing and removing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.projects import actions as project_actions
from crowdmoving.projects.models import Commitment
from crowdmoving.team import actions
from crowdmoving.team.models import TeamMessage

pytestmark = pytest.mark.django_db

Kind = TeamMessage.Kind


def index(team):
    return reverse("team:index", args=[team.project.pk])


def sharing(team):
    return reverse("team:contact_sharing", args=[team.project.pk])


def remove_url(message):
    return reverse("team:remove", args=[message.project_id, message.pk])


def write(client, team, kind, **data):
    fields = {f"{kind}-{name}": value for name, value in data.items()}
    return client.post(index(team), {"kind": kind, **fields})


# --- who may see the team page ----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_first(client, team):
    message = actions.post_to_board(team.project, team.margit, "Hallo")
    login = reverse("account_login")
    assert client.get(index(team))["Location"].startswith(login)
    assert client.post(index(team), {"kind": "board", "board-body": "x"})["Location"].startswith(
        login
    )
    assert client.get(sharing(team))["Location"].startswith(login)
    assert client.post(sharing(team), {"share": "1"})["Location"].startswith(login)
    assert client.post(remove_url(message))["Location"].startswith(login)
    assert TeamMessage.objects.count() == 1


@pytest.mark.parametrize("person", ["organiser", "coordinator", "paula", "margit", "anke"])
def test_the_team_sees_the_team_page(login, team, person):
    response = login(getattr(team, person)).get(index(team))
    assert response.status_code == 200
    assert "Infostand besetzen" in response.content.decode()


def test_people_outside_the_team_get_a_404(login, team, editor, outsider):
    waiting = f.UserFactory()
    f.CommitmentFactory(task=team.stand, user=waiting, status=Commitment.Status.WAITING)
    stepped_back = f.UserFactory()
    f.CommitmentFactory(task=team.stand, user=stepped_back, status=Commitment.Status.WITHDRAWN)
    held = f.UserFactory()
    f.CommitmentFactory(task=team.stand, user=held, status=Commitment.Status.HELD)
    for person in (editor, outsider, f.UserFactory(), waiting, stepped_back, held):
        browser = login(person)
        assert browser.get(index(team)).status_code == 404, person
        assert write(browser, team, "board", body="Hallo").status_code == 404, person
        assert browser.get(sharing(team)).status_code == 404, person
    assert TeamMessage.objects.count() == 0


def test_a_supporter_of_a_removed_task_is_no_longer_in_the_team(login, team):
    project_actions.remove_task(team.stand)
    assert login(team.margit).get(index(team)).status_code == 404


def test_the_second_platform_gets_a_404_even_for_the_organiser(
    team, other_client, foreign_organiser
):
    for person in (foreign_organiser, team.organiser, team.margit):
        other_client.force_login(person)
        assert other_client.get(index(team)).status_code == 404
        assert other_client.post(index(team), {"kind": "board", "board-body": "x"}).status_code == (
            404
        )


def test_an_unknown_project_is_a_404(login, team):
    assert login(team.organiser).get(reverse("team:index", args=[999_999])).status_code == 404


def test_removing_needs_post(login, team):
    message = actions.post_to_board(team.project, team.margit, "Hallo")
    assert login(team.organiser).get(remove_url(message)).status_code == 405


def test_the_project_page_links_to_the_team_only_for_the_team(login, team, editor, client):
    detail = reverse("projects:detail", args=[team.project.pk])
    assert index(team) in login(team.margit).get(detail).content.decode()
    assert index(team) in login(team.paula).get(detail).content.decode()
    assert index(team) not in login(editor).get(detail).content.decode()
    client.logout()
    assert index(team) not in client.get(detail).content.decode()


def test_the_dashboard_links_to_the_team_for_those_who_see_supporters(login, team, editor):
    dashboard = reverse("manage:project", args=[team.project.pk])
    assert index(team) in login(team.coordinator).get(dashboard).content.decode()
    assert index(team) not in login(editor).get(dashboard).content.decode()


# --- who is in which task, and contact details ------------------------------------------------


def test_supporters_see_names_as_each_allows_and_only_shared_addresses(login, team):
    html = login(team.margit).get(index(team)).content.decode()
    assert "Bernd" in html and "Bernd Brot" not in html  # first name only, his default
    assert "bernd@example.org" in html  # he shares it
    assert "Anke" not in html and "anke@example.org" not in html
    assert "paula@example.org" not in html
    assert "Someone who prefers to stay anonymous" in html


def test_organisers_and_coordinators_see_full_names_and_addresses(login, team):
    for person in (team.organiser, team.coordinator, team.paula):
        html = login(person).get(index(team)).content.decode()
        for shown in ("Anke Anonym", "anke@example.org", "Bernd Brot", "margit@example.org"):
            assert shown in html, (person, shown)


def test_switching_sharing_on_shows_the_address_to_other_supporters(login, team):
    assert "margit@example.org" not in login(team.bernd).get(index(team)).content.decode()
    login(team.margit).post(sharing(team), {"share": "1"})
    assert "margit@example.org" in login(team.bernd).get(index(team)).content.decode()


# --- writing ----------------------------------------------------------------------------------


def test_an_organiser_posts_an_update_that_everyone_in_the_team_sees(login, team):
    response = write(login(team.organiser), team, "update", body="Treffpunkt 9 Uhr am Markt")
    message = TeamMessage.objects.get()
    assert (message.kind, message.author) == (Kind.UPDATE, team.organiser)
    assert response["Location"] == f"{index(team)}#message-{message.pk}"
    html = login(team.anke).get(index(team)).content.decode()
    assert "Treffpunkt 9 Uhr am Markt" in html


def test_a_supporter_writes_on_the_board_but_cannot_post_updates_or_write_to_people(login, team):
    browser = login(team.margit)
    assert write(browser, team, "board", body="Wer fährt mit?").status_code == 302
    for kind, data in (
        ("update", {"body": "x"}),
        ("direct", {"body": "x", "recipient": team.bernd.pk}),
        ("task", {"body": "x", "task": team.stand.pk}),
        ("introduction", {"body": "x", "first": team.bernd.pk, "second": team.anke.pk}),
    ):
        assert write(browser, team, kind, **data).status_code == 404, kind
    assert list(TeamMessage.objects.values_list("kind", flat=True)) == [Kind.BOARD]
    html = browser.get(index(team)).content.decode()
    assert "Wer fährt mit?" in html
    assert 'name="kind" value="update"' not in html


def test_the_project_coordinator_may_do_what_organisers_do(login, team):
    browser = login(team.paula)
    assert write(browser, team, "update", body="Von Paula").status_code == 302
    data = {"body": "Hallo Margit", "recipient": team.margit.pk}
    assert write(browser, team, "direct", **data).status_code == 302
    assert TeamMessage.objects.count() == 2


def test_an_empty_or_too_long_message_is_refused_at_the_field(login, team):
    browser = login(team.margit)
    empty = write(browser, team, "board", body="   ").content.decode()
    assert "Please write a message." in empty
    long = write(browser, team, "board", body="x" * 2001).content.decode()
    assert "at most 2000 characters (this one has 2001)" in long
    assert 'aria-describedby="id_board-body_helptext id_board-body_error"' in long
    assert TeamMessage.objects.count() == 0
    assert write(browser, team, "board", body="x" * 2000).status_code == 302


def test_a_message_to_a_person_outside_the_team_is_refused(login, team, outsider):
    data = {"body": "Hallo", "recipient": outsider.pk}
    html = write(login(team.organiser), team, "direct", **data).content.decode()
    assert "Select a valid choice" in html
    assert TeamMessage.objects.count() == 0


def test_an_introduction_needs_two_different_people(login, team):
    data = {"body": "Ihr zwei", "first": team.bernd.pk, "second": team.bernd.pk}
    html = write(login(team.organiser), team, "introduction", **data).content.decode()
    assert "Please choose two different people." in html
    assert TeamMessage.objects.count() == 0


def test_the_eleventh_message_in_ten_minutes_is_refused_with_a_clear_message(login, team):
    browser = login(team.margit)
    for n in range(10):
        assert write(browser, team, "board", body=f"Nachricht {n}").status_code == 302
    response = write(browser, team, "board", body="Eine zu viel")
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    assert TeamMessage.objects.count() == 10
    # the limit is per person: Bernd may still write
    assert write(login(team.bernd), team, "board", body="Ich auch").status_code == 302


def test_a_script_in_a_message_is_shown_as_text_and_links_are_clickable(login, team):
    body = '<script>alert("x")</script> Plan: https://example.org/plan?a=1&b=2 <b>fett</b>'
    write(login(team.margit), team, "board", body=body)
    html = login(team.bernd).get(index(team)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<b>fett" not in html
    assert '<a href="https://example.org/plan?a=1&amp;b=2" rel="nofollow">' in html


# --- who sees which message -------------------------------------------------------------------


def test_a_message_to_one_person_is_seen_by_the_two_and_the_organisers_only(login, team):
    actions.write_to_supporter(team.project, team.organiser, team.margit, "Nur für Margit")
    for person in (team.margit, team.organiser, team.coordinator, team.paula):
        assert "Nur für Margit" in login(person).get(index(team)).content.decode(), person
    for person in (team.bernd, team.anke):
        assert "Nur für Margit" not in login(person).get(index(team)).content.decode(), person


def test_a_message_to_a_task_is_seen_by_those_on_it(login, team):
    actions.write_to_task(team.project, team.organiser, team.kitchen, "An die Küche")
    assert "An die Küche" in login(team.anke).get(index(team)).content.decode()
    assert "An die Küche" not in login(team.margit).get(index(team)).content.decode()


def test_an_introduction_is_seen_by_the_two_and_the_organisers_only(login, team):
    actions.introduce(team.project, team.organiser, team.margit, team.anke, "Ihr zwei")
    margit_sees = login(team.margit).get(index(team)).content.decode()
    assert "Ihr zwei" in margit_sees
    assert "anke@example.org" in margit_sees  # they were introduced to get in touch
    assert "Ihr zwei" in login(team.coordinator).get(index(team)).content.decode()
    assert "Ihr zwei" not in login(team.bernd).get(index(team)).content.decode()


# --- removing ---------------------------------------------------------------------------------


def test_an_organiser_removes_a_message_and_nobody_sees_it_any_more(login, team):
    message = actions.post_to_board(team.project, team.margit, "Unpassend")
    response = login(team.coordinator).post(remove_url(message))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.removed_at is not None and message.removed_by == team.coordinator
    for person in (team.organiser, team.margit, team.bernd):
        assert "Unpassend" not in login(person).get(index(team)).content.decode()


def test_supporters_cannot_remove_messages_not_even_their_own(login, team):
    message = actions.post_to_board(team.project, team.margit, "Meins")
    html = login(team.margit).get(index(team)).content.decode()
    assert remove_url(message) not in html
    assert login(team.margit).post(remove_url(message)).status_code == 404
    message.refresh_from_db()
    assert message.removed_at is None


def test_a_message_of_another_project_cannot_be_removed_through_this_one(login, team):
    other = f.ProjectFactory(organisation=team.project.organisation)
    message = TeamMessage.objects.create(
        project=other, author=team.organiser, kind=Kind.BOARD, body="Woanders"
    )
    url = reverse("team:remove", args=[team.project.pk, message.pk])
    assert login(team.organiser).post(url).status_code == 404


# --- the contact-sharing question -------------------------------------------------------------


def test_the_first_take_over_asks_whether_others_may_see_the_address(login, team):
    newcomer = f.UserFactory(email="neu@example.org", language="en")
    browser = login(newcomer)
    take = reverse("projects:take", args=[team.project.pk, team.kitchen.pk])
    page = browser.get(browser.post(take).url).content.decode()
    assert "May the other supporters of this project see your email address?" in page
    assert f'href="{sharing(team)}?next=' in page

    question = browser.get(sharing(team))
    assert question.status_code == 200
    assert 'type="radio"' in question.content.decode()
    answer = browser.post(sharing(team), {"share": "1", "next": "https://evil.example/"})
    assert answer["Location"] == index(team)
    newcomer.refresh_from_db()
    assert newcomer.share_contact and newcomer.share_contact_asked


def test_the_question_is_not_asked_again_once_answered(login, team):
    User.objects.filter(pk=team.margit.pk).update(share_contact_asked=True)
    take = reverse("projects:take", args=[team.project.pk, team.kitchen.pk])
    browser = login(team.margit)
    page = browser.get(browser.post(take).url).content.decode()
    assert "You are in!" in page
    assert sharing(team) not in page


def test_the_question_is_not_asked_for_a_waiting_place(login, team):
    full = f.TaskFactory(project=team.project, capacity=1)
    f.CommitmentFactory(task=full, user=team.bernd)
    wait = reverse("projects:wait", args=[team.project.pk, full.pk])
    browser = login(f.UserFactory(language="en"))
    page = browser.get(browser.post(wait).url).content.decode()
    assert "waiting list" in page
    assert sharing(team) not in page


def test_saying_no_keeps_the_address_to_the_organisers(login, team):
    browser = login(team.margit)
    response = browser.post(sharing(team), {"share": "0", "next": index(team)})
    assert response["Location"] == index(team)
    team.margit.refresh_from_db()
    assert (team.margit.share_contact, team.margit.share_contact_asked) == (False, True)


def test_the_question_needs_an_answer(login, team):
    html = login(team.margit).post(sharing(team), {}).content.decode()
    assert "Please choose yes or no." in html
    team.margit.refresh_from_db()
    assert not team.margit.share_contact_asked


def test_the_question_cannot_be_answered_through_the_second_platform(team, other_client):
    other_client.force_login(team.margit)
    assert other_client.post(sharing(team), {"share": "1"}).status_code == 404
    team.margit.refresh_from_db()
    assert not team.margit.share_contact_asked


def test_a_visitor_who_confirms_a_held_place_is_asked_too(client, team):
    held = project_actions.hold_task(team.kitchen, name="Hanna Gast", email="hanna@example.org")
    response = client.post(reverse("projects:confirm", args=[held.token]))
    page = client.get(response.url).content.decode()
    assert "May the other supporters of this project see your email address?" in page
    assert client.get(sharing(team)).status_code == 200


def test_the_team_page_speaks_german(login, team):
    actions.introduce(team.project, team.organiser, team.margit, team.anke, "Ihr zwei")
    html = login(team.organiser).get(index(team), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Pinnwand" in html
    assert "Zwei Unterstützer:innen einander vorstellen" in html
    assert "stellt Margit Muster und Anke Anonym einander vor" in html
