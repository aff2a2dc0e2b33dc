"""Write mails to the outbox; the worker delivers them at least once, deduplicated by key."""

from __future__ import annotations

import functools
import logging
import re
import uuid
from datetime import timedelta
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from crowdmoving.tenancy import colours
from crowdmoving.tenancy.models import Platform

from .models import OutboxMessage

Attachment = dict[str, str]  # {"filename": ..., "mimetype": ..., "content": ...}

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)


@functools.cache
def _text_engine() -> DjangoTemplates:
    """The project's templates without HTML escaping: subjects and plain-text bodies are not
    HTML, so "Kaffee & Kuchen" must not become "Kaffee &amp; Kuchen". The HTML part escapes
    the text itself (notifications/email/_base.html)."""
    default = engines["django"].engine  # type: ignore[attr-defined]
    return DjangoTemplates(
        {
            "NAME": "plain-text-email",
            "DIRS": default.dirs,
            "APP_DIRS": False,
            "OPTIONS": {"autoescape": False, "loaders": default.loaders},
        }
    )


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """Render an email's subject or text part as plain text (never HTML-escaped); a plain
    ``str``, so that an HTML template escapes it."""
    return str.__str__(_text_engine().get_template(template_name).render(context))


def _enqueue_delivery(message: OutboxMessage) -> None:
    from .tasks import deliver_outbox_message

    # With the database backend the task row joins the current transaction: both or neither.
    deliver_outbox_message.enqueue(message.pk)


def queue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    key: str,
    platform: Platform | None,
    language: str | None = None,
    attachments: list[Attachment] | None = None,
    reply_to: str | None = None,
    headers: dict[str, str] | None = None,
) -> OutboxMessage | None:
    """Render ``notifications/email/<template>_subject.txt`` and ``.txt`` in the recipient's
    language and write them to the outbox. Returns None if ``key`` was already queued.

    The HTML part is ``<template>.html`` if there is one, else the text in the platform's
    HTML frame (notifications/email/_base.html). An ``unsubscribe_url`` in the context adds
    the one-click unsubscribe footer to both parts. ``attachments`` are dicts with filename,
    mimetype and (text) content. ``reply_to`` replaces the platform's Reply-To (the contact
    form: replies reach the sender; never use a typed-in address as ``to``). ``headers`` are
    extra mail headers (an alert digest's List-Unsubscribe), kept on the row."""
    language = language or (platform.default_language if platform else settings.LANGUAGE_CODE)
    context = {
        "platform": platform,
        "site_url": site_url(platform),
        "look": email_look(platform),
        **context,
    }
    with translation.override(language):
        subject = " ".join(
            render_text(f"notifications/email/{template}_subject.txt", context).split()
        )
        body = render_text(f"notifications/email/{template}.txt", context)
        if context.get("unsubscribe_url"):
            body = (
                body.rstrip()
                + "\n\n"
                + render_text("notifications/email/_unsubscribe.txt", context)
            )
        html_body = render_to_string(
            [f"notifications/email/{template}.html", "notifications/email/_base.html"],
            {**context, "subject": subject, "text_body": body},
        )
    return _write(
        platform=platform,
        key=key,
        to=to,
        subject=subject,
        body=body,
        html_body=html_body,
        attachments=list(attachments or []),
        reply_to=reply_to,
        headers={name: _one_line(value) for name, value in (headers or {}).items()},
    )


def queue_email_message(message: EmailMessage, *, platform: Platform | None) -> None:
    """Queue an already rendered message (allauth's account mails)."""
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((str(c) for c, mime in message.alternatives if mime == "text/html"), "")
    if not html:  # the platform's frame around the text, as every other mail has
        html = render_to_string(
            "notifications/email/_base.html",
            {
                "platform": platform,
                "look": email_look(platform),
                "subject": str(message.subject),
                "text_body": str(message.body),
            },
        )
    for to in message.to:
        _write(
            platform=platform,
            key=f"account:{uuid.uuid4()}",
            to=to,
            subject=str(message.subject),
            body=str(message.body),
            html_body=html,
        )


def _write(
    *, platform: Platform | None, key: str, to: str, reply_to: str | None = None, **content: Any
) -> OutboxMessage | None:
    """Insert the message and its delivery task together; None when ``key`` is queued already.

    The insert runs in a savepoint so that a duplicate key rolls back only itself (not the
    caller's transaction); the outer block joins the caller's transaction without one."""
    with transaction.atomic(savepoint=False), scopes_disabled():
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(
                    key=key,
                    platform=platform,
                    to=to,
                    sender=sender_for(platform),
                    reply_to=reply_to_for(platform) if reply_to is None else _one_line(reply_to),
                    **content,
                )
        except IntegrityError:
            if OutboxMessage.objects.filter(key=key).exists():
                return None
            raise
        _enqueue_delivery(message)
    return message


