"""Sign-in throttling per account and per address, without permanent lock-out.

The test settings switch allauth's limits off (many tests sign in again and again); these
tests switch the base settings' limits on."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from config.settings import base
from crowdmoving import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the factories' password


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS


def sign_in(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_the_limits_are_explicit_for_sign_in_sign_up_confirmation_reset_and_codes():
    limits = base.ACCOUNT_RATE_LIMITS
    assert limits["login_failed"] == "10/m/ip,5/5m/key"
    for action in ("login", "signup", "confirm_email", "reset_password", "request_login_code"):
        assert limits[action], action


def test_the_sixth_wrong_password_for_one_account_gets_the_429_page_even_if_right(
    client, volunteer
):
    for _attempt in range(5):
        response = sign_in(client, volunteer.email, "wrong password")
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    response = sign_in(client, volunteer.email, PASSWORD)
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_account_from_the_same_address_still_signs_in(client, volunteer, organiser):
    for _attempt in range(6):
        sign_in(client, volunteer.email, "wrong password")
    response = sign_in(client, organiser.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(organiser.pk)


def test_the_account_signs_in_again_after_the_window_without_any_unlocking(client, volunteer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _attempt in range(6):
            sign_in(client, volunteer.email, "wrong password")
        assert sign_in(client, volunteer.email, PASSWORD).status_code == 429
        clock.shift(timedelta(minutes=5, seconds=1))
        response = sign_in(client, volunteer.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(volunteer.pk)


def test_too_many_wrong_passwords_from_one_address_stop_every_account_there_for_a_minute(
    client, volunteer
):
    strangers = [f.UserFactory() for _ in range(10)]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for stranger in strangers:  # one wrong password each: no account reaches its own limit
            assert sign_in(client, stranger.email, "wrong password").status_code == 200
        assert sign_in(client, volunteer.email, PASSWORD).status_code == 429
        assert (
            sign_in(
                client,
                volunteer.email,
                PASSWORD,
            ).status_code
            == 429
        )
        clock.shift(timedelta(seconds=61))
        response = sign_in(client, volunteer.email, PASSWORD)
    assert response.status_code == 302


def test_a_sign_in_from_another_address_is_not_held_back_by_this_ones_failures(
    client, volunteer, organiser
):
    for _attempt in range(11):
        sign_in(client, f"nobody{_attempt}@example.org", "wrong password")
    assert sign_in(client, organiser.email, PASSWORD).status_code == 429
    elsewhere = Client(
        HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.9"
    )
    assert sign_in(elsewhere, organiser.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_does_not_reset_the_count_for_the_account(client, volunteer):
    """Otherwise an attacker who knows one password could interleave it to guess forever."""
    for _attempt in range(4):
        sign_in(client, volunteer.email, "wrong password")
    assert sign_in(client, volunteer.email, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, volunteer.email, "wrong password").status_code == 200  # the 5th
    assert sign_in(client, volunteer.email, PASSWORD).status_code == 429


def test_sign_in_codes_for_one_address_are_limited(platform, volunteer):
    """Each request from a fresh browser (a pending code keeps a browser on its confirm page)."""

    def request_code():  # type: ignore[no-untyped-def]
        browser = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en")
        return browser.post("/accounts/login/code/", {"email": volunteer.email})

    for _attempt in range(3):
        assert request_code().status_code == 302
    response = request_code()
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()


def test_password_reset_mails_for_one_address_are_limited(client, volunteer):
    for _attempt in range(3):
        response = client.post("/accounts/password/reset/", {"email": volunteer.email})
        assert response.status_code == 302
    response = client.post("/accounts/password/reset/", {"email": volunteer.email})
    assert response.status_code == 429
