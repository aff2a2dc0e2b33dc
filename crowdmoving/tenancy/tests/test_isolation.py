"""Isolation of platforms (issue 4, section 3): two platforms with look-alike data.

Platform A (alpha.example.org) and platform B (beta.example.org) both have "KRASS e.V." with the
slug krass-ev and the project "Kinder malen ihre Welt" with the task "Infostand besetzen";
Margit takes part on both; both have privacy texts, content pages, contact messages, team
messages, notifications, invitations, mails and audit entries. Everything that exists only on A
carries the word SENTINEL, which must never appear on B. The tests prove:

1. Every address of the codebase, filled with A's ids, tokens and slugs, is a 404 on B's host,
   GET and POST, for a visitor, A's organiser and A's administrator (both signed in on B's
   host) and B's administrator -- unless the answer is the one an object that exists nowhere
   gets (405 for a GET of a POST-only address, the sign-in page for a visitor), which tells
   nothing. A control proves that the same values do reach A's objects on A's host, so that
   the 404 on B is the host's doing. Only ``HOST_INDEPENDENT`` is exempt (with its reason);
   a new address is walked automatically, and one with a new kind of URL argument fails until
   its value is added to ``_platform_a``/``_platform_b`` and ``NOWHERE``.
2. No page, list, search, feed, export or mail of B shows anything of A: every address, filled
   with B's own ids, is fetched on B's host by everybody who might see it (GET with a search
   for A's words, and POST), and B's outbox is delivered and read. The pages that show a
   person their own data from every platform by design (``OWN_DATA_EVERYWHERE``) show nobody
   else's data of A. The hub lists A's projects only while A shows them in the network.
3. A's administrator has no rights on B (every /platform/ address is a 404 there); the operator
   console answers on the hub only.
4. A session does not carry over from A's host to B's host (tenancy.sessions).

The world is built once per module (in a transaction rolled back at the end); every request
runs in a savepoint that is rolled back, so that each meets the same data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.api.actions import create_token
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.core.tests.test_permissions import (
    POST_DATA,
    Address,
    all_addresses,
    is_sign_in,
    rolled_back,
)
from crowdmoving.core.text import render_markdown
from crowdmoving.notifications.api import unsubscribe_token
from crowdmoving.notifications.models import Kind, Notification, OutboxMessage
from crowdmoving.organisations import actions as organisation_actions
from crowdmoving.organisations.models import Membership, Role
from crowdmoving.pages.models import ContactMessage, ContentPage
from crowdmoving.privacy.actions import give_consent, publish_text
from crowdmoving.privacy.models import PrivacyText
from crowdmoving.projects import actions
from crowdmoving.projects.models import Project, Task
from crowdmoving.reach.models import Subscription
from crowdmoving.team import actions as team_actions
from crowdmoving.team.models import TeamMessage
from crowdmoving.tenancy import actions as tenancy_actions
from crowdmoving.tenancy.models import Domain, Platform, PlatformAdmin
from crowdmoving.tenancy.permissions import is_platform_admin

pytestmark = pytest.mark.django_db

A_HOST = "alpha.example.org"
B_HOST = "beta.example.org"
HUB_HOST = "localhost"
# On every object that exists only on platform A; never on any answer or mail of platform B.
SENTINEL = "Alphasentinel"
# What a search on B asks for: the title of A's project "Alphasentinel Sommerfest" without the
# sentinel itself, so that a search form repeating the question does not count as a leak.
QUERY = "Sommerfest"

# A's people who are on A only (their names also carry the sentinel). Pages that show a person
# their own data from every platform by design (OWN_DATA_EVERYWHERE) must not show these.
A_ONLY_PEOPLE = ("Edda", "edda@", "Gustav", "gustav@", "Conny", "ines@", "paul@")
OWN_DATA_EVERYWHERE: dict[str, str] = {
    "me:data": "'My data' shows the person's data from every platform (DSGVO, art. 15)",
    "me:data_download": "the person's export holds their data from every platform (art. 20)",
    "me:calendar_feed": "the person's calendar subscription lists their tasks on every "
    "platform, each linking to its own platform (accounts.views.calendar_feed)",
    "me:delete_account": "deleting the one account says what goes on every platform",
}

# Addresses that answer the same on every host, each with the reason.
HOST_INDEPENDENT: dict[str, str] = {
    "healthz": "the load balancer's liveness probe: no platform, 'ok' on any host",
    "readyz": "the load balancer's readiness probe: no platform, the same on any host",
}

# Addresses whose arguments belong to a person, not to a platform: one identity across the
# network, by design. On B they may answer (about B's data only): checked for leaks like the
# pages of B (test 2), not for a 404.
PERSONAL: dict[str, str] = {
    "account_confirm_email": "allauth's emailed key confirms the person's address",
    "account_reset_password_from_key": "allauth's emailed key resets the person's password",
    "me:calendar_feed": "the person's calendar token (see OWN_DATA_EVERYWHERE)",
    "me:delete_account_confirm": "the person's emailed deletion link: the account is one",
    "notifications:unsubscribe": "the person's signed unsubscribe link (their settings are one)",
}

# The control of test 1 needs a value that reaches an object on A; these cannot, with the reason.
NOT_REACHABLE_ON_A: dict[str, str] = {
    "projects:enter_code": "answers only with a held place in the visitor's session",
}


@dataclass
class Side:
    """One platform of the world and the values that fill its addresses' arguments."""

    platform: Platform
    host: str
    values: dict[Any, Any] = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side
    hub: Platform
    people: dict[str, User | None]


