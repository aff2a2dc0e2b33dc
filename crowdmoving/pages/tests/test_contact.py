"""The contact page: every error at its field, the honeypot, the rate limit, and a message that
is stored and mailed to the platform's people, never to the address typed in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from crowdmoving import factories as f
from crowdmoving.core.tests.test_form_errors import Elements, assert_described_error
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.pages.contact import contact_recipients
from crowdmoving.pages.forms_contact import HONEYPOT, ContactForm
from crowdmoving.pages.models import ContactMessage
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = pytest.mark.django_db

URL = "/contact/"
GOOD = {
    "name": "Rosa Rotkehlchen",
    "email": "rosa@example.net",
    "website": "https://rosa.example.net",
    "message": "Hallo! Wir möchten mit unserem Verein auf eure Plattform. Wie geht das?",
}


@pytest.fixture
def contact_address(platform):  # type: ignore[no-untyped-def]
    platform.contact_email = "kontakt@krass.example.org"
    platform.save()
    return platform.contact_email


def send(client, **changes: str):  # type: ignore[no-untyped-def]
    return client.post(URL, {**GOOD, **changes})


def test_the_address_is_contact_and_the_footer_links_to_it(client):
    assert reverse("contact:form") == URL
    html = client.get(reverse("projects:home")).content.decode()
    assert f'<a href="{URL}">Contact</a>' in html


def test_the_page_has_the_four_fields_the_counter_and_a_honeypot_people_are_told_to_skip(
    client,
):
    response = client.get(URL)
    assert response.status_code == 200
    page = Elements(response.content.decode())
    assert page.find(name="name").get("required") == ""
    assert page.find(name="email")["type"] == "email"
    assert page.find(name="website")["type"] == "url"
    assert "required" not in page.find(name="website")
    assert page.find(name="message")["maxlength"] == "350"
    counter = page.find(**{"class": "char-counter small muted"})
    assert counter["data-max"] == "350"
    assert counter["data-pattern"] == "{used} of 350"
    assert "0 of 350" in response.content.decode()
    assert page.find(**{"aria-live": "polite", "class": "char-counter-spoken sr-only"})
    trap = page.find(name=HONEYPOT)
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
    html = response.content.decode()  # off-screen, and its label tells screen readers why
    assert f'<div class="sr-only"><label for="{trap["id"]}">Leave this field empty' in html


@pytest.mark.parametrize("field", ["name", "email", "message"])
def test_each_required_field_left_empty_says_required_field_missing_at_the_field(client, field):
    response = send(client, **{field: "  "})
    assert response.status_code == 400
    assert_described_error(Elements(response.content.decode()), field, "Required field missing")
    assert not ContactMessage.objects.exists()


def test_all_fields_left_empty_are_each_marked(client):
    response = client.post(URL, {})
    page = Elements(response.content.decode())
    for field in ("name", "email", "message"):
        assert_described_error(page, field, "Required field missing")
    assert "aria-invalid" not in page.find(name="website")


@pytest.mark.parametrize("address", ["rosa", "rosa@", "rosa@example", "rosa example@net.de"])
def test_a_malformed_email_says_email_address_invalid(client, address):
    response = send(client, email=address)
    assert response.status_code == 400
    assert_described_error(Elements(response.content.decode()), "email", "Email address invalid")
    assert not ContactMessage.objects.exists()


@pytest.mark.parametrize(
    "website",
    ["not a website", "ftp://files.example.org", "javascript:alert(1)", "https://", "http://x"],
)
def test_a_website_that_is_no_http_address_says_website_address_invalid(client, website):
    response = send(client, website=website)
    assert response.status_code == 400
    html = response.content.decode()
    assert_described_error(Elements(html), "website", "Website address invalid")
    assert not ContactMessage.objects.exists()


def test_the_website_may_be_left_out_or_given_without_its_scheme(client, contact_address):
    assert send(client, website="")["Location"] == "/contact/sent/"
    assert send(client, website="rosa.example.net")["Location"] == "/contact/sent/"
    assert sorted(ContactMessage.objects.values_list("website", flat=True)) == [
        "",
        "https://rosa.example.net",
    ]


def test_a_message_over_350_characters_is_refused_by_the_server(client, outbox):
    response = send(client, message="x" * 351)
    assert response.status_code == 400
    assert_described_error(
        Elements(response.content.decode()), "message", "At most 350 characters (you wrote 351)"
    )
    assert not ContactMessage.objects.exists()
    assert outbox() == []


def test_a_message_of_350_characters_with_line_breaks_is_accepted(client, contact_address):
    """The browser counts a line break as one character; it sends it as two (CRLF)."""
    lines = "\r\n".join(["y" * 49] * 7)  # 7 * 49 + 6 line breaks = 349 as typed
    response = send(client, message=lines + "z")
    assert response.status_code == 302
    assert len(ContactMessage.objects.get().message) == 350


def test_a_long_name_is_refused_with_a_clear_message(client):
    response = send(client, name="N" * 121)
    assert_described_error(
        Elements(response.content.decode()), "name", "At most 120 characters (you wrote 121)"
    )


def test_the_error_messages_are_marked_for_translation():
    """The lead's catalogue carries the German (Pflichtfeld fehlt, E-Mail-Adresse ungültig,
    Website-Adresse ungültig); these are the msgids it translates."""
    form = ContactForm({"email": "x", "website": "y", "message": "z" * 351})
    form.is_valid()
    with translation.override("en"):
        assert form.errors["name"] == ["Required field missing"]
        assert form.errors["email"] == ["Email address invalid"]
        assert form.errors["website"] == ["Website address invalid"]
        assert form.errors["message"] == ["At most 350 characters (you wrote 351)"]


def test_a_message_is_stored_and_mailed_once_to_the_contact_address_never_to_the_sender(
    client, platform, contact_address, outbox
):
    response = send(client)
    assert response.status_code == 302
    assert response["Location"] == "/contact/sent/"

    stored = ContactMessage.objects.get()
    assert (stored.platform, stored.name, stored.email) == (platform, GOOD["name"], GOOD["email"])
    assert stored.message == GOOD["message"] and stored.website == GOOD["website"]
    mails = outbox()
    assert [m.to for m in mails] == [[contact_address]]
    mail = mails[0]
    assert GOOD["email"] not in mail.to + mail.cc + mail.bcc
    assert GOOD["email"] not in mail.from_email
    assert mail.reply_to == [GOOD["email"]]  # an answer reaches the sender, only as Reply-To
    with translation.override(platform.default_language):  # the platform's language
        assert gettext("To answer, reply to this email or write to the address above.") in (
            mail.body
        )
    assert GOOD["name"] in mail.subject
    for text in (GOOD["name"], GOOD["email"], GOOD["website"], GOOD["message"]):
        assert text in mail.body
    assert not OutboxMessage.objects.filter(to=GOOD["email"]).exists()


def test_the_sender_sees_a_confirmation_after_the_redirect(client, contact_address):
    response = client.post(URL, GOOD, follow=True)
    assert response.redirect_chain == [("/contact/sent/", 302)]
    assert "Thank you, your message is on its way" in response.content.decode()
    assert "We do not send you a copy" in response.content.decode()


def test_without_a_contact_address_the_administrators_get_the_message(
    client, platform, platform_admin, other_platform, outbox
):
    second = f.UserFactory(email="zweite@example.org", language="en")
    PlatformAdmin.objects.create(platform=platform, user=second)
    stranger = f.UserFactory(email="andere-admin@example.org")
    PlatformAdmin.objects.create(platform=other_platform, user=stranger)

    send(client)

    assert sorted(m.to[0] for m in outbox()) == ["plattform@example.org", "zweite@example.org"]


def test_without_contact_address_or_administrators_the_operators_get_it(client, operator, outbox):
    f.UserFactory(email="ehemals@example.org", is_staff=True, is_active=False)
    send(client)
    assert [m.to for m in outbox()] == [["betrieb@example.org"]]


def test_the_recipients_name_each_address_once(platform, platform_admin):
    PlatformAdmin.objects.create(
        platform=platform, user=f.UserFactory(email="PLATTFORM2@example.org")
    )
    platform.contact_email = ""
    assert [r.email for r in contact_recipients(platform)] == [
        "plattform@example.org",
        "PLATTFORM2@example.org",
    ]


def test_a_message_sent_on_the_second_platform_belongs_to_it(
    other_client, other_platform, contact_address, outbox
):
    other_platform.contact_email = "kontakt@andere.example.org"
    other_platform.save()
    other_client.post(URL, GOOD)
    assert ContactMessage.objects.get().platform == other_platform
    assert [m.to for m in outbox()] == [["kontakt@andere.example.org"]]


def test_a_filled_honeypot_looks_like_success_but_stores_and_mails_nothing(
    client, contact_address, outbox
):
    response = send(client, **{HONEYPOT: "+49 30 1234567"})
    assert response.status_code == 302
    assert response["Location"] == "/contact/sent/"
    assert not ContactMessage.objects.exists()
    assert outbox() == []


def test_the_rate_limit_answers_the_sixth_message_in_an_hour_with_the_429_page(
    client, contact_address, limited, outbox
):
    for _ in range(5):
        assert send(client).status_code == 302
    response = send(client, message="Noch eine Nachricht")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Please wait a moment" in response.content.decode()
    assert ContactMessage.objects.count() == 5
    assert len(outbox()) == 5
    # Another address carries on.
    other = Client(HTTP_HOST="krass.example.org", REMOTE_ADDR="192.0.2.7")
    assert send(other).status_code == 302


def test_mistakes_do_not_count_against_the_rate_limit(client, contact_address, limited):
    for _ in range(10):
        assert send(client, email="kaputt").status_code == 400
    assert send(client).status_code == 302


def test_the_limit_is_five_an_hour(settings):
    assert settings.CROWDMOVING["RATE_LIMITS"]["contact"] == "5/h"


def test_the_confirmation_page_and_the_form_answer_on_every_platform(client, other_client):
    for browser in (client, other_client):
        assert browser.get(URL).status_code == 200
        assert browser.get("/contact/sent/").status_code == 200
