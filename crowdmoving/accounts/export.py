"""Everything Crowdmoving holds about one person, across all platforms: the "Download my data"
of the DSGVO (Art. 15 and 20).

Every model that holds personal data is either registered here with a *section* (a function
that returns that person's rows of it) or explicitly excluded with the reason. The test
``accounts/tests/test_export.py`` walks every installed model and fails when one with a link to
a person, or a name- or address-like field, is neither, so a new model cannot be forgotten.

The JSON document (``format`` "crowdmoving.personal-data", ``version`` 1) is stable: fields
are only ever added, and a change of meaning raises the version. Its top level holds
``format``, ``version``, ``exported_at`` (ISO 8601) and one key per section, in the order of
``SECTIONS``; a section is an object (``account``) or a list of objects. Field names and their
meaning are in each section's ``fields`` and in docs/personal-data.md. Dates are ISO 8601
with their offset, hours are decimal strings ("2.50"), choices are their codes (e.g. a
commitment's ``status`` "waiting"); the readable page shows their labels.

The sections read with the platform scope disabled on purpose: a person's data lives on every
platform they used, and each query is filtered by that person. Secrets (password hash, the
calendar feed's token, two-factor secrets, codes) are never exported, nor other people's
addresses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.notifications.models import Kind, Notification, OutboxMessage
from crowdmoving.organisations.models import Invitation, Membership, Role
from crowdmoving.privacy.models import Consent, Purpose
from crowdmoving.projects.models import Commitment, Project
from crowdmoving.projects.selectors import waiting_ahead
from crowdmoving.team.models import TeamMessage
from crowdmoving.tenancy.models import PlatformAdmin

from .models import User

FORMAT = "crowdmoving.personal-data"
VERSION = 1


@dataclass(frozen=True)
class Field:
    key: str
    label: str | Promise
    choices: dict[str, Any] | None = None  # code -> label, for the readable page


@dataclass
class Person:
    """The person being exported, with what several sections need, read once."""

    user: User

    @cached_property
    def email_addresses(self) -> list[EmailAddress]:
        return list(EmailAddress.objects.filter(user=self.user).order_by("-primary", "email"))

    @cached_property
    def addresses(self) -> set[str]:
        """The addresses proven to be the person's, lower case: the account's and the
        confirmed ones of allauth's. An address only typed in (unconfirmed) may be anyone's:
        what was sent to or from it is not exported (its row is, in email_addresses)."""
        return {self.user.email.lower()} | {
            e.email.lower() for e in self.email_addresses if e.verified
        }

    def address_q(self, field_name: str) -> Q:
        query = Q()
        for address in sorted(self.addresses):
            query |= Q(**{f"{field_name}__iexact": address})
        return query

    @cached_property
    def commitments(self) -> list[Commitment]:
        return list(
            Commitment.objects.filter(user=self.user)
            .select_related("task__project__organisation__platform")
            .annotate(ahead=waiting_ahead())
            .order_by("joined_at", "pk")
        )


Exporter = Callable[[Person], Any]


@dataclass(frozen=True)
class Section:
    key: str  # the key in the JSON document
    title: str | Promise  # the heading on the readable page
    models: tuple[str, ...]  # the models ("app_label.ModelName") this section covers
    fields: tuple[Field, ...]
    export: Exporter
    many: bool = True  # a list of objects; False: one object


SECTIONS: dict[str, Section] = {}
# Models holding something person-like that are deliberately not exported, with the reason.
EXCLUDED: dict[str, str] = {}


def section(
    key: str,
    title: str | Promise,
    *,
    models: Iterable[str],
    fields: Iterable[Field],
    many: bool = True,
) -> Callable[[Exporter], Exporter]:
    """Register ``export`` as the section ``key`` of the export."""

    def register(export: Exporter) -> Exporter:
        if key in SECTIONS:
            raise ValueError(f"section {key} registered twice")
        SECTIONS[key] = Section(key, title, tuple(models), tuple(fields), export, many)
        return export

    return register


def exclude(label: str, reason: str) -> None:
    """Declare that model ``label`` is not exported, and why."""
    EXCLUDED[label] = reason


def covered() -> dict[str, str]:
    """Every model label the registry decides about -> the section(s) or the exclusion."""
    decided: dict[str, str] = {label: f"excluded: {why}" for label, why in EXCLUDED.items()}
    sections: dict[str, list[str]] = {}
    for entry in SECTIONS.values():
        for label in entry.models:
            sections.setdefault(label, []).append(entry.key)
    decided.update({label: "exported in " + ", ".join(keys) for label, keys in sections.items()})
    return decided


def _platform(platform: Any) -> str:
    return platform.name if platform is not None else ""


# --- sections, in the order of the document ---------------------------------------------------


@section(
    "account",
    _("Account"),
    models=["accounts.User"],
    many=False,
    fields=(
        Field("id", _("Account number")),
        Field("email", _("Email address")),
        Field("name", _("Name")),
        Field("visibility", _("Shown to others as"), dict(User.Visibility.choices)),
        Field("language", _("Language of emails"), dict(settings.LANGUAGES)),
        Field("share_contact", _("Other supporters may see my email address")),
        Field("daily_digest", _("Daily digest instead of single emails")),
        Field("muted_email_kinds", _("Emails I switched off"), dict(Kind.choices)),
        Field("date_joined", _("Account created")),
        Field("last_login", _("Last sign-in")),
        Field("has_password", _("Has a password")),
        Field("has_calendar_feed", _("Has a calendar feed address")),
        Field("is_operator", _("Runs this installation")),
    ),
)
def _account(person: Person) -> dict[str, Any]:
    user = person.user
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "visibility": user.visibility,
        "language": user.language,
        "share_contact": user.share_contact,
        "daily_digest": user.daily_digest,
        "muted_email_kinds": list(user.muted_email_kinds or []),
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "has_password": user.has_usable_password(),
        "has_calendar_feed": bool(user.calendar_token),
        "is_operator": user.is_staff,
    }


@section(
    "email_addresses",
    _("Email addresses"),
    models=["account.EmailAddress"],
    fields=(
        Field("email", _("Email address")),
        Field("verified", _("Confirmed")),
        Field("primary", _("Main address")),
    ),
)
def _email_addresses(person: Person) -> list[dict[str, Any]]:
    return [
        {"email": e.email, "verified": e.verified, "primary": e.primary}
        for e in person.email_addresses
    ]


@section(
    "consents",
    _("Consents"),
    models=["privacy.Consent"],
    fields=(
        Field("platform", _("Platform")),
        Field("purpose", _("Purpose"), dict(Purpose.choices)),
        Field("privacy_text_version", _("Version of the privacy text")),
        Field("given_at", _("Given")),
        Field("withdrawn_at", _("Withdrawn")),
    ),
)
def _consents(person: Person) -> list[dict[str, Any]]:
    rows = Consent.objects.filter(user=person.user).select_related("platform", "text")
    return [
        {
            "platform": _platform(c.platform),
            "purpose": c.purpose,
            "privacy_text_version": c.text.version,
            "given_at": c.given_at,
            "withdrawn_at": c.withdrawn_at,
        }
        for c in rows.order_by("given_at", "pk")
    ]


@section(
    "memberships",
    _("Memberships of organisations"),
    models=["organisations.Membership"],
    fields=(
        Field("platform", _("Platform")),
        Field("organisation", _("Organisation")),
        Field("role", _("Role"), dict(Role.choices)),
        Field("since", _("Since")),
    ),
)
def _memberships(person: Person) -> list[dict[str, Any]]:
    rows = Membership.objects.filter(user=person.user).select_related("organisation__platform")
    return [
        {
            "platform": _platform(m.organisation.platform),
            "organisation": m.organisation.name,
            "role": m.role,
            "since": m.created_at,
        }
        for m in rows.order_by("created_at", "pk")
    ]


@section(
    "platform_administration",
    _("Platforms I administer"),
    models=["tenancy.PlatformAdmin"],
    fields=(Field("platform", _("Platform")), Field("since", _("Since"))),
)
def _platform_admin(person: Person) -> list[dict[str, Any]]:
    rows = PlatformAdmin.objects.filter(user=person.user).select_related("platform")
    return [
        {"platform": _platform(a.platform), "since": a.created_at}
        for a in rows.order_by("created_at", "pk")
    ]


PROJECT_FIELDS = (
    Field("platform", _("Platform")),
    Field("organisation", _("Organisation")),
    Field("project", _("Project")),
)


def _project_row(project: Project) -> dict[str, Any]:
    return {
        "platform": _platform(project.organisation.platform),
        "organisation": project.organisation.name,
        "project": project.title,
    }


@section(
    "projects_created",
    _("Projects I created"),
    models=["projects.Project"],
    fields=(*PROJECT_FIELDS, Field("created_at", _("Created"))),
)
def _projects_created(person: Person) -> list[dict[str, Any]]:
    rows = Project.objects.filter(created_by=person.user).select_related("organisation__platform")
    return [
        {**_project_row(p), "created_at": p.created_at} for p in rows.order_by("created_at", "pk")
    ]


@section(
    "projects_coordinated",
    _("Projects whose coordination was handed over to me"),
    models=["projects.Project_coordinators"],
    fields=PROJECT_FIELDS,
)
def _projects_coordinated(person: Person) -> list[dict[str, Any]]:
    rows = Project.objects.filter(coordinators=person.user).select_related("organisation__platform")
    return [_project_row(p) for p in rows.order_by("pk")]


@section(
    "commitments",
    _("Tasks I took"),
    models=["projects.Commitment"],
    fields=(
        *PROJECT_FIELDS,
        Field("task", _("Task")),
        Field("task_removed", _("Task removed")),
        Field("status", _("Status"), dict(Commitment.Status.choices)),
        Field("joined_at", _("Taken or joined")),
        Field("changed_at", _("Last change")),
        Field("hours", _("Confirmed hours")),
        Field("attendance_confirmed_at", _("Attendance confirmed")),
    ),
)
def _commitments(person: Person) -> list[dict[str, Any]]:
    return [
        {
            **_project_row(c.task.project),
            "task": c.task.title,
            "task_removed": c.task.removed_at is not None,
            "status": c.status,
            "joined_at": c.joined_at,
            "changed_at": c.changed_at,
            "hours": c.hours,
            "attendance_confirmed_at": c.attendance_confirmed_at,
        }
        for c in person.commitments
    ]


@section(
    "waiting_lists",
    _("Waiting lists I am on"),
    models=["projects.Commitment"],
    fields=(
        *PROJECT_FIELDS,
        Field("task", _("Task")),
        Field("position", _("Place in the queue")),
        Field("joined_at", _("Joined")),
    ),
)
def _waiting_lists(person: Person) -> list[dict[str, Any]]:
    return [
        {
            **_project_row(c.task.project),
            "task": c.task.title,
            "position": c.ahead + 1,  # type: ignore[attr-defined]
            "joined_at": c.joined_at,
        }
        for c in person.commitments
        if c.status == Commitment.Status.WAITING
    ]


@section(
    "team_messages",
    _("Team messages I wrote or that were addressed to me"),
    models=["team.TeamMessage"],
    fields=(
        *PROJECT_FIELDS,
        Field("kind", _("Kind"), dict(TeamMessage.Kind.choices)),
        Field("i_am", _("I am"), {"author": _("the author"), "addressee": _("addressed")}),
        Field("created_at", _("Written")),
        Field("removed", _("Removed")),
        Field("body", _("Message")),
    ),
)
def _team_messages(person: Person) -> list[dict[str, Any]]:
    user = person.user
    rows = (
        TeamMessage.objects.filter(Q(author=user) | Q(recipient=user) | Q(introduced=user))
        .select_related("project__organisation__platform")
        .order_by("created_at", "pk")
    )
    return [
        {
            **_project_row(m.project),
            "kind": m.kind,
            "i_am": "author" if m.author_id == user.pk else "addressee",
            "created_at": m.created_at,
            "removed": m.removed_at is not None,
            "body": m.body,
        }
        for m in rows
    ]


@section(
    "notifications",
    _("Notifications"),
    models=["notifications.Notification"],
    fields=(
        Field("platform", _("Platform")),
        Field("kind", _("Kind"), dict(Kind.choices)),
        Field("title", _("Title")),
        Field("created_at", _("When")),
        Field("read_at", _("Read")),
        Field("emailed", _("Also emailed")),
    ),
)
def _notifications(person: Person) -> list[dict[str, Any]]:
    rows = Notification.objects.filter(user=person.user).select_related("platform")
    return [
        {
            "platform": _platform(n.platform),
            "kind": n.kind,
            "title": n.title,
            "created_at": n.created_at,
            "read_at": n.read_at,
            "emailed": n.emailed,
        }
        for n in rows.order_by("created_at", "pk")
    ]


@section(
    "emails",
    _("Emails sent to me"),
    models=["notifications.OutboxMessage"],
    fields=(
        Field("platform", _("Platform")),
        Field("to", _("To")),
        Field("subject", _("Subject")),
        Field("created_at", _("Written")),
        Field("sent_at", _("Sent")),
        Field("status", _("Status"), dict(OutboxMessage.Status.choices)),
    ),
)
def _emails(person: Person) -> list[dict[str, Any]]:
    rows = OutboxMessage.objects.filter(person.address_q("to")).select_related("platform")
    return [
        {
            "platform": _platform(m.platform),
            "to": m.to,
            "subject": m.subject,
            "created_at": m.created_at,
            "sent_at": m.sent_at,
            "status": m.status,
        }
        for m in rows.order_by("created_at", "pk")
    ]


@section(
    "invitations",
    _("Invitations to my address"),
    models=["organisations.Invitation"],
    fields=(
        Field("platform", _("Platform")),
        Field("organisation", _("Organisation")),
        Field("email", _("Email address")),
        Field("role", _("Role"), dict(Role.choices)),
        Field("created_at", _("Sent")),
        Field("accepted_at", _("Accepted")),
        Field("revoked_at", _("Withdrawn")),
    ),
)
def _invitations(person: Person) -> list[dict[str, Any]]:
    rows = Invitation.objects.filter(
        person.address_q("email") | Q(accepted_by=person.user)
    ).select_related("organisation__platform")
    return [
        {
            "platform": _platform(i.organisation.platform),
            "organisation": i.organisation.name,
            "email": i.email,
            "role": i.role,
            "created_at": i.created_at,
            "accepted_at": i.accepted_at,
            "revoked_at": i.revoked_at,
        }
        for i in rows.order_by("created_at", "pk")
    ]


@section(
    "platform_invitations",
    _("Invitations to administer a platform"),
    models=["tenancy.PlatformInvitation"],
    fields=(
        Field("platform", _("Platform")),
        Field("email", _("Email address")),
        Field("created_at", _("Sent")),
        Field("accepted_at", _("Accepted")),
        Field("revoked_at", _("Withdrawn")),
    ),
)
def _platform_invitations(person: Person) -> list[dict[str, Any]]:
    model = apps.get_model("tenancy", "PlatformInvitation")
    rows = model.objects.filter(
        person.address_q("email") | Q(accepted_by=person.user)
    ).select_related("platform")
    return [
        {
            "platform": _platform(i.platform),
            "email": i.email,
            "created_at": i.created_at,
            "accepted_at": i.accepted_at,
            "revoked_at": i.revoked_at,
        }
        for i in rows.order_by("created_at", "pk")
    ]


@section(
    "contact_messages",
    _("Messages I sent through a contact form"),
    models=["pages.ContactMessage"],
    fields=(
        Field("platform", _("Platform")),
        Field("name", _("Name")),
        Field("email", _("Email address")),
        Field("website", _("Website")),
        Field("created_at", _("Sent")),
        Field("message", _("Message")),
    ),
)
def _contact_messages(person: Person) -> list[dict[str, Any]]:
    model = apps.get_model("pages", "ContactMessage")
    rows = model.objects.filter(person.address_q("email")).select_related("platform")
    return [
        {
            "platform": _platform(m.platform),
            "name": m.name,
            "email": m.email,
            "website": m.website,
            "created_at": m.created_at,
            "message": m.message,
        }
        for m in rows.order_by("created_at", "pk")
    ]


@section(
    "contact_messages_handled",
    _("Contact messages I marked as handled (as a platform administrator)"),
    models=["pages.ContactMessage"],
    fields=(
        Field("platform", _("Platform")),
        Field("handled_at", _("Marked as handled")),
    ),
)
def _contact_messages_handled(person: Person) -> list[dict[str, Any]]:
    # When only: the message, its sender's name and address are the sender's data, not the
    # administrator's (the sender finds them in their own export, contact_messages).
    model = apps.get_model("pages", "ContactMessage")
    rows = model.objects.filter(handled_by=person.user).select_related("platform")
    return [
        {"platform": _platform(m.platform), "handled_at": m.handled_at}
        for m in rows.order_by("handled_at", "pk")
    ]


@section(
    "alerts",
    _("Email alerts"),
    models=["reach.Subscription"],
    fields=(
        Field("platform", _("Platform")),
        Field("email", _("Email address")),
        Field("about", _("Alert about")),
        Field("created_at", _("Created")),
        Field("confirmed_at", _("Confirmed")),
        Field("last_sent_at", _("Last sent")),
    ),
)
def _alerts(person: Person) -> list[dict[str, Any]]:
    model = apps.get_model("reach", "Subscription")
    rows = model.objects.filter(person.address_q("email") | Q(user=person.user)).select_related(
        "platform", "organisation"
    )
    return [
        {
            "platform": _platform(a.platform),
            "email": a.email,
            "about": a.organisation.name if a.organisation else a.category or a.place,
            "created_at": a.created_at,
            "confirmed_at": a.confirmed_at,
            "last_sent_at": a.last_sent_at,
        }
        for a in rows.order_by("created_at", "pk")
    ]


@section(
    "access_tokens",
    _("API access tokens"),
    models=["api.AccessToken"],
    fields=(
        Field("platform", _("Platform")),
        Field("name", _("Name")),
        Field("prefix", _("Begins with")),
        Field("created_at", _("Created")),
        Field("last_used_at", _("Last used")),
        Field("expires_at", _("Valid until")),
        Field("revoked_at", _("Revoked")),
    ),
)
def _access_tokens(person: Person) -> list[dict[str, Any]]:
    model = apps.get_model("api", "AccessToken")
    rows = model.objects.filter(user=person.user).select_related("platform")
    return [
        {
            "platform": _platform(t.platform),
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "expires_at": t.expires_at,
            "revoked_at": t.revoked_at,
        }
        for t in rows.order_by("created_at", "pk")
    ]


@section(
    "audit_log",
    _("Audit log entries about me"),
    models=["audit.AuditEntry"],
    fields=(
        Field("platform", _("Platform")),
        Field("action", _("What"), dict(Action.choices)),
        Field("created_at", _("When")),
        Field("i_am", _("I am"), {"actor": _("who did it"), "subject": _("concerned")}),
        Field("ip_address", _("From address (mine only)")),
    ),
)
def _audit_log(person: Person) -> list[dict[str, Any]]:
    user = person.user
    rows = (
        AuditEntry.objects.filter(Q(actor=user) | Q(subject=user))
        .select_related("platform")
        .order_by("created_at", "pk")
    )
    return [
        {
            "platform": _platform(e.platform),
            "action": e.action,
            "created_at": e.created_at,
            "i_am": "actor" if e.actor_id == user.pk else "subject",
            # Only the person's own address: an entry about them written by someone else
            # carries that other person's address.
            "ip_address": e.ip_address if e.actor_id == user.pk else None,
        }
        for e in rows
    ]


AUTHENTICATOR_TYPES = {
    "totp": _("Authenticator app"),
    "recovery_codes": _("Recovery codes"),
    "webauthn": _("Security key"),
}


@section(
    "two_factor_authentication",
    _("Two-factor authentication"),
    models=["mfa.Authenticator"],
    fields=(
        Field("type", _("Kind"), AUTHENTICATOR_TYPES),
        Field("created_at", _("Set up")),
        Field("last_used_at", _("Last used")),
    ),
)
def _authenticators(person: Person) -> list[dict[str, Any]]:
    if not apps.is_installed("allauth.mfa"):
        return []
    from allauth.mfa.models import Authenticator

    rows = (
        Authenticator.objects.filter(user=person.user)
        .only("type", "created_at", "last_used_at")
        .order_by("created_at", "pk")
    )
    # The type and dates only: never the secret or the recovery codes.
    return [
        {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at} for a in rows
    ]


# --- what is not exported, and why ------------------------------------------------------------

exclude("sessions.Session", "sign-in sessions expire by themselves; all end at account deletion")
exclude(
    "account.EmailConfirmation",
    "the secret key of a pending address confirmation; goes with the address (email_addresses)",
)
exclude("accounts.User_groups", "Django's permission groups are not used (roles are memberships)")
exclude("accounts.User_user_permissions", "Django's permissions are not used (see memberships)")
exclude("auth.Group", "the names of Django's permission groups, not of people")
exclude("auth.Permission", "the names of Django's permissions, not of people")
exclude("tenancy.Platform", "a platform's name and its public contact address, not a person's")
exclude("organisations.Organisation", "an organisation's name, not a person's")
exclude(
    "privacy.PrivacyText",
    "a platform's public privacy text; publishing one is in the audit log section",
)
exclude(
    "django_tasks_database.DBTaskResult",
    "the worker's queue: task names and row numbers (queue_name is the queue's name)",
)


# --- the document -----------------------------------------------------------------------------


def collect(user: User) -> dict[str, Any]:
    """The export of ``user`` as Python values: ``format``, ``version``, ``exported_at`` and one
    entry per section, in a constant number of queries however much the person did."""
    person = Person(user)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now(),
    }
    with scopes_disabled():
        for key, entry in SECTIONS.items():
            document[key] = entry.export(person)
    return document


# --- the readable page ------------------------------------------------------------------------


@dataclass
class ReadableSection:
    key: str
    title: str | Promise
    # one list of (label, value as read) per object
    rows: list[list[tuple[str | Promise, str]]] = field(default_factory=list)


def _shown(value: Any, choices: dict[str, Any] | None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(_shown(v, choices) for v in value) or "–"
    if choices is not None and value in choices:
        return str(choices[value])
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value, decimal_pos=2)
    return str(value)


def readable(document: dict[str, Any]) -> list[ReadableSection]:
    """The sections of ``document`` with labels and values as a person reads them."""
    shown: list[ReadableSection] = []
    for key, entry in SECTIONS.items():
        rows = document[key] if entry.many else [document[key]]
        shown.append(
            ReadableSection(
                key=key,
                title=entry.title,
                rows=[
                    [(f.label, _shown(row.get(f.key), f.choices)) for f in entry.fields]
                    for row in rows
                ],
            )
        )
    return shown