def build_world() -> World:
    hub = Platform.objects.filter(is_default=True).first() or f.PlatformFactory(
        name="Crowdmoving", slug="hub", is_default=True
    )
    a = f.PlatformFactory(
        name=f"{SENTINEL} Plattform",
        slug="alpha",
        tagline=f"{SENTINEL}-Slogan",
        email_sender_name=f"{SENTINEL} Absender",
        email_reply_to="antwort@alphasentinel.example",
        contact_email="kontakt@alphasentinel.example",
        primary_colour="#5a1e8c",
    )
    a_domain = f.DomainFactory(platform=a, domain=A_HOST)
    b = f.PlatformFactory(name="Beta Plattform", slug="beta", tagline="Gemeinsam anpacken")
    f.DomainFactory(platform=b, domain=B_HOST)

    # People who use both platforms carry no sentinel (B may show them): one identity.
    margit = f.UserFactory(email="margit@example.org", name="Margit Muster")
    a_organiser = f.UserFactory(email="anton@example.org", name="Anton Albers")
    a_admin = f.UserFactory(email="ada@example.org", name="Ada Admin")
    b_organiser = f.UserFactory(email="berta@example.org", name="Berta Beta")
    b_admin = f.UserFactory(email="bruno@example.org", name="Bruno Beta")
    operator = f.UserFactory(email="olga@example.org", name="Olga Operator", is_staff=True)
    # People only on A.
    a_editor = f.UserFactory(email="edda@alphasentinel.example", name=f"Edda {SENTINEL}")
    b_editor = f.UserFactory(email="emil@example.org", name="Emil Editor")

    from crowdmoving.conftest import with_authenticator_app

    for admin, platform in ((a_admin, a), (b_admin, b)):
        PlatformAdmin.objects.create(platform=platform, user=admin)
        with_authenticator_app(admin)
    with_authenticator_app(operator)

    a_values = _platform_a(a, a_domain, margit, a_organiser, a_admin, a_editor, operator)
    b_values = _platform_b(b, margit, b_organiser, b_admin, b_editor)

    # Everybody accepted both privacy texts, so that pages are answered rather than sent to
    # the acceptance page (which would hide what the page itself would show).
    everybody = [margit, a_organiser, a_admin, b_organiser, b_admin, a_editor, b_editor, operator]
    for platform in (a, b):
        latest = PrivacyText.objects.filter(platform=platform).order_by("-version").first()
        assert latest is not None
        for person in everybody:
            if not (platform == b and person == a_editor):  # Edda is on A only
                give_consent(person, latest, platform=platform)

    return World(
        a=Side(a, A_HOST, a_values),
        b=Side(b, B_HOST, b_values),
        hub=hub,
        people={
            "anonymous": None,
            "margit": margit,
            "a_organiser": a_organiser,
            "a_admin": a_admin,
            "b_organiser": b_organiser,
            "b_admin": b_admin,
            "operator": operator,
        },
    )


