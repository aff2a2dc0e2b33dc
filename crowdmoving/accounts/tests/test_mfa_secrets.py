"""Two-factor secrets are stored encrypted (crowdmoving.accounts.mfa_secrets): a database dump
holds no authenticator secret and no recovery-code seed, and signing in works as before."""

from __future__ import annotations

import importlib
import logging
import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from crowdmoving.accounts import mfa_secrets
from crowdmoving.accounts.tests.test_security_mfa import (
    SECRET,
    confirm_it_is_me,
    sign_in,
    totp,
    with_app,
)
from crowdmoving.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db

migration = importlib.import_module("crowdmoving.accounts.migrations.0003_encrypt_mfa_secrets")


def stored_row(authenticator: Authenticator) -> str:
    """The row as a database dump shows it (the JSON text of ``data``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        (data,) = cursor.fetchone()
    return data if isinstance(data, str) else str(data)


def signs_in_with(client, user, code: str) -> bool:  # type: ignore[no-untyped-def]
    client.logout()
    sign_in(client, user)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code in (200, 302), response.status_code
    return client.session.get("_auth_user_id") == str(user.pk)


def test_setting_up_the_app_through_the_pages_stores_neither_secret_nor_seed(client, volunteer):
    sign_in(client, volunteer)
    confirm_it_is_me(client)
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 302

    app = Authenticator.objects.get(user=volunteer, type="totp")
    assert app.data["secret"].startswith("fernet:")
    row = stored_row(app)
    assert secret not in row and secret.lower() not in row
    codes = Authenticator.objects.get(user=volunteer, type="recovery_codes")
    assert codes.data["seed"].startswith("fernet:")
    seed = mfa_secrets.decrypt(codes.data["seed"])
    assert len(seed) == 80 and seed not in stored_row(codes)
    # The recovery codes page shows the codes made from the decrypted seed.
    page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert codes.wrap().get_unused_codes()[0] in page


def test_signing_in_with_the_app_code_works_with_the_encrypted_secret(client, volunteer):
    TOTP.activate(volunteer, SECRET)
    assert SECRET not in stored_row(Authenticator.objects.get(user=volunteer))
    assert signs_in_with(client, volunteer, totp(SECRET))


def test_recovery_codes_still_work_once(client, volunteer):
    TOTP.activate(volunteer, SECRET)
    codes = RecoveryCodes.activate(volunteer)
    assert codes.instance.data["seed"].startswith("fernet:")
    code = codes.get_unused_codes()[2]
    assert signs_in_with(client, volunteer, code)
    assert not signs_in_with(client, volunteer, code)
    stored = Authenticator.objects.get(user=volunteer, type="recovery_codes")
    assert stored.data["seed"] == codes.instance.data["seed"]  # still encrypted after the use
    assert len(stored.wrap().get_unused_codes()) == 9


def test_a_legacy_plain_row_still_works_and_is_left_as_it_is(client, volunteer):
    """allauth never writes the secret back (only the recovery codes' used mask), so a plain
    row stays plain until the migration or ``rotate_mfa_secrets`` encrypts it."""
    app = with_app(volunteer)
    legacy = RecoveryCodes.activate(volunteer).instance
    Authenticator.objects.filter(pk=legacy.pk).update(data={"seed": "ab" * 40, "used_mask": 0})
    plain_codes = Authenticator.objects.get(pk=legacy.pk).wrap().get_unused_codes()

    assert signs_in_with(client, volunteer, totp(SECRET))
    assert signs_in_with(client, volunteer, plain_codes[0])
    assert Authenticator.objects.get(pk=app.pk).data["secret"] == SECRET
    assert Authenticator.objects.get(pk=legacy.pk).data["seed"] == "ab" * 40


def test_rotating_secret_key_keeps_two_factor_working_through_the_fallbacks(
    client, volunteer, settings
):
    settings.SECRET_KEY = "the-old-key-" + "x" * 40
    TOTP.activate(volunteer, SECRET)
    code = RecoveryCodes.activate(volunteer).get_unused_codes()[0]

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-key-" + "y" * 40
    assert signs_in_with(client, volunteer, totp(SECRET))
    assert signs_in_with(client, volunteer, code)


def test_a_dedicated_key_encrypts_and_secret_key_still_opens_older_rows(volunteer, settings):
    old = mfa_secrets.encrypt("OLD")
    settings.MFA_ENCRYPTION_KEY = "a-dedicated-key-" + "z" * 40
    new = mfa_secrets.encrypt("NEW")
    assert mfa_secrets.decrypt(old) == "OLD"
    assert mfa_secrets.decrypt(new) == "NEW"
    settings.MFA_ENCRYPTION_KEY = ""
    with pytest.raises(mfa_secrets.UndecryptableSecret):
        mfa_secrets.decrypt(new)  # made with the dedicated key, not with SECRET_KEY


def test_a_wrong_key_fails_closed_without_an_error_page(client, volunteer, settings, caplog):
    TOTP.activate(volunteer, SECRET)
    code = RecoveryCodes.activate(volunteer).get_unused_codes()[0]
    settings.SECRET_KEY = "a-key-that-never-encrypted-anything-" + "q" * 20  # no fallback

    with caplog.at_level(logging.WARNING, logger="crowdmoving.accounts.mfa"):
        client.logout()
        sign_in(client, volunteer)
        response = client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not signs_in_with(client, volunteer, code)
    warnings = [r for r in caplog.records if r.name == "crowdmoving.accounts.mfa"]
    assert warnings and all(r.levelno == logging.WARNING for r in warnings)
    logged = " ".join(r.getMessage() for r in warnings)
    assert "could not be decrypted" in logged and SECRET not in logged
    # The two-factor pages of someone still signed in show, rather than fail.
    client.force_login(volunteer)
    assert client.get("/accounts/2fa/").status_code == 200


def test_values_carry_the_prefix_and_plain_ones_pass_through():
    encrypted = mfa_secrets.encrypt(SECRET)
    assert encrypted.startswith("fernet:") and SECRET not in encrypted
    assert encrypted != mfa_secrets.encrypt(SECRET)  # a fresh nonce every time
    assert mfa_secrets.decrypt(encrypted) == SECRET
    assert mfa_secrets.decrypt(SECRET) == SECRET
    with pytest.raises(mfa_secrets.UndecryptableSecret):
        mfa_secrets.decrypt("fernet:not-a-token")


def test_the_migration_encrypts_plain_rows_and_back(volunteer, organiser):
    app = with_app(volunteer)
    codes = Authenticator.objects.create(
        user=volunteer,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "cd" * 40, "used_mask": 5, "migrated_codes": ["12345678", "87654321"]},
    )
    already = TOTP.activate(organiser, SECRET).instance

    migration.encrypt_plain_secrets(apps, None)

    app.refresh_from_db()
    codes.refresh_from_db()
    assert app.data["secret"].startswith("fernet:") and SECRET not in stored_row(app)
    assert codes.data["seed"].startswith("fernet:") and codes.data["used_mask"] == 5
    assert all(c.startswith("fernet:") for c in codes.data["migrated_codes"])
    assert "12345678" not in stored_row(codes)
    assert Authenticator.objects.get(pk=already.pk).data == already.data  # left alone
    assert app.wrap().validate_code(totp(SECRET))

    migration.decrypt_secrets(apps, None)

    assert Authenticator.objects.get(pk=app.pk).data == {"secret": SECRET}
    assert Authenticator.objects.get(pk=codes.pk).data == {
        "seed": "cd" * 40,
        "used_mask": 5,
        "migrated_codes": ["12345678", "87654321"],
    }
    assert Authenticator.objects.get(pk=already.pk).data == {"secret": SECRET}


def test_rotate_mfa_secrets_re_encrypts_with_the_current_key(volunteer, organiser, settings):
    settings.SECRET_KEY = "the-old-key-" + "x" * 40
    app = TOTP.activate(volunteer, SECRET).instance
    plain = with_app(organiser)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-key-" + "y" * 40

    out = StringIO()
    call_command("rotate_mfa_secrets", stdout=out)
    assert "Re-encrypted 2 authenticator(s)." in out.getvalue()

    settings.SECRET_KEY_FALLBACKS = []  # the old key can go now
    for authenticator in (app, plain):
        authenticator.refresh_from_db()
        assert authenticator.data["secret"].startswith("fernet:")
        assert mfa_secrets.decrypt(authenticator.data["secret"]) == SECRET


def test_rotate_mfa_secrets_leaves_what_no_key_opens_and_says_so(volunteer, settings):
    settings.SECRET_KEY = "the-lost-key-" + "x" * 40
    app = TOTP.activate(volunteer, SECRET).instance
    settings.SECRET_KEY = "the-new-key-" + "y" * 40
    out, err = StringIO(), StringIO()
    call_command("rotate_mfa_secrets", stdout=out, stderr=err)
    assert "Re-encrypted 0 authenticator(s)." in out.getvalue()
    assert "1 authenticator(s) could not be decrypted" in err.getvalue()
    assert Authenticator.objects.get(pk=app.pk).data == app.data


def test_reset_two_factor_lets_someone_who_lost_everything_sign_in_again(
    client, volunteer, organiser, settings
):
    TOTP.activate(volunteer, SECRET)
    RecoveryCodes.activate(volunteer)
    TOTP.activate(organiser, SECRET)
    settings.SECRET_KEY = "a-key-that-never-encrypted-anything-" + "r" * 20  # the key is lost
    assert not signs_in_with(client, volunteer, totp(SECRET))

    out = StringIO()
    call_command("reset_two_factor", volunteer.email.upper(), stdout=out)

    assert "Removed two-factor authentication of 1 account(s)." in out.getvalue()
    assert not Authenticator.objects.filter(user=volunteer).exists()
    assert Authenticator.objects.filter(user=organiser).exists()  # only the one named
    client.logout()
    sign_in(client, volunteer)  # the password alone now
    assert client.session.get("_auth_user_id") == str(volunteer.pk)
    entry = AuditEntry.objects.get(action=Action.MFA_CHANGED, subject=volunteer)
    assert entry.data == {"change": "reset_by_operator", "types": ["recovery_codes", "totp"]}

    call_command("reset_two_factor", "--everyone", stdout=out)
    assert not Authenticator.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Name one or more email addresses, or --everyone."),
        (["margit@example.org", "--everyone"], "Name one or more email addresses, or --everyone."),
        # One unknown address among known ones: nobody's is removed.
        (["margit@example.org", "niemand@example.org"], "No account has the address"),
    ],
)
def test_reset_two_factor_refuses_unclear_requests_and_changes_nothing(volunteer, args, message):
    TOTP.activate(volunteer, SECRET)
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("reset_two_factor", *args)
    assert Authenticator.objects.filter(user=volunteer).exists()
