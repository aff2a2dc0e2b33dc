"""Members with roles, invitations by email (also for people without an account), and the rule
that an organisation always keeps an owner."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from crowdmoving import factories as f
from crowdmoving.notifications.models import Kind, Notification
from crowdmoving.organisations import actions
from crowdmoving.organisations.errors import LastOwner
from crowdmoving.organisations.models import Invitation, Membership, Role

pytestmark = pytest.mark.django_db


def members_url(organisation) -> str:  # type: ignore[no-untyped-def]
    return reverse("manage:members", args=[organisation.slug])


def test_the_owner_sees_the_members_with_their_roles(login, organiser, coordinator, editor):
    html = login(organiser).get(members_url(organiser.memberships.get().organisation)).content
    text = html.decode()
    for person in (organiser, coordinator, editor):
        assert person.email in text
    assert "Coordinator" in text and "Editor" in text


@pytest.mark.parametrize("persona", ["coordinator", "editor", "volunteer", "outsider"])
def test_only_owners_open_the_members_page(request, login, organisation, persona):
    user = request.getfixturevalue(persona)
    assert login(user).get(members_url(organisation)).status_code == 404


def test_an_invitation_is_emailed_with_a_link_to_accept(login, organiser, organisation, outbox):
    response = login(organiser).post(
        members_url(organisation), {"email": "Neu@Example.org", "role": Role.COORDINATOR}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("neu@example.org", Role.COORDINATOR)
    assert len(invitation.token) >= 40
    (mail,) = outbox()
    assert mail.to == ["neu@example.org"]
    assert "KRASS e.V." in mail.subject
    assert reverse("manage:invitation_accept", args=[invitation.token]) in mail.body


def test_inviting_a_member_again_is_refused_at_the_field(login, organiser, organisation, editor):
    response = login(organiser).post(
        members_url(organisation), {"email": editor.email, "role": Role.OWNER}
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_bad_address_is_refused_at_the_field(login, organiser, organisation):
    response = login(organiser).post(members_url(organisation), {"email": "x", "role": "owner"})
    assert response.status_code == 400
    assert "email address like" in response.content.decode()


def test_a_person_without_an_account_signs_up_with_the_invited_address_and_accepts(
    client, organiser, organisation, outbox
):
    invitation = actions.invite(
        organisation, email="neu@example.org", role=Role.EDITOR, by=organiser
    )
    accept = reverse("manage:invitation_accept", args=[invitation.token])
    page = client.get(accept).content.decode()
    assert "Sign up" in page and "next=" in page

    client.post(
        f"{reverse('account_signup')}?next={accept}",
        {
            "email": "neu@example.org",
            "password1": "ein langes Passwort 42",
            "password2": "ein langes Passwort 42",
            "name": "Nina Neu",
        },
    )
    mails = [m for m in outbox() if "neu@example.org" in m.to]
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mails[-1].body)
    assert link, mails[-1].body
    path = "/" + link.group(0).split("/", 3)[3]
    client.post(path)

    response = client.post(accept)
    assert response.status_code == 302
    with scopes_disabled():
        membership = Membership.objects.get(
            organisation=organisation, user__email="neu@example.org"
        )
    assert membership.role == Role.EDITOR
    invitation.refresh_from_db()
    assert invitation.accepted_by == membership.user


def test_an_anonymous_accept_is_sent_to_sign_in_and_back(client, organiser, organisation):
    invitation = actions.invite(organisation, email="neu@example.org", role="editor", by=organiser)
    accept = reverse("manage:invitation_accept", args=[invitation.token])
    response = client.post(accept)
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_someone_else_cannot_accept_an_invitation_for_another_address(
    login, organiser, organisation, volunteer
):
    invitation = actions.invite(organisation, email="neu@example.org", role="owner", by=organiser)
    browser = login(volunteer)
    accept = reverse("manage:invitation_accept", args=[invitation.token])
    response = browser.post(accept, follow=True)
    assert "sent to another email address" in response.content.decode()
    assert not Membership.objects.filter(user=volunteer).exists()


def test_a_withdrawn_invitation_no_longer_works(login, organiser, organisation):
    invitation = actions.invite(organisation, email="neu@example.org", role="owner", by=organiser)
    invitee = f.UserFactory(email="neu@example.org")
    browser = login(organiser)
    url = reverse("manage:invitation_revoke", args=[organisation.slug, invitation.pk])
    assert browser.post(url).status_code == 302
    browser.force_login(invitee)
    accept = reverse("manage:invitation_accept", args=[invitation.token])
    assert "no longer valid" in browser.get(accept).content.decode()
    browser.post(accept)
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_wrong_token_is_a_404(client, organisation):
    assert client.get(reverse("manage:invitation_accept", args=["nope"])).status_code == 404


def test_changing_a_role_tells_the_member(login, organiser, organisation, editor, outbox):
    editor.language = "en"
    editor.save()
    member = Membership.objects.get(user=editor)
    url = reverse("manage:member_role", args=[organisation.slug, member.pk])
    login(organiser).post(url, {"role": Role.COORDINATOR})
    member.refresh_from_db()
    assert member.role == Role.COORDINATOR
    assert Notification.objects.filter(user=editor, kind=Kind.MEMBERSHIP).exists()
    assert any(editor.email in m.to and "role" in m.subject for m in outbox())


def test_removing_a_member_tells_them(login, organiser, organisation, editor, outbox):
    member = Membership.objects.get(user=editor)
    url = reverse("manage:member_remove", args=[organisation.slug, member.pk])
    assert login(organiser).post(url).status_code == 302
    assert not Membership.objects.filter(user=editor).exists()
    assert any(editor.email in m.to for m in outbox())


def test_the_last_owner_can_neither_be_demoted_nor_removed(login, organiser, organisation):
    own = Membership.objects.get(user=organiser)
    browser = login(organiser)
    role = reverse("manage:member_role", args=[organisation.slug, own.pk])
    response = browser.post(role, {"role": Role.EDITOR}, follow=True)
    assert "always needs at least one owner" in response.content.decode()
    remove = reverse("manage:member_remove", args=[organisation.slug, own.pk])
    response = browser.post(remove, follow=True)
    assert "always needs at least one owner" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.OWNER


def test_of_two_owners_one_can_go_but_not_both(organiser, organisation):
    second = f.MembershipFactory(organisation=organisation, role=Role.OWNER)
    first = Membership.objects.get(user=organiser)
    actions.change_role(second, Role.EDITOR, by=organiser)
    with pytest.raises(LastOwner):
        actions.change_role(first, Role.EDITOR, by=organiser)
    with pytest.raises(LastOwner):
        actions.remove_member(first, by=organiser)


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner(platform):
    """On PostgreSQL the two changes really overlap (each waits for the other's lock); on
    SQLite, which writes one at a time, the same test runs them one after the other."""
    organisation = f.OrganisationFactory(platform=platform)
    one = f.MembershipFactory(organisation=organisation, role=Role.OWNER)
    two = f.MembershipFactory(organisation=organisation, role=Role.OWNER)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(membership: Membership) -> None:
        try:
            with scopes_disabled():
                barrier.wait(timeout=5)
                actions.change_role(membership, Role.EDITOR, by=membership.user)
                outcomes.append("demoted")
        except LastOwner:
            outcomes.append("refused")
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=demote, args=(m,)) for m in (one, two)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        barrier = threading.Barrier(1)
        demote(one)
        demote(two)
    assert sorted(outcomes) == ["demoted", "refused"]
    with scopes_disabled():
        assert Membership.objects.filter(organisation=organisation, role=Role.OWNER).count() == 1


def test_a_member_of_another_organisation_cannot_be_changed(login, organiser, outsider):
    theirs = Membership.objects.get(user=outsider)
    url = reverse("manage:member_role", args=["krass-ev", theirs.pk])
    assert login(organiser).post(url, {"role": "editor"}).status_code == 404


def test_the_invitation_page_of_another_platform_is_a_404(organiser, organisation, other_client):
    invitation = actions.invite(organisation, email="neu@example.org", role="editor", by=organiser)
    url = reverse("manage:invitation_accept", args=[invitation.token])
    assert other_client.get(url).status_code == 404
    assert Client(HTTP_HOST="krass.example.org").get(url).status_code == 200
