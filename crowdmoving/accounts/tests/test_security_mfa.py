"""Two-factor authentication: an authenticator app with recovery codes, offered to everyone
and required for platform administrators and operators."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.accounts import mfa
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the factories' password
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp(secret: str, at: float | None = None) -> str:
    """The six-digit code an authenticator app shows (RFC 6238: HMAC-SHA1, 30 s steps)."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def with_app(user, secret: str = SECRET) -> Authenticator:  # type: ignore[no-untyped-def]
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": secret}
    )


def sign_in(client, user):  # type: ignore[no-untyped-def]
    """A real sign-in with the password (allauth records it, so set-up needs no new one)."""
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def confirm_it_is_me(client):  # type: ignore[no-untyped-def]
    """allauth asks for the password again before two-factor settings change."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


@pytest.fixture
def paula_without_app(platform):  # type: ignore[no-untyped-def]
    """An administrator of the first platform who has not set up an authenticator app."""
    user = f.UserFactory(email="neu-admin@example.org", name="Nadia Neuadmin")
    PlatformAdmin.objects.create(platform=platform, user=user)
    return user


def test_the_code_function_of_these_tests_matches_rfc_6238():
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp(secret, at=59) == "287082"  # RFC 6238 appendix B: 94287082, six digits
    assert totp(secret, at=1111111109) == "081804"  # 07081804


# --- setting it up ---------------------------------------------------------------------------


def test_everyone_finds_two_factor_authentication_in_the_settings(login, volunteer):
    page = login(volunteer).get("/me/settings/").content.decode()
    assert "Two-factor authentication" in page
    assert 'href="/accounts/2fa/"' in page


def test_the_overview_says_it_is_off_and_offers_the_set_up(login, volunteer):
    response = login(volunteer).get("/accounts/2fa/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Off." in page
    assert 'href="/accounts/2fa/totp/activate/"' in page
    assert "main-nav" in page  # the site's layout


def test_setting_up_the_app_shows_a_qr_code_without_scripts_and_switches_on_with_a_code(
    client, volunteer, django_capture_on_commit_callbacks
):
    sign_in(client, volunteer)
    # Signed in a moment ago: that is the proof allauth would ask for again.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<img class="totp-qr" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page)
    assert re.findall(r"<script[^>]*>", page) == [
        s for s in re.findall(r"<script[^>]*>", page) if "src=" in s
    ], "no inline script"
    assert " style=" not in page
    secret = response.context["form"].secret
    assert secret in page  # to type in by hand
    assert "issuer=Krass%20Plattform" in response.context["totp_url"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user=volunteer, type="totp").exists()
    codes = client.get("/accounts/2fa/recovery-codes/")
    unused = Authenticator.objects.get(user=volunteer, type="recovery_codes").wrap()
    assert len(unused.get_unused_codes()) == 10
    assert unused.get_unused_codes()[0] in codes.content.decode()
    entries = AuditEntry.objects.filter(action=Action.MFA_CHANGED, subject=volunteer)
    assert sorted(e.data["type"] for e in entries) == ["recovery_codes", "totp"]
    assert {e.data["change"] for e in entries} == {"added"}


def test_a_sign_in_longer_ago_than_the_timeout_asks_for_the_password_again(client, volunteer):
    sign_in(client, volunteer)
    with time_machine.travel(timezone.now() + timedelta(seconds=299), tick=False):
        assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=301), tick=False):
        response = client.get("/accounts/2fa/totp/activate/")
        assert response["Location"].startswith("/accounts/reauthenticate/")
        confirm_it_is_me(client)
        assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_a_wrong_code_is_refused_at_the_field_and_nothing_is_switched_on(client, volunteer):
    sign_in(client, volunteer)
    confirm_it_is_me(client)
    client.get("/accounts/2fa/totp/activate/")
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Authenticator.objects.filter(user=volunteer).exists()


def test_a_volunteer_can_switch_it_off_again(client, volunteer):
    with_app(volunteer)
    RecoveryCodes.activate(volunteer)
    client.force_login(volunteer)
    confirm_it_is_me(client)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=volunteer).exists()
    entries = AuditEntry.objects.filter(action=Action.MFA_CHANGED, subject=volunteer)
    assert sorted((e.data["change"], e.data["type"]) for e in entries) == [
        ("removed", "recovery_codes"),
        ("removed", "totp"),
    ]


def test_new_recovery_codes_replace_the_old_ones_and_are_audited(
    client, volunteer, django_capture_on_commit_callbacks
):
    with_app(volunteer)
    old = RecoveryCodes.activate(volunteer).get_unused_codes()
    client.force_login(volunteer)
    confirm_it_is_me(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    new = Authenticator.objects.get(user=volunteer, type="recovery_codes").wrap()
    assert set(new.get_unused_codes()).isdisjoint(old)
    entry = AuditEntry.objects.get(action=Action.MFA_CHANGED, subject=volunteer)
    assert entry.data == {"change": "reset", "type": "recovery_codes"}


# --- signing in with it ----------------------------------------------------------------------


def test_sign_in_asks_for_the_app_code_after_the_password(client, volunteer):
    with_app(volunteer)
    response = sign_in(client, volunteer)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "one of your recovery codes" in page
    response = client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(volunteer.pk)
    entry = AuditEntry.objects.get(action=Action.LOGIN)
    assert entry.subject == volunteer
    assert entry.data == {"methods": ["mfa", "password"]}


def test_a_wrong_app_code_signs_nobody_in_and_is_audited(client, volunteer):
    with_app(volunteer)
    sign_in(client, volunteer)
    wrong = "000000" if totp(SECRET) != "000000" else "111111"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action=Action.LOGIN_FAILED)
    assert entry.subject == volunteer
    assert entry.data == {"method": "mfa", "reauthentication": False}


def test_an_app_code_works_only_once(client, volunteer):
    with_app(volunteer)
    code = totp(SECRET)
    sign_in(client, volunteer)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.logout()
    sign_in(client, volunteer)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(client, volunteer):
    with_app(volunteer)
    code = RecoveryCodes.activate(volunteer).get_unused_codes()[3]
    sign_in(client, volunteer)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(volunteer.pk)
    rc = Authenticator.objects.get(user=volunteer, type="recovery_codes").wrap()
    assert code not in rc.get_unused_codes()
    assert len(rc.get_unused_codes()) == 9
    client.logout()
    sign_in(client, volunteer)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_sign_in_code_by_email_also_asks_for_the_app_code(client, volunteer, outbox):
    with_app(volunteer)
    response = client.post("/accounts/login/code/", {"email": volunteer.email})
    body = outbox()[-1].body
    mailed = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", body, re.M)
    assert mailed, body
    response = client.post(response["Location"], {"code": mailed.group(1)})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)})
    assert client.session["_auth_user_id"] == str(volunteer.pk)


# --- required for administrators and operators ------------------------------------------------


def test_an_administrator_without_the_app_is_sent_to_set_it_up_and_told_why(
    login, paula_without_app
):
    client = login(paula_without_app)
    response = client.get("/me/tasks/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    response = client.get(response["Location"])
    assert response.status_code == 302  # set-up asks to confirm it is you (no recent sign-in)
    page = client.get("/accounts/2fa/").content.decode()
    assert "You administer a platform, so your account needs two-factor authentication." in page


@pytest.mark.parametrize("who", ["administrator", "operator"])
def test_after_setting_it_up_they_continue_where_they_were_going(client, platform, who):
    user = f.UserFactory(email="chef@example.org", is_staff=who == "operator")
    if who == "administrator":
        PlatformAdmin.objects.create(platform=platform, user=user)
    sign_in(client, user)
    assert client.get("/notifications/")["Location"] == "/accounts/2fa/totp/activate/"
    confirm_it_is_me(client)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    assert "You administer a platform" in response.content.decode()
    secret = response.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/accounts/2fa/recovery-codes/"
    assert 'href="/notifications/"' in page  # "I have kept them: continue"
    assert client.get("/notifications/").status_code == 200
    assert "mfa_continue" not in client.session


def test_administrators_can_still_sign_out_switch_language_and_reach_static_and_health(
    login, paula_without_app
):
    client = login(paula_without_app)
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/css/app.css").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "de", "next": "/"}).status_code == 302
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_of_an_administrator_loads_the_set_up_page_whole(login, paula_without_app):
    response = login(paula_without_app).get("/me/tasks/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/2fa/totp/activate/"


def test_administrators_with_the_app_and_volunteers_use_every_page(
    login, client, platform_admin, operator, volunteer
):
    for person in (platform_admin, operator, volunteer):
        assert login(person).get("/me/tasks/").status_code == 200
        client.logout()


def test_someone_made_administrator_during_a_session_is_asked_within_five_minutes(
    login, platform, volunteer
):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = login(volunteer)
        assert client.get("/me/tasks/").status_code == 200
        PlatformAdmin.objects.create(platform=platform, user=volunteer)
        clock.shift(timedelta(seconds=mfa.RECHECK_SECONDS + 1))
        assert client.get("/me/tasks/").status_code == 302


def test_an_administrator_cannot_switch_the_app_off(client, platform_admin):
    client.force_login(platform_admin)
    confirm_it_is_me(client)
    page = client.get("/accounts/2fa/totp/deactivate/").content.decode()
    assert "two-factor authentication stays on for your account" in page
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 200
    assert Authenticator.objects.filter(user=platform_admin, type="totp").exists()
    overview = client.get("/accounts/2fa/").content.decode()
    assert "is required for your account" in overview
    assert "/accounts/2fa/totp/deactivate/" not in overview


# --- what the check costs ---------------------------------------------------------------------


def run_middleware(request):  # type: ignore[no-untyped-def]
    return mfa.RequireSecondFactorMiddleware(lambda r: HttpResponse("page"))(request)


def test_the_check_asks_nothing_for_anonymous_visitors(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    with django_assert_num_queries(0):
        assert run_middleware(request).status_code == 200


def test_the_check_asks_one_query_once_then_nothing_while_the_answer_is_fresh(
    volunteer, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = volunteer
    request.session = SessionStore()
    with django_assert_num_queries(1):
        assert run_middleware(request).status_code == 200
    with django_assert_num_queries(0):
        assert run_middleware(request).status_code == 200


def test_signing_in_answers_the_question_for_the_session(login, volunteer):
    """A page right after sign-in asks nothing extra (query budgets of list pages)."""
    client = login(volunteer)
    assert client.session[mfa.STATE_SESSION_KEY]["ok"] is True


def test_the_code_step_without_a_pending_sign_in_sends_to_the_sign_in(client):
    response = client.get("/accounts/2fa/authenticate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_confirming_a_held_place_does_not_sign_in_past_the_second_factor(client, task, operator):
    """A visitor's hold confirmed with the emailed code signs that person in, but not someone
    with an authenticator app: an inbox alone must not open an operator's account."""
    from django.core import mail
    from django.urls import reverse

    from crowdmoving.notifications.outbox import deliver_due
    from crowdmoving.projects.models import Commitment

    args = [task.project.pk, task.pk]
    client.post(reverse("projects:hold", args=args), {"name": "Olga", "email": operator.email})
    deliver_due()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr,arg-type]

    response = client.post(reverse("projects:enter_code", args=args), {"code": code})

    assert response.status_code == 302
    assert Commitment.objects.get(task=task, user=operator).status == Commitment.Status.ACTIVE
    assert "_auth_user_id" not in client.session
