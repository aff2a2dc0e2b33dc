"""The permission matrix of Crowdmoving, and the findings of its security review.

A. Every address is public on purpose (PUBLIC names the reason) or needs a sign-in: an anonymous
   visitor is sent to the sign-in page or gets a 404. A new address on neither list fails.
B. Who gets what from each address of this codebase (projects:*, manage:*, me:*), per method and
   persona, is the table MATRIX. The second platform's people never reach the first platform's
   objects, no cell is a 500, and pages leak no email, draft or foreign data to those who may
   not see it.
C. Every POST needs the CSRF token.
D. Findings of the review, each with the test that showed it.

Each matrix cell runs in a savepoint that is rolled back, so that every cell meets the same data
(a removed task or a renewed secret does not change the next cell's answer).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.api.actions import create_token
from crowdmoving.api.models import AccessToken
from crowdmoving.notifications.models import Notification
from crowdmoving.organisations.models import Invitation, Membership
from crowdmoving.pages.models import ContactMessage, ContentPage
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Project, Task
from crowdmoving.reach.models import Subscription
from crowdmoving.team.models import TeamMessage
from crowdmoving.tenancy.models import Domain, PlatformAdmin, PlatformInvitation

pytestmark = pytest.mark.django_db

FIRST = "krass.example.org"
SECOND = "andere.example.org"
HUB = "testserver"  # a fixed host of the hub (DEFAULT_PLATFORM_HOSTS in the test settings)
ADMIN_INVITATION = "admin-invitation-token"  # world(): an invitation to administer FIRST
WORLD_PAGE = "ueber-uns"  # world(): the first platform's about page
ALERT_TOKEN = "alert-token"  # world(): an email alert on the first platform (reach)


# --- A. public on purpose, or behind the sign-in --------------------------------------------

PUBLIC: dict[str, str] = {
    "projects:home": "the platform's list of public projects",
    "projects:directory": "the directory of public projects with search and filters",
    "projects:detail": "a project page; access_project shows drafts only to members (else 404)",
    "projects:secret_link": "the inner circle's link: knowing the secret is the permission",
    "projects:hold": "a visitor without an account holds a place with name and email",
    "projects:enter_code": "the visitor types the mailed code; the held place is in the session",
    "projects:confirm": "the emailed confirmation link: the signed token is the permission",
    "projects:embed": "a public project's task list in a frame on the organisation's website",
    "projects:embed_hold": "a visitor holds a place from inside that frame (signed form token)",
    "projects:embed_script": "the sizing script for websites with the frame (static, no data)",
    "set_language": "the language switch",
    "account_login": "signing in",
    "account_signup": "signing up",
    "account_logout": "signing out (a signed-out visitor is just sent home)",
    "account_inactive": "allauth's notice for a deactivated account",
    "account_email_verification_sent": "allauth's 'we sent you a mail' notice",
    "account_confirm_email": "the emailed address confirmation: the key is the permission",
    "account_reset_password": "asking for a password reset",
    "account_reset_password_done": "allauth's 'reset mail sent' notice",
    "account_reset_password_from_key": "the emailed reset link: the key is the permission",
    "account_reset_password_from_key_done": "allauth's 'password changed' notice",
    "account_request_login_code": "asking for a sign-in code",
    "account_confirm_login_code": "typing the sign-in code (needs a pending sign-in)",
    # The second step of signing in: the person is not signed in yet (their password or code
    # was right), so it cannot need a sign-in; without a pending sign-in in the session it
    # sends to the sign-in page. The other mfa_* pages need a sign-in (part A checks it).
    "mfa_authenticate": "typing the authenticator or recovery code after the password",
    "notifications:unsubscribe": "the link in every email: the signed token is the permission",
    "manage:invitation_accept": "the emailed invitation: shows it, asks to sign in to accept",
    "me:calendar_feed": "a calendar app subscribes: the secret token is the permission",
    "me:task_ics": "a task's calendar file, for whoever may see its project (access_project)",
    "me:delete_account_confirm": "the emailed deletion link: explains a bad link to anyone; "
    "deleting needs the signed-in person it was sent to",
    "me:account_deleted": "the notice after deleting one's account (signed out by then)",
    "healthz": "the load balancer's liveness probe: 'ok', nothing else",
    "readyz": "the load balancer's readiness probe: which part fails, no details",
    "privacy:current": "the platform's privacy policy, linked in every page's footer",
    "privacy:version": "an earlier version of the privacy policy, public like the current one",
    "platform:invitation_accept": "the emailed invitation to administer the platform: shows it, "
    "asks to sign in to accept",
    "platform_css": "the platform's colours as CSS, linked from every page (no personal data)",
    "contact:form": "every platform's contact page (a honeypot and a rate limit stop robots)",
    "contact:sent": "the confirmation after sending a contact message",
    "pages:page": "a platform's own page (about, FAQ, imprint ...), linked in its navigation",
    "pages:imprint": "the imprint's stable address, linked in every page's footer",
    "sharing:task": "a task's own page (its card, preview, share links), for whoever may see "
    "its project (access_project)",
    "sharing:project_qr": "the QR code of a public or inner-circle project, for whoever may see it",
    "sharing:task_qr": "the QR code of a task's page, for whoever may see its project",
    "sharing:poster": "the printable poster of a public or inner-circle project, for whoever may "
    "see it",
    "sharing:project_mastodon": "asks for a Mastodon server, then redirects to its share page",
    "sharing:task_mastodon": "the same for a task",
    "feeds:projects": "the Atom feed of the platform's public projects (reach.feeds)",
    "feeds:organisation": "the Atom feed of one organisation's public projects (404 elsewhere)",
    "feeds:project_calendar": "a project's dated tasks as iCalendar, for whoever may see the "
    "project (access_project)",
    "feeds:sitemap": "the sitemap index for search engines: public pages and projects only",
    "feeds:sitemap_pages": "the sitemap of the platform's public pages",
    "feeds:sitemap_projects": "the sitemap of the platform's public projects",
    "feeds:robots": "robots.txt for search engines",
    "alerts:new": "asking for an email alert (double opt-in; a honeypot and a rate limit stop "
    "robots)",
    "alerts:sent": "the 'check your inbox' notice after asking for an email alert",
    "alerts:confirm": "an alert's emailed confirmation link: the token is the permission",
    "alerts:unsubscribe": "the stop link of every alert mail (and its RFC 8058 one-click "
    "header): the token is the permission",
}

# The JSON API (crowdmoving.api) takes personal access tokens, never the session cookie: its
# addresses answer 401 without a token (not the sign-in page), need no CSRF token (a cookie is
# no way in; crowdmoving/api/tests/test_api_permissions.py shows that a signed-in browser is
# anonymous there), and have their own matrix of every operation and caller in that file.
API_ADDRESSES: dict[str, str] = {
    "api_not_found": "any other address under /api/: a JSON 404",
}


def is_api(name: str) -> bool:
    return name.startswith("api-v1:") or name in API_ADDRESSES


@dataclass(frozen=True)
class Address:
    name: str  # with its namespace, e.g. "projects:detail"
    params: tuple[str, ...]  # the names of its URL arguments


@cache
def all_addresses() -> tuple[list[Address], list[str]]:
    """Every named URL pattern, and a description of every unnamed one."""
    named: list[Address] = []
    unnamed: list[str] = []

    def walk(resolver: URLResolver, namespace: str, prefix: str, params: tuple[str, ...]) -> None:
        for entry in resolver.url_patterns:
            here = params + tuple(entry.pattern.regex.groupindex)
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, inner, route, here)
            elif isinstance(entry, URLPattern):
                if entry.name:
                    named.append(Address(f"{namespace}{entry.name}", here))
                else:
                    unnamed.append(route)

    walk(get_resolver(), "", "", ())
    return named, unnamed


@contextmanager
def rolled_back() -> Iterator[None]:
    """A savepoint that is always rolled back: the next request meets the same data."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def is_sign_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# --- the world every cell meets ---------------------------------------------------------------


