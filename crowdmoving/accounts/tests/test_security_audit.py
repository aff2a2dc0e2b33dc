"""The audit log records sign-ins, failed sign-ins, sign-outs and password changes, without
the typed address, the password or any code."""

from __future__ import annotations

import json
import re

import pytest

from crowdmoving.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the factories' password


def only(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def leaks(entry: AuditEntry, *secrets: str) -> list[str]:
    text = json.dumps(entry.data)
    return [s for s in secrets if s.lower() in text.lower()]


def test_a_sign_in_is_recorded_with_the_platform_and_how(client, platform, volunteer):
    client.post("/accounts/login/", {"login": volunteer.email, "password": PASSWORD})
    entry = only(Action.LOGIN)
    assert (entry.actor, entry.subject, entry.platform) == (volunteer, volunteer, platform)
    assert entry.data == {"methods": ["password"]}
    assert entry.ip_address == "127.0.0.1"


def test_a_wrong_password_names_the_account_but_stores_neither_address_nor_password(
    client, platform, volunteer
):
    client.post("/accounts/login/", {"login": volunteer.email, "password": "Geheim-Versuch-1"})
    entry = only(Action.LOGIN_FAILED)
    assert entry.subject == volunteer
    assert entry.actor is None
    assert entry.platform == platform
    assert entry.data == {"method": "password"}
    assert leaks(entry, volunteer.email, "Geheim-Versuch-1") == []
    assert not AuditEntry.objects.filter(action=Action.LOGIN).exists()


def test_a_wrong_password_for_an_unknown_address_names_nobody(client, platform):
    client.post("/accounts/login/", {"login": "niemand@example.org", "password": "x-y-z-1234"})
    entry = only(Action.LOGIN_FAILED)
    assert entry.subject is None
    assert leaks(entry, "niemand", "x-y-z-1234") == []


def test_a_wrong_sign_in_code_is_recorded(client, volunteer, outbox):
    response = client.post("/accounts/login/code/", {"email": volunteer.email})
    mailed = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", outbox()[-1].body, re.M)
    assert mailed
    wrong = "AAAA-AAAA" if mailed.group(1) != "AAAA-AAAA" else "BBBB-BBBB"
    client.post(response["Location"], {"code": wrong})
    entry = only(Action.LOGIN_FAILED)
    assert entry.subject == volunteer
    assert entry.data == {"method": "code", "last_attempt": False}
    assert leaks(entry, mailed.group(1), wrong) == []


def test_a_sign_out_is_recorded(login, volunteer):
    login(volunteer).post("/accounts/logout/")
    entry = only(Action.LOGOUT)
    assert (entry.actor, entry.subject) == (volunteer, volunteer)


def test_a_password_change_is_recorded(login, volunteer):
    login(volunteer).post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "Leinwand und Farben 2026",
            "password2": "Leinwand und Farben 2026",
        },
    )
    entry = only(Action.PASSWORD_CHANGED)
    assert (entry.actor, entry.subject) == (volunteer, volunteer)
    assert entry.data == {"how": "changed"}
    assert leaks(entry, "Leinwand", PASSWORD) == []


def test_setting_a_first_password_is_recorded(login, volunteer):
    volunteer.set_unusable_password()
    volunteer.save()
    response = login(volunteer).post(
        "/accounts/password/set/",
        {"password1": "Leinwand und Farben 2026", "password2": "Leinwand und Farben 2026"},
    )
    assert response.status_code == 302
    assert only(Action.PASSWORD_CHANGED).data == {"how": "set"}


def test_a_password_reset_by_email_is_recorded(client, volunteer, outbox):
    client.post("/accounts/password/reset/", {"email": volunteer.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", outbox()[-1].body)
    assert link, outbox()[-1].body
    response = client.get(link.group(1))
    assert response.status_code == 302  # to the same address without the key in it
    response = client.post(
        response["Location"],
        {"password1": "Leinwand und Farben 2026", "password2": "Leinwand und Farben 2026"},
    )
    assert response.status_code == 302
    entry = only(Action.PASSWORD_CHANGED)
    assert (entry.actor, entry.subject) == (volunteer, volunteer)
    assert entry.data == {"how": "reset"}