def _platform_a(  # noqa: PLR0913 - the people of the world
    a: Platform,
    a_domain: Domain,
    margit: User,
    organiser: User,
    admin: User,
    editor: User,
    operator: User,
) -> dict[Any, Any]:
    org = f.OrganisationFactory(
        platform=a, name="KRASS e.V.", slug="krass-ev", description=f"{SENTINEL} Verein"
    )
    own = f.OrganisationFactory(platform=a, name=f"{SENTINEL} Verein", slug="alpha-verein")
    f.MembershipFactory(organisation=org, user=organiser, role=Role.OWNER)
    f.MembershipFactory(organisation=own, user=organiser, role=Role.OWNER)
    waiting = f.OrganisationFactory(  # in the administrators' approval queue of A
        platform=a, name=f"{SENTINEL} wartet", slug="alpha-wartet", approval="pending"
    )
    f.MembershipFactory(organisation=waiting, user=organiser, role=Role.OWNER)
    member = f.MembershipFactory(organisation=org, user=editor, role=Role.EDITOR)
    story = f"Stell dir vor ... {SENTINEL}-Geschichte"
    project = f.ProjectFactory(
        organisation=org,
        title="Kinder malen ihre Welt",
        story=story,
        story_html=render_markdown(story),
        place=f"{SENTINEL}-Stadt",
        created_by=organiser,
    )
    task = f.TaskFactory(
        project=project,
        title="Infostand besetzen",
        description=f"{SENTINEL}-Aufgabe",
        location=f"{SENTINEL}-Markt",
        capacity=5,
    )
    f.ProjectFactory(organisation=org, title=f"{SENTINEL} Entwurf", status=Project.Status.DRAFT)
    f.ProjectFactory(
        organisation=org, title=f"{SENTINEL} Kreis", status=Project.Status.INNER_CIRCLE
    )
    fest = f.ProjectFactory(organisation=own, title=f"{SENTINEL} {QUERY}", created_by=organiser)
    cake = f.TaskFactory(project=fest, title=f"{SENTINEL} Kuchen backen", capacity=3)
    actions.take_task(task, margit)
    actions.take_task(cake, margit)
    held = actions.hold_task(task, name=f"Gustav {SENTINEL}", email="gustav@alphasentinel.example")
    team_actions.post_to_board(project, margit, f"{SENTINEL} Nachricht an das Team")
    team_actions.post_update(project, organiser, f"{SENTINEL} Neuigkeit")
    message = TeamMessage.objects.filter(project=project).order_by("pk").first()
    invitation = organisation_actions.invite(
        org, email="ines@alphasentinel.example", role=Role.EDITOR, by=organiser
    )
    admin_invitation = tenancy_actions.invite_admin(
        a, email="paul@alphasentinel.example", by=operator
    )
    publish_text(a, body=f"{SENTINEL} Datenschutz, Fassung 1", summary_of_changes="", by=admin)
    publish_text(
        a, body=f"{SENTINEL} Datenschutz, Fassung 2", summary_of_changes=f"{SENTINEL}", by=admin
    )
    for kind, slug in (("about", "about"), ("faq", "faq"), ("imprint", "impressum")):
        _page(a, kind, slug, f"{SENTINEL} {kind}")
    custom = _page(a, "custom", "alpha-seite", f"{SENTINEL} Seite")
    contact_message = ContactMessage.objects.create(
        platform=a,
        name=f"Conny {SENTINEL}",
        email="conny@alphasentinel.example",
        message=f"{SENTINEL} Nachricht über das Kontaktformular",
    )
    record(Action.SETTINGS_CHANGED, actor=admin, platform=a, target=a, fields=["tagline"])
    notification = Notification.objects.filter(platform=a, user=margit).order_by("pk").first()
    assert notification is not None
    alert = Subscription.objects.create(
        platform=a, email="ines@alphasentinel.example", kind="organisation", organisation=own
    )
    return {
        "alert_token": alert.token,
        "pk": project.pk,
        "task_id": task.pk,
        "slug": own.slug,  # exists only on A (krass-ev is on both: test 2 walks it on B)
        "organisation_id": waiting.pk,
        "secret": project.secret,
        "token": held.token,
        "notification_id": notification.pk,
        "member_id": member.pk,
        "invitation_id": invitation.pk,
        "invitation_token": invitation.token,
        "version": 2,  # B has only version 1
        "message_id": message.pk if message else 0,
        "admin_invitation_token": admin_invitation.token,
        "admin_invitation_id": admin_invitation.pk,
        "platform_id": a.pk,
        "domain_id": a_domain.pk,
        "admin_id": PlatformAdmin.objects.get(platform=a, user=admin).pk,
        # Margit's API access token on A (crowdmoving.api); its name must not show on B.
        "token_id": create_token(margit, a, name=f"{SENTINEL} Skript")[0].pk,
        "page_slug": custom.slug,
        "page_id": custom.pk,
        "contact_message_id": contact_message.pk,
        "kind": "custom",
        # The person's own (PERSONAL addresses): Margit's, who is on both platforms.
        "calendar_token": _calendar_token(margit),
        "deletion_token": "not-a-real-deletion-token",
        "key": "not-a-real-key",
        "uidb36": "1",
        ("notifications:unsubscribe", "token"): unsubscribe_token(margit, Kind.TEAM_MESSAGE),
    }