@dataclass
class World:
    project: Project  # public, with `task`
    task: Task
    draft: Project  # a second project, in draft, with `draft_task`
    draft_task: Task
    slug: str
    token: str  # the emailed link of a held place (actions.hold_task)
    people: dict[str, User | None]  # persona -> user
    anonymous_supporter: User  # took the task, chose to stay anonymous
    invitation: Invitation | None = None  # an open invitation to the first organisation
    message: TeamMessage | None = None  # a message on the project's team board

    def kwargs(self, params: tuple[str, ...], variant: str = "") -> dict[str, Any]:
        draft = variant == "draft"
        project = self.draft if draft else self.project
        task = self.draft_task if draft else self.task
        values: dict[str, Any] = {
            "pk": project.pk,
            "task_id": task.pk,
            "slug": self.slug,
            "secret": project.secret,
            "token": self.token,
            # allauth's emailed keys: any value reaches the view (which refuses it)
            "key": "not-a-real-key",
            "uidb36": "1",
            "notification_id": Notification.objects.filter(user=self.people["volunteer"])
            .values_list("pk", flat=True)
            .first(),
            "member_id": Membership.objects.get(user=self.people["editor"]).pk,
            "invitation_id": self.invitation.pk if self.invitation else 0,
            "invitation_token": self.invitation.token if self.invitation else "",
            "calendar_token": "not-a-real-calendar-token",
            "deletion_token": "not-a-real-deletion-token",
            "version": 1,  # privacy:version; the world has no privacy text, so a 404
            "message_id": self.message.pk if self.message else 0,
            # The operator console (part B3) works on the first platform; its invitation to
            # administer it (made in world()) is platform:invitation_accept's.
            "platform_id": self.project.organisation.platform_id,
            "domain_id": Domain.objects.get(domain=FIRST).pk,
            "admin_id": PlatformAdmin.objects.get(user=self.people["platform_admin"]).pk,
            "admin_invitation_id": PlatformInvitation.objects.get(token=ADMIN_INVITATION).pk,
            "admin_invitation_token": ADMIN_INVITATION,
            # Content pages and the approval of organisations: world() made the page.
            "page_slug": WORLD_PAGE,
            "page_id": ContentPage.objects.get(slug=WORLD_PAGE).pk,
            # world(): a message through the first platform's contact form (its inbox).
            "contact_message_id": ContactMessage.objects.values_list("pk", flat=True).first(),
            "organisation_id": self.project.organisation_id,
            "alert_token": ALERT_TOKEN,
            # world(): Margit's API access token (crowdmoving.api).
            "token_id": AccessToken.objects.filter(user=self.people["volunteer"])
            .values_list("pk", flat=True)
            .first(),
        }
        missing = [p for p in params if p not in values]
        assert not missing, f"no test value for the URL argument(s) {missing}: add it to kwargs()"
        return {p: values[p] for p in params}


@pytest.fixture
def world(
    organisation,
    organiser,
    coordinator,
    editor,
    volunteer,
    outsider,
    foreign_organiser,
    project,
    task,
    platform_admin,
    operator,
) -> World:
    Task.objects.filter(pk=task.pk).update(capacity=5)
    task.refresh_from_db()
    draft = f.ProjectFactory(
        organisation=organisation, title="Geheimer Entwurf", status=Project.Status.DRAFT
    )
    draft_task = f.TaskFactory(project=draft, title="Entwurfsaufgabe")
    actions.take_task(task, volunteer)
    hidden = f.UserFactory(
        email="anke@example.org", name="Anke Anonymverborgen", visibility="anonymous"
    )
    actions.take_task(task, hidden)
    held = actions.hold_task(task, name="Gerda Gast", email="gerda@example.org")
    PlatformInvitation.objects.create(
        platform=organisation.platform, email="verwaltung@example.org", token=ADMIN_INVITATION
    )
    ContentPage.objects.create(
        platform=organisation.platform,
        kind=ContentPage.Kind.ABOUT,
        slug=WORLD_PAGE,
        title="Über uns",
        body="Wir sind krass.",
        body_html="<p>Wir sind krass.</p>",
    )
    create_token(volunteer, organisation.platform, name="Mein Skript")
    ContactMessage.objects.create(
        platform=organisation.platform,
        name="Rosa Rotkehlchen",
        email="rosa@example.net",
        message="Wie kann ich helfen?",
    )
    Subscription.objects.create(
        platform=organisation.platform,
        email="alarm@example.org",
        kind=Subscription.Kind.CATEGORY,
        category=Project.Category.CHILDREN,
        token=ALERT_TOKEN,
    )
    return World(
        project=project,
        task=task,
        draft=draft,
        draft_task=draft_task,
        slug=organisation.slug,
        token=held.token,
        people={
            "anonymous": None,
            "volunteer": volunteer,
            "editor": editor,
            "coordinator": coordinator,
            "owner": organiser,
            "outsider": outsider,
            "foreign": foreign_organiser,
            "owner@foreign": organiser,
            # The people who run platforms: ADMIN_MATRIX_TABLE (part B2).
            "platform_admin": platform_admin,
            "operator": operator,
            "admin@foreign": platform_admin,
            "foreign_admin": administrator_of_the_second_platform(),
            # On the hub, where the operator console lives: OPERATOR_MATRIX_TABLE (part B3).
            "anonymous@hub": None,
            "owner@hub": organiser,
            "admin@hub": platform_admin,
            "operator@hub": operator,
        },
        anonymous_supporter=hidden,
        invitation=Invitation.objects.create(
            organisation=organisation, email="eingeladen@example.org", token="invitation-token"
        ),
        message=TeamMessage.objects.create(
            project=project, author=volunteer, kind=TeamMessage.Kind.BOARD, body="Hallo Team"
        ),
    )


def test_every_address_is_public_on_purpose_or_needs_a_sign_in(world):
    named, unnamed = all_addresses()
    problems = [f"{route}: every address needs a name" for route in unnamed]
    for address in named:
        if address.name in PUBLIC or is_api(address.name):
            continue
        url = reverse(address.name, kwargs=world.kwargs(address.params))
        with rolled_back():
            browser = Client(HTTP_HOST=FIRST)
            response = browser.get(url)
            if response.status_code == 405:  # POST only: the POST must need the sign-in
                response = browser.post(url)
        if not (is_sign_in(response) or response.status_code == 404):
            problems.append(
                f"{address.name} ({url}) answers an anonymous visitor with "
                f"{response.status_code}: make it need a sign-in, or add it to PUBLIC with the "
                "reason it is public"
            )
    assert not problems, "\n".join(problems)


def test_the_public_list_names_only_addresses_that_exist():
    names = {address.name for address in all_addresses()[0]}
    assert sorted(set(PUBLIC) - names) == []


