import re

import pytest

from crowdmoving.accounts.models import User
from crowdmoving.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_signing_up_sends_the_confirmation_through_the_outbox_in_the_platforms_name(
    client, platform, outbox
):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "neu@example.org",
            "name": "Nora Neu",
            "password1": "ein langes Passwort 42",
            "password2": "ein langes Passwort 42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="neu@example.org")
    assert user.name == "Nora Neu"
    message = OutboxMessage.objects.get(to="neu@example.org")
    assert message.platform == platform
    sent = outbox()
    assert len(sent) == 1
    assert sent[0].from_email.startswith("Krass Plattform")
    assert re.search(r"/accounts/confirm-email/\S+", sent[0].body)


def test_sign_up_without_a_name_is_refused_at_the_field(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "neu@example.org", "password1": "ein langes Passwort 42",
         "password2": "ein langes Passwort 42"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not User.objects.filter(email="neu@example.org").exists()


def test_login_by_code_mails_a_code_and_signs_in_without_password(client, volunteer, outbox):
    response = client.post("/accounts/login/code/", {"email": volunteer.email})
    assert response.status_code == 302
    body = outbox()[-1].body
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", body, re.M)
    assert code, body
    response = client.post(response["Location"], {"code": code.group(1)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(volunteer.pk)
