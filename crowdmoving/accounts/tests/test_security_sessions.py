"""Sessions: a new key at sign-in, an end at sign-out, password change and deactivation, and
cookies that are Secure, HttpOnly, SameSite=Lax and host-only in production."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.conf import Settings, settings
from django.contrib.sessions.models import Session
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the factories' password


def browser() -> Client:
    return Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en")


def signed_in_user_id(client: Client) -> str | None:
    response = client.get("/me/tasks/")
    return None if response.status_code == 302 else client.session.get("_auth_user_id")


def test_signing_in_gives_a_new_session_key(client, volunteer):
    session = client.session
    session["before"] = "a visitor's session, e.g. a held place"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    response = client.post("/accounts/login/", {"login": volunteer.email, "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["before"] == "a visitor's session, e.g. a held place"  # kept


def test_signing_out_ends_the_session(login, volunteer):
    client = login(volunteer)
    key = client.session.session_key
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert signed_in_user_id(client) is None
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # an old cookie brings nothing back
    assert signed_in_user_id(client) is None


def test_changing_the_password_signs_out_every_other_session(platform, volunteer):
    phone, laptop = browser(), browser()
    for device in (phone, laptop):
        device.post("/accounts/login/", {"login": volunteer.email, "password": PASSWORD})
        assert signed_in_user_id(device) == str(volunteer.pk)
    response = laptop.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "Leinwand und Farben 2026",
            "password2": "Leinwand und Farben 2026",
        },
    )
    assert response.status_code == 302
    assert signed_in_user_id(phone) is None
    # ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE: the session that changed it signs in anew too.
    assert signed_in_user_id(laptop) is None


def test_a_deactivated_account_is_signed_out_at_its_next_request(login, volunteer):
    client = login(volunteer)
    assert signed_in_user_id(client) == str(volunteer.pk)
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    response = client.get("/me/tasks/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/").context["user"].is_anonymous


def test_a_deactivated_account_cannot_sign_in(client, volunteer):
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    response = client.post("/accounts/login/", {"login": volunteer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/inactive/"
    assert "_auth_user_id" not in client.session


def test_the_session_cookie_of_one_platform_is_nothing_on_another(
    client, volunteer, other_platform
):
    response = client.post("/accounts/login/", {"login": volunteer.email, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["domain"] == ""  # host-only: the browser sends it to this host alone
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert signed_in_user_id(Client(HTTP_HOST="andere.example.org")) is None


@pytest.fixture
def production(monkeypatch):  # type: ignore[no-untyped-def]
    """The production settings as Django would load them (with Django's defaults for what
    they leave out), from a production environment."""
    monkeypatch.setenv("SECRET_KEY", "a-key-only-for-this-test-" * 3)
    monkeypatch.setenv("DATABASE_URL", "postgres://crowdmoving@127.0.0.1:5432/crowdmoving")
    for name in ("REDIS_URL", "SECURE_SSL_REDIRECT", "TRUSTED_PROXY_COUNT", "DB_POOL"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("config.settings.production", None)
    try:
        yield Settings("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)
        importlib.invalidate_caches()


def test_production_cookies_are_secure_httponly_lax_and_host_only(production):
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.SESSION_COOKIE_SAMESITE == "Lax"
    assert production.CSRF_COOKIE_SAMESITE == "Lax"
    assert production.SESSION_COOKIE_DOMAIN is None
    assert production.CSRF_COOKIE_DOMAIN is None
    # allauth's own cookie of trusted browsers follows the session cookie's settings
    assert getattr(production, "MFA_TRUST_COOKIE_DOMAIN", None) is None


def test_production_counts_sign_in_attempts_per_client_behind_the_proxy(production):
    assert production.ALLAUTH_TRUSTED_PROXY_COUNT == 1
    assert production.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"
    assert "allauth.mfa" in production.INSTALLED_APPS
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_the_client_address_for_the_limits_is_the_one_the_proxy_saw(settings, rf):
    from allauth.core.internal.httpkit import get_client_ip

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert get_client_ip(request) == "198.51.100.7"  # a forged first entry changes nothing
    assert get_client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