# --- B. the matrix ----------------------------------------------------------------------------

PERSONAS: dict[str, str] = {
    "anonymous": FIRST,
    "volunteer": FIRST,  # Margit, who took the task (her commitment is the one to withdraw)
    "editor": FIRST,
    "coordinator": FIRST,
    "owner": FIRST,  # Claudia
    "outsider": FIRST,  # owner of another organisation on the same platform
    "foreign": SECOND,  # owner of a look-alike "krass-ev" on the second platform
    "owner@foreign": SECOND,  # Claudia, asking for her own objects on the second host
}
FOREIGN = ("foreign", "owner@foreign")

# login = a redirect to the sign-in page; 302 = any other redirect. A row "x[draft]" asks for
# the draft project (and its task) instead of the public one.
#
# Why the foreign columns are not all 404:
# - GET on a POST-only address is 405 for everybody, before anything is looked up (the test
#   below shows that an id that exists nowhere gets the same 405), so it reveals nothing.
# - Addresses without arguments (home, my tasks, ...) show the second platform's own pages.
# - "foreign" owns a look-alike organisation with the same slug "krass-ev" on the second
#   platform, so slug addresses give them their own organisation; the leak check below makes
#   sure nothing of the first platform is on those pages.
MATRIX_TABLE = """
address                     method  anonymous volunteer editor coordinator owner outsider foreign owner@foreign
projects:home               GET     200       200       200    200         200   200      200     200
projects:home               POST    200       200       200    200         200   200      200     200
projects:directory          GET     200       200       200    200         200   200      200     200
projects:directory          POST    405       405       405    405         405   405      405     405
projects:detail             GET     200       200       200    200         200   200      404     404
projects:detail             POST    200       200       200    200         200   200      404     404
projects:detail[draft]      GET     404       404       200    200         200   404      404     404
projects:detail[draft]      POST    404       404       200    200         200   404      404     404
projects:secret_link        GET     302       302       302    302         302   302      404     404
projects:secret_link        POST    302       302       302    302         302   302      404     404
projects:take               GET     405       405       405    405         405   405      405     405
projects:take               POST    login     302       302    302         302   302      404     404
projects:take[draft]        GET     405       405       405    405         405   405      405     405
projects:take[draft]        POST    404       404       302    302         302   404      404     404
projects:hold               GET     200       302       302    302         302   302      404     404
projects:hold               POST    302       302       302    302         302   302      404     404
projects:enter_code         GET     404       404       404    404         404   404      404     404
projects:enter_code         POST    404       404       404    404         404   404      404     404
projects:wait               GET     405       405       405    405         405   405      405     405
projects:wait               POST    login     302       302    302         302   302      404     404
projects:withdraw           GET     405       405       405    405         405   405      405     405
projects:withdraw           POST    login     302       404    404         404   404      404     404
projects:confirm            GET     200       200       200    200         200   200      404     404
projects:confirm            POST    302       302       302    302         302   302      404     404
projects:embed              GET     200       200       200    200         200   200      404     404
projects:embed              POST    200       200       200    200         200   200      404     404
projects:embed[draft]       GET     404       404       404    404         404   404      404     404
projects:embed[draft]       POST    404       404       404    404         404   404      404     404
projects:embed_hold         GET     200       200       200    200         200   200      404     404
projects:embed_hold         POST    403       403       403    403         403   403      404     404
projects:embed_hold[draft]  GET     404       404       404    404         404   404      404     404
projects:embed_hold[draft]  POST    404       404       404    404         404   404      404     404
projects:embed_script       GET     200       200       200    200         200   200      200     200
projects:embed_script       POST    405       405       405    405         405   405      405     405
manage:index                GET     login     200       200    200         200   200      200     200
manage:index                POST    login     200       200    200         200   200      200     200
manage:organisation_create  GET     login     200       200    200         200   200      200     200
manage:organisation_create  POST    login     302       302    302         302   302      302     302
manage:organisation         GET     login     404       200    200         200   404      200     404
manage:organisation         POST    login     404       200    200         200   404      200     404
manage:project_create       GET     login     404       200    404         200   404      200     404
manage:project_create       POST    login     404       302    404         302   404      302     404
manage:project_checklist_new GET    405       405       405    405         405   405      405     405
manage:project_checklist_new POST   login     404       200    404         200   404      200     404
manage:project              GET     login     404       200    200         200   404      404     404
manage:project              POST    login     404       200    200         200   404      404     404
manage:project[draft]       GET     login     404       200    200         200   404      404     404
manage:project[draft]       POST    login     404       200    200         200   404      404     404
manage:project_edit         GET     login     404       200    404         200   404      404     404
manage:project_edit         POST    login     404       302    404         302   404      404     404
manage:project_status       GET     405       405       405    405         405   405      405     405
manage:project_status       POST    login     404       302    404         302   404      404     404
manage:project_checklist    GET     405       405       405    405         405   405      405     405
manage:project_checklist    POST    login     404       200    404         200   404      404     404
manage:project_preview      GET     login     404       200    200         200   404      404     404
manage:project_preview      POST    login     404       200    200         200   404      404     404
manage:project_preview[draft] GET   login     404       200    200         200   404      404     404
manage:project_preview[draft] POST  login     404       200    200         200   404      404     404
manage:project_release      GET     405       405       405    405         405   405      405     405
manage:project_release      POST    login     404       302    404         302   404      404     404
manage:project_secret       GET     405       405       405    405         405   405      405     405
manage:project_secret       POST    login     404       302    404         302   404      404     404
manage:task_create          GET     login     404       200    404         200   404      404     404
manage:task_create          POST    login     404       302    404         302   404      404     404
manage:task_edit            GET     login     404       200    404         200   404      404     404
manage:task_edit            POST    login     404       302    404         302   404      404     404
manage:task_remove          GET     login     404       200    404         200   404      404     404
manage:task_remove          POST    login     404       302    404         302   404      404     404
manage:task_move            GET     405       405       405    405         405   405      405     405
manage:task_move            POST    login     404       302    404         302   404      404     404
manage:embedding            GET     login     404       404    404         200   404      200     404
manage:embedding            POST    login     404       404    404         302   404      302     404
manage:members              GET     login     404       404    404         200   404      200     404
manage:members              POST    login     404       404    404         302   404      302     404
manage:member_role          GET     405       405       405    405         405   405      405     405
manage:member_role          POST    login     404       404    404         302   404      404     404
manage:member_remove        GET     405       405       405    405         405   405      405     405
manage:member_remove        POST    login     404       404    404         302   404      404     404
manage:invitation_revoke    GET     405       405       405    405         405   405      405     405
manage:invitation_revoke    POST    login     404       404    404         302   404      404     404
manage:invitation_accept    GET     200       200       200    200         200   200      404     404
manage:invitation_accept    POST    login     302       302    302         302   302      404     404
manage:hand_over            GET     405       405       405    405         405   405      405     405
manage:hand_over            POST    login     404       404    302         302   404      404     404
manage:end_coordination     GET     405       405       405    405         405   405      405     405
manage:end_coordination     POST    login     404       404    302         302   404      404     404
manage:attendance           GET     login     404       404    200         200   404      404     404
manage:attendance           POST    login     404       404    302         302   404      404     404
me:tasks                    GET     login     200       200    200         200   200      200     200
me:tasks                    POST    login     200       200    200         200   200      200     200
me:settings                 GET     login     200       200    200         200   200      200     200
me:settings                 POST    login     302       302    302         302   302      302     302
notifications:index         GET     login     200       200    200         200   200      200     200
notifications:index         POST    login     200       200    200         200   200      200     200
notifications:mark_all_read GET     405       405       405    405         405   405      405     405
notifications:mark_all_read POST    login     302       302    302         302   302      302     302
notifications:open          GET     405       405       405    405         405   405      405     405
notifications:open          POST    login     302       404    404         404   404      404     404
notifications:settings      GET     login     200       200    200         200   200      200     200
notifications:settings      POST    login     302       302    302         302   302      302     302
notifications:unsubscribe   GET     404       404       404    404         404   404      404     404
notifications:unsubscribe   POST    404       404       404    404         404   404      404     404
me:calendar_token           GET     405       405       405    405         405   405      405     405
me:calendar_token           POST    login     302       302    302         302   302      302     302
me:calendar_feed            GET     404       404       404    404         404   404      404     404
me:calendar_feed            POST    404       404       404    404         404   404      404     404
me:task_ics                 GET     200       200       200    200         200   200      404     404
me:task_ics                 POST    200       200       200    200         200   200      404     404
me:data                     GET     login     200       200    200         200   200      200     200
me:data                     POST    login     200       200    200         200   200      200     200
me:data_download            GET     405       405       405    405         405   405      405     405
me:data_download            POST    login     200       200    200         200   200      200     200
me:delete_account           GET     login     200       200    200         200   200      200     200
me:delete_account           POST    login     302       302    302         200   200      200     200
me:delete_account_confirm   GET     400       400       400    400         400   400      400     400
me:delete_account_confirm   POST    400       400       400    400         400   400      400     400
me:account_deleted          GET     200       200       200    200         200   200      200     200
me:account_deleted          POST    200       200       200    200         200   200      200     200
me:tokens                   GET     login     200       200    200         200   200      200     200
me:tokens                   POST    login     302       302    302         302   302      302     302
me:token_revoke             GET     405       405       405    405         405   405      405     405
me:token_revoke             POST    login     302       404    404         404   404      404     404
manage:supporters_csv       GET     login     404       404    200         200   404      404     404
manage:supporters_csv       POST    login     404       404    200         200   404      404     404
team:index                  GET     login     200       404    200         200   404      404     404
team:index                  POST    login     302       404    302         302   404      404     404
team:remove                 GET     405       405       405    405         405   405      405     405
team:remove                 POST    login     404       404    302         302   404      404     404
team:contact_sharing        GET     login     200       404    200         200   404      404     404
team:contact_sharing        POST    login     302       404    302         302   404      404     404
privacy:current             GET     200       200       200    200         200   200      200     200
privacy:current             POST    405       405       405    405         405   405      405     405
privacy:version             GET     404       404       404    404         404   404      404     404
privacy:version             POST    405       405       405    405         405   405      405     405
privacy:accept              GET     login     302       302    302         302   302      302     302
privacy:accept              POST    login     302       302    302         302   302      302     302
privacy:consents            GET     login     200       200    200         200   200      200     200
privacy:consents            POST    login     404       404    404         404   404      404     404
privacy:publish             GET     login     404       404    404         404   404      404     404
privacy:publish             POST    login     404       404    404         404   404      404     404
platform:home               GET     login     404       404    404         404   404      404     404
platform:home               POST    405       405       405    405         405   405      405     405
network:settings            GET     login     404       404    404         404   404      404     404
network:settings            POST    login     404       404    404         404   404      404     404
contact:form                GET     200       200       200    200         200   200      200     200
contact:form                POST    302       302       302    302         302   302      302     302
contact:sent                GET     200       200       200    200         200   200      200     200
contact:sent                POST    405       405       405    405         405   405      405     405
alerts:new                  GET     200       200       200    200         200   200      200     200
alerts:new                  POST    302       302       302    302         302   302      302     302
alerts:sent                 GET     200       200       200    200         200   200      200     200
alerts:sent                 POST    405       405       405    405         405   405      405     405
alerts:confirm              GET     200       200       200    200         200   200      404     404
alerts:confirm              POST    302       302       302    302         302   302      404     404
alerts:unsubscribe          GET     200       200       200    200         200   200      404     404
alerts:unsubscribe          POST    200       200       200    200         200   200      404     404
alerts:mine                 GET     login     200       200    200         200   200      200     200
alerts:mine                 POST    login     404       404    404         404   404      404     404
sharing:task                GET     200       200       200    200         200   200      404     404
sharing:task                POST    405       405       405    405         405   405      404     404
sharing:task[draft]         GET     404       404       200    200         200   404      404     404
sharing:task[draft]         POST    404       404       405    405         405   404      404     404
sharing:project_qr          GET     200       200       200    200         200   200      404     404
sharing:project_qr          POST    405       405       405    405         405   405      404     404
sharing:project_qr[draft]   GET     404       404       404    404         404   404      404     404
sharing:project_qr[draft]   POST    404       404       404    404         404   404      404     404
sharing:task_qr             GET     200       200       200    200         200   200      404     404
sharing:task_qr             POST    405       405       405    405         405   405      404     404
sharing:poster              GET     200       200       200    200         200   200      404     404
sharing:poster              POST    405       405       405    405         405   405      404     404
sharing:poster[draft]       GET     404       404       404    404         404   404      404     404
sharing:poster[draft]       POST    404       404       404    404         404   404      404     404
sharing:project_mastodon    GET     200       200       200    200         200   200      404     404
sharing:project_mastodon    POST    405       405       405    405         405   405      404     404
sharing:project_mastodon[draft] GET  404      404       404    404         404   404      404     404
sharing:project_mastodon[draft] POST 404      404       404    404         404   404      404     404
sharing:task_mastodon       GET     200       200       200    200         200   200      404     404
sharing:task_mastodon       POST    405       405       405    405         405   405      404     404
pages:page                  GET     200       200       200    200         200   200      404     404
pages:page                  POST    405       405       405    405         405   405      405     405
pages:imprint               GET     200       200       200    200         200   200      200     200
pages:imprint               POST    405       405       405    405         405   405      405     405
pages:admin_list            GET     login     404       404    404         404   404      404     404
pages:admin_list            POST    405       405       405    405         405   405      405     405
pages:admin_create          GET     login     404       404    404         404   404      404     404
pages:admin_create          POST    login     404       404    404         404   404      404     404
pages:admin_edit            GET     login     404       404    404         404   404      404     404
pages:admin_edit            POST    login     404       404    404         404   404      404     404
pages:admin_move            GET     405       405       405    405         405   405      405     405
pages:admin_move            POST    login     404       404    404         404   404      404     404
pages:admin_delete          GET     login     404       404    404         404   404      404     404
pages:admin_delete          POST    login     404       404    404         404   404      404     404
pages:inbox                 GET     login     404       404    404         404   404      404     404
pages:inbox                 POST    405       405       405    405         405   405      405     405
pages:inbox_handled         GET     405       405       405    405         405   405      405     405
pages:inbox_handled         POST    login     404       404    404         404   404      404     404
pages:inbox_delete          GET     login     404       404    404         404   404      404     404
pages:inbox_delete          POST    login     404       404    404         404   404      404     404
organisations:queue         GET     login     404       404    404         404   404      404     404
organisations:queue         POST    405       405       405    405         405   405      405     405
organisations:publishing    GET     405       405       405    405         405   405      405     405
organisations:publishing    POST    login     404       404    404         404   404      404     404
organisations:approve       GET     405       405       405    405         405   405      405     405
organisations:approve       POST    login     404       404    404         404   404      404     404
organisations:decline       GET     405       405       405    405         405   405      405     405
organisations:decline       POST    login     404       404    404         404   404      404     404
platform:look               GET     login     404       404    404         404   404      404     404
platform:look               POST    login     404       404    404         404   404      404     404
audit:log                   GET     login     404       404    404         404   404      404     404
audit:log                   POST    405       405       405    405         405   405      405     405
platform:invitation_accept  GET     200       200       200    200         200   200      404     404
platform:invitation_accept  POST    login     302       302    302         302   302      404     404
operator:index              GET     404       404       404    404         404   404      404     404
operator:index              POST    405       405       405    405         405   405      405     405
operator:create             GET     404       404       404    404         404   404      404     404
operator:create             POST    404       404       404    404         404   404      404     404
operator:detail             GET     404       404       404    404         404   404      404     404
operator:detail             POST    405       405       405    405         405   405      405     405
operator:domain_add         GET     405       405       405    405         405   405      405     405
operator:domain_add         POST    404       404       404    404         404   404      404     404
operator:domain_primary     GET     405       405       405    405         405   405      405     405
operator:domain_primary     POST    404       404       404    404         404   404      404     404
operator:domain_remove      GET     404       404       404    404         404   404      404     404
operator:domain_remove      POST    404       404       404    404         404   404      404     404
operator:invite             GET     405       405       405    405         405   405      405     405
operator:invite             POST    404       404       404    404         404   404      404     404
operator:invitation_revoke  GET     405       405       405    405         405   405      405     405
operator:invitation_revoke  POST    404       404       404    404         404   404      404     404
operator:admin_remove       GET     404       404       404    404         404   404      404     404
operator:admin_remove       POST    404       404       404    404         404   404      404     404
operator:features           GET     405       405       405    405         405   405      405     405
operator:features           POST    404       404       404    404         404   404      404     404
operator:suspend            GET     404       404       404    404         404   404      404     404
operator:suspend            POST    404       404       404    404         404   404      404     404
operator:reactivate         GET     404       404       404    404         404   404      404     404
operator:reactivate         POST    404       404       404    404         404   404      404     404
"""  # noqa: E501 - a table reads best on one line per row

