"""The contact form's write: store the message and mail it to the people who answer for the
platform, never to the address typed in (so the form cannot send mail to strangers)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from crowdmoving.accounts.models import User
from crowdmoving.notifications.outbox import queue_email
from crowdmoving.tenancy.models import Platform, PlatformAdmin

from .models import ContactMessage


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


def contact_recipients(platform: Platform) -> list[Recipient]:
    """Who reads the platform's contact messages: its contact address if it has one; else its
    administrators; else (a platform nobody administers yet) the operators of the
    installation. Inactive accounts and accounts without an address are left out; each
    address once."""
    if platform.contact_email:
        return [Recipient(platform.contact_email, platform.default_language)]
    people: list[User] = [
        admin.user
        for admin in PlatformAdmin.objects.filter(platform=platform, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ]
    if not people:
        people = list(User.objects.filter(is_staff=True, is_active=True).order_by("pk"))
    seen: set[str] = set()
    recipients = []
    for person in people:
        address = person.email.strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            recipients.append(Recipient(address, person.language or platform.default_language))
    return recipients


def send_contact_message(
    platform: Platform, *, name: str, email: str, website: str, message: str
) -> ContactMessage:
    """Store the message and queue one mail to each of ``contact_recipients(platform)``, in one
    transaction. The sender's address is the mail's Reply-To (and in its text), never its From
    or To: no copy goes to it (see the module docstring)."""
    with transaction.atomic():
        contact = ContactMessage.objects.create(
            platform=platform, name=name, email=email, website=website, message=message
        )
        for number, recipient in enumerate(contact_recipients(platform)):
            queue_email(
                to=recipient.email,
                template="contact_message",
                context={"contact": contact},
                key=f"contact:{contact.pk}:{number}",
                platform=platform,
                language=recipient.language,
                reply_to=contact.email,
            )
    return contact
