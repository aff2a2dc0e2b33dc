"""Consent: asked at sign-up and when a visitor holds a place, asked again for each new
version, and withdrawn by the person; the record of a consent always stays."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crowdmoving.accounts.models import User
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.privacy import actions
from crowdmoving.privacy.models import Consent, HeldConsent
from crowdmoving.projects.models import Commitment

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
ACCEPT = "/privacy/accept/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def signup_data(**extra: str) -> dict[str, str]:
    return {
        "email": "neu@example.org",
        "name": "Nora Neu",
        "password1": "ein langes Passwort 42",
        "password2": "ein langes Passwort 42",
        **extra,
    }


def hold_url(task) -> str:  # type: ignore[no-untyped-def]
    return reverse("projects:hold", args=[task.project_id, task.pk])


def code_from(mails: list, address: str) -> str:
    body = [m.body for m in mails if address in m.to][-1]
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


# --- sign-up ----------------------------------------------------------------------------------


def test_sign_up_asks_to_accept_the_current_version(client, privacy_text):
    html = client.get(SIGNUP).content.decode()

    assert 'name="accept_privacy"' in html
    assert "I accept the privacy policy." in html
    assert 'href="/privacy/"' in html
    assert "version 1 of" in html


def test_sign_up_without_accepting_is_refused_at_the_field(client, privacy_text):
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["accept_privacy"] == ["Please accept the privacy policy to go on."]
    html = response.content.decode()
    error = html.index("Please accept the privacy policy to go on.")
    assert error < html.index('name="accept_privacy"')  # right at the checkbox
    assert 'aria-invalid="true"' in html[error:]
    assert not User.objects.filter(email="neu@example.org").exists()


def test_sign_up_records_the_consent(client, platform, privacy_text):
    response = client.post(SIGNUP, signup_data(accept_privacy="on"))

    assert response.status_code == 302
    user = User.objects.get(email="neu@example.org")
    consent = Consent.objects.get(user=user)
    assert (consent.platform, consent.text, consent.purpose) == (
        platform,
        privacy_text,
        Consent.Purpose.PRIVACY_TEXT,
    )
    assert consent.withdrawn_at is None
    entry = AuditEntry.objects.get(action=Action.CONSENT_GIVEN)
    assert (entry.subject, entry.platform, entry.data) == (
        user,
        platform,
        {"purpose": "privacy_text", "version": 1},
    )


def test_without_a_text_sign_up_asks_nothing_and_records_nothing(client, platform):
    assert 'name="accept_privacy"' not in client.get(SIGNUP).content.decode()

    assert client.post(SIGNUP, signup_data()).status_code == 302
    assert not Consent.objects.exists()


# --- a visitor holds a place ------------------------------------------------------------------


def test_the_hold_form_asks_to_accept(client, task, privacy_text):
    html = client.get(hold_url(task)).content.decode()

    assert f'id="p{task.pk}"' in html
    assert 'name="accept_privacy"' in html
    assert 'href="/privacy/"' in html


def test_a_hold_without_accepting_is_refused_at_the_field(client, task, privacy_text):
    response = client.post(hold_url(task), {"name": "Hanna Gast", "email": "hanna@example.org"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<ul class="errorlist" id="p{task.pk}e">' in html
    assert "Please accept the privacy policy to go on." in html
    assert 'aria-invalid="true"' in html
    assert not Commitment.objects.exists()
    assert not User.objects.filter(email="hanna@example.org").exists()


def test_an_htmx_hold_without_accepting_comes_back_in_the_card(client, task, privacy_text):
    response = client.post(
        hold_url(task), {"name": "Hanna Gast", "email": "hanna@example.org"}, **HTMX
    )
    html = response.content.decode()
    assert html.startswith('<li class="task-card"')
    assert f'id="p{task.pk}e"' in html


def test_the_consent_is_recorded_when_the_visitor_confirms_with_the_code(
    client, task, privacy_text, outbox
):
    data = {"name": "Hanna Gast", "email": "hanna@example.org", "accept_privacy": "on"}
    assert client.post(hold_url(task), data).status_code == 302
    person = User.objects.get(email="hanna@example.org")
    assert not Consent.objects.exists()  # the address is not proven yet
    assert HeldConsent.objects.get().text == privacy_text

    code = code_from(outbox(), "hanna@example.org")
    response = client.post(
        reverse("projects:enter_code", args=[task.project_id, task.pk]), {"code": code}
    )

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.user, consent.text) == (person, privacy_text)
    assert not HeldConsent.objects.exists()
    assert AuditEntry.objects.filter(action=Action.CONSENT_GIVEN, subject=person).count() == 1
    # Signed in and consented: the next page is not the accept page.
    assert client.get(response["Location"]).status_code == 200


def test_the_consent_is_recorded_when_the_visitor_confirms_with_the_link(task, privacy_text):
    from crowdmoving.projects import actions as project_actions

    held = project_actions.hold_task(
        task, name="Hanna Gast", email="hanna@example.org", accepted=privacy_text
    )
    browser = Client(HTTP_HOST="krass.example.org")
    browser.post(reverse("projects:confirm", args=[held.token]))

    assert Consent.objects.get().user.email == "hanna@example.org"
    browser.post(reverse("projects:confirm", args=[held.token]))  # again: still one
    assert Consent.objects.count() == 1


def test_an_unconfirmed_hold_records_no_consent(task, privacy_text, time_machine):
    from crowdmoving.projects import actions as project_actions

    held = project_actions.hold_task(
        task, name="Hanna Gast", email="hanna@example.org", accepted=privacy_text
    )
    project_actions.withdraw(held.commitment)
    assert not Consent.objects.exists()


def test_without_a_text_the_hold_asks_nothing(client, task, platform):
    assert 'name="accept_privacy"' not in client.get(hold_url(task)).content.decode()
    response = client.post(hold_url(task), {"name": "Hanna Gast", "email": "hanna@example.org"})
    assert response.status_code == 302
    assert not HeldConsent.objects.exists()


# --- a changed text asks again ----------------------------------------------------------------


def test_a_new_version_asks_again_once(login, volunteer, privacy_text, publish, platform):
    actions.give_consent(volunteer, privacy_text)
    browser = login(volunteer)
    assert browser.get("/me/tasks/").status_code == 200

    publish("Zweite Fassung", "Wir nennen jetzt die Aufsichtsbehörde.")
    response = browser.get("/me/tasks/?page=2")

    assert response.status_code == 302
    assert response["Location"] == f"{ACCEPT}?next=%2Fme%2Ftasks%2F%3Fpage%3D2"
    page = browser.get(response["Location"]).content.decode()
    assert "has published a new version of its privacy policy (version 2)" in page
    assert "Wir nennen jetzt die Aufsichtsbehörde." in page  # what changed
    assert "Zweite Fassung" in page  # the text itself

    accepted = browser.post(ACCEPT, {"next": "/me/tasks/?page=2"})

    assert accepted.status_code == 302
    assert accepted["Location"] == "/me/tasks/?page=2"
    assert Consent.objects.filter(user=volunteer).count() == 2  # the first one stays
    assert Consent.objects.filter(user=volunteer, text__version=2).exists()
    assert AuditEntry.objects.filter(action=Action.CONSENT_GIVEN, subject=volunteer).count() == 2
    assert browser.get("/me/tasks/").status_code == 200
    assert browser.get(ACCEPT)["Location"] == "/"  # nothing left to accept


def test_someone_who_never_consented_is_asked_for_the_first_version(login, volunteer, privacy_text):
    response = login(volunteer).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(ACCEPT)
    page = login(volunteer).get(response["Location"]).content.decode()
    assert "please read the privacy policy of Krass Plattform (version 1)" in page


def test_without_a_text_nobody_is_asked(login, volunteer, platform):
    assert login(volunteer).get("/").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_next_parameter_cannot_leave_the_platform(login, volunteer, privacy_text, target):
    browser = login(volunteer)
    assert browser.post(ACCEPT, {"next": target})["Location"] == "/"
    assert Consent.objects.filter(user=volunteer).exists()
    assert browser.get(ACCEPT, {"next": target})["Location"] == "/"


def test_what_passes_without_accepting(login, volunteer, privacy_text, task):
    browser = login(volunteer)
    assert browser.get("/privacy/").status_code == 200
    assert browser.get("/privacy/v1/").status_code == 200
    assert browser.get("/privacy/consents/").status_code == 200
    assert browser.get(ACCEPT).status_code == 200
    assert browser.get(reverse("me:data")).status_code == 200
    assert browser.get(reverse("projects:home"), **HTMX).status_code == 200
    # A POST (here: taking a task) is not turned into a redirect to the accept page.
    take = browser.post(reverse("projects:take", args=[task.project_id, task.pk]))
    assert not take["Location"].startswith(ACCEPT)
    assert browser.get(reverse("account_logout")).status_code == 200


def test_consent_on_one_platform_does_not_count_on_the_other(
    volunteer, privacy_text, publish, other_platform, other_client
):
    actions.give_consent(volunteer, privacy_text)
    publish("Text der anderen", "", on=other_platform)
    other_client.force_login(volunteer)
    assert other_client.get("/")["Location"].startswith(ACCEPT)


def test_accepting_twice_keeps_one_record(login, volunteer, privacy_text):
    browser = login(volunteer)
    browser.post(ACCEPT, {"next": "/"})
    browser.post(ACCEPT, {"next": "/"})
    assert Consent.objects.filter(user=volunteer).count() == 1


def test_a_visitor_is_sent_to_sign_in_from_the_accept_page(client, privacy_text):
    response = client.get(ACCEPT)
    assert response["Location"].startswith(reverse("account_login"))


# --- withdrawing ------------------------------------------------------------------------------


def test_the_consents_page_lists_versions_and_dates(login, volunteer, privacy_text, publish):
    actions.give_consent(volunteer, privacy_text)
    second = publish("Zweite Fassung", "Neu")
    actions.give_consent(volunteer, second)

    html = login(volunteer).get("/privacy/consents/").content.decode()

    assert "Privacy policy, version 1" in html and "Privacy policy, version 2" in html
    assert html.count("Accepted on") == 2
    assert html.count('name="withdraw"') == 2


def test_the_settings_page_links_the_consents(login, volunteer, platform):
    html = login(volunteer).get(reverse("me:settings")).content.decode()
    assert 'href="/privacy/consents/"' in html


def test_withdrawing_keeps_the_record_and_asks_again(login, volunteer, privacy_text, platform):
    consent = actions.give_consent(volunteer, privacy_text)
    browser = login(volunteer)

    response = browser.post("/privacy/consents/", {"withdraw": consent.pk}, follow=True)

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    html = response.content.decode()
    assert "You withdrew your consent." in html
    assert "Withdrawn on" in html
    entry = AuditEntry.objects.get(action=Action.CONSENT_WITHDRAWN)
    assert (entry.subject, entry.platform, entry.data["version"]) == (volunteer, platform, 1)
    assert browser.get("/me/tasks/")["Location"].startswith(ACCEPT)

    browser.post("/privacy/consents/", {"withdraw": consent.pk})  # again: nothing more
    assert AuditEntry.objects.filter(action=Action.CONSENT_WITHDRAWN).count() == 1


def test_nobody_withdraws_someone_elses_consent(login, volunteer, outsider, privacy_text):
    consent = actions.give_consent(volunteer, privacy_text)
    actions.give_consent(outsider, privacy_text)

    response = login(outsider).post("/privacy/consents/", {"withdraw": consent.pk})

    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert login(outsider).post("/privacy/consents/", {"withdraw": "x"}).status_code == 404


def test_the_consents_page_shows_only_this_platforms(
    volunteer, privacy_text, publish, other_platform, other_client
):
    actions.give_consent(volunteer, privacy_text)
    other_client.force_login(volunteer)
    html = other_client.get("/privacy/consents/").content.decode()
    assert "You have not accepted a privacy policy on this platform." in html


# --- the query budget -------------------------------------------------------------------------


def _queries(url: str, user: User | None = None) -> list[str]:
    """The queries of the second GET of ``url`` (the first warms sessions and caches), in a
    new browser: a browser loads the middleware once, at its first request."""
    browser = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        browser.force_login(user)
    browser.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _without_middleware(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("ConsentMiddleware")]


def test_the_check_costs_signed_in_people_one_query(volunteer, privacy_text, publish, settings):
    for n in range(3):  # however many versions and consents there are
        actions.give_consent(volunteer, publish(f"Fassung {n}", "Neu") if n else privacy_text)

    with_check = _queries("/me/tasks/", volunteer)
    _without_middleware(settings)
    without = _queries("/me/tasks/", volunteer)

    assert len(with_check) == len(without) + 1
    assert sum("privacy_privacytext" in q for q in with_check) == 1
    assert not any("privacy_" in q for q in without)


def test_the_check_costs_anonymous_visitors_nothing(platform, privacy_text, settings):
    with_check = _queries("/")
    _without_middleware(settings)
    assert len(with_check) == len(_queries("/"))
    assert not any("privacy_" in q for q in with_check)


def test_accepting_counts_for_the_version_that_was_shown(login, volunteer, privacy_text, publish):
    """Version 2 published while the person read version 1: their click accepts nothing
    they were not shown; the page shows version 2 to accept."""
    browser = login(volunteer)
    assert 'name="version" value="1"' in browser.get(ACCEPT).content.decode()
    publish("Zweite Fassung", "Neu")

    response = browser.post(ACCEPT, {"next": "/", "version": "1"})

    assert response.status_code == 200
    assert not Consent.objects.filter(user=volunteer).exists()
    html = response.content.decode()
    assert "A new version was published while you were reading" in html
    assert 'name="version" value="2"' in html
    assert browser.post(ACCEPT, {"next": "/", "version": "2"})["Location"] == "/"
    assert Consent.objects.get(user=volunteer).text.version == 2
