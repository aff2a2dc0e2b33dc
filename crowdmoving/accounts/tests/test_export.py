"""Download my data: every model holding personal data is exported or excluded with a reason;
the export holds everything about the person on every platform, no secrets, in a constant
number of queries; the page and the file are the person's own and noted in the audit log."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.accounts import export
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.notifications.models import Kind, Notification, OutboxMessage
from crowdmoving.notifications.outbox import queue_email
from crowdmoving.organisations.models import Invitation, Role
from crowdmoving.privacy.actions import give_consent, publish_text
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment
from crowdmoving.team.models import TeamMessage

pytestmark = pytest.mark.django_db

NAME_LIKE = {"email", "name", "to", "to_address", "first_name", "last_name", "phone", "address"}


def holds_personal_data(model: type[models.Model]) -> list[str]:
    """Why ``model`` looks like it holds personal data: its links to a person and its
    name- or address-like fields."""
    reasons = []
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False):
            continue
        related = getattr(field, "related_model", None)
        if related is not None and related._meta.label == settings.AUTH_USER_MODEL:
            reasons.append(f"{field.name} -> person")
            continue
        name = field.name.lower()
        if (
            name in NAME_LIKE
            or "email" in name
            or name.endswith(("_name", "_address", "phone"))
            or isinstance(field, models.EmailField | models.GenericIPAddressField)
        ):
            reasons.append(f"{field.name} looks personal")
    return reasons


def test_every_model_with_personal_data_is_exported_or_excluded_with_a_reason():
    decided = export.covered()
    missing = []
    for model in apps.get_models(include_auto_created=True):
        reasons = holds_personal_data(model)
        if reasons and model._meta.label not in decided:
            missing.append(f"{model._meta.label} ({', '.join(reasons)})")
    assert missing == [], (
        "Register these models in crowdmoving/accounts/export.py with @section(...), or "
        "exclude(label, reason) them:\n" + "\n".join(missing)
    )


def test_the_registry_names_only_models_that_exist_and_gives_every_reason():
    labels = {m._meta.label for m in apps.get_models(include_auto_created=True)}
    assert sorted(set(export.covered()) - labels) == []
    assert all(reason.strip() for reason in export.EXCLUDED.values())


def test_the_check_sees_a_model_with_a_link_to_a_person():
    """The control for the test above: a model it must flag is flagged."""
    assert holds_personal_data(Commitment) == [
        "user -> person",
        "attendance_confirmed_by -> person",
    ]
    # reply_to is the platform's reply address (outbox.reply_to_for), flagged all the same.
    assert holds_personal_data(OutboxMessage) == ["to looks personal", "reply_to looks personal"]


@pytest.fixture
def busy_volunteer(volunteer, organisation, project, task, other_platform, organiser):
    """Margit on both platforms: places, a waiting place, hours, a message, a consent, mail."""
    actions.take_task(task, volunteer)
    full = f.TaskFactory(project=project, title="Volle Aufgabe", capacity=1)
    actions.take_task(full, f.UserFactory())
    actions.join_waitlist(full, f.UserFactory())
    actions.join_waitlist(full, volunteer)
    past = f.TaskFactory(project=project, title="Letzte Woche")
    f.CommitmentFactory(
        task=past, user=volunteer, status=Commitment.Status.COMPLETED, hours=Decimal("2.5")
    )
    other_org = f.OrganisationFactory(platform=other_platform, name="Nestwärme e.V.")
    other_project = f.ProjectFactory(organisation=other_org, title="Drüben helfen")
    actions.take_task(f.TaskFactory(project=other_project, title="Suppe kochen"), volunteer)
    f.MembershipFactory(organisation=other_org, user=volunteer, role=Role.EDITOR)
    TeamMessage.objects.create(
        project=project, author=volunteer, kind=TeamMessage.Kind.BOARD, body="Ich bringe Kuchen"
    )
    text = publish_text(other_platform, body="Wir schützen Daten.", summary_of_changes="", by=None)
    give_consent(volunteer, text)
    Invitation.objects.create(
        organisation=other_org, email="MARGIT@example.org", token="t-1", invited_by=organiser
    )
    Authenticator.objects.create(user=volunteer, type="totp", data={"secret": "TOPSECRETSEED"})
    volunteer.calendar_token = "calendar-secret-token"
    volunteer.save()
    record(Action.ROLE_CHANGED, actor=organiser, subject=volunteer, platform=organisation.platform)
    return volunteer


def test_the_export_holds_everything_about_the_person_on_every_platform(busy_volunteer):
    document = export.collect(busy_volunteer)

    assert document["format"] == "crowdmoving.personal-data"
    assert document["version"] == 1
    assert list(document)[3:] == list(export.SECTIONS)
    assert document["account"]["email"] == "margit@example.org"
    assert document["account"]["name"] == "Margit Muster"
    assert document["account"]["has_calendar_feed"] is True
    assert [e["email"] for e in document["email_addresses"]] == ["margit@example.org"]
    tasks = {(c["platform"], c["task"], c["status"]) for c in document["commitments"]}
    assert ("Krass Plattform", "Infostand besetzen", "active") in tasks
    assert ("Krass Plattform", "Volle Aufgabe", "waiting") in tasks
    assert ("Andere Plattform", "Suppe kochen", "active") in tasks
    completed = next(c for c in document["commitments"] if c["status"] == "completed")
    assert completed["hours"] == Decimal("2.50")
    assert document["waiting_lists"] == [
        {
            "platform": "Krass Plattform",
            "organisation": "KRASS e.V.",
            "project": "Kinder malen ihre Welt",
            "task": "Volle Aufgabe",
            "position": 2,
            "joined_at": document["waiting_lists"][0]["joined_at"],
        }
    ]
    assert [(m["organisation"], m["role"]) for m in document["memberships"]] == [
        ("Nestwärme e.V.", "editor")
    ]
    assert [m["body"] for m in document["team_messages"]] == ["Ich bringe Kuchen"]
    assert [(c["platform"], c["privacy_text_version"]) for c in document["consents"]] == [
        ("Andere Plattform", 1)
    ]
    assert [i["organisation"] for i in document["invitations"]] == ["Nestwärme e.V."]
    assert {n["kind"] for n in document["notifications"]} == {Kind.CONFIRMED}
    assert document["emails"] and all(m["to"] == "margit@example.org" for m in document["emails"])
    assert [a["type"] for a in document["two_factor_authentication"]] == ["totp"]
    actions_about_her = {e["action"] for e in document["audit_log"]}
    assert {Action.CONSENT_GIVEN, Action.ROLE_CHANGED} <= actions_about_her


def test_the_export_holds_no_secrets_and_no_address_of_anybody_else(busy_volunteer, organiser):
    AuditEntry.objects.create(
        action=Action.ROLE_CHANGED, actor=organiser, subject=busy_volunteer, ip_address="10.9.8.7"
    )
    AuditEntry.objects.create(
        action=Action.LOGIN, actor=busy_volunteer, subject=busy_volunteer, ip_address="10.1.1.1"
    )
    text = json.dumps(export.collect(busy_volunteer), default=str)

    for secret in ("TOPSECRETSEED", "calendar-secret-token", busy_volunteer.password, "10.9.8.7"):
        assert secret not in text
    assert "10.1.1.1" in text  # her own address is hers
    assert "claudia@example.org" not in text  # who invited her is not her data


def test_the_export_of_someone_else_holds_nothing_of_hers(busy_volunteer, outsider):
    text = json.dumps(export.collect(outsider), default=str)
    for hers in ("Margit", "margit@example.org", "Ich bringe Kuchen", "Suppe kochen"):
        assert hers not in text


def queries_for(user) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        export.collect(user)
    return len(captured)


def test_the_export_needs_the_same_queries_for_many_commitments_as_for_few(project, platform):
    few, many = f.UserFactory(), f.UserFactory()
    for person, count in ((few, 2), (many, 40)):
        for n in range(count):
            task = f.TaskFactory(project=project, title=f"Aufgabe {n}")
            actions.take_task(task, person)
            TeamMessage.objects.create(
                project=project, author=person, kind=TeamMessage.Kind.BOARD, body=f"Nachricht {n}"
            )
    assert queries_for(few) == queries_for(many)
    assert queries_for(many) <= 18


# --- the pages ----------------------------------------------------------------------------------


def test_my_data_needs_a_sign_in(client):
    response = client.get(reverse("me:data"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client.post(reverse("me:data_download")).status_code == 302


def test_my_data_shows_everything_readably_and_is_noted_once_an_hour(login, busy_volunteer):
    browser = login(busy_volunteer)
    html = browser.get(reverse("me:data")).content.decode()
    browser.get(reverse("me:data"))

    for shown in ("Margit Muster", "Volle Aufgabe", "On the waiting list", "Suppe kochen"):
        assert shown in html
    assert "Place in the queue" in html
    assert "Authenticator app" in html
    assert "TOPSECRETSEED" not in html
    entries = AuditEntry.objects.filter(action=Action.DATA_EXPORTED, actor=busy_volunteer)
    assert [e.data for e in entries] == [{"format": "html"}]


def test_the_download_is_a_json_file_of_the_same_and_noted_in_the_audit_log(
    login, busy_volunteer, platform
):
    response = login(busy_volunteer).post(reverse("me:data_download"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    document = json.loads(response.content)
    assert document["format"] == "crowdmoving.personal-data"
    assert document["account"]["email"] == "margit@example.org"
    assert "Nestwärme e.V." in response.content.decode()  # UTF-8, not \\u escapes
    entry = AuditEntry.objects.get(action=Action.DATA_EXPORTED)
    assert (entry.actor, entry.subject, entry.platform) == (
        busy_volunteer,
        busy_volunteer,
        platform,
    )
    assert entry.data == {"format": "json"}


def test_the_download_refuses_get(login, volunteer):
    assert login(volunteer).get(reverse("me:data_download")).status_code == 405


def test_the_download_is_rate_limited(login, volunteer, settings):
    settings.RATELIMIT_ENABLE = True
    settings.CROWDMOVING = {
        **settings.CROWDMOVING,
        "RATE_LIMITS": {**settings.CROWDMOVING["RATE_LIMITS"], "export": "2/h"},
    }
    browser = login(volunteer)
    answers = [browser.post(reverse("me:data_download")).status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_the_settings_page_links_to_my_data_and_deletion(login, volunteer):
    html = login(volunteer).get(reverse("me:settings")).content.decode()
    assert reverse("me:data") in html
    assert reverse("me:delete_account") in html


def test_notifications_and_mails_of_others_are_not_in_my_export(volunteer, organiser, platform):
    Notification.objects.create(platform=platform, user=organiser, kind=Kind.TASK_TAKEN, title="X")
    queue_email(
        to=organiser.email,
        template="account_deletion",
        key="k-1",
        platform=platform,
        context={"person": organiser, "confirm_path": "/", "valid_hours": 24},
    )
    document = export.collect(volunteer)
    assert document["notifications"] == []
    assert document["emails"] == []


def test_the_documentation_names_every_section_and_field():
    text = (settings.BASE_DIR / "docs" / "personal-data.md").read_text()
    for entry in export.SECTIONS.values():
        assert f"### `{entry.key}`" in text, entry.key
        for field in entry.fields:
            assert f"| `{field.key}` |" in text, f"{entry.key}.{field.key}"


def test_an_unconfirmed_address_does_not_open_someone_elses_data(
    login, volunteer, outsider, platform, organisation
):
    """Anyone can type another person's address into their account (allauth's email page):
    until it is confirmed, what was sent to or from it is not theirs to download."""
    browser = login(volunteer)
    browser.post(reverse("account_email"), {"action_add": "", "email": outsider.email})
    assert not volunteer.emailaddress_set.get(email=outsider.email).verified
    apps.get_model("pages", "ContactMessage").objects.create(
        platform=platform, name="Olaf Außen", email=outsider.email, message="Nur für euch."
    )
    Invitation.objects.create(organisation=organisation, email=outsider.email, token="olaf-inv")
    queue_email(
        to=outsider.email,
        template="account_deletion",
        key="olaf-mail",
        platform=platform,
        context={"person": outsider, "confirm_path": "/", "valid_hours": 24},
    )

    document = export.collect(volunteer)

    assert outsider.email in [row["email"] for row in document["email_addresses"]]
    assert document["contact_messages"] == []
    assert document["invitations"] == []
    assert [m["to"] for m in document["emails"] if m["to"] == outsider.email] == []
