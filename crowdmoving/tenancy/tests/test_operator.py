"""The operator console: who reaches it, the list of platforms, a new platform, administrators
by invitation, features, suspending and reactivating."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.conftest import with_authenticator_app
from crowdmoving.tenancy import actions
from crowdmoving.tenancy.models import Domain, Platform, PlatformAdmin, PlatformInvitation

pytestmark = pytest.mark.django_db

HUB_HOST = "testserver"  # one of the hub's fixed hosts in the test settings


@pytest.fixture
def the_hub(db) -> Platform:  # type: ignore[no-untyped-def]
    return Platform.objects.get(is_default=True)


@pytest.fixture
def console(the_hub):  # type: ignore[no-untyped-def]
    """console(user) is a browser on the hub, signed in as ``user`` (or signed out)."""

    def _console(user=None) -> Client:  # type: ignore[no-untyped-def]
        browser = Client(HTTP_HOST=HUB_HOST, HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            browser.force_login(user)
        return browser

    return _console


def detail_url(platform: Platform) -> str:
    return reverse("operator:detail", args=[platform.pk])


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# --- who reaches it ------------------------------------------------------------------------------


def test_the_console_lives_at_operator():
    assert reverse("operator:index") == "/operator/"


def test_a_signed_out_visitor_on_the_hub_is_asked_to_sign_in(console):
    response = console().get("/operator/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["volunteer", "organiser", "platform_admin"])
def test_everyone_but_operators_gets_a_404_on_the_hub(request, console, persona, platform):
    user = request.getfixturevalue(persona)
    assert console(user).get("/operator/").status_code == 404
    assert console(user).get(detail_url(platform)).status_code == 404
    assert console(user).post(reverse("operator:features", args=[platform.pk])).status_code == 404


def test_an_administrator_of_the_hub_who_is_no_operator_gets_a_404(console, the_hub):
    admin = f.UserFactory()
    PlatformAdmin.objects.create(platform=the_hub, user=admin)
    with_authenticator_app(admin)
    assert console(admin).get("/operator/").status_code == 404


def test_an_operator_on_any_other_host_gets_a_404(login, operator, platform, client):
    assert client.get("/operator/").status_code == 404  # signed out, too
    browser = login(operator)
    assert browser.get("/operator/").status_code == 404
    assert browser.get(detail_url(platform)).status_code == 404
    assert browser.post(reverse("operator:create"), {"name": "X", "slug": "x"}).status_code == 404
    assert not Platform.objects.filter(slug="x").exists()


def test_the_operator_finds_the_console_from_the_platform_page_of_the_hub(console, operator):
    html = console(operator).get(reverse("platform:home")).content.decode()
    assert 'href="/operator/"' in html


def test_the_platform_page_of_another_platform_does_not_link_the_console(login, operator):
    assert 'href="/operator/"' not in login(operator).get(reverse("platform:home")).content.decode()


# --- the list -------------------------------------------------------------------------------------


def test_the_list_shows_every_platform_with_domains_status_and_numbers(
    console, operator, platform, other_platform, project
):
    f.OrganisationFactory(platform=platform)
    Platform.objects.filter(pk=other_platform.pk).update(status=Platform.Status.SUSPENDED)
    response = console(operator).get("/operator/")
    assert response.status_code == 200
    html = response.content.decode()
    row = html.split(f'id="platform-{platform.pk}"')[1].split("</tr>")[0]
    assert "Krass Plattform" in row and "krass.example.org" in row
    assert re.search(r'data-label="Organisations">2<', row)
    assert re.search(r'data-label="Projects">1<', row)
    assert "Active" in row
    other_row = html.split(f'id="platform-{other_platform.pk}"')[1].split("</tr>")[0]
    assert "Suspended" in other_row
    assert "Crowdmoving" in html  # the hub


def test_the_list_costs_the_same_number_of_queries_for_more_platforms(
    console, operator, platform, project
):
    browser = console(operator)
    browser.get("/operator/")  # sessions, consent and two-factor checks settle

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get("/operator/").status_code == 200
        return len(captured)

    few = queries()
    for _n in range(4):
        more = f.PlatformFactory()
        f.DomainFactory(platform=more)
        f.DomainFactory(platform=more, is_primary=False)
        organisation = f.OrganisationFactory(platform=more)
        f.ProjectFactory(organisation=organisation)
        PlatformAdmin.objects.create(platform=more, user=f.UserFactory())
    assert queries() == few


# --- a new platform -------------------------------------------------------------------------------


def test_an_operator_creates_a_platform_with_its_subdomain(console, operator, settings):
    settings.PLATFORM_BASE_DOMAIN = "plattformen.example"
    response = console(operator).post(
        reverse("operator:create"),
        {"name": "Nestwärme mitmachen", "slug": "nestwaerme", "default_language": "en"},
    )
    created = Platform.objects.get(slug="nestwaerme")
    assert response.status_code == 302
    assert response["Location"] == detail_url(created)
    assert created.name == "Nestwärme mitmachen"
    assert created.default_language == "en"
    assert created.status == Platform.Status.ACTIVE
    assert sorted(created.features) == sorted(Platform.Feature.values)
    assert list(created.domains.values_list("domain", "is_primary")) == [
        ("nestwaerme.plattformen.example", True)
    ]
    [entry] = entries(Action.PLATFORM_CREATED)
    assert entry.platform == created and entry.actor == operator
    assert entry.data["slug"] == "nestwaerme"
    # The new platform answers on its subdomain at once.
    page = Client(HTTP_HOST="nestwaerme.plattformen.example", HTTP_ACCEPT_LANGUAGE="en").get("/")
    assert page.status_code == 200
    assert "Nestwärme mitmachen" in page.content.decode()


def test_without_a_base_domain_a_new_platform_has_no_domain_yet(console, operator, settings):
    settings.PLATFORM_BASE_DOMAIN = ""
    browser = console(operator)
    browser.post(
        reverse("operator:create"), {"name": "Ohne", "slug": "ohne", "default_language": "de"}
    )
    created = Platform.objects.get(slug="ohne")
    assert not created.domains.exists()
    assert "No domain yet" in browser.get(detail_url(created)).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "slug": "neu"}, "name", "Please give the platform a name."),
        ({"name": "N" * 121, "slug": "neu"}, "name", "at most 120 characters"),
        ({"name": "Neu", "slug": ""}, "slug", "Please choose a short name."),
        ({"name": "Neu", "slug": "Nest Wärme"}, "slug", "Use only lowercase letters"),
        ({"name": "Neu", "slug": "-neu"}, "slug", "Use only lowercase letters"),
        ({"name": "Neu", "slug": "neu_platz"}, "slug", "Use only lowercase letters"),
        ({"name": "Neu", "slug": "www"}, "slug", "This short name is reserved."),
        ({"name": "Neu", "slug": "krass"}, "slug", "Another platform already has this short"),
        ({"name": "Neu", "slug": "neu", "default_language": "fr"}, "default_language", "German"),
    ],
)
def test_bad_input_for_a_new_platform_is_refused_at_its_field(
    console, operator, platform, data, field, message
):
    before = Platform.objects.count()
    response = console(operator).post(
        reverse("operator:create"), {"default_language": "de", **data}
    )
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert errors, html
    assert message in errors.group(1)
    assert 'aria-invalid="true"' in html
    assert Platform.objects.count() == before


def test_a_short_name_whose_subdomain_is_taken_is_refused_at_the_field(
    console, operator, platform, settings
):
    settings.PLATFORM_BASE_DOMAIN = "plattformen.example"
    f.DomainFactory(platform=platform, domain="neu.plattformen.example", is_primary=False)
    response = console(operator).post(
        reverse("operator:create"), {"name": "Neu", "slug": "neu", "default_language": "de"}
    )
    assert response.status_code == 400
    assert "neu.plattformen.example is already used by a platform" in response.content.decode()
    assert not Platform.objects.filter(slug="neu").exists()


def test_two_operators_taking_the_same_short_name_get_one_platform(operator, settings):
    settings.PLATFORM_BASE_DOMAIN = "plattformen.example"
    actions.create_platform(name="A", slug="doppelt", default_language="de", by=operator)
    with pytest.raises(actions.SlugTaken):
        actions.create_platform(name="B", slug="doppelt", default_language="de", by=operator)
    assert Platform.objects.filter(slug="doppelt").count() == 1
    assert Domain.objects.filter(domain="doppelt.plattformen.example").count() == 1


# --- administrators ------------------------------------------------------------------------------


def invite(console, operator, platform, email: str = "neu.admin@example.org"):  # type: ignore[no-untyped-def]
    return console(operator).post(
        reverse("operator:invite", args=[platform.pk]), {"invite-email": email}
    )


def test_an_invitation_is_mailed_with_a_link_on_the_platforms_primary_domain(
    console, operator, platform, outbox
):
    f.DomainFactory(platform=platform, domain="alt.krass.example", is_primary=False)
    response = invite(console, operator, platform)
    assert response.status_code == 302
    invitation = PlatformInvitation.objects.get(platform=platform)
    assert invitation.email == "neu.admin@example.org"
    assert len(invitation.token) >= 40
    [mail] = [m for m in outbox() if "neu.admin@example.org" in m.to]
    link = f"http://krass.example.org/platform/invitation/{invitation.token}/"
    assert link in mail.body
    assert "Krass Plattform" in mail.subject
    [entry] = entries(Action.INVITATION_SENT)
    assert entry.platform == platform
    assert "@" not in str(entry.data)
    detail = console(operator).get(detail_url(platform)).content.decode()
    assert f'id="invitation-{invitation.pk}"' in detail


def test_an_invited_person_accepts_and_administers_the_platform(
    console, operator, platform, client
):
    invite(console, operator, platform)
    invitation = PlatformInvitation.objects.get(platform=platform)
    accept = reverse("platform:invitation_accept", args=[invitation.token])
    page = client.get(accept).content.decode()
    assert "Administer Krass Plattform" in page and "Sign up" in page and "next=" in page
    signed_out = client.post(accept)
    assert signed_out["Location"].startswith(reverse("account_login"))

    invitee = f.UserFactory(email="neu.admin@example.org")
    client.force_login(invitee)
    response = client.post(accept)
    assert response.status_code == 302
    assert response["Location"] == reverse("platform:home")
    assert PlatformAdmin.objects.filter(platform=platform, user=invitee).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee and invitation.accepted_at is not None
    [entry] = entries(Action.PLATFORM_ADMIN_CHANGED)
    assert entry.subject == invitee and entry.data["change"] == "added"
    # Administrators need an authenticator app: the next page asks for it.
    assert client.get(reverse("platform:home"))["Location"] == reverse("mfa_activate_totp")
    # The list counts them; the platform page names them.
    detail = console(operator).get(detail_url(platform)).content.decode()
    assert "neu.admin@example.org" in detail.split('id="admins"')[1]


def test_an_invitation_cannot_be_accepted_by_another_address(console, operator, platform, login):
    invite(console, operator, platform)
    invitation = PlatformInvitation.objects.get(platform=platform)
    stranger = f.UserFactory(email="fremd@example.org")
    response = login(stranger).post(
        reverse("platform:invitation_accept", args=[invitation.token]), follow=True
    )
    assert "sent to another email address" in response.content.decode()
    assert not PlatformAdmin.objects.filter(user=stranger).exists()


def test_an_invitation_is_a_404_on_another_platforms_host(
    console, operator, platform, other_client
):
    invite(console, operator, platform)
    invitation = PlatformInvitation.objects.get(platform=platform)
    url = reverse("platform:invitation_accept", args=[invitation.token])
    assert other_client.get(url).status_code == 404
    assert Client(HTTP_HOST=HUB_HOST).get(url).status_code == 404


def test_a_withdrawn_invitation_no_longer_works(console, operator, platform, login):
    invite(console, operator, platform)
    invitation = PlatformInvitation.objects.get(platform=platform)
    response = console(operator).post(
        reverse("operator:invitation_revoke", args=[platform.pk, invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    invitee = f.UserFactory(email="neu.admin@example.org")
    browser = login(invitee)
    url = reverse("platform:invitation_accept", args=[invitation.token])
    assert "no longer valid" in browser.get(url).content.decode()
    browser.post(url)
    assert not PlatformAdmin.objects.filter(user=invitee).exists()
    assert entries(Action.PLATFORM_ADMIN_CHANGED)[0].data["change"] == "invitation_withdrawn"


def test_an_invitation_of_another_platform_cannot_be_withdrawn_here(
    console, operator, platform, other_platform
):
    foreign = actions.invite_admin(other_platform, email="x@example.org", by=operator)
    url = reverse("operator:invitation_revoke", args=[platform.pk, foreign.pk])
    assert console(operator).post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Please enter the email address of the person you invite."),
        ("keine-adresse", "Please enter an email address like name@example.org."),
        ("PLATTFORM@example.org", "This person already administers the platform."),
    ],
)
def test_a_bad_invitation_is_refused_at_the_field(
    console, operator, platform, platform_admin, email, message
):
    response = invite(console, operator, platform, email)
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(r'<ul class="errorlist" id="id_invite-email_error">(.*?)</ul>', html, re.S)
    assert errors and message in errors.group(1)
    assert not PlatformInvitation.objects.exists()


def test_an_administrator_is_removed_after_a_confirmation(
    console, operator, platform, platform_admin
):
    second = f.UserFactory()
    PlatformAdmin.objects.create(platform=platform, user=second)
    admin = PlatformAdmin.objects.get(user=platform_admin)
    url = reverse("operator:admin_remove", args=[platform.pk, admin.pk])
    confirm = console(operator).get(url)
    assert confirm.status_code == 200
    assert "Remove Paula Plattform as an administrator?" in confirm.content.decode()
    assert PlatformAdmin.objects.filter(pk=admin.pk).exists()
    assert console(operator).post(url).status_code == 302
    assert not PlatformAdmin.objects.filter(pk=admin.pk).exists()
    [entry] = entries(Action.PLATFORM_ADMIN_CHANGED)
    assert entry.subject == platform_admin and entry.data == {"change": "removed"}


def test_the_only_administrator_is_not_removed(console, operator, platform, platform_admin):
    admin = PlatformAdmin.objects.get(user=platform_admin)
    url = reverse("operator:admin_remove", args=[platform.pk, admin.pk])
    response = console(operator).post(url, follow=True)
    assert "only administrator. Invite someone else first" in response.content.decode()
    assert PlatformAdmin.objects.filter(pk=admin.pk).exists()
    assert not entries(Action.PLATFORM_ADMIN_CHANGED)


def test_an_administrator_of_another_platform_cannot_be_removed_here(
    console, operator, platform, other_platform
):
    foreign = PlatformAdmin.objects.create(platform=other_platform, user=f.UserFactory())
    url = reverse("operator:admin_remove", args=[platform.pk, foreign.pk])
    assert console(operator).get(url).status_code == 404
    assert console(operator).post(url).status_code == 404
    assert PlatformAdmin.objects.filter(pk=foreign.pk).exists()


# --- features ----------------------------------------------------------------------------------


def test_the_operator_switches_features_and_the_platform_counts_as_changed(
    console, operator, platform
):
    before = platform.updated_at
    page = console(operator).get(detail_url(platform)).content.decode()
    assert "Take tasks without an account (name and email)" in page
    assert "Team space of projects" in page
    response = console(operator).post(
        reverse("operator:features", args=[platform.pk]), {"features-features": ["team"]}
    )
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.features == ["team"]
    assert platform.updated_at > before
    [entry] = entries(Action.SETTINGS_CHANGED)
    assert entry.platform == platform
    assert entry.data == {
        "fields": ["features"],
        "switched_on": [],
        "switched_off": ["guest_takeover"],
    }
    # Switching every feature off is a choice, too.
    console(operator).post(reverse("operator:features", args=[platform.pk]), {})
    platform.refresh_from_db()
    assert platform.features == []


def test_an_unknown_feature_is_refused_at_the_field(console, operator, platform):
    response = console(operator).post(
        reverse("operator:features", args=[platform.pk]), {"features-features": ["rockets"]}
    )
    assert response.status_code == 400
    assert "Please choose only features from the list." in response.content.decode()
    platform.refresh_from_db()
    assert sorted(platform.features) == sorted(Platform.Feature.values)


# --- suspending and reactivating ------------------------------------------------------------------


def test_suspending_asks_first_then_suspends_with_the_notice(console, operator, platform):
    url = reverse("operator:suspend", args=[platform.pk])
    confirm = console(operator).get(url)
    assert confirm.status_code == 200
    assert "Suspend Krass Plattform?" in confirm.content.decode()
    platform.refresh_from_db()
    assert platform.status == Platform.Status.ACTIVE

    response = console(operator).post(url, {"notice": "Wir sind ab 1. März zurück."})
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.is_suspended
    assert platform.suspended_notice == "Wir sind ab 1. März zurück."
    [entry] = entries(Action.PLATFORM_SUSPENDED)
    assert entry.platform == platform and entry.data == {"with_notice": True}
    assert (
        "Wir sind ab 1. März zurück."
        in console(operator).get(detail_url(platform)).content.decode()
    )


def test_a_too_long_notice_is_refused_at_the_field(console, operator, platform):
    url = reverse("operator:suspend", args=[platform.pk])
    response = console(operator).post(url, {"notice": "x" * 1001})
    assert response.status_code == 400
    assert "at most 1000 characters" in response.content.decode()
    platform.refresh_from_db()
    assert not platform.is_suspended


def test_reactivating_asks_first_then_opens_the_platform_again(console, operator, platform):
    actions.suspend_platform(platform, notice="", by=operator)
    url = reverse("operator:reactivate", args=[platform.pk])
    assert "Reactivate Krass Plattform?" in console(operator).get(url).content.decode()
    platform.refresh_from_db()
    assert platform.is_suspended
    assert console(operator).post(url).status_code == 302
    platform.refresh_from_db()
    assert platform.status == Platform.Status.ACTIVE
    assert len(entries(Action.PLATFORM_REACTIVATED)) == 1


def test_the_hub_cannot_be_suspended(console, operator, the_hub):
    url = reverse("operator:suspend", args=[the_hub.pk])
    response = console(operator).post(url, {"notice": "Weg"}, follow=True)
    assert "The hub (the default platform) cannot be suspended." in response.content.decode()
    the_hub.refresh_from_db()
    assert not the_hub.is_suspended
    assert not entries(Action.PLATFORM_SUSPENDED)
    assert "cannot be suspended" in console(operator).get(url, follow=True).content.decode()


def test_the_console_still_works_while_a_platform_is_suspended(console, operator, platform):
    actions.suspend_platform(platform, notice="", by=operator)
    assert console(operator).get("/operator/").status_code == 200
    assert console(operator).get(detail_url(platform)).status_code == 200


def test_an_unknown_platform_is_a_404(console, operator):
    assert console(operator).get(reverse("operator:detail", args=[999_999])).status_code == 404