def _platform_b(
    b: Platform, margit: User, organiser: User, admin: User, editor: User
) -> dict[Any, Any]:
    org = f.OrganisationFactory(platform=b, name="KRASS e.V.", slug="krass-ev")
    f.MembershipFactory(organisation=org, user=organiser, role=Role.OWNER)
    member = f.MembershipFactory(organisation=org, user=editor, role=Role.EDITOR)
    project = f.ProjectFactory(
        organisation=org, title="Kinder malen ihre Welt", created_by=organiser
    )
    task = f.TaskFactory(project=project, title="Infostand besetzen", capacity=5)
    actions.take_task(task, margit)
    held = actions.hold_task(task, name="Gerd Gast", email="gerd@example.org")
    team_actions.post_to_board(project, margit, "Hallo Team")
    team_actions.post_update(project, organiser, "Es geht los")
    message = TeamMessage.objects.filter(project=project).order_by("pk").first()
    invitation = organisation_actions.invite(
        org, email="neu@example.org", role=Role.EDITOR, by=organiser
    )
    admin_invitation = tenancy_actions.invite_admin(b, email="piet@example.org", by=admin)
    publish_text(b, body="Datenschutz der Beta Plattform", summary_of_changes="", by=admin)
    for kind, slug in (("about", "about"), ("faq", "faq"), ("imprint", "impressum")):
        _page(b, kind, slug, f"Beta {kind}")
    custom = _page(b, "custom", "beta-seite", "Beta Seite")
    contact_message = ContactMessage.objects.create(
        platform=b, name="Clara Kontakt", email="clara@example.org", message="Frage an Beta"
    )
    notification = Notification.objects.filter(platform=b, user=margit).order_by("pk").first()
    assert notification is not None
    alert = Subscription.objects.create(
        platform=b, email="clara@example.org", kind="category", category="children"
    )
    return {
        "alert_token": alert.token,
        "pk": project.pk,
        "task_id": task.pk,
        "slug": org.slug,  # krass-ev, the same slug as A's look-alike
        "organisation_id": org.pk,
        "secret": project.secret,
        "token": held.token,
        "notification_id": notification.pk,
        "member_id": member.pk,
        "invitation_id": invitation.pk,
        "invitation_token": invitation.token,
        "version": 1,
        "message_id": message.pk if message else 0,
        "admin_invitation_token": admin_invitation.token,
        "admin_invitation_id": admin_invitation.pk,
        "platform_id": b.pk,
        "domain_id": Domain.objects.get(platform=b).pk,
        "admin_id": PlatformAdmin.objects.get(platform=b, user=admin).pk,
        "token_id": create_token(margit, b, name="Beta Skript")[0].pk,
        "page_slug": custom.slug,
        "page_id": custom.pk,
        "contact_message_id": contact_message.pk,
        "kind": "custom",
        "calendar_token": _calendar_token(margit),
        "deletion_token": "not-a-real-deletion-token",
        "key": "not-a-real-key",
        "uidb36": "1",
        ("notifications:unsubscribe", "token"): unsubscribe_token(margit, Kind.TEAM_MESSAGE),
    }


def _page(platform: Platform, kind: str, slug: str, title: str) -> ContentPage:
    body = f"{title}: Beispieltext."
    return ContentPage.objects.create(
        platform=platform,
        kind=kind,
        slug=slug,
        title=title,
        body=body,
        body_html=render_markdown(body),
    )


def _calendar_token(user: User) -> str:
    if not user.calendar_token:
        User.objects.filter(pk=user.pk).update(calendar_token=f"calendar-{user.pk}-token")
        user.refresh_from_db()
    return user.calendar_token


