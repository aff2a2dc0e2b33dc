"""Rate limits: over a limit the person gets the friendly 429 page with Retry-After, nothing is
saved, and everyone else (another person, another address) carries on. The test settings
switch limits off; these tests switch them on with small rates."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.core.ratelimit import rate_limit
from crowdmoving.organisations.models import Invitation
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment
from crowdmoving.team.models import TeamMessage

pytestmark = pytest.mark.django_db


def take(client, task):  # type: ignore[no-untyped-def]
    return client.post(reverse("projects:take", args=[task.project_id, task.pk]))


def assert_friendly_429(response, *, max_seconds: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= max_seconds
    html = response.content.decode()
    assert "<h1>Please wait a moment</h1>" in html
    assert "Please try again in" in html and "minute" in html
    assert 'class="site-header"' in html and "Krass Plattform" in html


def test_the_limits_are_generous_enough_for_real_use(settings):
    limits = settings.CROWDMOVING["RATE_LIMITS"]
    assert limits["take"] == "30/10m"
    assert set(limits) >= {"take", "hold", "code", "team_message", "invitation"}


def test_an_unknown_limit_is_a_configuration_error_at_import_time():
    with pytest.raises(ImproperlyConfigured):
        rate_limit("no-such-limit")


def test_too_many_take_overs_get_the_429_page_and_nothing_is_saved(
    login, volunteer, project, limits
):
    limits(take="2/10m")
    tasks = f.TaskFactory.create_batch(3, project=project, capacity=5)
    browser = login(volunteer)
    assert take(browser, tasks[0]).status_code == 302
    assert take(browser, tasks[1]).status_code == 302
    response = take(browser, tasks[2])
    assert_friendly_429(response, max_seconds=600)
    assert Commitment.objects.filter(user=volunteer).count() == 2
    # the page itself is never limited, and another person may still take part
    assert browser.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    assert take(login(f.UserFactory()), tasks[2]).status_code == 302


def test_the_waiting_list_and_stepping_back_count_with_the_take_over(
    login, volunteer, project, limits
):
    limits(take="2/10m")
    full = f.TaskFactory(project=project, capacity=1)
    actions.take_task(full, f.UserFactory())
    open_task = f.TaskFactory(project=project, capacity=3)
    browser = login(volunteer)
    assert take(browser, open_task).status_code == 302
    wait = reverse("projects:wait", args=[project.pk, full.pk])
    assert browser.post(wait).status_code == 302
    withdraw = reverse("projects:withdraw", args=[project.pk, open_task.pk])
    assert browser.post(withdraw).status_code == 429
    assert Commitment.objects.get(user=volunteer, task=open_task).status == "active"


def test_an_htmx_take_over_over_the_limit_replaces_the_page(login, volunteer, project, limits):
    limits(take="1/10m")
    first, second = f.TaskFactory.create_batch(2, project=project)
    browser = login(volunteer)
    assert take(browser, first).status_code == 302
    response = browser.post(
        reverse("projects:take", args=[project.pk, second.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "body"
    assert response.headers["HX-Reswap"].startswith("innerHTML")
    assert "Retry-After" in response.headers


def test_visitors_holding_places_are_counted_per_address(client, project, limits):
    limits(hold="2/10m")
    tasks = f.TaskFactory.create_batch(3, project=project, capacity=5)

    def hold(browser: Client, task, n: int):  # type: ignore[no-untyped-def]
        url = reverse("projects:hold", args=[project.pk, task.pk])
        return browser.post(url, {"name": f"Gast {n}", "email": f"gast{n}@example.org"})

    here = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.1")
    assert hold(here, tasks[0], 1).status_code == 302
    assert hold(here, tasks[1], 2).status_code == 302
    assert_friendly_429(hold(here, tasks[2], 3), max_seconds=600)
    assert Commitment.objects.count() == 2
    # the form itself still opens, and a visitor at another address may hold a place
    assert here.get(reverse("projects:hold", args=[project.pk, tasks[2].pk])).status_code == 200
    there = Client(
        HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.7"
    )
    assert hold(there, tasks[2], 4).status_code == 302


def test_one_ipv6_network_counts_as_one_address(project, limits):
    limits(hold="1/10m")
    tasks = f.TaskFactory.create_batch(2, project=project, capacity=5)
    urls = [reverse("projects:hold", args=[project.pk, t.pk]) for t in tasks]
    first = Client(HTTP_HOST="krass.example.org", REMOTE_ADDR="2001:db8:1:2::1")
    second = Client(HTTP_HOST="krass.example.org", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert first.post(urls[0], {"name": "A", "email": "a@example.org"}).status_code == 302
    assert second.post(urls[1], {"name": "B", "email": "b@example.org"}).status_code == 429


def test_guessing_codes_is_limited(client, project, task, limits):
    limits(code="3/10m")
    url = reverse("projects:hold", args=[project.pk, task.pk])
    client.post(url, {"name": "Gast", "email": "gast@example.org"})
    code_url = reverse("projects:enter_code", args=[project.pk, task.pk])
    answers = [client.post(code_url, {"code": "000000"}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get(code_url).status_code == 200  # reading the page is not limited


def test_team_messages_are_limited_across_projects(login, organiser, project, task, limits):
    limits(team_message="2/10m")
    browser = login(organiser)
    url = reverse("team:index", args=[project.pk])
    for n in range(2):
        assert browser.post(url, {"kind": "update", "update-body": f"Neu {n}"}).status_code == 302
    response = browser.post(url, {"kind": "update", "update-body": "Zu viel"})
    assert_friendly_429(response, max_seconds=600)
    assert TeamMessage.objects.count() == 2


def test_invitations_are_limited(login, organiser, organisation, limits):
    limits(invitation="2/h")
    browser = login(organiser)
    url = reverse("manage:members", args=[organisation.slug])
    for n in range(2):
        response = browser.post(url, {"email": f"neu{n}@example.org", "role": "editor"})
        assert response.status_code == 302
    response = browser.post(url, {"email": "neu9@example.org", "role": "editor"})
    assert_friendly_429(response, max_seconds=3600)
    assert Invitation.objects.count() == 2
    assert browser.get(url).status_code == 200


def test_allauths_sign_in_limit_gets_the_same_page(client, volunteer, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "1/5m/ip"}
    url = reverse("account_login")
    wrong = {"login": volunteer.email, "password": "not the password"}
    assert client.post(url, wrong).status_code == 200
    response = client.post(url, wrong)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "300"
    html = response.content.decode()
    assert "<h1>Please wait a moment</h1>" in html
    assert "Please try again in a few minutes." in html
    assert 'class="site-header"' in html


def test_the_sign_in_page_names_the_longest_of_allauths_windows(settings):
    from crowdmoving.core.views import longest_sign_in_window

    settings.ACCOUNT_RATE_LIMITS = {"login": "30/m/ip", "request_login_code": "10/m/ip,3/15m/key"}
    assert longest_sign_in_window() == 15 * 60
    settings.ACCOUNT_RATE_LIMITS = False
    assert longest_sign_in_window() == 5 * 60


def test_supporter_lists_are_limited_per_organiser_and_the_limit_is_audited_only_when_served(
    login, organiser, project, task, limits
):
    limits(supporters_export="2/h")
    url = reverse("manage:supporters_csv", args=[project.pk])
    browser = login(organiser)
    assert browser.get(url).status_code == 200
    assert browser.get(url).status_code == 200
    assert_friendly_429(browser.get(url), max_seconds=3600)
    served = AuditEntry.objects.filter(action=Action.SUPPORTERS_EXPORTED, actor=organiser)
    assert served.count() == 2
    # a second organiser of the same organisation is counted on their own
    colleague = f.UserFactory()
    f.MembershipFactory(organisation=project.organisation, user=colleague, role="owner")
    assert login(colleague).get(url).status_code == 200
