"""The platform administrators' start page and the "Platform" link in the navigation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.conftest import with_authenticator_app
from crowdmoving.tenancy.models import PlatformAdmin

pytestmark = pytest.mark.django_db

URL = "/platform/"
NAV_LINK = f'<a href="{URL}">Platform</a>'


def test_the_address_is_platform():
    assert reverse("platform:home") == URL


def test_the_administrator_finds_the_audit_log_and_the_privacy_text(login, platform_admin):
    html = login(platform_admin).get(URL).content.decode()
    assert "Krass Plattform" in html
    assert f'href="{reverse("audit:log")}"' in html
    assert f'href="{reverse("privacy:publish")}"' in html
    assert "Audit log" in html and "Privacy text" in html
    assert "?all=1" not in html  # only operators see every platform's log


def test_operators_also_get_the_log_of_every_platform(login, operator):
    html = login(operator).get(URL).content.decode()
    assert f'href="{reverse("audit:log")}?all=1"' in html


def test_a_signed_out_visitor_is_asked_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["volunteer", "organiser", "foreign_organiser"])
def test_everyone_else_gets_a_404(request, login, persona):
    assert login(request.getfixturevalue(persona)).get(URL).status_code == 404


def test_the_administrator_of_another_platform_gets_a_404(login, other_platform):
    stranger = f.UserFactory()
    PlatformAdmin.objects.create(platform=other_platform, user=stranger)
    with_authenticator_app(stranger)
    assert login(stranger).get(URL).status_code == 404


def test_the_navigation_shows_platform_only_to_its_administrators(
    login, platform_admin, organiser, operator
):
    home = reverse("projects:home")
    assert NAV_LINK in login(platform_admin).get(home).content.decode()
    assert NAV_LINK in login(operator).get(home).content.decode()
    assert NAV_LINK not in login(organiser).get(home).content.decode()


def test_the_navigation_of_the_other_platform_has_no_platform_link(other_client, platform_admin):
    other_client.force_login(platform_admin)
    assert NAV_LINK not in other_client.get(reverse("projects:home")).content.decode()


def test_asking_costs_no_query_for_a_signed_out_visitor(client, platform):
    client.get(reverse("projects:home"))  # warm up (the platform's host)
    with CaptureQueriesContext(connection) as queries:
        assert NAV_LINK not in client.get(reverse("projects:home")).content.decode()
    assert not [q for q in queries.captured_queries if "platformadmin" in q["sql"]]


def test_asking_costs_one_query_for_a_signed_in_person(login, organiser):
    browser = login(organiser)
    with CaptureQueriesContext(connection) as queries:
        browser.get(reverse("manage:index"))
    asked = [q for q in queries.captured_queries if '"tenancy_platformadmin"' in q["sql"]]
    assert len(asked) <= 2  # the navigation's question (and the second factor's, see accounts/mfa)
    navigation = [q for q in asked if "accounts_user" not in q["sql"]]
    assert len(navigation) == 1