# What an object that exists nowhere puts into an address: the answer an address gives for it
# is the answer that tells nothing.
NOWHERE: dict[str, Any] = {
    "pk": 999_999,
    "task_id": 999_999,
    "slug": "nowhere",
    "organisation_id": 999_999,
    "secret": "nowhere",
    "token": "nowhere",
    "notification_id": 999_999,
    "member_id": 999_999,
    "invitation_id": 999_999,
    "invitation_token": "nowhere",
    "version": 999,
    "message_id": 999_999,
    "admin_invitation_token": "nowhere",
    "admin_invitation_id": 999_999,
    "platform_id": 999_999,
    "domain_id": 999_999,
    "admin_id": 999_999,
    "token_id": 999_999,
    "page_slug": "nowhere",
    "page_id": 999_999,
    "contact_message_id": 999_999,
    "kind": "custom",
    "alert_token": "nowhere",
}


def url_for(address: Address, values: dict[Any, Any]) -> str:
    kwargs = {}
    for param in address.params:
        key: Any = (address.name, param)
        if key not in values:
            key = param
        assert key in values, (
            f"{address.name}: no value for the URL argument {param!r}: add it to "
            "_platform_a/_platform_b (and NOWHERE) in test_isolation.py"
        )
        kwargs[param] = values[key]
    return reverse(address.name, kwargs=kwargs)


def addresses() -> list[Address]:
    return [a for a in all_addresses()[0] if a.name not in HOST_INDEPENDENT]


def by_object(address: Address) -> bool:
    """The address names an object of a platform (rather than nothing, or a person)."""
    return bool(address.params) and address.name not in PERSONAL


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), scopes_disabled(), transaction.atomic():
        mail.outbox = []
        built = build_world()
        yield built
        transaction.set_rollback(True)


class Asker:
    """A browser per (host, persona) that keeps its cookies from request to request (the
    session a rolled-back request changed is restored with them)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.clients: dict[tuple[str, str], Client] = {}

    def client(self, host: str, persona: str) -> Client:
        if (host, persona) not in self.clients:
            browser = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="en")
            user = self.world.people[persona]
            if user is not None:
                browser.force_login(user)
            self.clients[host, persona] = browser
        return self.clients[host, persona]

    def __call__(self, host: str, persona: str, method: str, url: str, name: str) -> Any:
        browser = self.client(host, persona)
        cookies = deepcopy(browser.cookies)
        try:
            with rolled_back():
                if method == "GET":
                    return browser.get(url, {"q": QUERY})
                return browser.post(url, POST_DATA.get(name, {}))
        except Exception as error:  # noqa: BLE001 - a crash is an answer, reported by the caller
            return error
        finally:
            browser.cookies = cookies


def describe(response: Any) -> str:
    if isinstance(response, Exception):
        return f"500 ({type(response).__name__}: {response})"
    if is_sign_in(response):
        return "login"
    if response.status_code in (301, 302):
        return f"{response.status_code} -> {re.sub(r'[?].*', '', response['Location'])}"
    return str(response.status_code)


def leaks(response: Any, words: tuple[str, ...] = (SENTINEL,)) -> list[str]:
    """The text of A that the answer shows (body, headers such as a file name)."""
    if isinstance(response, Exception):
        return []
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", "replace") + " ".join(str(v) for v in response.headers.values())
    pattern = "|".join(re.escape(word) for word in words)
    found = [
        text[max(0, match.start() - 60) : match.end() + 60].replace("\n", " ")
        for match in re.finditer(pattern, text, flags=re.IGNORECASE)
    ]
    return found[:3]


# --- 1. A's addresses on B's host --------------------------------------------------------------

STRANGERS_ON_B = ("anonymous", "a_organiser", "a_admin", "b_admin")


def test_every_address_of_a_is_a_404_on_bs_host(world):
    ask = Asker(world)
    problems = []
    walked = 0
    for address in addresses():
        if not by_object(address):
            continue
        url = url_for(address, world.a.values)
        nowhere = url_for(address, {**world.a.values, **NOWHERE})
        for persona in STRANGERS_ON_B:
            for method in ("GET", "POST"):
                walked += 1
                response = ask(B_HOST, persona, method, url, address.name)
                got = describe(response)
                if got != "404":
                    # 401: the JSON API without a token (crowdmoving.api), before any lookup.
                    tells_nothing = got in ("405", "login", "401") and got == describe(
                        ask(B_HOST, persona, method, nowhere, address.name)
                    )
                    if not tells_nothing:
                        problems.append(f"{method} {url} ({address.name}) as {persona}: {got}")
                for text in leaks(response):
                    problems.append(f"{method} {url} as {persona} shows {text!r}")
    assert walked > 100
    assert not problems, "A's objects answer on B's host:\n" + "\n".join(problems)


def test_the_values_of_a_reach_as_objects_on_as_host(world):
    """The control of the test above: every address filled with A's values reaches an object
    on A's host for somebody (the operator console on the hub), so that B's 404 is the host's."""
    ask = Asker(world)
    askers = [(A_HOST, p) for p in ("a_organiser", "a_admin", "margit", "anonymous")]
    problems = []
    for address in addresses():
        if not by_object(address) or address.name in NOT_REACHABLE_ON_A:
            continue
        url = url_for(address, world.a.values)
        hosts = [(HUB_HOST, "operator")] if address.name.startswith("operator:") else askers
        answers = []
        for host, persona in hosts:
            for method in ("GET", "POST"):
                answers.append(describe(ask(host, persona, method, url, address.name)))
                if answers[-1] not in ("404", "405"):
                    break
            if answers[-1] not in ("404", "405"):
                break
        else:
            problems.append(f"{address.name} ({url}): {answers}")
    assert not problems, "these values reach nothing on A, so B's 404 proves nothing:\n" + (
        "\n".join(problems)
    )


