"""Every mail of a platform comes from its sender name (with the installation's address),
replies go to its reply-to address, and its HTML frame shows the platform's look."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from crowdmoving import factories as f
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.notifications.outbox import queue_email, queue_email_message
from crowdmoving.tenancy.models import Platform

pytestmark = pytest.mark.django_db

ADDRESS = "noreply@crowdmoving.localhost"


@pytest.fixture(autouse=True)
def _from(settings):
    settings.DEFAULT_FROM_EMAIL = f"Crowdmoving <{ADDRESS}>"


def send(platform: Platform | None, project, key: str = "mail:1") -> OutboxMessage | None:
    return queue_email(
        to="margit@example.org",
        template="supporter_project_closed",
        context={
            "project": project,
            "project_path": "/projects/1/",
            "person": f.UserFactory.build(name="Margit Muster", email="margit@example.org"),
        },
        key=key,
        platform=platform,
        language="en",
    )


def header(mail, name: str) -> str:
    return str(mail.message()[name] or "")


def test_a_platforms_mail_comes_from_its_sender_name_and_replies_go_to_its_reply_to(
    platform, project, outbox
):
    Platform.objects.filter(pk=platform.pk).update(
        email_sender_name="Krass Team", email_reply_to="team@krass.example.org"
    )
    platform.refresh_from_db()
    message = send(platform, project)
    assert message is not None
    assert message.sender == f"Krass Team <{ADDRESS}>"
    assert message.reply_to == "team@krass.example.org"

    (mail,) = outbox()
    assert mail.from_email == f"Krass Team <{ADDRESS}>"
    assert mail.reply_to == ["team@krass.example.org"]
    assert header(mail, "Reply-To") == "team@krass.example.org"


def test_without_a_sender_name_the_platforms_name_is_the_sender(platform, project, outbox):
    send(platform, project)
    (mail,) = outbox()
    assert mail.from_email == f"Krass Plattform <{ADDRESS}>"
    assert mail.reply_to == []
    assert "Reply-To" not in mail.message()


def test_replies_go_to_the_contact_address_when_there_is_no_reply_to(platform, project, outbox):
    Platform.objects.filter(pk=platform.pk).update(contact_email="kontakt@krass.example.org")
    platform.refresh_from_db()
    send(platform, project)
    (mail,) = outbox()
    assert mail.reply_to == ["kontakt@krass.example.org"]


def test_the_hubs_mail_keeps_the_default_sender(project, outbox):
    hub = Platform.objects.get(is_default=True)
    send(hub, project)
    send(None, project, key="mail:2")
    first, second = outbox()
    assert first.from_email == second.from_email == f"Crowdmoving <{ADDRESS}>"


def test_a_sender_name_with_a_comma_or_umlaut_stays_one_name(platform, project, outbox):
    Platform.objects.filter(pk=platform.pk).update(email_sender_name="Nestwärme, e.V.")
    platform.refresh_from_db()
    send(platform, project)
    (mail,) = outbox()
    raw = mail.message().as_bytes()
    from email import message_from_bytes, policy

    parsed = message_from_bytes(raw, policy=policy.default)
    (sender,) = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Nestwärme, e.V.", ADDRESS)


def test_a_later_change_of_the_mail_settings_does_not_alter_queued_mail(platform, project, outbox):
    Platform.objects.filter(pk=platform.pk).update(
        email_sender_name="Krass Team", email_reply_to="team@krass.example.org"
    )
    platform.refresh_from_db()
    send(platform, project)
    Platform.objects.filter(pk=platform.pk).update(
        email_sender_name="Ganz Anders", email_reply_to="anders@example.org"
    )
    (mail,) = outbox()
    assert mail.from_email == f"Krass Team <{ADDRESS}>"
    assert mail.reply_to == ["team@krass.example.org"]


def test_line_breaks_in_the_sender_name_are_stripped_when_sending(platform, project, outbox):
    # The form refuses them (tenancy/tests/test_look.py); this is the second line of defence,
    # for a name that reached the database some other way.
    Platform.objects.filter(pk=platform.pk).update(
        email_sender_name="Krass\r\nBcc: opfer@example.org"
    )
    platform.refresh_from_db()
    message = send(platform, project)
    assert message is not None
    assert "\n" not in message.sender and "\r" not in message.sender
    OutboxMessage.objects.filter(pk=message.pk).update(
        sender=f"Krass\r\nBcc: opfer@example.org\r\n <{ADDRESS}>",
        reply_to="team@krass.example.org\r\nBcc: opfer@example.org",
    )
    (mail,) = outbox()
    raw = mail.message().as_string()
    assert "\nBcc:" not in raw
    assert mail.bcc == []
    assert mail.recipients() == ["margit@example.org"]
    assert "\n" not in mail.from_email and "\n" not in mail.reply_to[0]


def logo_png() -> ContentFile:
    out = BytesIO()
    Image.new("RGBA", (200, 60), (0, 0, 0, 0)).save(out, format="PNG")
    return ContentFile(out.getvalue())


def test_the_html_frame_shows_the_platforms_logo_name_and_colour(platform, project, outbox):
    platform.primary_colour = "#1f5fbf"
    platform.logo.save("logo.png", logo_png(), save=True)
    send(platform, project)
    (mail,) = outbox()
    html = mail.alternatives[0][0]
    assert f'src="http://krass.example.org{platform.logo.url}"' in html
    assert 'alt="Krass Plattform"' in html
    assert "background:#1f5fbf;color:#ffffff" in html
    # The text part stays plain text, readable without the frame.
    assert "<" not in mail.body and "Krass Plattform" in mail.body


def test_the_html_frame_without_a_logo_shows_the_name(platform, project, outbox):
    send(platform, project)
    (mail,) = outbox()
    html = mail.alternatives[0][0]
    assert "<img" not in html
    assert "Krass Plattform</td>" in html
    assert "background:#0b6e4f" in html


def test_account_mails_without_html_get_the_platforms_frame(platform):
    from django.core.mail import EmailMessage

    Platform.objects.filter(pk=platform.pk).update(
        primary_colour="#7a1f5c", email_sender_name="Krass Team"
    )
    platform.refresh_from_db()
    queue_email_message(
        EmailMessage(
            "Confirm your address", "Please open https://x.example/confirm", to=["a@b.org"]
        ),
        platform=platform,
    )
    message = OutboxMessage.objects.get()
    assert "background:#7a1f5c" in message.html_body
    assert 'href="https://x.example/confirm"' in message.html_body
    assert message.sender == f"Krass Team <{ADDRESS}>"


def test_an_other_platforms_mail_carries_its_own_sender(platform, other_platform, project, outbox):
    Platform.objects.filter(pk=platform.pk).update(email_sender_name="Krass Team")
    Platform.objects.filter(pk=other_platform.pk).update(
        email_sender_name="Andere Leute", email_reply_to="andere@example.org"
    )
    platform.refresh_from_db()
    other_platform.refresh_from_db()
    other_project = f.ProjectFactory(organisation=f.OrganisationFactory(platform=other_platform))
    send(platform, project, key="mail:a")
    send(other_platform, other_project, key="mail:b")
    by_sender = {mail.from_email: mail for mail in outbox()}
    assert set(by_sender) == {f"Krass Team <{ADDRESS}>", f"Andere Leute <{ADDRESS}>"}
    assert by_sender[f"Krass Team <{ADDRESS}>"].reply_to == []
    assert by_sender[f"Andere Leute <{ADDRESS}>"].reply_to == ["andere@example.org"]
