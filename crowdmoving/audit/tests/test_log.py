"""The platform administrators' audit log page: who may see it, what it shows, filters and
pages, and that it never shows another platform's entries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.conftest import with_authenticator_app
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = pytest.mark.django_db

URL = "/platform/audit/"
BERLIN = ZoneInfo("Europe/Berlin")


def html_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


@pytest.fixture
def admin(login, platform_admin):  # type: ignore[no-untyped-def]
    return login(platform_admin)


def test_the_address_is_the_one_the_docs_name():
    assert reverse("audit:log") == URL


# --- who may see it ---------------------------------------------------------------------------


def test_a_signed_out_visitor_is_asked_to_sign_in(client, platform):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["volunteer", "organiser", "coordinator", "foreign_organiser"])
def test_people_who_do_not_administer_the_platform_get_a_404(request, login, persona):
    assert login(request.getfixturevalue(persona)).get(URL).status_code == 404


def test_the_other_platforms_administrator_gets_a_404(login, other_platform):
    stranger = f.UserFactory()
    PlatformAdmin.objects.create(platform=other_platform, user=stranger)
    with_authenticator_app(stranger)
    assert login(stranger).get(URL).status_code == 404


def test_the_administrator_gets_a_404_on_the_other_platform(other_client, platform_admin):
    other_client.force_login(platform_admin)
    assert other_client.get(URL).status_code == 404


def test_the_administrator_and_operators_see_it(admin, login, operator):
    assert admin.get(URL).status_code == 200
    assert login(operator).get(URL).status_code == 200


def test_entries_cannot_be_changed_through_the_page(admin, platform):
    record(Action.LOGIN, platform=platform)
    assert admin.post(URL, {"action": "login"}).status_code == 405
    assert AuditEntry.objects.count() == 1


# --- what it shows ----------------------------------------------------------------------------


def test_it_shows_this_platforms_entries_and_none_of_the_others(
    admin, platform, other_platform, organiser, foreign_organiser
):
    record(Action.LOGIN, platform=platform, actor=organiser, marker="hier")
    record(Action.LOGIN, platform=other_platform, actor=foreign_organiser, marker="dort")
    record(Action.LOGIN, actor=foreign_organiser, marker="nirgends")  # no platform
    html = html_of(admin.get(URL))
    assert "hier" in html and organiser.email in html
    assert "dort" not in html and foreign_organiser.email not in html
    assert "nirgends" not in html


def test_the_columns_say_when_who_what_concerning_from_and_details(
    admin, platform, organiser, volunteer, project
):
    with time_machine.travel(datetime(2026, 7, 1, 10, 5, tzinfo=ZoneInfo("UTC"))):
        entry = record(
            Action.COORDINATION_HANDED_OVER,
            platform=platform,
            actor=organiser,
            subject=volunteer,
            target=project,
            tasks=3,
        )
    html = html_of(admin.get(URL))
    row = html[html.index(f'id="entry-{entry.pk}"') :]
    assert "12:05" in row  # local time (Berlin, summer: UTC+2)
    assert organiser.name in row and organiser.email in row
    assert "Coordination handed over" in row
    assert volunteer.name in row
    assert f"Project “{project.title}”" in row
    assert "<dt>tasks</dt><dd>3</dd>" in row


def test_the_address_it_came_from_is_shown(login, platform_admin, editor, platform):
    browser = Client(
        HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.9"
    )
    browser.force_login(editor)
    browser.post(reverse("me:settings"), {"name": "Eva", "visibility": "first", "language": ""})
    html = html_of(login(platform_admin).get(URL))
    assert "203.0.113.9" in html
    assert "Settings changed" in html


def test_a_deleted_account_and_a_gone_object_are_named_as_such(
    admin, platform, volunteer, organisation
):
    gone = f.ProjectFactory(organisation=organisation, title="Abgerissen")
    record(Action.PROJECT_STATE_CHANGED, platform=platform, actor=volunteer, target=gone)
    gone_id = gone.pk
    gone.delete()
    volunteer.delete()
    html = html_of(admin.get(URL))
    assert "deleted account" in html
    assert f"Project #{gone_id}" in html
    assert "Abgerissen" not in html


def test_an_object_of_another_platform_is_not_named(admin, platform, other_platform):
    foreign = f.ProjectFactory(
        organisation=f.OrganisationFactory(platform=other_platform), title="Fremdprojekt"
    )
    record(Action.SECRET_LINK_RENEWED, platform=platform, target=foreign)
    html = html_of(admin.get(URL))
    assert f"Project #{foreign.pk}" in html
    assert "Fremdprojekt" not in html


def test_an_entry_without_a_person_says_nobody_signed_in(admin, platform):
    record(Action.LOGIN_FAILED, platform=platform)
    html = html_of(admin.get(URL))
    assert "nobody signed in" in html
    assert "deleted account" not in html


def test_details_are_escaped(admin, platform):
    data: dict[str, Any] = {"<b>key</b>": "<script>alert(1)</script>"}
    record(Action.LOGIN, platform=platform, **data)
    html = html_of(admin.get(URL))
    assert "<script>alert(1)" not in html and "<b>key" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_newest_first_fifty_a_page(admin, platform):
    start = datetime(2026, 3, 1, 12, tzinfo=BERLIN)
    for minute in range(51):
        with time_machine.travel(start + timedelta(minutes=minute)):
            record(Action.LOGIN, platform=platform, number=minute)
    first = html_of(admin.get(URL))
    assert first.count('id="entry-') == 50
    assert first.index("<dd>50</dd>") < first.index("<dd>49</dd>")
    assert "<dd>0</dd>" not in first
    assert "Page 1 of 2" in first
    second = html_of(admin.get(URL, {"page": 2}))
    assert second.count('id="entry-') == 1 and "<dd>0</dd>" in second
    assert html_of(admin.get(URL, {"page": "zwei"})).count('id="entry-') == 50


def test_the_page_links_keep_the_filter(admin, platform):
    for _ in range(51):
        record(Action.LOGIN, platform=platform)
    html = html_of(admin.get(URL, {"action": "login", "since": "2020-01-01"}))
    assert "?action=login&amp;since=2020-01-01&amp;page=2" in html


def test_the_same_number_of_queries_for_one_entry_or_a_full_page(
    admin, platform, organiser, volunteer, organisation, project, django_assert_max_num_queries
):
    def arrange(count: int) -> None:
        for number in range(count):
            person = f.UserFactory()
            other = f.ProjectFactory(organisation=organisation)
            record(
                Action.ROLE_CHANGED,
                platform=platform,
                actor=person,
                subject=volunteer,
                target=organisation,
            )
            record(Action.PROJECT_STATE_CHANGED, platform=platform, actor=organiser, target=other)
            record(
                Action.SECRET_LINK_RENEWED, platform=platform, target=f.TaskFactory(project=project)
            )
            record(Action.LOGIN, platform=platform, actor=person, number=number)

    arrange(1)
    admin.get(URL)  # the first page of a session also settles its per-session checks
    with django_assert_max_num_queries(20) as few:
        assert admin.get(URL).status_code == 200
    arrange(30)
    with django_assert_max_num_queries(20) as many:
        html = html_of(admin.get(URL))
    assert html.count('id="entry-') == 50
    assert len(few.captured_queries) == len(many.captured_queries)


# --- filters ----------------------------------------------------------------------------------


def test_filter_by_action(admin, platform):
    record(Action.LOGIN, platform=platform)
    record(Action.MEMBER_ADDED, platform=platform)
    html = html_of(admin.get(URL, {"action": "member_added"}))
    assert html.count('id="entry-') == 1
    assert "Member added" in html


def test_filter_by_days_in_local_time(admin, platform):
    # 23:30 in Berlin on 9 March is still the 9th there (22:30 UTC).
    for day, hour in ((8, 12), (9, 23), (10, 1), (11, 12)):
        with time_machine.travel(datetime(2026, 3, day, hour, 30, tzinfo=BERLIN)):
            record(Action.LOGIN, platform=platform, day=day)
    html = html_of(admin.get(URL, {"since": "2026-03-09", "until": "2026-03-10"}))
    assert html.count('id="entry-') == 2
    assert "<dd>9</dd>" in html and "<dd>10</dd>" in html


def test_an_invalid_date_is_explained_at_the_field(admin, platform):
    record(Action.LOGIN, platform=platform)
    response = admin.get(URL, {"since": "31.02.2026", "until": "morgen"})
    html = html_of(response)
    assert response.status_code == 400
    assert html.count("This is not a date") >= 2
    assert 'aria-invalid="true"' in html
    assert html.count('id="entry-') == 1  # the list is still there, unfiltered by the bad field


def test_an_end_before_the_start_is_explained(admin, platform):
    response = admin.get(URL, {"since": "2026-03-10", "until": "2026-03-09"})
    assert response.status_code == 400
    assert "The end lies before the start" in html_of(response)


def test_an_unknown_action_is_explained(admin, platform):
    response = admin.get(URL, {"action": "hacked"})
    assert response.status_code == 400
    assert "Please choose one of the listed actions" in html_of(response)


def test_nothing_found_says_so(admin, platform):
    assert "No entries match." in html_of(admin.get(URL, {"action": "logout"}))


# --- operators --------------------------------------------------------------------------------


def test_operators_see_every_platform_with_all(login, operator, platform, other_platform):
    record(Action.LOGIN, platform=platform, marker="hier")
    record(Action.LOGIN, platform=other_platform, marker="dort")
    browser = login(operator)
    assert "dort" not in html_of(browser.get(URL))
    html = html_of(browser.get(URL, {"all": "1"}))
    assert "hier" in html and "dort" in html
    assert other_platform.name in html  # the platform column
    assert 'name="all" value="1"' in html  # filtering keeps to every platform


def test_all_shows_an_administrator_only_her_platform(admin, platform, other_platform):
    record(Action.LOGIN, platform=other_platform, marker="dort")
    html = html_of(admin.get(URL, {"all": "1"}))
    assert "dort" not in html


def test_the_page_reads_in_german(platform_admin, platform):
    record(Action.LOGIN, platform=platform)
    browser = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="de")
    browser.force_login(platform_admin)
    response = browser.get(URL)
    assert response.status_code == 200
    assert 'lang="de"' in html_of(response)


def test_entries_about_the_platform_and_its_pages_name_them(admin, platform):
    from crowdmoving.pages.models import ContentPage

    page = ContentPage.objects.create(
        platform=platform, kind="imprint", slug="impressum", title="Impressum", body="x"
    )
    record(Action.SETTINGS_CHANGED, platform=platform, target=platform, fields=["tagline"])
    record(Action.SETTINGS_CHANGED, platform=platform, target=page, fields=["body"])
    html = html_of(admin.get(URL))
    assert "Krass Plattform" in html
    assert "Impressum" in html


def test_a_failed_sign_in_names_the_account_to_operators_only(admin, platform, operator, volunteer):
    from django.test import Client

    record(Action.LOGIN_FAILED, platform=platform, subject=volunteer)
    record(Action.ROLE_CHANGED, platform=platform, subject=volunteer)
    html = html_of(admin.get(URL))
    assert html.count("margit@example.org") == 1  # the role change, not the failed sign-in
    staff = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(operator)
    assert html_of(staff.get(URL)).count("margit@example.org") == 2
