"""Passwords: stored with Argon2 in every environment but the tests' own, and weak ones are
refused at the field, on sign-up and on change."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from config.settings import base
from crowdmoving.accounts.models import User

pytestmark = pytest.mark.django_db

# The base settings as loaded (the test settings override some of them in their own module).
BASE = vars(base)


def test_the_base_settings_hash_new_passwords_with_argon2(settings):
    """The tests run with MD5 for speed; production, development and the base use this list."""
    assert BASE["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = BASE["PASSWORD_HASHERS"]
    user = User.objects.create_user("neu@example.org", "ein langes Passwort 42")
    assert user.password.startswith("argon2$argon2id$")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("ein langes Passwort 42")
    assert not user.check_password("ein langes Passwort 43")


def test_an_older_pbkdf2_hash_still_signs_in_and_is_upgraded_to_argon2(settings):
    settings.PASSWORD_HASHERS = BASE["PASSWORD_HASHERS"]
    old = make_password("ein langes Passwort 42", hasher="pbkdf2_sha256")
    user = User.objects.create_user("alt@example.org")
    User.objects.filter(pk=user.pk).update(password=old)
    user.refresh_from_db()
    assert user.check_password("ein langes Passwort 42")  # upgrades the stored hash
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert check_password("ein langes Passwort 42", user.password)


def test_the_validators_are_the_ones_the_base_settings_name(settings):
    names = [v["NAME"].rsplit(".", 1)[1] for v in BASE["AUTH_PASSWORD_VALIDATORS"]]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert settings.AUTH_PASSWORD_VALIDATORS == BASE["AUTH_PASSWORD_VALIDATORS"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kurz1", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("4815162342", "This password is entirely numeric."),
        ("weakperson@example.org", "The password is too similar to the email address."),
    ],
)
def test_sign_up_refuses_a_weak_password_at_the_field(client, password, message):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "weakperson@example.org",
            "name": "Wanda Weak",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["password1"]
    assert message in response.content.decode()
    assert not User.objects.filter(email="weakperson@example.org").exists()


def test_changing_the_password_refuses_a_weak_one_at_the_field(login, volunteer):
    client = login(volunteer)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "correct horse battery", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["password1"]
    assert "This password is too common." in errors
    assert "This password is entirely numeric." in errors
    volunteer.refresh_from_db()
    assert volunteer.check_password("correct horse battery")


def test_changing_the_password_to_a_strong_one_works(login, volunteer):
    client = login(volunteer)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct horse battery",
            "password1": "Leinwand und Farben 2026",
            "password2": "Leinwand und Farben 2026",
        },
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.check_password("Leinwand und Farben 2026")
