"""Email alerts: asking for one (every error at its field, the honeypot, the rate limit), the
double opt-in by the emailed link, stopping it (the page's button and the mail program's
one-click POST without a CSRF token), "My alerts", and the purge of unconfirmed alerts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.core.tests.test_form_errors import Elements, assert_described_error
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.privacy.retention import purge_expired_data
from crowdmoving.reach import actions
from crowdmoving.reach.forms import HONEYPOT
from crowdmoving.reach.models import Subscription

pytestmark = pytest.mark.django_db

NEW = "/alerts/new/"
ROSA = "rosa@example.net"


def ask(client, **changes: str):  # type: ignore[no-untyped-def]
    data = {"kind": "organisation", "organisation": "krass-ev", "email": ROSA, **changes}
    return client.post(NEW, data)


def confirmation_link(mails: list, address: str = ROSA) -> str:
    body = [m.body for m in mails if m.to == [address]][-1]
    found = re.search(r"http://krass\.example\.org(/alerts/confirm/[^/\s]+/)", body)
    assert found, body
    return found.group(1)


def alert(platform, **fields) -> Subscription:  # type: ignore[no-untyped-def]
    values = {"email": ROSA, "kind": "category", "category": "children", **fields}
    return Subscription.objects.create(platform=platform, **values)


# --- asking ----------------------------------------------------------------------------------


def test_the_addresses_are_the_ones_the_mails_and_links_use():
    assert reverse("alerts:new") == NEW
    assert reverse("alerts:mine") == "/me/alerts/"
    assert reverse("alerts:confirm", args=["abc"]) == "/alerts/confirm/abc/"
    assert reverse("alerts:unsubscribe", args=["abc"]) == "/alerts/unsubscribe/abc/"


def test_the_project_page_links_to_an_alert_for_its_organisation(client, project, organisation):
    html = client.get(project.get_absolute_url()).content.decode()
    assert f'href="{NEW}?organisation=krass-ev"' in html
    assert "Get an email when KRASS e.V. posts new tasks" in html


def test_the_link_from_the_project_page_chooses_the_organisation(client, organisation):
    page = Elements(client.get(NEW, {"organisation": "krass-ev"}).content.decode())
    assert page.find(name="kind", value="organisation").get("checked") is not None
    select = client.get(NEW, {"organisation": "krass-ev"}).content.decode()
    assert '<option value="krass-ev" selected>KRASS e.V.</option>' in select


def test_another_platforms_organisation_is_neither_offered_nor_chosen(
    client, organisation, foreign_organiser, other_platform
):
    f.OrganisationFactory(platform=other_platform, name="Fremder Verein", slug="fremd")
    html = client.get(NEW, {"organisation": "fremd"}).content.decode()
    assert "Fremder Verein" not in html
    assert 'value="organisation" checked' not in html
    response = ask(client, organisation="fremd")
    assert response.status_code == 400
    assert_described_error(
        Elements(response.content.decode()), "organisation", "Unknown organisation"
    )
    assert not Subscription.objects.exists()


def test_a_category_and_a_place_can_be_prefilled(client, platform):
    page = Elements(client.get(NEW, {"category": "sport"}).content.decode())
    assert page.find(name="kind", value="category").get("checked") is not None
    page = Elements(client.get(NEW, {"place": "  04 "}).content.decode())
    assert page.find(name="kind", value="place").get("checked") is not None
    assert page.find(name="place")["value"] == "04"
    # Unknown values choose nothing.
    page = Elements(client.get(NEW, {"category": "nonsense"}).content.decode())
    assert all("checked" not in attrs for tag, attrs in page.tags if attrs.get("name") == "kind")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"organisation": "gibt-es-nicht"}, "organisation", "Unknown organisation"),
        ({"organisation": ""}, "organisation", "Choose an organisation"),
        ({"kind": "category", "category": "nonsense"}, "category", "Unknown category"),
        ({"kind": "category", "category": ""}, "category", "Choose a category"),
        ({"kind": "place", "place": "   "}, "place", "Type a place or a postal code"),
        ({"kind": "place", "place": "L"}, "place", "At least 2 characters"),
        ({"kind": "place", "place": "x" * 101}, "place", "At most 100 characters"),
        ({"email": "rosa-at-example"}, "email", "Email address invalid"),
        ({"email": ""}, "email", "Required field missing"),
    ],
)
def test_bad_input_is_told_at_its_field_and_nothing_is_saved(
    client, organisation, changes, field, message, outbox
):
    response = ask(client, **changes)
    assert response.status_code == 400
    page = Elements(response.content.decode())
    assert_described_error(page, field, message)
    assert page.summary()["role"] == "alert"
    assert not Subscription.objects.exists()
    assert outbox() == []


def test_no_kind_chosen_is_told_at_the_choice(client, organisation):
    response = ask(client, kind="")
    assert response.status_code == 400
    assert "Required field missing" in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_subject_field_of_another_kind_is_ignored(client, organisation):
    response = ask(client, kind="category", category="sport", organisation="gibt-es-nicht")
    assert response.status_code == 302
    created = Subscription.objects.get()
    assert (created.kind, created.category, created.organisation, created.place) == (
        "category",
        "sport",
        None,
        "",
    )


# --- double opt-in ---------------------------------------------------------------------------


def test_asking_stores_an_unconfirmed_alert_and_mails_the_link_to_confirm(
    client, organisation, outbox
):
    response = ask(client, email="  Rosa@Example.NET ")
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:sent")
    assert "Check your inbox" in client.get(response["Location"]).content.decode()
    created = Subscription.objects.get()
    assert created.email == ROSA
    assert created.confirmed_at is None
    assert created.user is None
    assert created.language == "en"  # the language of the request
    assert created.organisation == organisation
    mails = outbox()
    assert [m.to for m in mails] == [[ROSA]]
    assert "please confirm your email alert" in mails[0].subject
    assert "Krass Plattform" in mails[0].subject
    assert "new tasks of KRASS e.V." in mails[0].body
    # In the platform's look: the HTML frame with its colour.
    html = mails[0].alternatives[0][0]
    assert organisation.platform.primary_colour.lower() in html.lower()
    assert confirmation_link(mails) == reverse("alerts:confirm", args=[created.token])


def test_the_language_of_the_request_is_the_alerts_language(organisation, outbox):
    german = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="de")
    assert ask(german).status_code == 302
    assert Subscription.objects.get().language == "de"


def test_opening_the_link_only_asks_and_the_button_confirms(client, organisation, outbox):
    ask(client)
    link = confirmation_link(outbox())
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Confirm your alert" in html
    assert 'name="robots" content="noindex"' in html
    # A mail scanner opening the link confirms nothing.
    assert Subscription.objects.get().confirmed_at is None
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == link
    assert Subscription.objects.get().confirmed_at is not None
    assert "Your alert is active" in client.get(link).content.decode()
    entry = AuditEntry.objects.get(action=Action.CONSENT_GIVEN)
    assert entry.target_type == "reach.subscription"
    assert entry.data == {"purpose": "email_alerts", "kind": "organisation", "via": "emailed_link"}
    assert ROSA not in str(entry.data)
    # Pressing again changes nothing and records nothing more.
    client.post(link)
    assert AuditEntry.objects.filter(action=Action.CONSENT_GIVEN).count() == 1


def test_asking_again_tells_nothing_and_resends_at_most_every_quarter_hour(
    client, organisation, outbox
):
    first = ask(client)
    second = ask(client, email="ROSA@example.net")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Subscription.objects.count() == 1
    assert len(outbox()) == 1
    # A quarter of an hour later the link is sent again.
    OutboxMessage.objects.update(created_at=timezone.now() - actions.RESEND_AFTER)
    ask(client)
    assert len(outbox()) == 2
    assert Subscription.objects.count() == 1


def test_one_address_gets_at_most_five_confirmation_mails_a_day(client, organisation, outbox):
    # Each place typed is a new alert: without a cap per address the form could flood an inbox.
    for n in range(actions.CONFIRMATIONS_PER_ADDRESS_A_DAY + 2):
        response = ask(client, kind="place", organisation="", place=f"Leipzig {n}")
        assert response["Location"] == reverse("alerts:sent")  # the same answer every time
    assert Subscription.objects.count() == actions.CONFIRMATIONS_PER_ADDRESS_A_DAY + 2
    assert len(outbox()) == actions.CONFIRMATIONS_PER_ADDRESS_A_DAY
    # A day later the next confirmation goes out.
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    ask(client, kind="place", organisation="", place="Leipzig 0")
    assert len(outbox()) == actions.CONFIRMATIONS_PER_ADDRESS_A_DAY + 1


def test_asking_again_for_a_confirmed_alert_looks_the_same_and_mails_nothing(
    client, organisation, outbox
):
    alert(
        organisation.platform,
        kind="organisation",
        category="",
        organisation=organisation,
        confirmed_at=timezone.now(),
    )
    response = ask(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:sent")
    assert outbox() == []
    assert Subscription.objects.count() == 1


def test_a_signed_in_persons_own_confirmed_address_starts_at_once(
    login, volunteer, organisation, outbox
):
    client = login(volunteer)
    page = Elements(client.get(NEW).content.decode())
    email = page.find(name="email")
    assert email["value"] == volunteer.email
    assert "readonly" in email
    response = ask(client, email=volunteer.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:mine")
    created = Subscription.objects.get()
    assert created.user == volunteer
    assert created.confirmed_at is not None
    assert outbox() == []  # no confirmation mail: the address is proven theirs
    entry = AuditEntry.objects.get(action=Action.CONSENT_GIVEN)
    assert entry.actor == volunteer
    assert entry.data["via"] == "own_confirmed_address"
    assert "Your alert is active" in client.get(response["Location"]).content.decode()


def test_a_signed_in_person_with_another_address_confirms_by_mail_like_anyone(
    login, volunteer, organisation, outbox
):
    client = login(volunteer)
    assert ask(client, email=ROSA)["Location"] == reverse("alerts:sent")
    created = Subscription.objects.get()
    assert created.user is None
    assert created.confirmed_at is None
    assert [m.to for m in outbox()] == [[ROSA]]


def test_an_unconfirmed_address_of_the_account_is_confirmed_by_mail(login, organisation, outbox):
    person = f.UserFactory(email="neu@example.org", verified=False)
    client = login(person)
    ask(client, email=person.email)
    created = Subscription.objects.get()
    assert created.confirmed_at is None
    assert created.user is None
    assert [m.to for m in outbox()] == [["neu@example.org"]]


def test_a_filled_honeypot_looks_like_success_but_stores_and_mails_nothing(
    client, organisation, outbox
):
    response = ask(client, **{HONEYPOT: "+49 30 1234567"})
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:sent")
    assert not Subscription.objects.exists()
    assert outbox() == []


def test_the_rate_limit_answers_the_eleventh_request_in_an_hour_with_the_429_page(
    client, organisation, limited
):
    assert client.post(NEW, {"kind": "place", "place": "", "email": ROSA}).status_code == 400
    for number in range(10):
        assert ask(client, email=f"person{number}@example.net").status_code == 302
    response = ask(client, email="noch-eine@example.net")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Subscription.objects.count() == 10
    other = Client(HTTP_HOST="krass.example.org", REMOTE_ADDR="192.0.2.7")
    assert ask(other, email="andere@example.net").status_code == 302


# --- the emailed links are this platform's -----------------------------------------------------


def test_a_token_of_another_platform_or_none_at_all_is_a_404(client, other_client, platform):
    token = alert(platform).token
    for name in ("alerts:confirm", "alerts:unsubscribe"):
        url = reverse(name, args=[token])
        assert client.get(url).status_code == 200
        assert other_client.get(url).status_code == 404
        assert other_client.post(url).status_code == 404
        assert other_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 404
        assert client.get(reverse(name, args=["nonsense"])).status_code == 404
    assert Subscription.objects.filter(token=token, confirmed_at__isnull=True).exists()


# --- stopping ---------------------------------------------------------------------------------


def test_the_unsubscribe_link_asks_and_its_button_stops_the_alert(client, platform):
    subscription = alert(platform, confirmed_at=timezone.now())
    url = reverse("alerts:unsubscribe", args=[subscription.token])
    html = client.get(url).content.decode()
    assert "Stop the emails to rosa@example.net about new tasks in the category" in html
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    response = client.post(url)
    assert response.status_code == 200
    assert "gets no more emails" in response.content.decode()
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    entry = AuditEntry.objects.get(action=Action.CONSENT_WITHDRAWN)
    assert entry.data == {"purpose": "email_alerts", "kind": "category", "via": "link"}
    assert client.get(url).status_code == 404  # gone


def test_the_mail_programs_one_click_post_needs_no_csrf_token(platform):
    subscription = alert(platform, confirmed_at=timezone.now())
    url = reverse("alerts:unsubscribe", args=[subscription.token])
    mail_program = Client(HTTP_HOST="krass.example.org", enforce_csrf_checks=True)
    response = mail_program.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert AuditEntry.objects.get(action=Action.CONSENT_WITHDRAWN).data["via"] == "one_click"


def test_the_one_click_post_also_arrives_as_multipart(platform):
    subscription = alert(platform, confirmed_at=timezone.now())
    url = reverse("alerts:unsubscribe", args=[subscription.token])
    mail_program = Client(HTTP_HOST="krass.example.org", enforce_csrf_checks=True)
    assert mail_program.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscription.objects.exists()


def test_any_other_post_without_the_csrf_token_is_refused(platform):
    subscription = alert(platform, confirmed_at=timezone.now())
    url = reverse("alerts:unsubscribe", args=[subscription.token])
    browser = Client(HTTP_HOST="krass.example.org", enforce_csrf_checks=True)
    for data in ({}, {"List-Unsubscribe": "Something-Else"}):
        response = browser.post(url, data)
        assert response.status_code == 403
        assert b"CSRF" in response.content
    assert Subscription.objects.filter(pk=subscription.pk).exists()


# --- My alerts --------------------------------------------------------------------------------


def test_my_alerts_needs_a_sign_in(client):
    response = client.get(reverse("alerts:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_my_alerts_lists_mine_by_account_and_confirmed_address_and_stops_them(
    login, volunteer, platform, other_platform, outsider
):
    EmailAddress.objects.create(user=volunteer, email="margit@verein.example", verified=True)
    EmailAddress.objects.create(user=volunteer, email="margit@unbestaetigt.example")
    by_account = alert(platform, email="alt@example.org", user=volunteer, category="sport")
    by_address = alert(
        platform, email="margit@verein.example", kind="place", category="", place="Leipzig"
    )
    unproven = alert(platform, email="margit@unbestaetigt.example", category="culture")
    elsewhere = alert(other_platform, email=volunteer.email, category="animals")
    others = alert(platform, email=outsider.email, category="health")
    client = login(volunteer)
    html = client.get(reverse("alerts:mine")).content.decode()
    assert "new tasks in the category Sport" in html
    assert "new tasks in Leipzig" in html
    assert "Culture" not in html  # an address the person has not confirmed
    assert "Animals" not in html  # another platform's
    assert "Health" not in html  # somebody else's
    for foreign in (unproven, elsewhere, others):
        assert client.post(reverse("alerts:mine"), {"alert": foreign.pk}).status_code == 404
    assert client.post(reverse("alerts:mine"), {"alert": "x"}).status_code == 404
    response = client.post(reverse("alerts:mine"), {"alert": by_address.pk})
    assert response.status_code == 302
    assert "Stopped: new tasks in Leipzig." in client.get(response["Location"]).content.decode()
    assert list(Subscription.objects.order_by("pk")) == [by_account, unproven, elsewhere, others]
    assert AuditEntry.objects.get(action=Action.CONSENT_WITHDRAWN).actor == volunteer


# --- retention --------------------------------------------------------------------------------


def test_unconfirmed_alerts_are_purged_after_seven_days_with_their_confirmation_mail(
    client, organisation, settings, outbox
):
    assert settings.CROWDMOVING["RETENTION_UNCONFIRMED_ALERT_DAYS"] == 7
    ask(client)
    old = Subscription.objects.get()
    ask(client, email="jung@example.net")
    young = Subscription.objects.get(email="jung@example.net")
    confirmed = alert(organisation.platform, confirmed_at=timezone.now())
    eight_days_ago = timezone.now() - timedelta(days=8)
    Subscription.objects.filter(pk__in=[old.pk, confirmed.pk]).update(created_at=eight_days_ago)
    other_mail = f.UserFactory(email="bleibt@example.org")
    assert other_mail  # an unrelated address whose mails stay

    purged = purge_expired_data()

    assert purged.alerts == 1
    assert list(Subscription.objects.order_by("pk")) == [young, confirmed]
    assert not OutboxMessage.objects.filter(to=ROSA).exists()
    assert OutboxMessage.objects.filter(to="jung@example.net").exists()
    assert purge_expired_data().alerts == 0  # twice deletes nothing more


def test_the_dry_run_counts_unconfirmed_alerts(platform):
    alert(platform)
    Subscription.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert purge_expired_data(dry_run=True).alerts == 1
    assert Subscription.objects.count() == 1


def test_the_directory_links_to_the_alerts(client, platform):
    html = client.get(reverse("projects:directory")).content.decode()
    assert f'<a href="{NEW}">Get an email when new tasks are posted' in html