def site_url(platform: Platform | None) -> str:
    """The absolute base address of a platform, for links in mails."""
    scheme = getattr(settings, "SITE_SCHEME", "http")
    if platform is not None:
        # Remembered on the instance: one action often mails several people of one platform.
        known = platform.__dict__.get("_site_url")
        if known is not None:
            return str(known)
        domain = platform.domains.order_by("-is_primary", "pk").first()
        if domain is not None:
            platform.__dict__["_site_url"] = f"{scheme}://{domain.domain}"
            return f"{scheme}://{domain.domain}"
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000")


def email_look(platform: Platform | None) -> dict[str, str]:
    """The platform's look for the HTML frame of its mails (notifications/email/_base.html):
    the logo's absolute address on the platform's primary domain, the primary colour and the
    text colour on it. Colours are checked again: only ``#rrggbb`` reaches the mail."""
    default_primary = str(Platform._meta.get_field("primary_colour").default)
    if platform is None:
        return {"logo_url": "", "primary": default_primary, "ink": colours.ink_for(default_primary)}
    primary = colours.normalise(platform.primary_colour) or default_primary
    logo_url = ""
    if platform.logo:
        logo_url = platform.logo.url
        if logo_url.startswith("/"):
            logo_url = site_url(platform) + logo_url
    return {"logo_url": logo_url, "primary": primary, "ink": colours.ink_for(primary)}


# Control characters would start new header lines; a name is one line of text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def sender_for(platform: Platform | None) -> str:
    """The From header of the platform's mails: its sender name (else its name) with the
    installation's own address (DEFAULT_FROM_EMAIL), never an address someone typed in, so
    that SPF and DKIM hold. The hub without a sender name, and mail of no platform, keep
    DEFAULT_FROM_EMAIL as it is."""
    if platform is None:
        return str(settings.DEFAULT_FROM_EMAIL)
    name = _one_line(platform.email_sender_name or "")
    if not name and platform.is_default:
        return str(settings.DEFAULT_FROM_EMAIL)
    name = name or _one_line(platform.name)
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    username, _at, domain = address.rpartition("@")
    return str(Address(display_name=name, username=username, domain=domain))


def reply_to_for(platform: Platform | None) -> str:
    """Where replies go: the platform's reply-to address, else its contact address, else
    nowhere (an empty string)."""
    if platform is None:
        return ""
    return _one_line(platform.email_reply_to or platform.contact_email or "")


def deliver(message_id: int) -> bool:
    """Send one outbox message unless it was sent already or another worker holds it.

    Returns True when the message is sent (now or before). On a transport error the attempt
    is counted and a retry is scheduled with exponential backoff."""
    now = timezone.now()
    with scopes_disabled():
        claimed = (
            OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .exclude(claimed_until__gt=now)
            .update(claimed_until=now + LEASE)
        )
        message = OutboxMessage.objects.filter(pk=message_id).first()
        if message is None:
            return False
        if not claimed:
            return message.status == OutboxMessage.Status.SENT
        # From and Reply-To as they were when the mail was queued (older rows have none);
        # stripped of line breaks once more, whatever the row holds.
        sender = _one_line(message.sender) or sender_for(message.platform)
        reply_to = _one_line(message.reply_to)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=sender,
            to=[message.to],
            reply_to=[reply_to] if reply_to else None,
            headers={
                # Extra headers (List-Unsubscribe ...), one line each whatever the row holds.
                **{name: _one_line(str(value)) for name, value in (message.headers or {}).items()},
                "Message-ID": f"<{message.key.replace(':', '.')}@crowdmoving>",
            },
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        for attachment in message.attachments or []:
            email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
        try:
            email.send()
        except Exception as error:  # any transport failure is retried
            return _schedule_retry(message, error)
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.attempts += 1
        message.claimed_until = None
        message.save(update_fields=["status", "sent_at", "attempts", "claimed_until"])
        return True


def _schedule_retry(message: OutboxMessage, error: Exception) -> bool:
    from .tasks import deliver_outbox_message

    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.claimed_until = None
    if message.attempts >= settings.CROWDMOVING["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxMessage.Status.FAILED
        logger.error(
            "Giving up on outbox message %s after %s attempts", message.pk, message.attempts
        )
    else:
        delay = timedelta(seconds=30 * 2 ** (message.attempts - 1))
        message.next_attempt_at = timezone.now() + delay
        deliver_outbox_message.using(run_after=message.next_attempt_at).enqueue(message.pk)
    message.save(
        update_fields=["attempts", "last_error", "claimed_until", "status", "next_attempt_at"]
    )
    return False


def deliver_due() -> int:
    """Deliver every pending message that is due; a safety net next to the queued tasks."""
    now = timezone.now()
    with scopes_disabled():
        due = list(
            OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
            .exclude(next_attempt_at__gt=now)
            .values_list("pk", flat=True)
        )
    return sum(deliver(pk) for pk in due)