def test_the_lists_name_only_addresses_that_exist():
    names = {address.name for address in all_addresses()[0]}
    lists = (HOST_INDEPENDENT, PERSONAL, NOT_REACHABLE_ON_A, OWN_DATA_EVERYWHERE)
    for listed in (*lists, TOKEN_IS_THE_PERMISSION):
        assert sorted(set(listed) - names) == []


def test_the_host_independent_addresses_read_no_platform(world):
    for name in HOST_INDEPENDENT:
        for host in (A_HOST, B_HOST, "unknown.example.org"):
            response = Client(HTTP_HOST=host).get(reverse(name))
            assert response.status_code == 200, (name, host)
            assert leaks(response) == []


# --- 2. nothing of A on any page, feed, export or mail of B ------------------------------------

# Who reads B's pages, and who also sends B's forms (B's administrator: the administration's
# forms only). A's organiser reads the pages without arguments (their lists, their tasks, their
# organisations); B's objects are a 404 for them like for any stranger. A's administrator on B:
# test 3.
READERS_ON_B = ("anonymous", "margit", "b_organiser", "b_admin", "a_organiser")
WRITERS_ON_B = ("margit", "b_organiser")
# Pages that must answer 200 in the walk below (else the walk may have missed them).
MUST_ANSWER_ON_B = [
    ("projects:home", "anonymous"),
    ("projects:directory", "anonymous"),
    ("projects:detail", "anonymous"),
    ("projects:detail", "margit"),
    ("sharing:task", "anonymous"),
    ("sharing:poster", "anonymous"),
    ("sharing:project_qr", "anonymous"),
    ("projects:confirm", "anonymous"),
    ("me:tasks", "margit"),
    ("me:calendar_feed", "anonymous"),
    ("me:task_ics", "margit"),
    ("me:data", "margit"),
    ("me:tokens", "margit"),  # Margit's token on A is named with the sentinel
    ("api-v1:project", "anonymous"),
    ("api-v1:list_projects", "anonymous"),
    ("notifications:index", "margit"),
    ("team:index", "margit"),
    ("manage:index", "b_organiser"),
    ("manage:organisation", "b_organiser"),
    ("manage:members", "b_organiser"),
    ("manage:project", "b_organiser"),
    ("manage:supporters_csv", "b_organiser"),
    ("manage:attendance", "b_organiser"),
    ("privacy:current", "anonymous"),
    ("privacy:version", "anonymous"),
    ("privacy:consents", "margit"),
    ("platform:home", "b_admin"),
    ("audit:log", "b_admin"),
    ("feeds:projects", "anonymous"),
    ("feeds:organisation", "anonymous"),
    ("feeds:project_calendar", "anonymous"),
    ("feeds:sitemap", "anonymous"),
    ("feeds:sitemap_pages", "anonymous"),
    ("feeds:sitemap_projects", "anonymous"),
    ("feeds:robots", "anonymous"),
    ("alerts:new", "anonymous"),
    ("alerts:confirm", "anonymous"),
    ("alerts:unsubscribe", "anonymous"),
    ("alerts:mine", "margit"),
]