# What a POST sends, so that a permitted POST really writes (and a refused one is refused for
# its permission, not for its data).
POST_DATA: dict[str, dict[str, str]] = {
    "projects:hold": {"name": "Hanna Gast", "email": "hanna@example.org"},
    "projects:enter_code": {"code": "000000"},
    # Without the form token of the embed's hold form (test_embed.py posts with one): 403.
    "projects:embed_hold": {"name": "Hanna Gast", "email": "hanna@example.org"},
    "manage:organisation_create": {"name": "Neuer Verein"},
    "manage:project_create": {"title": "Ein Garten", "story": "Wir graben.", "place": "Leipzig"},
    "manage:project_edit": {"title": "Ein Garten", "story": "Wir graben.", "place": "Leipzig"},
    "manage:project_status": {"status": "closed"},
    "manage:project_checklist_new": {"title": "Ein Garten", "story": "Wir graben."},
    "manage:project_checklist": {"title": "Ein Garten", "story": "Wir graben."},
    "manage:project_release": {"clear": "1"},  # no day (the world's project is public)
    "manage:task_create": {
        "title": "Beete anlegen",
        "timing": "flexible",
        "capacity": "3",
    },
    "manage:task_edit": {"title": "Beete anlegen", "timing": "flexible", "capacity": "5"},
    "manage:task_move": {"direction": "down"},
    "me:settings": {"name": "Neuer Name", "visibility": "first", "language": "de"},
    "me:tokens": {"name": "Mein Skript"},
    "privacy:publish": {"body": "Gekaperte Datenschutzerklärung", "summary_of_changes": ""},
    "notifications:settings": {"email_kinds": "reminder", "daily_digest": "on"},
    "team:index": {"kind": "board", "board-body": "Hallo zusammen"},
    "team:contact_sharing": {"share": "0"},
    "manage:members": {"email": "neu@example.org", "role": "editor"},
    "manage:embedding": {"embed_origins": "https://www.krass-ev.example"},
    "manage:member_role": {"role": "coordinator"},
    "contact:form": {"name": "Rosa", "email": "rosa@example.net", "message": "Hallo!"},
    "alerts:new": {"kind": "category", "category": "children", "email": "rosa@example.net"},
    "network:settings": {},  # unchecked: stop listing the platform's projects on the hub
    "pages:admin_create": {
        "title": "Gekaperte Seite",
        "kind": "custom",
        "slug": "gekapert",
        "body": "Gekapert",
    },
    "pages:admin_edit": {
        "title": "Gekaperte Seite",
        "kind": "custom",
        "slug": "gekapert",
        "body": "Gekapert",
    },
    "pages:admin_move": {"direction": "down"},
    "pages:inbox_handled": {"handled": "1"},
    "organisations:publishing": {"publishing": "approval"},
    "organisations:decline": {"reason": "Gekapert"},
    "operator:create": {"name": "Neue Plattform", "slug": "neue", "default_language": "de"},
    "operator:domain_add": {"domain-domain": "neu.example.net"},
    "operator:invite": {"invite-email": "neu-verwaltung@example.org"},
    "operator:features": {"features-features": "team"},
    "operator:suspend": {"notice": "Kurze Pause"},
    "platform:look": {
        "name": "Gekaperte Plattform",
        "primary_colour": "#0b6e4f",
        "accent_colour": "#f2a541",
    },
}


