"""Each recorded event writes exactly one entry, with who did it, to whom or what, on which
platform and from where; a refused or empty action writes none."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.notifications.api import unsubscribe_token
from crowdmoving.notifications.models import Kind
from crowdmoving.organisations import actions as members
from crowdmoving.organisations.errors import AlreadyMember, LastOwner, WrongInvitee
from crowdmoving.organisations.models import Membership, Role
from crowdmoving.projects import actions
from crowdmoving.projects.errors import NotASupporter
from crowdmoving.projects.models import Project

pytestmark = pytest.mark.django_db

PERSONAL = ("@", "Claudia", "Margit", "Seidensticker", "Muster", "Neuer Name")


def only(action: str) -> AuditEntry:
    """The one entry of ``action``; fails if there is none or more than one."""
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    entry = entries[0]
    for text in PERSONAL:  # no names or addresses in the details
        assert text not in str(entry.data), (text, entry.data)
    return entry


def none_of(action: str) -> None:
    assert not AuditEntry.objects.filter(action=action).exists()


def targets(entry: AuditEntry, obj) -> bool:  # type: ignore[no-untyped-def]
    return (entry.target_type, entry.target_id) == (obj._meta.label_lower, str(obj.pk))


# --- members --------------------------------------------------------------------------------


def test_an_invitation_is_recorded_without_the_address(login, organiser, organisation, platform):
    login(organiser).post(
        reverse("manage:members", args=[organisation.slug]),
        {"email": "Neu@Example.org", "role": "editor"},
    )
    entry = only(Action.INVITATION_SENT)
    assert entry.actor == organiser
    assert entry.platform == platform
    assert entry.subject is None
    assert targets(entry, organisation)
    assert entry.data["role"] == "editor"
    assert entry.ip_address == "127.0.0.1"


def test_inviting_a_member_again_records_nothing(organiser, organisation, editor):
    with pytest.raises(AlreadyMember):
        members.invite(organisation, email=editor.email, role="owner", by=organiser)
    none_of(Action.INVITATION_SENT)


def test_accepting_an_invitation_records_the_new_member(organiser, organisation, platform):
    invitation = members.invite(
        organisation, email="neu@example.org", role="coordinator", by=organiser
    )
    invitee = f.UserFactory(email="neu@example.org")
    members.accept_invitation(invitation, invitee)
    members.accept_invitation(invitation, invitee)  # twice: still one member, one entry
    entry = only(Action.MEMBER_ADDED)
    assert (entry.actor, entry.subject, entry.platform) == (invitee, invitee, platform)
    assert targets(entry, organisation)
    assert entry.data == {"role": "coordinator", "invitation": invitation.pk}


def test_accepting_someone_elses_invitation_records_nothing(organiser, organisation, volunteer):
    invitation = members.invite(organisation, email="neu@example.org", role="owner", by=organiser)
    with pytest.raises(WrongInvitee):
        members.accept_invitation(invitation, volunteer)
    none_of(Action.MEMBER_ADDED)


def test_a_role_change_is_recorded_with_both_roles(
    login, organiser, editor, organisation, platform
):
    member = Membership.objects.get(user=editor)
    login(organiser).post(
        reverse("manage:member_role", args=[organisation.slug, member.pk]), {"role": "coordinator"}
    )
    entry = only(Action.ROLE_CHANGED)
    assert (entry.actor, entry.subject, entry.platform) == (organiser, editor, platform)
    assert targets(entry, organisation)
    assert entry.data == {"before": "editor", "after": "coordinator"}
    assert entry.ip_address == "127.0.0.1"


def test_a_refused_or_empty_role_change_records_nothing(organiser, editor):
    with pytest.raises(LastOwner):
        members.change_role(Membership.objects.get(user=organiser), Role.EDITOR, by=organiser)
    members.change_role(Membership.objects.get(user=editor), Role.EDITOR, by=organiser)
    none_of(Action.ROLE_CHANGED)


def test_removing_a_member_is_recorded(organiser, editor, organisation, platform):
    member = Membership.objects.get(user=editor)
    members.remove_member(member, by=organiser)
    members.remove_member(member, by=organiser)  # gone already: nothing more
    entry = only(Action.MEMBER_REMOVED)
    assert (entry.actor, entry.subject, entry.platform) == (organiser, editor, platform)
    assert targets(entry, organisation)
    assert entry.data == {"role": "editor"}


def test_the_last_owner_cannot_be_removed_and_nothing_is_recorded(organiser):
    with pytest.raises(LastOwner):
        members.remove_member(Membership.objects.get(user=organiser), by=organiser)
    none_of(Action.MEMBER_REMOVED)


# --- coordination, project state, the inner-circle link -----------------------------------


def test_handing_over_and_taking_back_coordination_are_recorded(
    login, organiser, volunteer, task, platform
):
    actions.take_task(task, volunteer)
    browser = login(organiser)
    project = task.project
    browser.post(reverse("manage:hand_over", args=[project.pk]), {"user": volunteer.pk})
    browser.post(reverse("manage:hand_over", args=[project.pk]), {"user": volunteer.pk})  # again
    handed = only(Action.COORDINATION_HANDED_OVER)
    assert (handed.actor, handed.subject, handed.platform) == (organiser, volunteer, platform)
    assert targets(handed, project)
    browser.post(reverse("manage:end_coordination", args=[project.pk]), {"user": volunteer.pk})
    browser.post(reverse("manage:end_coordination", args=[project.pk]), {"user": volunteer.pk})
    back = only(Action.COORDINATION_TAKEN_BACK)
    assert (back.actor, back.subject, back.platform) == (organiser, volunteer, platform)
    assert targets(back, project)


def test_handing_over_to_someone_who_takes_no_part_records_nothing(organiser, outsider, project):
    with pytest.raises(NotASupporter):
        actions.hand_over_coordination(project, outsider, by=organiser)
    assert not actions.end_coordination(project, outsider, by=organiser)
    assert not AuditEntry.objects.exists()


def test_a_change_of_state_is_recorded_with_both_states(login, editor, project, platform):
    url = reverse("manage:project_status", args=[project.pk])
    login(editor).post(url, {"status": "closed"})
    login(editor).post(url, {"status": "closed"})  # the same state again: nothing to record
    entry = only(Action.PROJECT_STATE_CHANGED)
    assert (entry.actor, entry.platform) == (editor, platform)
    assert targets(entry, project)
    assert entry.data == {"before": "public", "after": "closed"}


def test_an_unknown_state_records_nothing(login, editor, project):
    login(editor).post(reverse("manage:project_status", args=[project.pk]), {"status": "gone"})
    none_of(Action.PROJECT_STATE_CHANGED)


def test_renewing_the_inner_circle_link_is_recorded_without_the_secret(
    login, editor, project, platform
):
    login(editor).post(reverse("manage:project_secret", args=[project.pk]))
    entry = only(Action.SECRET_LINK_RENEWED)
    project.refresh_from_db()
    assert (entry.actor, entry.platform) == (editor, platform)
    assert targets(entry, project)
    assert entry.data == {}


def test_a_coordinator_cannot_renew_the_link_and_nothing_is_recorded(login, coordinator, project):
    assert (
        login(coordinator).post(reverse("manage:project_secret", args=[project.pk])).status_code
        == 404
    )
    none_of(Action.SECRET_LINK_RENEWED)


# --- a person's settings --------------------------------------------------------------------


def test_changed_settings_are_recorded_by_name_without_their_values(login, volunteer, platform):
    data = {"name": "Neuer Name", "visibility": "anonymous", "language": volunteer.language or ""}
    login(volunteer).post(reverse("me:settings"), data)
    entry = only(Action.SETTINGS_CHANGED)
    assert (entry.actor, entry.subject, entry.platform) == (volunteer, volunteer, platform)
    assert entry.data == {"fields": ["name", "visibility"]}


def test_saving_unchanged_settings_records_nothing(login, volunteer):
    data = {"name": volunteer.name, "visibility": volunteer.visibility, "language": ""}
    assert login(volunteer).post(reverse("me:settings"), data).status_code == 302
    none_of(Action.SETTINGS_CHANGED)


def test_invalid_settings_record_nothing(login, volunteer):
    login(volunteer).post(reverse("me:settings"), {"name": "X", "visibility": "everyone"})
    none_of(Action.SETTINGS_CHANGED)


def test_email_preferences_are_recorded_by_name(login, volunteer, platform):
    browser = login(volunteer)
    browser.post(reverse("notifications:settings"), {"email_kinds": ["reminder"]})
    entry = only(Action.SETTINGS_CHANGED)
    assert (entry.actor, entry.subject, entry.platform) == (volunteer, volunteer, platform)
    assert entry.data == {"fields": ["muted_email_kinds"]}
    browser.post(reverse("notifications:settings"), {"email_kinds": ["reminder"]})  # unchanged
    assert AuditEntry.objects.filter(action=Action.SETTINGS_CHANGED).count() == 1


def test_the_unsubscribe_link_is_recorded_as_the_persons_own_change(client, volunteer, platform):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(volunteer, Kind.REMINDER)])
    client.post(url)
    client.post(url)  # muted already
    entry = only(Action.SETTINGS_CHANGED)
    assert (entry.actor, entry.subject, entry.platform) == (volunteer, volunteer, platform)
    assert entry.data == {"fields": ["muted_email_kinds"], "via": "unsubscribe_link"}


def test_sharing_the_email_address_is_recorded(login, volunteer, task, platform):
    actions.take_task(task, volunteer)
    url = reverse("team:contact_sharing", args=[task.project_id])
    login(volunteer).post(url, {"share": "0"})  # the default: nothing changes
    none_of(Action.SETTINGS_CHANGED)
    login(volunteer).post(url, {"share": "1"})
    entry = only(Action.SETTINGS_CHANGED)
    assert (entry.actor, entry.subject, entry.platform) == (volunteer, volunteer, platform)
    assert entry.data == {"fields": ["share_contact"]}


# --- contact details viewed in bulk ---------------------------------------------------------


def test_the_dashboard_with_contacts_is_recorded_once_an_hour(login, coordinator, task, platform):
    actions.take_task(task, f.UserFactory())
    browser = login(coordinator)
    url = reverse("manage:project", args=[task.project_id])
    browser.get(url)
    browser.get(url)
    entry = only(Action.CONTACTS_VIEWED)
    assert (entry.actor, entry.subject, entry.platform) == (coordinator, None, platform)
    assert targets(entry, task.project)
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        browser.get(url)
    assert AuditEntry.objects.filter(action=Action.CONTACTS_VIEWED).count() == 2


def test_a_forgetful_cache_still_gives_one_entry_an_hour(login, organiser, task):
    actions.take_task(task, f.UserFactory())
    browser = login(organiser)
    url = reverse("manage:project", args=[task.project_id])
    browser.get(url)
    cache.clear()  # a restart: the log itself is asked
    browser.get(url)
    assert only(Action.CONTACTS_VIEWED).actor == organiser


def test_each_person_and_project_count_on_their_own(login, organiser, coordinator, task):
    other = f.TaskFactory(project=f.ProjectFactory(organisation=task.project.organisation))
    for on in (task, other):
        actions.take_task(on, f.UserFactory())
    for person in (organiser, coordinator):
        browser = login(person)
        for project_id in (task.project_id, other.project_id):
            browser.get(reverse("manage:project", args=[project_id]))
    assert AuditEntry.objects.filter(action=Action.CONTACTS_VIEWED).count() == 4


def test_a_dashboard_without_contacts_records_nothing(login, organiser, editor, task):
    login(organiser).get(reverse("manage:project", args=[task.project_id]))  # nobody takes part yet
    actions.take_task(task, f.UserFactory())
    login(editor).get(reverse("manage:project", args=[task.project_id]))  # editors see no contacts
    none_of(Action.CONTACTS_VIEWED)


# --- one transaction ------------------------------------------------------------------------


def test_an_action_that_fails_after_recording_leaves_no_entry(monkeypatch, organiser, project):
    """The entry is written inside the action's transaction: if the action fails later, the
    entry goes with it."""
    from crowdmoving.projects import notify

    def broken(_project: Project) -> None:
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(notify, "project_closed", broken)
    with pytest.raises(RuntimeError):
        actions.change_status(project, Project.Status.CLOSED, by=organiser)
    assert not AuditEntry.objects.exists()
    assert Project.objects.get(pk=project.pk).status == Project.Status.PUBLIC


def test_entries_outside_a_request_have_no_address(organiser, editor, organisation, platform):
    members.change_role(Membership.objects.get(user=editor), Role.COORDINATOR, by=organiser)
    entry = only(Action.ROLE_CHANGED)
    assert entry.ip_address is None
    assert entry.platform == platform  # from the organisation, not from a request
    assert entry.actor == organiser
