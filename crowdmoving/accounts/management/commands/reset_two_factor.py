"""Remove a person's two-factor authentication, for an operator who has checked who they are."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action


class Command(BaseCommand):
    help = (
        "Remove the authenticator app and recovery codes of the accounts with these email "
        "addresses (someone who lost both, or after a lost MFA_ENCRYPTION_KEY / SECRET_KEY). "
        "Check who they are another way first. They set it up anew at their next sign-in "
        "(administrators and operators are sent there). Each removal is in the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("emails", nargs="*", metavar="email")
        parser.add_argument(
            "--everyone",
            action="store_true",
            help="Every account's (only after a lost key: nobody's codes work any more).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        emails: list[str] = options["emails"]
        if bool(emails) == bool(options["everyone"]):
            raise CommandError("Name one or more email addresses, or --everyone.")
        if options["everyone"]:
            people = list(User.objects.filter(authenticator__isnull=False).distinct())
        else:
            people = []
            for email in emails:
                person = User.objects.filter(email__iexact=email.strip()).first()
                if person is None:
                    raise CommandError(f"No account has the address {email!r}; nothing changed.")
                people.append(person)
        removed = 0
        with transaction.atomic():
            for person in people:
                kinds = sorted(
                    set(Authenticator.objects.filter(user=person).values_list("type", flat=True))
                )
                if not kinds:
                    continue
                Authenticator.objects.filter(user=person).delete()
                record(
                    Action.MFA_CHANGED,
                    actor=None,
                    subject=person,
                    change="reset_by_operator",
                    types=kinds,
                )
                removed += 1
        self.stdout.write(f"Removed two-factor authentication of {removed} account(s).")
