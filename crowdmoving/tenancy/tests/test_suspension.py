"""A suspended platform shows a friendly notice on every page (503, Retry-After), in its
language, with the operator's notice and nothing of its data; its data stays."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crowdmoving.tenancy import actions
from crowdmoving.tenancy.models import Platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended(platform, operator, project, task, organiser):  # type: ignore[no-untyped-def]
    return actions.suspend_platform(
        platform,
        notice="Wir machen Pause <b>bis März</b>.\nFragen: info@krass.example",
        by=operator,
    )


def test_every_page_shows_the_notice_with_503_and_retry_after(suspended, client, project, task):
    paths = [
        "/",
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:hold", args=[project.pk, task.pk]),
        reverse("account_login"),
        reverse("platform:home"),
        reverse("privacy:consents"),
        reverse("contact:form"),
        "/no/such/page/",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"] == "3600"
        html = response.content.decode()
        assert "Krass Plattform" in html
        assert "This platform is paused for the moment." in html


def test_the_notice_leaks_no_data_of_the_platform(suspended, client, project, task, organiser):
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    for secret in (project.title, task.title, organiser.name, "KRASS e.V.", "Sign in", "/manage/"):
        assert secret not in html


def test_the_operators_notice_is_shown_escaped_with_its_line_breaks(suspended, client):
    html = client.get("/").content.decode()
    assert "Wir machen Pause &lt;b&gt;bis März&lt;/b&gt;.<br>Fragen: info@krass.example" in html


def test_a_post_changes_nothing_while_suspended(suspended, client, task):
    url = reverse("projects:hold", args=[task.project_id, task.pk])
    response = client.post(url, {"name": "Gast", "email": "gast@example.org"})
    assert response.status_code == 503
    task.refresh_from_db()
    assert task.taken == 0


def test_signed_in_people_and_administrators_see_the_notice_too(suspended, login, platform_admin):
    assert login(platform_admin).get(reverse("platform:home")).status_code == 503


def test_the_notice_speaks_the_platforms_language_to_a_browser_without_preference(
    suspended, platform
):
    german = Client(HTTP_HOST="krass.example.org").get("/")
    assert german["Content-Language"] == "de"
    assert '<html lang="de">' in german.content.decode()
    Platform.objects.filter(pk=platform.pk).update(default_language="en")
    english = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="fr").get("/")
    assert english["Content-Language"] == "en"


def test_the_browsers_language_wins_as_on_the_rest_of_the_platform(suspended, client):
    assert client.get("/")["Content-Language"] == "en"


def test_static_files_and_health_probes_still_answer(suspended, client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/css/app.css").status_code == 200


def test_without_a_notice_the_page_still_explains(platform, operator, client):
    actions.suspend_platform(platform, notice="", by=operator)
    html = client.get("/").content.decode()
    assert "This platform is paused for the moment." in html
    assert "suspended-notice" not in html


def test_other_platforms_are_not_affected(suspended, other_client):
    assert other_client.get("/").status_code == 200


def test_reactivating_brings_everything_back_as_it_was(suspended, operator, client, project, task):
    actions.reactivate_platform(suspended, by=operator)
    response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert project.title in html and task.title in html


def test_the_imprint_and_privacy_texts_stay_readable_and_are_linked(suspended, client, organiser):
    from crowdmoving.pages.models import ContentPage
    from crowdmoving.privacy.actions import publish_text

    ContentPage.objects.create(
        platform=suspended,
        kind=ContentPage.Kind.IMPRINT,
        slug="impressum",
        title="Impressum",
        body="KRASS e.V.",
        body_html="<p>KRASS e.V.</p>",
    )
    publish_text(suspended, body="Wir speichern wenig.", summary_of_changes="", by=organiser)
    notice = client.get("/").content.decode()
    assert f'href="{reverse("pages:imprint")}"' in notice
    assert f'href="{reverse("privacy:current")}"' in notice
    imprint = client.get(reverse("pages:imprint"), follow=True)
    assert imprint.status_code == 200 and "KRASS e.V." in imprint.content.decode()
    ContentPage.objects.create(
        platform=suspended, kind=ContentPage.Kind.ABOUT, slug="ueber", title="Über", body="x"
    )
    assert client.get(reverse("pages:page", args=["ueber"])).status_code == 503
    assert client.get(reverse("pages:page", args=["gibts-nicht"])).status_code == 404
    privacy = client.get(reverse("privacy:current"))
    assert privacy.status_code == 200 and "Wir speichern wenig." in privacy.content.decode()
    assert client.get(reverse("privacy:version", args=[1])).status_code == 200
    # Only reading them: every other address, and any POST, still gets the notice.
    assert client.post(reverse("pages:imprint")).status_code == 503
    assert client.get(reverse("privacy:consents")).status_code == 503
    assert client.get("/impressum/x/").status_code == 503