def parse_matrix(
    table: str, personas: dict[str, str] = PERSONAS
) -> dict[tuple[str, str], dict[str, str]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == list(personas), "the matrix's columns must be the personas, in order"
    matrix: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        assert len(row) == len(header), f"matrix row {row[:2]} has {len(row)} cells"
        key = (row[0], row[1])
        assert key not in matrix, f"matrix row {key} appears twice"
        matrix[key] = dict(zip(header[2:], row[2:], strict=True))
    return matrix


MATRIX = parse_matrix(MATRIX_TABLE)
OWN_DATA_EVERYWHERE = ("me:data", "me:data_download")
OWN_NAMESPACES = (
    "projects:", "manage:", "me:", "team:", "notifications:", "privacy:", "platform:", "audit:",
    "operator:", "contact:", "network:", "pages:", "organisations:", "alerts:", "sharing:",
)  # fmt: skip


def split_label(label: str) -> tuple[str, str]:
    """'projects:detail[draft]' -> ('projects:detail', 'draft')."""
    name, _, variant = label.partition("[")
    return name, variant.rstrip("]")


def own_addresses() -> dict[str, Address]:
    return {a.name: a for a in all_addresses()[0] if a.name.startswith(OWN_NAMESPACES)}


def ask(world: World, persona: str, label: str, method: str) -> tuple[str, Any]:
    """One cell: the answer ('200', '302', 'login', ... or '500 <error>') and the response."""
    name, variant = split_label(label)
    url = reverse(name, kwargs=world.kwargs(own_addresses()[name].params, variant))
    with rolled_back():
        browser = Client(HTTP_HOST={**PERSONAS, **ADMIN_PERSONAS, **OPERATOR_PERSONAS}[persona])
        user = world.people[persona]
        if user is not None:
            browser.force_login(user)
        try:
            if method == "GET":
                response = browser.get(url)
            else:
                response = browser.post(url, POST_DATA.get(name, {}))
        except Exception as error:  # noqa: BLE001 - a crash is a cell's answer, reported below
            return f"500 ({type(error).__name__}: {error})", None
    if is_sign_in(response):
        return "login", response
    return str(response.status_code), response


def must_not_show(world: World, persona: str) -> dict[str, str]:
    """Text that must not be on any page this persona gets, with the reason."""
    hidden: dict[str, str] = {}
    if persona not in ("coordinator", "owner"):
        hidden["gerda@example.org"] = "the email of a supporter (only owners and coordinators)"
        hidden["anke@example.org"] = "the email of a supporter (only owners and coordinators)"
    if persona not in ("coordinator", "owner", "editor"):
        # Editors see names on the remove/shrink pages: finding 1, see part D.
        hidden[world.anonymous_supporter.name] = "the name of a supporter who chose anonymity"
    if persona not in ("editor", "coordinator", "owner"):
        hidden[world.draft.title] = "the title of a draft"
    if persona in FOREIGN:
        hidden[world.project.title] = "a project of the first platform"
        hidden[world.task.title] = "a task of the first platform"
        hidden["Margit"] = "a supporter on the first platform"
    return hidden


def test_the_matrix_covers_every_address_of_this_codebase_with_get_and_post():
    covered = {split_label(label)[0] for label, _method in MATRIX}
    assert sorted(set(own_addresses()) - covered) == [], "add these addresses to MATRIX_TABLE"
    assert sorted(covered - set(own_addresses())) == [], "MATRIX_TABLE names unknown addresses"
    for label, method in MATRIX:
        other = "POST" if method == "GET" else "GET"
        assert (label, other) in MATRIX, f"{label} needs a {other} row too"


def test_the_matrix_lets_nobody_reach_the_first_platforms_objects_from_the_second():
    """The table itself: wherever the address names an object by id or token, the foreign
    cells are 404 (or the 405 every GET of a POST-only address gets)."""
    addresses = own_addresses()
    wrong = []
    for (label, method), cells in MATRIX.items():
        params = set(addresses[split_label(label)[0]].params)
        post_only_get = method == "GET" and set(cells.values()) == {"405"}
        for persona in FOREIGN:
            by_id = params & {"pk", "task_id", "token", "secret"}
            by_slug = "slug" in params and persona == "owner@foreign"
            if (by_id or by_slug) and not post_only_get and cells[persona] != "404":
                wrong.append(f"{label} {method} {persona}: {cells[persona]}, must be 404")
    assert wrong == []


def test_post_only_addresses_answer_get_with_405_before_looking_anything_up(platform):
    nowhere = {
        "pk": 999_999,
        "task_id": 999_999,
        "slug": "nowhere",
        "member_id": 999_999,
        "message_id": 999_999,
        "invitation_id": 999_999,
        "notification_id": 999_999,
        "platform_id": 999_999,
        "domain_id": 999_999,
        "admin_invitation_id": 999_999,
        "page_id": 999_999,
        "organisation_id": 999_999,
        "token_id": 999_999,
        "contact_message_id": 999_999,
    }
    browser = Client(HTTP_HOST=FIRST)
    for (label, method), cells in MATRIX.items():
        if method == "GET" and set(cells.values()) == {"405"}:
            address = own_addresses()[split_label(label)[0]]
            url = reverse(address.name, kwargs={p: nowhere[p] for p in address.params})
            assert browser.get(url).status_code == 405, url


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_each_persona_gets_what_the_matrix_says(persona, world):
    problems = []
    for (label, method), cells in MATRIX.items():
        got, response = ask(world, persona, label, method)
        where = f"{label} {method} as {persona}"
        if got != cells[persona]:
            problems.append(f"{where}: expected {cells[persona]}, got {got}")
        if response is not None and response.status_code == 200:
            html = response.content.decode()
            # "My data" shows the person's own data from every platform (DSGVO): on the
            # second host Claudia's page is checked as the owner's page it is.
            own_everywhere = persona == "owner@foreign" and label in OWN_DATA_EVERYWHERE
            for text, why in must_not_show(world, "owner" if own_everywhere else persona).items():
                if text in html:
                    problems.append(f"{where}: the page shows {text!r}, {why}")
    assert not problems, "\n".join(problems)


# --- B2. the platform administration, for the people who run platforms ----------------------
# The personas above get 404 from these addresses (rows in MATRIX_TABLE); this table adds the
# administrators: Paula (first platform) on her host and on the second platform's host, Olga the
# operator, and Piet who administers the second platform, asking on the first platform's host.

ADMIN_PERSONAS: dict[str, str] = {
    "platform_admin": FIRST,
    "operator": FIRST,
    "admin@foreign": SECOND,
    "foreign_admin": FIRST,
}
ADMIN_FOREIGN = ("admin@foreign", "foreign_admin")

ADMIN_MATRIX_TABLE = """
address          method  platform_admin operator admin@foreign foreign_admin
platform:home    GET     200            200      404           404
platform:home    POST    405            405      405           405
network:settings GET     200            200      404           404
network:settings POST    302            302      404           404
platform:look    GET     200            200      404           404
platform:look    POST    302            302      404           404
audit:log        GET     200            200      404           404
audit:log        POST    405            405      405           405
privacy:publish  GET     200            200      404           404
privacy:publish  POST    302            302      404           404
pages:admin_list            GET     200            200      404           404
pages:admin_list            POST    405            405      405           405
pages:admin_create          GET     200            200      404           404
pages:admin_create          POST    302            302      404           404
pages:admin_edit            GET     200            200      404           404
pages:admin_edit            POST    302            302      404           404
pages:admin_move            GET     405            405      405           405
pages:admin_move            POST    302            302      404           404
pages:admin_delete          GET     200            200      404           404
pages:admin_delete          POST    302            302      404           404
pages:inbox                 GET     200            200      404           404
pages:inbox                 POST    405            405      405           405
pages:inbox_handled         GET     405            405      405           405
pages:inbox_handled         POST    302            302      404           404
pages:inbox_delete          GET     200            200      404           404
pages:inbox_delete          POST    302            302      404           404
organisations:queue         GET     200            200      404           404
organisations:queue         POST    405            405      405           405
organisations:publishing    GET     405            405      405           405
organisations:publishing    POST    302            302      404           404
organisations:approve       GET     405            405      405           405
organisations:approve       POST    302            302      404           404
organisations:decline       GET     405            405      405           405
organisations:decline       POST    302            302      404           404
platform:invitation_accept  GET     200            200      404           200
platform:invitation_accept  POST    302            302      404           302
operator:index              GET     404            404      404           404
operator:index              POST    405            405      405           405
operator:create             GET     404            404      404           404
operator:create             POST    404            404      404           404
operator:detail             GET     404            404      404           404
operator:detail             POST    405            405      405           405
operator:domain_add         GET     405            405      405           405
operator:domain_add         POST    404            404      404           404
operator:domain_primary     GET     405            405      405           405
operator:domain_primary     POST    404            404      404           404
operator:domain_remove      GET     404            404      404           404
operator:domain_remove      POST    404            404      404           404
operator:invite             GET     405            405      405           405
operator:invite             POST    404            404      404           404
operator:invitation_revoke  GET     405            405      405           405
operator:invitation_revoke  POST    404            404      404           404
operator:admin_remove       GET     404            404      404           404
operator:admin_remove       POST    404            404      404           404
operator:features           GET     405            405      405           405
operator:features           POST    404            404      404           404
operator:suspend            GET     404            404      404           404
operator:suspend            POST    404            404      404           404
operator:reactivate         GET     404            404      404           404
operator:reactivate         POST    404            404      404           404
"""  # noqa: E501 - a table reads best on one line per row
ADMIN_MATRIX = parse_matrix(ADMIN_MATRIX_TABLE, ADMIN_PERSONAS)


def administrator_of_the_second_platform() -> User:
    from crowdmoving.conftest import with_authenticator_app
    from crowdmoving.tenancy.models import Platform, PlatformAdmin

    user = f.UserFactory(email="andere-plattform@example.org", name="Piet Plattform")
    PlatformAdmin.objects.create(platform=Platform.objects.get(domains__domain=SECOND), user=user)
    with_authenticator_app(user)
    return user


def test_the_admin_matrix_covers_every_address_under_platform(world):
    under_platform = {
        address.name
        for address in all_addresses()[0]
        if reverse(address.name, kwargs=world.kwargs(address.params)).startswith("/platform/")
    }
    covered = {label for label, _method in ADMIN_MATRIX}
    assert sorted(under_platform - covered) == [], "add these addresses to ADMIN_MATRIX_TABLE"


@pytest.mark.parametrize("persona", list(ADMIN_PERSONAS))
def test_each_administrator_gets_what_the_admin_matrix_says(persona, world):
    problems = []
    for (label, method), cells in ADMIN_MATRIX.items():
        got, response = ask(world, persona, label, method)
        where = f"{label} {method} as {persona}"
        if got != cells[persona]:
            problems.append(f"{where}: expected {cells[persona]}, got {got}")
        # A public page (PUBLIC) of the first platform names it to anyone on its host.
        name = [] if split_label(label)[0] in PUBLIC else ["Krass Plattform"]
        if response is not None and response.status_code == 200 and persona in ADMIN_FOREIGN:
            html = response.content.decode()
            for text in (world.project.title, world.draft.title, *name):
                if text in html:
                    problems.append(f"{where}: the page shows {text!r} of the first platform")
    assert not problems, "\n".join(problems)


# --- B3. the operator console, on the hub ----------------------------------------------------
# Every address of the console is a 404 on the platforms' hosts (rows in the tables above, the
# operator included); on the hub it asks signed-out visitors to sign in, and only operators get
# further. Columns: a signed-out visitor, Claudia (an organiser), Paula (who administers the
# first platform) and Olga the operator, all on the hub.

OPERATOR_PERSONAS: dict[str, str] = {
    "anonymous@hub": HUB,
    "owner@hub": HUB,
    "admin@hub": HUB,
    "operator@hub": HUB,
}

OPERATOR_MATRIX_TABLE = """
address                     method  anonymous@hub owner@hub admin@hub operator@hub
operator:index              GET     login         404       404       200
operator:index              POST    405           405       405       405
operator:create             GET     login         404       404       200
operator:create             POST    login         404       404       302
operator:detail             GET     login         404       404       200
operator:detail             POST    405           405       405       405
operator:domain_add         GET     405           405       405       405
operator:domain_add         POST    login         404       404       302
operator:domain_primary     GET     405           405       405       405
operator:domain_primary     POST    login         404       404       302
operator:domain_remove      GET     login         404       404       200
operator:domain_remove      POST    login         404       404       302
operator:invite             GET     405           405       405       405
operator:invite             POST    login         404       404       302
operator:invitation_revoke  GET     405           405       405       405
operator:invitation_revoke  POST    login         404       404       302
operator:admin_remove       GET     login         404       404       200
operator:admin_remove       POST    login         404       404       302
operator:features           GET     405           405       405       405
operator:features           POST    login         404       404       302
operator:suspend            GET     login         404       404       200
operator:suspend            POST    login         404       404       302
operator:reactivate         GET     login         404       404       200
operator:reactivate         POST    login         404       404       302
"""  # noqa: E501 - a table reads best on one line per row
OPERATOR_MATRIX = parse_matrix(OPERATOR_MATRIX_TABLE, OPERATOR_PERSONAS)


def test_the_operator_matrix_covers_every_address_of_the_console():
    console = {a.name for a in all_addresses()[0] if a.name.startswith("operator:")}
    covered = {label for label, _method in OPERATOR_MATRIX}
    assert sorted(console ^ covered) == [], "OPERATOR_MATRIX_TABLE and the console differ"


@pytest.mark.parametrize("persona", list(OPERATOR_PERSONAS))
def test_each_persona_on_the_hub_gets_what_the_operator_matrix_says(persona, world):
    problems = []
    for (label, method), cells in OPERATOR_MATRIX.items():
        got, _response = ask(world, persona, label, method)
        if got != cells[persona]:
            problems.append(f"{label} {method} as {persona}: expected {cells[persona]}, got {got}")
    assert not problems, "\n".join(problems)


# --- C. CSRF ----------------------------------------------------------------------------------

# POSTs from a frame on another website get no cookies, so no CSRF cookie: a signed form token
# bound to its object stands in for it (refused with 403 without it), with the reason.
SIGNED_FORM_TOKEN: dict[str, str] = {
    "projects:embed_hold": "the embed's hold form (projects/views_embed.py, embed.form_token)",
}


@pytest.mark.parametrize("persona", ["anonymous", "owner"])
def test_every_post_without_the_csrf_token_is_refused(persona, world):
    problems = []
    for address in all_addresses()[0]:
        url = reverse(address.name, kwargs=world.kwargs(address.params))
        with rolled_back():
            browser = Client(HTTP_HOST=FIRST, enforce_csrf_checks=True)
            user = world.people[persona]
            if user is not None:
                browser.force_login(user)
            response = browser.post(url, POST_DATA.get(address.name, {}))
        if is_api(address.name):
            # Tokens only (API_ADDRESSES): the session's POST is refused (401) or is no
            # operation there (404, 405); never a write.
            if response.status_code not in (401, 404, 405):
                problems.append(f"{address.name} ({url}) as {persona}: {response.status_code}")
            continue
        if address.name in SIGNED_FORM_TOKEN:
            # Refused, with the form shown again with a fresh token.
            if response.status_code != 403 or b'name="form_token"' not in response.content:
                problems.append(f"{address.name} ({url}) as {persona}: {response.status_code}")
            continue
        if response.status_code != 403 or b"CSRF" not in response.content:
            problems.append(f"{address.name} ({url}) as {persona}: {response.status_code}")
    assert not problems, "POSTs without a CSRF token got through:\n" + "\n".join(problems)


def test_the_same_post_with_the_csrf_token_gets_through(world):
    """The control for the test above: the 403 is the missing token, nothing else."""
    browser = Client(HTTP_HOST=FIRST, enforce_csrf_checks=True)
    browser.force_login(world.people["owner"])  # type: ignore[arg-type]
    browser.get(reverse("projects:detail", args=[world.project.pk]))  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    url = reverse("projects:take", args=[world.project.pk, world.task.pk])
    response = browser.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


# --- D. findings of the security review -------------------------------------------------------
# Each finding of the security review has a test of its own.


def code_from(mails: list, address: str) -> str:
    body = [m.body for m in mails if address in m.to][-1]
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


def test_asking_again_for_a_code_buys_no_fresh_guesses(task, outbox, settings):
    """Finding 2 (fixed in actions.hold_task): asking again reset the count of wrong codes, so
    anyone could hold a place with somebody else's address and guess the code five times per
    request, without end; the right code signs in as the owner of the address."""
    data = {"name": "Vera Victim", "email": "vera@example.org"}
    attacker = Client(HTTP_HOST=FIRST, HTTP_ACCEPT_LANGUAGE="en")
    code_url = reverse("projects:enter_code", args=[task.project_id, task.pk])
    attacker.post(reverse("projects:hold", args=[task.project_id, task.pk]), data)
    for _ in range(settings.CROWDMOVING["CONFIRMATION_CODE_ATTEMPTS"]):
        attacker.post(code_url, {"code": "999999"})

    again = Client(
        HTTP_HOST=FIRST, HTTP_ACCEPT_LANGUAGE="en"
    )  # a new session asks again: a fresh code is mailed
    again.post(reverse("projects:hold", args=[task.project_id, task.pk]), data)
    response = again.post(code_url, {"code": code_from(outbox(), "vera@example.org")})

    assert "_auth_user_id" not in again.session
    assert "Too many wrong codes" in response.content.decode()
    assert Commitment.objects.get(task=task).status == Commitment.Status.HELD


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(monkeypatch):
    """Finding 4 (fixed in core.images): Pillow only warns between MAX_IMAGE_PIXELS and twice
    that, so a small, well-compressed upload of up to 80 million pixels was decoded in full."""
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from crowdmoving.core.images import reencode_image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    out = io.BytesIO()
    Image.new("RGB", (150, 100), "white").save(out, format="PNG")  # 1.5 x the limit
    upload = SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError) as refusal:
        reencode_image(upload, prefix="cover")
    assert refusal.value.code == "too_many_pixels"


