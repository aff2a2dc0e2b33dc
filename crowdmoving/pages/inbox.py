"""The platform administrators' inbox of contact messages (/platform/messages/): the
selectors its pages need, with their query budget, and its writes (mark handled or open,
delete). The messages themselves are written by pages.contact and purged by
privacy.retention RETENTION_CONTACT_MESSAGE_DAYS after they were sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from crowdmoving.accounts.deletion import is_tombstone
from crowdmoving.tenancy.models import Platform

from .models import ContactMessage

if TYPE_CHECKING:
    from crowdmoving.accounts.models import User

PAGE_SIZE = 25
SHOW_OPEN, SHOW_HANDLED, SHOW_ALL = "open", "handled", "all"
SHOWS = (SHOW_OPEN, SHOW_HANDLED, SHOW_ALL)


def parse_show(value: Any) -> str:
    """The filter as typed into the address; anything unknown is the default, "open"."""
    return value if value in SHOWS else SHOW_OPEN


@dataclass(frozen=True)
class Counts:
    open: int
    handled: int

    @property
    def all(self) -> int:
        return self.open + self.handled


def open_count(platform: Platform) -> int:
    """How many messages of ``platform`` are not handled yet. One COUNT query."""
    return ContactMessage.objects.filter(platform=platform, handled_at__isnull=True).count()


def counts(platform: Platform) -> Counts:
    """Open and handled messages of ``platform``, in one query."""
    found = ContactMessage.objects.filter(platform=platform).aggregate(
        open=Count("pk", filter=Q(handled_at__isnull=True)),
        handled=Count("pk", filter=Q(handled_at__isnull=False)),
    )
    return Counts(open=found["open"], handled=found["handled"])


def messages_of(platform: Platform, show: str) -> QuerySet[ContactMessage]:
    """The messages of ``platform`` that ``show`` asks for, newest first, with the
    administrator who handled each."""
    found = ContactMessage.objects.filter(platform=platform).select_related("handled_by")
    if show == SHOW_OPEN:
        found = found.filter(handled_at__isnull=True)
    elif show == SHOW_HANDLED:
        found = found.filter(handled_at__isnull=False)
    return found.order_by("-created_at", "-pk")


def inbox_page(platform: Platform, show: str, number: Any) -> Page:
    """One page of PAGE_SIZE messages (``number`` as typed; anything odd is the first or the
    last page), each ready for display (``prepare``). Two queries, however many messages:
    the count and the page with its handlers."""
    page = Paginator(messages_of(platform, show), PAGE_SIZE).get_page(number)
    entries = list(page.object_list)
    for message in entries:
        prepare(message, platform)
    page.object_list = entries
    return page


def prepare(message: ContactMessage, platform: Platform) -> ContactMessage:
    """Add what the templates show: ``reply_url`` (a mailto: link with the subject "Re: ..."),
    ``website_url`` (the website as a link only when it is http or https: a javascript: or
    data: address typed into the form stays text) and ``handled_by_label``."""
    subject = gettext("Re: Your message to %(platform)s") % {"platform": platform.name}
    # Both parts percent-encoded (RFC 6068): an address may hold "?", "&" or "%", and "+"
    # would be read as itself by some mail programs, so spaces are %20.
    query = urlencode({"subject": subject}, quote_via=quote)
    message.reply_url = f"mailto:{quote(message.email, safe='@')}?{query}"  # type: ignore[attr-defined]
    message.website_url = message.website if is_web_address(message.website) else ""  # type: ignore[attr-defined]
    message.handled_by_label = handler_label(message)  # type: ignore[attr-defined]
    return message


def is_web_address(value: str) -> bool:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def handler_label(message: ContactMessage) -> str:
    """Who marked ``message`` handled, in words ('' while it is open)."""
    if message.handled_at is None:
        return ""
    person = message.handled_by
    if person is None or is_tombstone(person):
        return gettext("a deleted account")
    return person.name or person.email


def access_message(platform: Platform, message_id: int) -> ContactMessage:
    """A message of ``platform`` for its administrators; a 404 for any other."""
    message = (
        ContactMessage.objects.filter(platform=platform, pk=message_id)
        .select_related("handled_by")
        .first()
    )
    if message is None:
        raise Http404
    return message


# --- writes -----------------------------------------------------------------------------------


def mark_handled(message: ContactMessage, *, by: User) -> ContactMessage:
    """Mark ``message`` handled by ``by`` now. Idempotent: a message handled already keeps
    when and by whom (a double click or a second administrator changes nothing)."""
    with transaction.atomic():
        ContactMessage.objects.filter(pk=message.pk, handled_at__isnull=True).update(
            handled_at=timezone.now(), handled_by=by
        )
    message.refresh_from_db(fields=["handled_at", "handled_by"])
    return message


def mark_open(message: ContactMessage) -> ContactMessage:
    """Mark ``message`` open again: when and by whom it was handled are forgotten."""
    with transaction.atomic():
        ContactMessage.objects.filter(pk=message.pk).update(handled_at=None, handled_by=None)
    message.refresh_from_db(fields=["handled_at", "handled_by"])
    return message


def delete_message(message: ContactMessage) -> None:
    """Delete ``message`` now, before its retention period ends. Nothing of it is kept (no
    audit entry: it would hold nothing but that a message existed). Deleting one that is
    gone already is no error."""
    ContactMessage.objects.filter(pk=message.pk).delete()