def test_no_page_feed_or_export_of_b_shows_anything_of_a(world):
    ask = Asker(world)
    problems = []
    answers: dict[tuple[str, str], str] = {}
    for address in addresses():
        url = url_for(address, world.b.values)
        for persona in READERS_ON_B:
            if persona == "a_organiser" and address.params:
                continue
            writes = persona in WRITERS_ON_B or (persona == "b_admin" and "/platform/" in url)
            for method in ("GET", "POST") if writes else ("GET",):
                response = ask(B_HOST, persona, method, url, address.name)
                got = describe(response)
                if method == "GET":
                    answers[address.name, persona] = got
                if got.startswith("500"):
                    problems.append(f"{method} {url} as {persona}: {got}")
                if address.name in OWN_DATA_EVERYWHERE:
                    found = leaks(response, A_ONLY_PEOPLE)
                else:
                    found = leaks(response)
                for text in found:
                    problems.append(f"{method} {url} ({address.name}) as {persona}: {text!r}")
    missed = [
        f"{name} as {persona}: {answers.get((name, persona))}"
        for name, persona in MUST_ANSWER_ON_B
        if answers.get((name, persona)) != "200"
    ]
    assert not missed, "the walk did not reach these pages of B:\n" + "\n".join(missed)
    assert not problems, "B shows A's data:\n" + "\n".join(problems)


def test_the_walk_would_see_a_leak(world):
    """The control of the test above: the same pages on A's host show the sentinel."""
    ask = Asker(world)
    home = ask(A_HOST, "anonymous", "GET", reverse("projects:home"), "projects:home")
    tasks = ask(A_HOST, "margit", "GET", reverse("me:tasks"), "me:tasks")
    assert leaks(home) and leaks(tasks)


def test_no_mail_of_b_mentions_anything_of_a(world):
    """B's outbox (confirmations, organisers' notes, invitations, team messages), delivered as
    the worker delivers it: subject, text, HTML, sender and reply-to of each mail of B."""
    from crowdmoving.notifications.outbox import deliver_due

    mail.outbox = []
    deliver_due()
    rows = list(OutboxMessage.objects.filter(platform=world.b.platform))
    assert len(rows) >= 6, [row.subject for row in rows]
    problems = []
    for row in rows:
        sent = [m for m in mail.outbox if m.to == [row.to] and m.body == row.body]
        assert len(sent) == 1, f"{row.subject!r} to {row.to} was not delivered once"
        message = sent[0]
        parts = [message.subject, message.body, message.from_email, *message.reply_to]
        parts += [str(content) for content, _type in getattr(message, "alternatives", [])]
        parts += [str(v) for v in message.extra_headers.values()]
        parts += [str(attachment) for attachment in message.attachments]
        if SENTINEL.lower() in "\n".join(parts).lower():
            problems.append(f"to {message.to} {message.subject!r}")
    assert not problems, "mails of B mention A:\n" + "\n".join(problems)
    # The control: A's mails do name A (its sender name, its texts).
    a_bodies = {row.body for row in OutboxMessage.objects.filter(platform=world.a.platform)}
    a_mails = [m for m in mail.outbox if m.body in a_bodies]
    assert a_mails and all(SENTINEL in m.from_email for m in a_mails)


def test_the_hubs_search_finds_a_only_while_a_shows_its_projects_in_the_network(world):
    """The hub lists other platforms' public projects on purpose; a platform that opts out is
    not found there, not even by its own words. (The hub's search is its directory; its home
    page sends a search there.)"""
    ask = Asker(world)
    url = reverse("projects:directory")
    Platform.objects.filter(pk=world.a.platform.pk).update(show_in_network=False)
    assert leaks(ask(HUB_HOST, "anonymous", "GET", url, "projects:directory")) == []
    Platform.objects.filter(pk=world.a.platform.pk).update(show_in_network=True)
    found = ask(HUB_HOST, "anonymous", "GET", url, "projects:directory").content.decode()
    assert f"{SENTINEL} {QUERY}" in found  # the control: listed, ...
    assert f"http://{A_HOST}/projects/" in found  # ... and opening on A's own host