def test_an_editor_does_not_see_who_holds_a_task_when_removing_it(login, editor, task):
    hidden = f.UserFactory(name="Anke Anonymverborgen", visibility="anonymous", email="a@x.org")
    actions.take_task(task, hidden)
    url = reverse("manage:task_remove", args=[task.project_id, task.pk])
    html = login(editor).get(url).content.decode()
    assert "Anke" not in html


def test_an_editor_does_not_see_who_would_lose_their_place(login, editor, task):
    actions.take_task(task, f.UserFactory())
    actions.take_task(task, f.UserFactory(name="", email="ohne.namen@example.org"))  # last in
    url = reverse("manage:task_edit", args=[task.project_id, task.pk])
    data = {"title": task.title, "timing": "flexible", "capacity": "1"}
    html = login(editor).post(url, data).content.decode()
    assert "Confirm fewer places" in html  # the page that lists the people
    assert "ohne.namen@example.org" not in html


def test_a_hold_does_not_tell_whether_an_address_already_takes_part(task, volunteer):
    actions.take_task(task, volunteer)
    url = reverse("projects:hold", args=[task.project_id, task.pk])
    known = Client(HTTP_HOST=FIRST).post(url, {"name": "X", "email": volunteer.email})
    unknown = Client(HTTP_HOST=FIRST).post(url, {"name": "X", "email": "niemand@example.org"})
    assert known["Location"] == unknown["Location"]


