"""The notification list, its unread count, the preferences, and the unsubscribe link."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.notifications.api import unsubscribe_token
from crowdmoving.notifications.models import ESSENTIAL_KINDS, Kind, Notification
from crowdmoving.projects import actions

pytestmark = pytest.mark.django_db


def note(user, platform, title="Margit has taken a task", **extra):  # type: ignore[no-untyped-def]
    return Notification.objects.create(
        user=user, platform=platform, kind=Kind.TASK_TAKEN, title=title, url="/", **extra
    )


def test_the_list_shows_my_notifications_of_this_platform_newest_first(
    login, organiser, platform, other_platform, volunteer
):
    note(organiser, platform, title="Older one")
    note(organiser, platform, title="Newer one")
    note(organiser, other_platform, title="From elsewhere")
    note(volunteer, platform, title="Not mine")

    html = login(organiser).get(reverse("notifications:index")).content.decode()

    assert html.index("Newer one") < html.index("Older one")
    assert "From elsewhere" not in html and "Not mine" not in html
    assert 'class="badge nav-count">2<' in html


def test_the_list_costs_the_same_queries_for_many_notifications(login, organiser, platform):
    browser = login(organiser)
    note(organiser, platform)
    browser.get(reverse("notifications:index"))
    with CaptureQueriesContext(connection) as few:
        browser.get(reverse("notifications:index"))
    for number in range(80):
        note(organiser, platform, title=f"Note {number}")
    with CaptureQueriesContext(connection) as many:
        response = browser.get(reverse("notifications:index"))

    assert len(many) == len(few) <= 8
    assert response.content.decode().count('class="card notification') == 30
    assert "Page 1 of 3" in response.content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(
    login, organiser, platform, project
):
    item = note(organiser, platform)
    Notification.objects.filter(pk=item.pk).update(url=f"/projects/{project.pk}/")
    browser = login(organiser)

    response = browser.post(reverse("notifications:open", args=[item.pk]))

    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_a_notification_never_leads_to_another_site(login, organiser, platform):
    item = note(organiser, platform)
    Notification.objects.filter(pk=item.pk).update(url="https://evil.example.com/")

    response = login(organiser).post(reverse("notifications:open", args=[item.pk]))

    assert response["Location"] == reverse("notifications:index")


def test_someone_elses_notification_is_a_404(login, organiser, volunteer, platform):
    item = note(volunteer, platform)
    assert login(organiser).post(reverse("notifications:open", args=[item.pk])).status_code == 404


def test_mark_all_read_needs_a_post_and_clears_the_count(login, organiser, platform):
    note(organiser, platform)
    note(organiser, platform)
    browser = login(organiser)
    assert browser.get(reverse("notifications:mark_all_read")).status_code == 405

    browser.post(reverse("notifications:mark_all_read"))

    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "nav-count" not in browser.get(reverse("notifications:index")).content.decode()


def test_the_unread_count_costs_one_query(login, organiser, platform):
    browser = login(organiser)
    url = reverse("notifications:settings")
    with CaptureQueriesContext(connection) as queries:
        browser.get(url)
    counts = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1


def test_preferences_mute_kinds_and_switch_on_the_digest(login, organiser):
    browser = login(organiser)
    html = browser.get(reverse("notifications:settings")).content.decode()
    for kind in ESSENTIAL_KINDS:
        assert re.search(r"checked disabled> " + re.escape(str(kind.label)), html)

    kept = [Kind.TEAM_MESSAGE, Kind.REMINDER]
    response = browser.post(
        reverse("notifications:settings"), {"email_kinds": kept, "daily_digest": "on"}
    )

    assert response.status_code == 302
    organiser.refresh_from_db()
    assert organiser.daily_digest is True
    assert Kind.TASK_TAKEN in organiser.muted_email_kinds
    assert Kind.TEAM_MESSAGE not in organiser.muted_email_kinds
    assert not set(organiser.muted_email_kinds) & set(ESSENTIAL_KINDS)


def test_a_posted_essential_is_refused_at_the_field(login, organiser):
    response = login(organiser).post(
        reverse("notifications:settings"), {"email_kinds": [Kind.CONFIRMED]}
    )
    assert response.status_code == 200
    assert 'id="email-kinds-errors"' in response.content.decode()


def test_the_unsubscribe_link_in_a_mail_mutes_its_kind_without_a_sign_in(
    client, task, volunteer, organiser, outbox
):
    actions.take_task(task, volunteer)
    (mail,) = [m for m in outbox() if m.to == [organiser.email]]
    link = re.search(r"http://krass\.example\.org(/notifications/unsubscribe/\S+/)", mail.body)
    assert link is not None

    page = client.get(link.group(1))
    assert page.status_code == 200
    organiser.refresh_from_db()
    assert organiser.muted_email_kinds == []  # a GET (a mail scanner) changes nothing

    client.post(link.group(1))

    organiser.refresh_from_db()
    assert organiser.muted_email_kinds == [Kind.TASK_TAKEN]
    actions.take_task(task, f.UserFactory())
    assert [m for m in outbox() if m.to == [organiser.email]] == [mail]


def test_essentials_cannot_be_muted_even_with_a_signed_token(client, volunteer):
    User.objects.filter(pk=volunteer.pk).update(muted_email_kinds=[])
    forged = signing.dumps(
        {"u": volunteer.pk, "k": Kind.CONFIRMED.value}, salt="crowdmoving.unsubscribe"
    )
    assert client.post(reverse("notifications:unsubscribe", args=[forged])).status_code == 404
    assert unsubscribe_token(volunteer, Kind.CONFIRMED)  # signing is fine; reading refuses it
    volunteer.refresh_from_db()
    assert volunteer.muted_email_kinds == []


def test_a_bad_unsubscribe_token_is_a_404(client, volunteer):
    token = unsubscribe_token(volunteer, Kind.TASK_TAKEN)
    assert client.get(reverse("notifications:unsubscribe", args=[token + "x"])).status_code == 404
    assert client.get(reverse("notifications:unsubscribe", args=["nonsense"])).status_code == 404
