"""Delete my account: asked in the settings, confirmed by an emailed link that works once, for
the signed-in person it was sent to, within a day. Afterwards the database holds neither the
person's name nor an address of theirs, anywhere; the figures of the projects stay true and
the next person waiting has moved up."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.accounts import deletion
from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.notifications.models import Notification, OutboxMessage
from crowdmoving.notifications.outbox import queue_email
from crowdmoving.organisations.models import Invitation, Membership, Role
from crowdmoving.privacy.actions import give_consent, publish_text
from crowdmoving.privacy.models import Consent
from crowdmoving.privacy.selectors import current_text
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Task
from crowdmoving.team import actions as team
from crowdmoving.team.models import TeamMessage

pytestmark = pytest.mark.django_db

HOST = "krass.example.org"
NAME = "Zyxwvu Sentinel"
EMAIL = "zyxwvu-sentinel@example.org"
SECOND_EMAIL = "Zyxwvu.Zweit@Example.org"


@pytest.fixture(autouse=True)
def _first_platform(platform):  # type: ignore[no-untyped-def]
    """The host the browsers below ask for."""


def browser_for(user: User) -> Client:
    browser = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(user)
    return browser


def link_from_outbox(address: str) -> str:
    body = OutboxMessage.objects.filter(to=address).latest("pk").body
    found = re.search(r"https?://[^/\s]+(/me/delete/[^\s]+/)", body)
    assert found, body
    return found.group(1)


def ask_and_open_link(user: User) -> tuple[Client, str]:
    browser = browser_for(user)
    assert browser.post(reverse("me:delete_account")).status_code == 302
    return browser, link_from_outbox(user.email)


def past_task(project, **extra) -> Task:  # type: ignore[no-untyped-def]
    start = timezone.now() - timedelta(days=3)
    return f.TaskFactory(
        project=project, starts_at=start, ends_at=start + timedelta(hours=3), **extra
    )


@pytest.fixture
def sentinel(platform, organisation, organiser, project, task, other_platform):
    """A person with a unique name and address who did everything there is to do."""
    person = f.UserFactory(name=NAME, email=EMAIL, calendar_token="sentinel-calendar-token")
    EmailAddress.objects.create(user=person, email=SECOND_EMAIL, verified=False)
    # Roles: an owner next to Claudia (not the last one), a coordinator elsewhere, a platform
    # administrator, and the coordination of a project handed over to her.
    f.MembershipFactory(organisation=organisation, user=person, role=Role.OWNER)
    other_org = f.OrganisationFactory(platform=other_platform, name="Nestwärme e.V.")
    f.MembershipFactory(organisation=other_org, user=person, role=Role.COORDINATOR)
    f.MembershipFactory(organisation=other_org, user=f.UserFactory(), role=Role.OWNER)
    from crowdmoving.tenancy.models import PlatformAdmin

    PlatformAdmin.objects.create(platform=other_platform, user=person)
    project.coordinators.add(person)
    # Places: one to come, one on a full task with someone waiting behind her, a waiting
    # place, a task that is over with hours, one over without attendance confirmed yet.
    actions.take_task(task, person)
    full = f.TaskFactory(project=project, title="Eine Stelle", capacity=1)
    actions.take_task(full, person)
    actions.join_waitlist(full, f.UserFactory(name="Wanda Wartend", email="wanda@example.org"))
    crowded = f.TaskFactory(project=project, title="Schon voll", capacity=1)
    actions.take_task(crowded, f.UserFactory())
    actions.join_waitlist(crowded, person)
    f.CommitmentFactory(
        task=past_task(project, title="Vorbei"),
        user=person,
        status=Commitment.Status.COMPLETED,
        hours=Decimal("3.00"),
    )
    f.CommitmentFactory(task=past_task(project, title="Vorbei offen"), user=person)
    # Words: hers on the board, Claudia's to her, Claudia thanking her by name on the board.
    TeamMessage.objects.create(
        project=project, author=person, kind=TeamMessage.Kind.BOARD, body="Ich bin Zyxwvu!"
    )
    team.write_to_supporter(project, organiser, person, f"Hallo {NAME}, danke!")
    TeamMessage.objects.create(
        project=project,
        author=organiser,
        kind=TeamMessage.Kind.BOARD,
        body=f"Danke an {NAME} ({EMAIL.upper()})!",
    )
    # Mail, a consent, an invitation, a second factor, audit entries, an invitation she sent.
    queue_email(
        to=SECOND_EMAIL.lower(),
        template="account_deletion",
        key="sentinel-extra",
        platform=platform,
        context={"person": person, "confirm_path": "/", "valid_hours": 24},
    )
    text = publish_text(platform, body="Datenschutz.", summary_of_changes="", by=organiser)
    give_consent(person, text)
    Invitation.objects.create(organisation=other_org, email=EMAIL.upper(), token="sentinel-inv")
    Invitation.objects.create(
        organisation=organisation, email="neu@example.org", token="by-her", invited_by=person
    )
    Authenticator.objects.create(user=person, type="totp", data={"secret": "SENTINELSEED"})
    apps.get_model("tenancy", "PlatformInvitation").objects.create(
        platform=other_platform, email=EMAIL, token="sentinel-admin", invited_by=organiser
    )
    apps.get_model("pages", "ContactMessage").objects.create(
        platform=platform, name=NAME, email=EMAIL, message="Wie kann ich helfen?"
    )
    record(Action.LOGIN, actor=person, subject=person, platform=platform)
    return person


def database_dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", all=True, stdout=out)
    text = out.getvalue()
    if connection.vendor == "sqlite":
        text += "\n".join(connection.connection.iterdump())
    return text.lower()


def test_after_deletion_the_database_holds_no_trace_of_her_name_or_addresses(
    sentinel, organiser, outbox
):
    second_device = browser_for(sentinel)
    outbox()  # some mails sent, some still pending: both are searched
    assert "zyxwvu" in database_dump()  # the control: she is there before

    browser, link = ask_and_open_link(sentinel)
    page = browser.get(link)
    assert page.status_code == 200
    assert "Delete my account for good?" in page.content.decode()
    response = browser.post(link)

    assert response.status_code == 302
    assert response["Location"] == reverse("me:account_deleted")
    assert "You are welcome back" in browser.get(response["Location"]).content.decode()
    dump = database_dump()
    for trace in ("zyxwvu", EMAIL, SECOND_EMAIL.lower(), "sentinel-calendar-token", "sentinelseed"):
        assert trace not in dump, trace
    # Signed out on every device.
    assert "_auth_user_id" not in browser.session
    settings_page = second_device.get(reverse("me:settings"))
    assert settings_page.status_code == 302
    assert settings_page["Location"].startswith(reverse("account_login"))
    assert not Session.objects.filter(session_key=second_device.session.session_key).exists()


def test_what_stays_is_an_anonymous_tombstone(sentinel, organisation, project):
    deletion.delete_account(sentinel)

    gone = User.objects.get(pk=sentinel.pk)
    assert gone.name == ""
    assert re.fullmatch(r"deleted-[0-9a-f]{24}@invalid", gone.email)
    assert not gone.has_usable_password()
    assert not gone.is_active
    assert gone.calendar_token == ""
    assert gone.visibility == User.Visibility.ANONYMOUS
    assert deletion.is_tombstone(gone)
    assert not EmailAddress.objects.filter(user=gone).exists()
    assert not Authenticator.objects.filter(user=gone).exists()
    assert not Membership.objects.filter(user=gone).exists()
    assert not project.coordinators.filter(pk=gone.pk).exists()
    assert not Notification.objects.filter(user=gone).exists()
    assert not OutboxMessage.objects.filter(to__endswith="@invalid").exists()
    assert not Invitation.objects.filter(token="sentinel-inv").exists()
    assert Invitation.objects.get(token="by-her").invited_by == gone  # Claudia's record
    assert Membership.objects.filter(organisation=organisation, role=Role.OWNER).count() == 1
    consent = Consent.objects.get(user=gone)
    assert consent.withdrawn_at is not None  # kept as proof, withdrawn, pointing nowhere
    bodies = set(TeamMessage.objects.values_list("body", flat=True))
    assert bodies == {"(deleted)", "Danke an (deleted) ((deleted))!"}


def test_the_next_person_waiting_moves_up_and_the_figures_stay_true(sentinel, organiser):
    full = Task.objects.get(title="Eine Stelle")
    waiting = Commitment.objects.get(task=full, status=Commitment.Status.WAITING)

    deleted = deletion.delete_account(sentinel)

    waiting.refresh_from_db()
    assert waiting.status == Commitment.Status.ACTIVE
    assert waiting.user.name == "Wanda Wartend"
    assert OutboxMessage.objects.filter(to="wanda@example.org").exists()  # she is told
    told = Notification.objects.filter(user=organiser, kind="task_withdrawn")
    assert told.exists()
    assert all("zyxwvu" not in n.title.lower() for n in told)
    for task in Task.objects.all():
        holding = Commitment.objects.filter(task=task, status__in=Commitment.HOLDING_A_PLACE)
        assert task.taken == holding.count(), task.title
    assert (deleted.places_given_up, deleted.waiting_places_given_up) == (2, 1)
    kept = Commitment.objects.filter(user=sentinel).exclude(status=Commitment.Status.WITHDRAWN)
    assert sorted((c.task.title, c.status, c.hours) for c in kept) == [
        ("Vorbei", "completed", Decimal("3.00")),
        ("Vorbei offen", "active", None),
    ]
    assert deleted.commitments_kept == 2


def test_the_audit_log_notes_the_request_and_the_deletion_without_her(sentinel, platform):
    browser, link = ask_and_open_link(sentinel)
    browser.post(link)

    requested = AuditEntry.objects.get(action=Action.DELETION_REQUESTED)
    deleted = AuditEntry.objects.get(action=Action.ACCOUNT_DELETED)
    assert deleted.platform == platform
    for entry in (requested, deleted):
        assert (entry.actor, entry.subject) == (None, None)
        assert entry.had_actor and entry.had_subject
        assert "@" not in str(entry.data)
    assert not AuditEntry.objects.filter(actor_id=sentinel.pk).exists()
    assert not AuditEntry.objects.filter(subject_id=sentinel.pk).exists()


def test_the_last_owner_of_an_organisation_cannot_delete_the_account(organiser, organisation):
    browser = browser_for(organiser)
    page = browser.get(reverse("me:delete_account")).content.decode()
    assert "You are the last owner of an organisation" in page
    assert "KRASS e.V." in page
    assert "Email me the link" not in page

    refused = browser.post(reverse("me:delete_account"))
    assert refused.status_code == 200
    assert "Make someone else an owner first" in refused.content.decode()
    assert not OutboxMessage.objects.filter(to=organiser.email).exists()
    with pytest.raises(deletion.LastOwnerOf):
        deletion.delete_account(organiser)
    organiser.refresh_from_db()
    assert organiser.is_active and organiser.name == "Claudia Seidensticker"


def test_a_link_asked_for_before_becoming_last_owner_still_refuses(
    organiser, organisation, volunteer
):
    f.MembershipFactory(organisation=organisation, user=volunteer, role=Role.OWNER)
    browser, link = ask_and_open_link(organiser)
    Membership.objects.filter(user=volunteer).delete()

    response = browser.post(link)

    assert response.status_code == 200
    assert "You are the last owner of an organisation" in response.content.decode()
    organiser.refresh_from_db()
    assert organiser.is_active


def test_asking_mails_a_link_and_deletes_nothing(volunteer, platform):
    volunteer.language = "en"
    volunteer.save()
    browser = browser_for(volunteer)
    response = browser.post(reverse("me:delete_account"), follow=True)

    assert "We have sent you an email" in response.content.decode()
    mail = OutboxMessage.objects.get(to=volunteer.email)
    assert mail.subject == "Confirm: delete your account"
    assert "/me/delete/" in mail.body
    volunteer.refresh_from_db()
    assert volunteer.is_active


def test_an_expired_link_gets_a_clear_page(volunteer, time_machine):
    browser, link = ask_and_open_link(volunteer)
    time_machine.move_to(timezone.now() + deletion.LINK_VALID_FOR + timedelta(minutes=1))

    for response in (browser.get(link), browser.post(link)):
        assert response.status_code == 400
        assert "has expired. Nothing was deleted." in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.is_active


def test_an_invalid_link_gets_a_clear_page(volunteer):
    browser = browser_for(volunteer)
    forged = signing.dumps({"u": volunteer.pk, "h": "0" * 24}, salt="something-else")
    for token in ("not-a-link", forged):
        response = browser.post(reverse("me:delete_account_confirm", args=[token]))
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.is_active


def test_a_used_link_gets_a_clear_page(volunteer):
    browser, link = ask_and_open_link(volunteer)
    browser.post(link)

    again = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en").get(link)
    assert again.status_code == 400
    assert "This link was used already" in again.content.decode()


def test_a_link_stops_working_when_the_password_changes(volunteer):
    browser, link = ask_and_open_link(volunteer)
    volunteer.set_password("ein ganz neues Passwort")
    volunteer.save()
    browser.force_login(volunteer)

    assert browser.post(link).status_code == 400
    volunteer.refresh_from_db()
    assert volunteer.is_active


def test_a_signed_out_visitor_cannot_delete_anyone(volunteer):
    _browser, link = ask_and_open_link(volunteer)
    visitor = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")

    for response in (visitor.get(link), visitor.post(link)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    volunteer.refresh_from_db()
    assert volunteer.is_active and volunteer.name == "Margit Muster"
    assert visitor.post(reverse("me:delete_account")).status_code == 302  # to the sign-in


def test_the_link_of_one_person_does_nothing_for_another(volunteer, outsider):
    _browser, link = ask_and_open_link(volunteer)
    other = browser_for(outsider)

    for response in (other.get(link), other.post(link)):
        assert response.status_code == 403
        assert "This link was sent to another account" in response.content.decode()
    for person in (volunteer, outsider):
        person.refresh_from_db()
        assert person.is_active


def test_the_pages_say_what_will_happen(volunteer, task, project):
    actions.take_task(task, volunteer)
    f.CommitmentFactory(task=past_task(project), user=volunteer, status=Commitment.Status.COMPLETED)
    browser, link = ask_and_open_link(volunteer)

    for page in (browser.get(reverse("me:delete_account")), browser.get(link)):
        html = page.content.decode()
        assert "You give up 1 place on a task still to come" in html
        assert "1 task that is over stays in the organisers' figures" in html
        assert "replaced by “(deleted)”" in html


def test_the_same_address_can_sign_up_again_afterwards(volunteer):
    deletion.delete_account(volunteer)
    again = User.objects.create_user(email="margit@example.org", password="ein neues Passwort")
    assert again.pk != volunteer.pk


def test_the_rate_limit_applies_to_asking(volunteer, settings):
    settings.RATELIMIT_ENABLE = True
    settings.CROWDMOVING = {
        **settings.CROWDMOVING,
        "RATE_LIMITS": {**settings.CROWDMOVING["RATE_LIMITS"], "delete_account": "2/h"},
    }
    browser = browser_for(volunteer)
    answers = [browser.post(reverse("me:delete_account")).status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    assert OutboxMessage.objects.filter(to=volunteer.email).count() == 2


def test_an_unconfirmed_address_does_not_erase_someone_elses_rows(
    volunteer, outsider, organisation, platform
):
    """An address typed into the account but never confirmed may be anyone's: deleting the
    account leaves that person's invitations and contact messages alone."""
    EmailAddress.objects.create(user=volunteer, email=outsider.email, verified=False)
    contact = apps.get_model("pages", "ContactMessage").objects.create(
        platform=platform, name="Olaf Außen", email=outsider.email, message="Nur für euch."
    )
    invitation = Invitation.objects.create(
        organisation=organisation, email=outsider.email, token="olaf-inv"
    )

    deletion.delete_account(volunteer)

    assert apps.get_model("pages", "ContactMessage").objects.filter(pk=contact.pk).exists()
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert not EmailAddress.objects.filter(user=volunteer).exists()