def test_a_closed_project_that_was_never_public_stays_in_its_circle(client, project):
    project.status, project.published_at = Project.Status.INNER_CIRCLE, None
    project.save()
    actions.change_status(project, Project.Status.CLOSED)
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 404


def test_a_confirmation_link_does_not_sign_out_the_person_who_is_signed_in(login, organiser, task):
    held = actions.hold_task(task, name="Mallory", email="mallory@example.org")
    browser = login(organiser)
    browser.post(reverse("projects:confirm", args=[held.token]))
    assert browser.session["_auth_user_id"] == str(organiser.pk)


# --- regressions the review checked (they pass) -----------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_no_next_parameter_leads_off_the_platform(login, volunteer, task, target):
    actions.take_task(task, volunteer)
    browser = login(volunteer)
    withdraw = reverse("projects:withdraw", args=[task.project_id, task.pk])
    assert "evil" not in browser.post(withdraw, {"next": target})["Location"]
    language = browser.post(reverse("set_language"), {"language": "en", "next": target})
    assert "evil" not in language["Location"]
    browser.logout()
    signed_in = browser.post(
        f"{reverse('account_login')}?next={target}",
        {"login": volunteer.email, "password": "correct horse battery"},
    )
    assert signed_in.status_code == 302
    assert "evil" not in signed_in["Location"]


