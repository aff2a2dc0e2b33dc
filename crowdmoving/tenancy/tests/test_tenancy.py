import pytest
from django.test import Client
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from crowdmoving import factories as f
from crowdmoving.organisations.models import Organisation
from crowdmoving.tenancy.models import Platform
from crowdmoving.tenancy.resolver import platform_for_host

pytestmark = pytest.mark.django_db


def test_a_known_domain_resolves_to_its_platform_with_or_without_port(platform):
    assert platform_for_host("krass.example.org") == platform
    assert platform_for_host("KRASS.example.org:8000") == platform


def test_localhost_and_loopback_resolve_to_the_default_platform(db):
    hub = Platform.objects.get(is_default=True)
    assert platform_for_host("localhost:8000") == hub
    assert platform_for_host("127.0.0.1") == hub


def test_an_unknown_host_is_a_404_and_never_falls_back(db):
    assert platform_for_host("evil.example.com") is None
    response = Client(HTTP_HOST="evil.example.com", HTTP_ACCEPT_LANGUAGE="en").get("/")
    assert response.status_code == 404
    assert b"not a Crowdmoving platform" in response.content


def test_a_query_outside_a_platform_scope_raises(platform):
    with scope(), pytest.raises(ScopeError):  # an open scope without a platform
        list(Organisation.objects.all())


def test_a_scoped_query_sees_only_its_own_platform(platform, other_platform):
    mine = f.OrganisationFactory(platform=platform, slug="same")
    f.OrganisationFactory(platform=other_platform, slug="same")
    with scope(platform=platform):
        assert list(Organisation.objects.all()) == [mine]


def test_a_platform_speaks_its_default_language_to_a_browser_without_preference(platform):
    Platform.objects.filter(pk=platform.pk).update(default_language="en")
    response = Client(HTTP_HOST="krass.example.org").get("/")
    assert response.headers["Content-Language"] == "en"


def test_the_browser_language_wins_over_the_platform_default(platform):
    response = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").get("/")
    assert response.headers["Content-Language"] == "en"
    response = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="de").get("/")
    assert response.headers["Content-Language"] == "de"


def test_the_switchers_choice_wins_over_everything(platform):
    client = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="de")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/").headers["Content-Language"] == "en"
