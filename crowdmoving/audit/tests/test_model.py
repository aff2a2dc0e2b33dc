"""Entries are written once: no update, no delete, no second save. A person's account can
still be deleted: the entries stay, without the person."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import forget_request, record, remember_request
from crowdmoving.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(platform, organiser, volunteer, project):  # type: ignore[no-untyped-def]
    return record(
        Action.ROLE_CHANGED,
        actor=organiser,
        subject=volunteer,
        platform=platform,
        target=project,
        to="owner",
    )


def test_entries_cannot_be_updated_in_bulk(entry):
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(action=Action.LOGIN)
    assert AuditEntry.objects.get(pk=entry.pk).action == Action.ROLE_CHANGED


def test_entries_cannot_be_deleted(entry):
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(TypeError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_entry_cannot_be_saved_again(entry):
    entry.data = {"to": "editor"}
    with pytest.raises(TypeError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).data == {"to": "owner"}


def test_deleting_a_person_keeps_their_entries_without_them(entry, organiser, volunteer):
    about_herself = record(Action.SETTINGS_CHANGED, actor=volunteer, subject=volunteer)
    User.objects.filter(pk=volunteer.pk).delete()  # Django's collector sets the keys to NULL
    organiser.delete()
    for kept in (entry, about_herself):
        kept = AuditEntry.objects.get(pk=kept.pk)
        assert (kept.actor_id, kept.subject_id) == (None, None)
        assert kept.had_actor and kept.had_subject  # shown as "deleted account"
    assert AuditEntry.objects.get(pk=entry.pk).data == {"to": "owner"}


def test_an_entry_without_a_person_says_so(platform):
    nobody = record(Action.LOGIN_FAILED, platform=platform)
    assert not nobody.had_actor and not nobody.had_subject


def test_a_request_gives_its_platform_and_address_to_entries_written_in_actions(
    volunteer, platform
):
    browser = Client(HTTP_HOST="krass.example.org", REMOTE_ADDR="203.0.113.7")
    browser.force_login(volunteer)
    browser.post(reverse("me:settings"), {"name": "Anders", "visibility": "first", "language": ""})
    entry = AuditEntry.objects.get(action=Action.SETTINGS_CHANGED)
    assert (entry.platform, entry.ip_address) == (platform, "203.0.113.7")


def test_after_the_request_nothing_is_remembered(volunteer, platform):
    browser = Client(HTTP_HOST="krass.example.org", REMOTE_ADDR="203.0.113.7")
    browser.get(reverse("projects:home"))
    later = record(Action.SETTINGS_CHANGED, actor=volunteer)
    assert (later.platform, later.ip_address) == (None, None)


def test_an_explicit_platform_wins_over_the_requests(platform, other_platform):
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1")
    request.platform = platform  # type: ignore[attr-defined]
    token = remember_request(request)
    try:
        entry = record(Action.LOGIN_FAILED, platform=other_platform)
    finally:
        forget_request(token)
    assert (entry.platform, entry.ip_address) == (other_platform, "198.51.100.1")
