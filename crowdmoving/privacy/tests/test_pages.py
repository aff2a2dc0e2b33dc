"""The public privacy policy of a platform, its earlier versions, and the footer link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crowdmoving.privacy.models import PrivacyText

pytestmark = pytest.mark.django_db


def test_without_a_text_the_page_says_so_plainly(client, platform):
    response = client.get("/privacy/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Krass Plattform has not published a privacy policy yet." in html
    assert "Version" not in html


def test_the_current_version_with_number_and_date(client, privacy_text):
    html = client.get("/privacy/").content.decode()

    assert "<h1>Privacy policy</h1>" in html
    assert "Version 1, published on" in html
    assert "<strong>nur</strong>" in html  # rendered Markdown


def test_earlier_versions_stay_readable(client, privacy_text, publish):
    publish("Die zweite Fassung.", "Alles neu")

    current = client.get("/privacy/").content.decode()
    assert "Die zweite Fassung." in current
    assert "Version 2, published on" in current
    assert 'href="/privacy/v1/"' in current

    old = client.get("/privacy/v1/").content.decode()
    assert "<strong>nur</strong>" in old
    assert "This is an earlier version." in old
    assert 'href="/privacy/"' in old


def test_a_version_that_does_not_exist_is_a_404(client, privacy_text):
    assert client.get("/privacy/v2/").status_code == 404


def test_the_other_platforms_text_is_not_shown(client, other_client, other_platform, publish):
    publish("Nur für die andere Plattform.", "", on=other_platform)

    assert "Nur für die andere" not in client.get("/privacy/").content.decode()
    assert client.get("/privacy/v1/").status_code == 404
    assert "Nur für die andere" in other_client.get("/privacy/").content.decode()


def test_the_text_is_sanitised(client, platform, publish):
    publish('<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="a()">', "")

    html = client.get("/privacy/").content.decode()
    for attack in ("<script>alert", "javascript:", "onerror"):
        assert attack not in html
    assert PrivacyText.objects.get().body.startswith("<script>")  # kept as written


def test_every_page_links_the_privacy_policy_in_the_footer(client, platform):
    html = client.get(reverse("projects:home")).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="/privacy/">Privacy</a>' in footer


def test_posting_to_the_public_pages_is_refused(client, privacy_text):
    assert client.post("/privacy/").status_code == 405
    assert client.post("/privacy/v1/").status_code == 405