def test_user_text_is_escaped_and_the_story_is_sanitised(
    client, organisation, organiser, publishable
):
    story = (
        "[klick](javascript:alert(1)) <script>alert(2)</script> "
        '<img src=x onerror="alert(3)"> <a href="https://ok.example" onclick="alert(4)">ok</a>'
    )
    project = actions.create_project(
        organisation, organiser, {"title": "<b>Titel</b>", "story": story}
    )
    actions.change_status(project, Project.Status.PUBLIC)
    f.TaskFactory(project=project, title="<script>alert(5)</script>", location='"><svg onload=x>')
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    for attack in ("javascript:", "<script>alert", "onerror", "onclick", "<svg", "<b>Titel"):
        assert attack not in html, attack
    assert 'href="https://ok.example"' in html


def test_lists_show_neither_drafts_nor_inner_circles_nor_other_platforms(
    client, organisation, project, foreign_organiser, other_platform
):
    f.ProjectFactory(organisation=organisation, title="Im Entwurf", status="draft")
    f.ProjectFactory(organisation=organisation, title="Im Kreis", status="inner_circle")
    other = f.OrganisationFactory(platform=other_platform)
    f.ProjectFactory(organisation=other, title="Auf der anderen Plattform")
    html = client.get(reverse("projects:home")).content.decode()
    assert project.title in html
    for hidden in ("Im Entwurf", "Im Kreis", "Auf der anderen Plattform"):
        assert hidden not in html


def test_my_tasks_on_the_second_platform_show_nothing_of_the_first(volunteer, task, other_client):
    actions.take_task(task, volunteer)
    other_client.force_login(volunteer)
    html = other_client.get(reverse("me:tasks")).content.decode()
    assert task.title not in html
    assert task.project.title not in html


def test_the_summary_on_the_home_page_is_escaped_exactly_once(client, organisation):
    """Finding 7 (fixed in core.text.plain_summary): the summary came back HTML-escaped and the
    template escaped it again, so "Tom & Jerry" read "Tom &amp; Jerry" on the page."""
    story = "Tom & Jerry <3 &lt;script&gt;alert(1)&lt;/script&gt; <script>alert(2)</script>"
    f.ProjectFactory(organisation=organisation, story=story)
    html = client.get(reverse("projects:home")).content.decode()
    assert "Tom &amp; Jerry &lt;3 &lt;script&gt;alert(1)" in html
    assert "&amp;amp;" not in html
    assert "<script>alert" not in html
