"""The inbox of contact messages at /platform/messages/: platform administrators read their
platform's messages (newest first, 25 a page, open / handled / all), reply by email, mark them
handled or open again and delete them after a confirmation; nobody else sees the inbox, and a
message of another platform is a 404. Reading the list is noted in the audit log."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.accounts import export
from crowdmoving.accounts.deletion import delete_account
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.pages import inbox
from crowdmoving.pages.models import ContactMessage

pytestmark = pytest.mark.django_db

INBOX = "/platform/messages/"


def write(platform, name="Rosa Rotkehlchen", **fields):  # type: ignore[no-untyped-def]
    return ContactMessage.objects.create(
        platform=platform,
        name=name,
        email=fields.pop("email", "rosa@example.net"),
        message=fields.pop("message", "Wie kann ich helfen?"),
        **fields,
    )


def handled_url(message: ContactMessage) -> str:
    return reverse("pages:inbox_handled", args=[message.pk])


def delete_url(message: ContactMessage) -> str:
    return reverse("pages:inbox_delete", args=[message.pk])


def test_the_addresses_are_under_platform_messages():
    assert reverse("pages:inbox") == INBOX
    assert reverse("pages:inbox_handled", args=[7]) == "/platform/messages/7/handled/"
    assert reverse("pages:inbox_delete", args=[7]) == "/platform/messages/7/delete/"


def test_an_administrator_reads_the_messages_newest_first(login, platform_admin, platform):
    old = write(platform, name="Alte Anfrage", message="Erste Zeile\nZweite Zeile")
    ContactMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    write(platform, name="Neue Anfrage", website="https://rosa.example.net/")
    response = login(platform_admin).get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Neue Anfrage") < html.index("Alte Anfrage")
    assert "Erste Zeile\nZweite Zeile" in html  # shown with white-space: pre-wrap
    assert 'href="https://rosa.example.net/" rel="nofollow noopener noreferrer"' in html
    assert "rosa@example.net" in html


def test_the_reply_link_is_a_mailto_with_an_encoded_subject(login, platform_admin, platform):
    write(platform, email="rosa+info&x@example.net")
    html = login(platform_admin).get(INBOX).content.decode()
    links = {unescape(m) for m in re.findall(r'href="(mailto:[^"]+)"', html)}
    assert links == {
        "mailto:rosa%2Binfo%26x@example.net?subject=Re%3A%20Your%20message%20to%20Krass%20Plattform"
    }


def test_volunteers_organisers_and_visitors_do_not_find_the_inbox(
    client, login, platform, volunteer, organiser, outsider
):
    message = write(platform)
    assert client.get(INBOX).status_code == 302  # to the sign-in page
    for person in (volunteer, organiser, outsider):
        browser = login(person)
        assert browser.get(INBOX).status_code == 404
        assert browser.post(handled_url(message), {"handled": "1"}).status_code == 404
        assert browser.get(delete_url(message)).status_code == 404
        assert browser.post(delete_url(message)).status_code == 404
    message.refresh_from_db()
    assert message.handled_at is None


def test_messages_of_another_platform_never_show_and_their_ids_are_404(
    login, platform_admin, platform, other_platform
):
    write(platform, name="Rosa Rotkehlchen")
    foreign = write(other_platform, name="Fremde Fragerin", email="fremd@example.org")
    browser = login(platform_admin)
    html = browser.get(f"{INBOX}?show=all").content.decode()
    assert "Rosa Rotkehlchen" in html
    assert "Fremde" not in html and "fremd@example.org" not in html
    assert browser.post(handled_url(foreign), {"handled": "1"}).status_code == 404
    assert browser.get(delete_url(foreign)).status_code == 404
    assert browser.post(delete_url(foreign)).status_code == 404
    assert ContactMessage.objects.filter(pk=foreign.pk, handled_at__isnull=True).exists()


def test_the_administrator_of_another_platform_gets_404(other_client, other_platform, platform):
    from crowdmoving.conftest import with_authenticator_app
    from crowdmoving.tenancy.models import PlatformAdmin

    piet = f.UserFactory(email="piet@example.org")
    PlatformAdmin.objects.create(platform=other_platform, user=piet)
    with_authenticator_app(piet)
    message = write(platform)
    other_client.force_login(piet)
    assert other_client.get(INBOX).status_code == 200  # his own platform's inbox
    assert other_client.get(delete_url(message)).status_code == 404


def test_bad_ids_are_404(login, platform_admin):
    browser = login(platform_admin)
    assert browser.post("/platform/messages/999999/handled/", {"handled": "1"}).status_code == 404
    assert browser.get("/platform/messages/999999/delete/").status_code == 404
    assert browser.get("/platform/messages/abc/delete/").status_code == 404


def test_get_on_the_handled_address_is_405(login, platform_admin, platform):
    message = write(platform)
    assert login(platform_admin).get(handled_url(message)).status_code == 405


def test_marking_handled_records_when_and_who_and_marking_open_forgets_it(
    login, platform_admin, platform
):
    message = write(platform)
    browser = login(platform_admin)
    response = browser.post(handled_url(message), {"handled": "1", "show": "open", "page": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?show=open#message-{message.pk}"
    message.refresh_from_db()
    assert message.handled_by == platform_admin
    assert message.handled_at is not None
    first = message.handled_at

    # A double click changes nothing: the first mark stays.
    browser.post(handled_url(message), {"handled": "1"})
    message.refresh_from_db()
    assert message.handled_at == first

    # Open shows it no more; handled does, with who handled it.
    assert f'id="message-{message.pk}"' not in browser.get(INBOX).content.decode()
    html = browser.get(f"{INBOX}?show=handled").content.decode()
    assert f'id="message-{message.pk}"' in html and "Handled by Paula Plattform ·" in html

    browser.post(handled_url(message), {"handled": "0", "show": "handled"})
    message.refresh_from_db()
    assert (message.handled_at, message.handled_by) == (None, None)


def test_a_bad_handled_value_is_refused_and_changes_nothing(login, platform_admin, platform):
    message = write(platform)
    response = login(platform_admin).post(handled_url(message), {"handled": "maybe"})
    assert response.status_code == 400
    assert 'class="site-header"' in response.content.decode()  # the error page in the look
    message.refresh_from_db()
    assert message.handled_at is None


def test_with_htmx_the_message_swaps_in_place_and_the_change_is_announced(
    login, platform_admin, platform
):
    message = write(platform)
    response = login(platform_admin).post(
        handled_url(message), {"handled": "1", "show": "open"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(
        f'<li class="card inbox-message inbox-handled" id="message-{message.pk}"'
    )
    assert "Mark as open" in html and "autofocus" in html
    assert 'id="inbox-status"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "Marked as handled: the message from Rosa Rotkehlchen." in html


def test_deleting_asks_first_then_removes_the_message_and_records_nothing(
    login, platform_admin, platform
):
    message = write(platform)
    browser = login(platform_admin)
    before = AuditEntry.objects.count()
    response = browser.get(f"{delete_url(message)}?show=all&page=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete the message from Rosa Rotkehlchen?" in html
    assert 'name="show" value="all"' in html and 'name="page" value="2"' in html
    assert ContactMessage.objects.filter(pk=message.pk).exists()  # GET deletes nothing

    response = browser.post(delete_url(message), {"show": "all", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?show=all&page=2"
    assert not ContactMessage.objects.filter(pk=message.pk).exists()
    assert AuditEntry.objects.count() == before
    assert browser.post(delete_url(message)).status_code == 404  # gone


def test_viewing_the_list_is_noted_as_viewing_contact_details(login, platform_admin, platform):
    write(platform)
    login(platform_admin).get(INBOX)
    entry = AuditEntry.objects.get(action=Action.CONTACTS_VIEWED)
    assert entry.actor == platform_admin
    assert entry.platform == platform
    assert entry.data == {"what": "contact_messages", "show": "open", "page": 1, "messages": 1}
    assert "rosa" not in str(entry.data).lower()


def test_an_empty_inbox_says_what_it_is_and_when_messages_are_deleted(
    login, platform_admin, settings
):
    settings.CROWDMOVING = {**settings.CROWDMOVING, "RETENTION_CONTACT_MESSAGE_DAYS": 90}
    html = login(platform_admin).get(INBOX).content.decode()
    assert "No messages yet." in html
    assert "contact page" in html
    assert "deleted automatically 90 days after they were sent" in html
    # Nothing shown, so no contact details viewed.
    assert not AuditEntry.objects.filter(action=Action.CONTACTS_VIEWED).exists()


def test_the_list_is_paged_by_25_and_the_filter_is_kept(login, platform_admin, platform):
    for number in range(30):
        write(platform, name=f"Absenderin {number:02d}")
    browser = login(platform_admin)
    first = browser.get(f"{INBOX}?show=all").content.decode()
    assert first.count('class="card inbox-message') == 25
    assert "Page 1 of 2" in first
    assert 'href="?show=all&amp;page=2" rel="next"' in first
    second = browser.get(f"{INBOX}?show=all&page=2").content.decode()
    assert second.count('class="card inbox-message') == 5
    assert browser.get(f"{INBOX}?page=zzz").status_code == 200  # the first page
    assert browser.get(f"{INBOX}?page=99").status_code == 200  # the last page


def test_the_list_costs_the_same_queries_for_30_messages_as_for_1(
    login, platform_admin, platform, django_assert_max_num_queries
):
    browser = login(platform_admin)
    write(platform)
    browser.get(INBOX)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        browser.get(f"{INBOX}?show=all")
    helper = f.UserFactory(name="Hanna Helferin")
    for number in range(29):
        write(platform, name=f"Absenderin {number}", handled_at=timezone.now(), handled_by=helper)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = browser.get(f"{INBOX}?show=all")
    assert response.content.decode().count('class="card inbox-message') == 25
    assert len(one.captured_queries) <= 12  # measured: 11


@pytest.mark.parametrize(
    "field",
    ["name", "message", "website"],
)
def test_script_in_a_message_is_shown_as_text(login, platform_admin, platform, field):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    fields = {"name": "Rosa", "message": "Hallo", "website": ""}
    fields[field] = attack
    ContactMessage.objects.create(platform=platform, email="rosa@example.net", **fields)
    html = login(platform_admin).get(INBOX).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,hi", "ftp://files.example.net/"],
)
def test_only_http_and_https_websites_are_links(login, platform_admin, platform, website):
    write(platform, website=website)
    html = login(platform_admin).get(INBOX).content.decode()
    assert website.replace("&", "&amp;") in html  # shown as text
    assert f'href="{website}' not in html


def test_the_platform_home_links_the_inbox_with_the_open_count(
    login, platform_admin, platform, django_assert_max_num_queries
):
    write(platform)
    write(platform, name="Zweite")
    write(platform, name="Erledigt", handled_at=timezone.now())
    html = login(platform_admin).get("/platform/").content.decode()
    assert f'href="{INBOX}"' in html
    assert "2 open messages" in html
    assert inbox.open_count(platform) == 2


def test_the_administrators_handled_marks_are_in_their_export_and_survive_deletion(
    platform_admin, platform
):
    message = write(platform)
    inbox.mark_handled(message, by=platform_admin)
    document = export.collect(platform_admin)
    rows = document["contact_messages_handled"]
    assert rows == [{"platform": "Krass Plattform", "handled_at": rows[0]["handled_at"]}]
    assert "rosa" not in str(rows).lower()

    delete_account(platform_admin)
    message.refresh_from_db()
    assert message.handled_at is not None
    prepared = inbox.prepare(message, platform)
    assert prepared.handled_by_label == "a deleted account"  # type: ignore[attr-defined]