def test_confirming_twice_deletes_once(volunteer, task):
    """A double click on the final button: the second request (holding the account as it was
    before the first finished) changes nothing and writes no second entry."""
    actions.take_task(task, volunteer)
    stale = User.objects.get(pk=volunteer.pk)
    deletion.delete_account(volunteer)
    tombstone_address = User.objects.get(pk=volunteer.pk).email

    again = deletion.delete_account(stale)

    assert again == deletion.Deleted()
    assert User.objects.get(pk=volunteer.pk).email == tombstone_address
    assert AuditEntry.objects.filter(action=Action.ACCOUNT_DELETED).count() == 1


@pytest.mark.parametrize(
    ("language", "word", "other"),
    [("de", "(gelöscht)", "(deleted)"), ("en", "(deleted)", "(gelöscht)")],
)
def test_what_was_erased_reads_in_the_readers_language(
    sentinel, organiser, project, platform, language, word, other
):
    deletion.delete_account(sentinel)
    text = current_text(platform)
    assert text is not None
    give_consent(organiser, text)
    browser = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE=language)
    browser.force_login(organiser)
    response = browser.get(reverse("team:index", args=[project.pk]))
    assert response.status_code == 200, response.get("Location")
    html = response.content.decode()
    assert f"Danke an {word} ({word})!" in html
    assert other not in html
    # The data keep one marker for every language.
    assert TeamMessage.objects.filter(body=deletion.REMOVED_MARKER).exists()