# --- 3. A's administrator on B, and the operator console ---------------------------------------


# B's own addresses that anybody with the emailed link may open (checked with A's values only).
TOKEN_IS_THE_PERMISSION = {
    "platform:invitation_accept": "the emailed invitation to administer B: whoever has the link "
    "sees it and may sign in to accept it (tenancy.views.invitation_accept)",
}


def test_as_administrator_has_no_rights_on_b(world):
    ask = Asker(world)
    assert not is_platform_admin(world.people["a_admin"], world.b.platform)
    problems = []
    checked = 0
    for address in addresses():
        for values in (world.a.values, world.b.values):
            url = url_for(address, values)
            if not url.startswith(("/platform/", "/operator/")):
                continue
            if values is world.b.values and address.name in TOKEN_IS_THE_PERMISSION:
                continue
            nowhere = url_for(address, {**values, **NOWHERE})
            for method in ("GET", "POST"):
                checked += 1
                got = describe(ask(B_HOST, "a_admin", method, url, address.name))
                if got == "405" and got == describe(
                    ask(B_HOST, "a_admin", method, nowhere, address.name)
                ):
                    continue  # a GET of a POST-only address (or the reverse), before any lookup
                if got != "404":
                    problems.append(f"{method} {url} as A's administrator on B: {got}")
    assert checked >= 8
    assert not problems, "\n".join(problems)
    # The control: on A's host the same person administers A.
    assert describe(ask(A_HOST, "a_admin", "GET", reverse("platform:home"), "")) == "200"


def test_the_operator_console_answers_on_the_hub_only(world):
    ask = Asker(world)
    url = reverse("operator:detail", args=[world.a.platform.pk])
    assert describe(ask(HUB_HOST, "operator", "GET", url, "operator:detail")) == "200"
    for host in (A_HOST, B_HOST):
        for name in ("operator:index", "operator:detail"):
            address = next(a for a in addresses() if a.name == name)
            got = describe(ask(host, "operator", "GET", url_for(address, world.a.values), name))
            assert got == "404", (host, name, got)


# --- 4. sessions are per host ----------------------------------------------------------------


def test_a_session_of_as_host_is_anonymous_on_bs_host(world):
    """Browsers keep cookies per host; the server must not honour a session of A's host on B's
    either (a shared cookie domain, a copied cookie): on B the same cookie is a visitor."""
    browser = Client(HTTP_HOST=A_HOST, HTTP_ACCEPT_LANGUAGE="en")
    signed_in = browser.post(
        reverse("account_login"),
        {"login": world.people["a_organiser"].email, "password": "correct horse battery"},
    )
    assert signed_in.status_code == 302, signed_in.content.decode()[:500]
    assert browser.get(reverse("me:tasks")).status_code == 200
    on_b = browser.get(reverse("me:tasks"), HTTP_HOST=B_HOST)
    assert is_sign_in(on_b), describe(on_b)
    assert is_sign_in(browser.get(reverse("manage:index"), HTTP_HOST=B_HOST))
    # The visit to B signed nobody out of A.
    assert browser.get(reverse("me:tasks")).status_code == 200


def test_signing_in_on_b_is_independent_of_a(world):
    """The same person signs in on both hosts: two sessions, each bound to its platform."""
    browser = Client(HTTP_HOST=B_HOST, HTTP_ACCEPT_LANGUAGE="en")
    data = {"login": world.people["margit"].email, "password": "correct horse battery"}
    assert browser.post(reverse("account_login"), data).status_code == 302
    assert browser.get(reverse("me:tasks")).status_code == 200
    assert is_sign_in(browser.get(reverse("me:tasks"), HTTP_HOST=A_HOST))
    assert browser.get(reverse("me:tasks")).status_code == 200


def test_membership_of_a_gives_nothing_on_b(world):
    """The people's rows themselves: A's organiser is a member of A's organisations only."""
    organiser = world.people["a_organiser"]
    platforms = set(
        Membership.objects.filter(user=organiser).values_list(
            "organisation__platform_id", flat=True
        )
    )
    assert platforms == {world.a.platform.pk}
    assert not Task.objects.filter(project__organisation__platform=world.b.platform).filter(
        title__icontains=SENTINEL
    )
