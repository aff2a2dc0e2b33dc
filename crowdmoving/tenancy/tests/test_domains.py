"""A platform's domains: attached by operators, one primary, the others redirect to it; the host
lookup costs one query."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.tenancy import actions
from crowdmoving.tenancy.models import Domain, Platform
from crowdmoving.tenancy.resolver import resolve_host

pytestmark = pytest.mark.django_db

HUB_HOST = "testserver"


@pytest.fixture
def console(operator):  # type: ignore[no-untyped-def]
    browser = Client(HTTP_HOST=HUB_HOST, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(operator)
    return browser


def add(console, platform, domain: str):  # type: ignore[no-untyped-def]
    return console.post(
        reverse("operator:domain_add", args=[platform.pk]), {"domain-domain": domain}
    )


# --- attaching ---------------------------------------------------------------------------------


def test_an_operator_attaches_a_custom_domain(console, operator, platform):
    response = add(console, platform, "  Mitmachen.Krass-Verein.DE. ")
    assert response.status_code == 302
    added = Domain.objects.get(domain="mitmachen.krass-verein.de")
    assert added.platform == platform and not added.is_primary
    [entry] = AuditEntry.objects.filter(action=Action.DOMAIN_CHANGED)
    assert entry.platform == platform and entry.actor == operator
    assert entry.data == {
        "change": "added",
        "domain": "mitmachen.krass-verein.de",
        "primary": False,
    }
    page = console.get(reverse("operator:detail", args=[platform.pk])).content.decode()
    assert "mitmachen.krass-verein.de" in page.split('id="domains"')[1]


def test_the_first_domain_of_a_platform_becomes_its_primary_one(console, operator):
    bare = f.PlatformFactory(slug="leer")
    add(console, bare, "leer.example.org")
    assert Domain.objects.get(domain="leer.example.org").is_primary


def test_an_international_domain_is_stored_as_the_browser_sends_it(console, platform):
    add(console, platform, "müller-hilft.example")
    assert Domain.objects.filter(domain="xn--mller-hilft-thb.example", platform=platform).exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Please enter a domain."),
        ("https://mitmachen.example.org/", "Please enter the domain alone"),
        ("mitmachen.example.org:8443", "Please enter the domain alone"),
        ("mitmachen.example.org/seite", "Please enter the domain alone"),
        ("mit machen.example.org", "Please enter the domain alone"),
        ("localhostname", "This is not a valid domain."),
        ("-mitmachen.example.org", "This is not a valid domain."),
        ("mit_machen.example.org", "This is not a valid domain."),
        ("mitmachen..example.org", "This is not a valid domain."),
        ("192.168.1.20", "This is not a valid domain."),
        ("a" * 64 + ".example.org", "This is not a valid domain."),
        ("ANDERE.example.org.", "This domain is already used by a platform."),
        ("krass.example.org", "This domain is already used by a platform."),
        ("localhost", "This is not a valid domain."),
        ("testserver.", "This is not a valid domain."),
    ],
)
def test_a_bad_or_taken_domain_is_refused_at_the_field(
    console, platform, other_platform, value, message
):
    before = Domain.objects.count()
    response = add(console, platform, value)
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(r'<ul class="errorlist" id="id_domain-domain_error">(.*?)</ul>', html, re.S)
    assert errors, html
    assert message in errors.group(1)
    assert Domain.objects.count() == before
    assert not AuditEntry.objects.filter(action=Action.DOMAIN_CHANGED).exists()


def test_a_host_of_the_hub_cannot_become_another_platforms_domain(operator, platform, settings):
    settings.DEFAULT_PLATFORM_HOSTS = [*settings.DEFAULT_PLATFORM_HOSTS, "hub.example.org"]
    with pytest.raises(actions.DomainTaken):
        actions.add_domain(platform, "hub.example.org", by=operator)
    assert not Domain.objects.filter(domain="hub.example.org").exists()


# --- primary and removal ------------------------------------------------------------------------


def test_making_another_domain_primary_redirects_the_old_one_to_it(console, platform):
    new = f.DomainFactory(platform=platform, domain="mitmachen.krass.de", is_primary=False)
    response = console.post(reverse("operator:domain_primary", args=[platform.pk, new.pk]))
    assert response.status_code == 302
    assert list(
        Domain.objects.filter(platform=platform)
        .order_by("domain")
        .values_list("domain", "is_primary")
    ) == [("krass.example.org", False), ("mitmachen.krass.de", True)]
    entry = AuditEntry.objects.get(action=Action.DOMAIN_CHANGED)
    assert entry.data == {"change": "made_primary", "domain": "mitmachen.krass.de"}
    old = Client(HTTP_HOST="krass.example.org").get("/projects/?page=2")
    assert old.status_code == 301
    assert old["Location"] == "http://mitmachen.krass.de/projects/?page=2"


def test_a_domain_is_removed_after_a_confirmation(console, platform):
    alias = f.DomainFactory(platform=platform, domain="alt.krass.de", is_primary=False)
    url = reverse("operator:domain_remove", args=[platform.pk, alias.pk])
    confirm = console.get(url)
    assert "Remove the domain alt.krass.de?" in confirm.content.decode()
    assert Domain.objects.filter(pk=alias.pk).exists()
    assert console.post(url).status_code == 302
    assert not Domain.objects.filter(pk=alias.pk).exists()
    assert Client(HTTP_HOST="alt.krass.de").get("/").status_code == 404
    entry = AuditEntry.objects.get(action=Action.DOMAIN_CHANGED)
    assert entry.data == {"change": "removed", "domain": "alt.krass.de"}


def test_the_primary_domain_is_not_removed(console, platform):
    primary = Domain.objects.get(domain="krass.example.org")
    url = reverse("operator:domain_remove", args=[platform.pk, primary.pk])
    response = console.post(url, follow=True)
    assert "The primary domain cannot be removed." in response.content.decode()
    assert Domain.objects.filter(pk=primary.pk).exists()


def test_a_domain_of_another_platform_is_a_404_here(console, platform, other_platform):
    foreign = Domain.objects.get(domain="andere.example.org")
    for name in ("operator:domain_primary", "operator:domain_remove"):
        url = reverse(name, args=[platform.pk, foreign.pk])
        assert console.post(url).status_code == 404
    assert Domain.objects.get(pk=foreign.pk).is_primary


# --- redirects to the primary domain -----------------------------------------------------------


@pytest.fixture
def alias(platform):  # type: ignore[no-untyped-def]
    return f.DomainFactory(platform=platform, domain="www.krass.example.org", is_primary=False)


def test_another_domain_redirects_permanently_to_the_same_address_on_the_primary(alias, project):
    path = f"/projects/{project.pk}/?utm=x&b=%C3%A4"
    response = Client(HTTP_HOST="www.krass.example.org").get(path)
    assert response.status_code == 301
    assert response["Location"] == f"http://krass.example.org{path}"


def test_the_redirect_keeps_https_and_the_port(alias):
    secure = Client(HTTP_HOST="WWW.krass.example.org:8443").get("/a/b", secure=True)
    assert secure.status_code == 301
    assert secure["Location"] == "https://krass.example.org:8443/a/b"


def test_a_post_on_another_domain_is_redirected_too_and_changes_nothing(alias, task):
    url = reverse("projects:hold", args=[task.project_id, task.pk])
    response = Client(HTTP_HOST="www.krass.example.org").post(url, {"name": "X", "email": "x@y.de"})
    assert response.status_code == 301
    task.refresh_from_db()
    assert task.taken == 0


def test_the_primary_domain_is_not_redirected(alias, client):
    assert client.get("/").status_code == 200


def test_the_health_probes_answer_on_any_domain_without_a_redirect(alias):
    assert Client(HTTP_HOST="www.krass.example.org").get("/healthz").status_code == 200


def test_the_hubs_fixed_hosts_are_never_redirected(db):
    hub = Platform.objects.get(is_default=True)
    f.DomainFactory(platform=hub, domain="crowdmoving.example", is_primary=True)
    f.DomainFactory(platform=hub, domain="localhost", is_primary=False)  # listed, and fixed
    assert Client(HTTP_HOST="localhost:8000").get("/").status_code == 200
    assert Client(HTTP_HOST="testserver").get("/").status_code == 200
    assert Client(HTTP_HOST="crowdmoving.example").get("/").status_code == 200


def test_a_platform_without_a_primary_domain_answers_on_every_domain(platform):
    Domain.objects.filter(platform=platform).update(is_primary=False)
    f.DomainFactory(platform=platform, domain="zwei.krass.de", is_primary=False)
    for host in ("krass.example.org", "zwei.krass.de"):
        assert Client(HTTP_HOST=host).get("/").status_code == 200


def test_the_host_lookup_is_one_query_with_or_without_redirect(alias):
    for host, primary in (
        ("krass.example.org", None),
        ("www.krass.example.org", "krass.example.org"),
    ):
        with CaptureQueriesContext(connection) as captured:
            match = resolve_host(host)
        assert len(captured) == 1
        assert match is not None and match.primary == primary
