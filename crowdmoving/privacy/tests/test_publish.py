"""Platform administrators publish versions of their platform's privacy text."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.privacy.models import PrivacyText
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = pytest.mark.django_db

URL = "/platform/privacy/"


def test_the_publishing_page_lives_at_platform_privacy():
    assert reverse("privacy:publish") == URL


def test_an_administrator_publishes_the_first_version(login, platform_admin, platform):
    page = login(platform_admin).get(URL)
    assert page.status_code == 200
    assert "This platform has no privacy policy yet" in page.content.decode()

    response = login(platform_admin).post(
        URL, {"body": "## Daten\n\nWir speichern *wenig*.", "summary_of_changes": ""}
    )

    assert response.status_code == 302
    text = PrivacyText.objects.get(platform=platform)
    assert text.version == 1
    assert text.published_by == platform_admin
    assert "<h2>Daten</h2>" in text.body_html and "<em>wenig</em>" in text.body_html
    entry = AuditEntry.objects.get(action=Action.PRIVACY_TEXT_PUBLISHED)
    assert entry.platform == platform
    assert entry.actor == platform_admin
    assert entry.data == {"version": 1}
    assert entry.target_id == str(text.pk)


def test_publishing_again_makes_a_new_version_and_keeps_the_old_one(
    login, platform_admin, privacy_text
):
    page = login(platform_admin).get(URL).content.decode()
    assert "Wer wir sind" in page  # the textarea holds the current text
    assert "Publish as version 2" in page

    login(platform_admin).post(URL, {"body": "Neuer Text", "summary_of_changes": "Kürzer gefasst"})

    versions = list(PrivacyText.objects.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].body == privacy_text.body  # never edited
    assert versions[1].summary_of_changes == "Kürzer gefasst"
    page = login(platform_admin).get(URL).content.decode()
    assert "Version 1 of" in page and "Version 2 of" in page


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_text_is_refused_at_the_field(login, platform_admin, body):
    response = login(platform_admin).post(URL, {"body": body, "summary_of_changes": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="body-errors"' in html
    assert "Please write the privacy policy." in html
    assert 'aria-invalid="true"' in html
    assert not PrivacyText.objects.exists()


def test_a_later_version_needs_to_say_what_changed(login, platform_admin, privacy_text):
    response = login(platform_admin).post(URL, {"body": "Anders", "summary_of_changes": ""})

    assert response.status_code == 200
    assert "Please say in one line what changed" in response.content.decode()
    assert PrivacyText.objects.count() == 1


def test_the_unchanged_text_is_not_published_again(login, platform_admin, privacy_text):
    response = login(platform_admin).post(
        URL, {"body": privacy_text.body, "summary_of_changes": "Nichts"}
    )

    assert "This is the text of the current version" in response.content.decode()
    assert PrivacyText.objects.count() == 1


def test_preview_shows_the_rendered_text_and_publishes_nothing(login, platform_admin):
    response = login(platform_admin).post(
        URL,
        {
            "body": "## Vorschau\n\n<script>alert(1)</script>",
            "summary_of_changes": "",
            "preview": "1",
        },
    )

    html = response.content.decode()
    assert "Preview (not published yet)" in html
    assert "<h2>Vorschau</h2>" in html
    assert "<script>alert(1)</script>" not in html
    assert not PrivacyText.objects.exists()


def test_an_operator_may_publish_on_any_platform(operator, other_platform):
    browser = Client(HTTP_HOST="andere.example.org", HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(operator)
    browser.post(URL, {"body": "Text der anderen Plattform", "summary_of_changes": ""})
    assert PrivacyText.objects.get().platform == other_platform


@pytest.mark.parametrize("persona", ["organiser", "volunteer", "outsider"])
def test_others_get_a_404(request, login, persona, platform):
    browser = login(request.getfixturevalue(persona))
    assert browser.get(URL).status_code == 404
    assert browser.post(URL, {"body": "Gekapert", "summary_of_changes": ""}).status_code == 404
    assert not PrivacyText.objects.exists()


def test_the_administrator_of_the_other_platform_gets_a_404(platform, other_platform, client):
    from crowdmoving import factories as f
    from crowdmoving.conftest import with_authenticator_app

    other_admin = f.UserFactory(email="andere-admin@example.org")
    PlatformAdmin.objects.create(platform=other_platform, user=other_admin)
    with_authenticator_app(other_admin)
    client.force_login(other_admin)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"body": "Gekapert", "summary_of_changes": ""}).status_code == 404
    assert not PrivacyText.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client, platform):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
