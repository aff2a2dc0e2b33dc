"""Who may publish: open registration of organisations, or registration with the approval of
the platform's administrators (a queue at /platform/organisations/, and emails)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.conftest import make_publishable, with_authenticator_app
from crowdmoving.organisations.actions import create_organisation, set_publishing_rule
from crowdmoving.organisations.models import Organisation
from crowdmoving.pages.publishing import PublishingRefused
from crowdmoving.privacy.actions import give_consent
from crowdmoving.projects import actions as projects
from crowdmoving.projects.models import Project
from crowdmoving.tenancy.models import Platform, PlatformAdmin

pytestmark = pytest.mark.django_db

QUEUE = "/platform/organisations/"


@pytest.fixture
def with_approval(platform):  # type: ignore[no-untyped-def]
    Platform.objects.filter(pk=platform.pk).update(publishing=Platform.Publishing.APPROVAL)
    platform.refresh_from_db()
    return platform


@pytest.fixture
def founder(db):  # type: ignore[no-untyped-def]
    return f.UserFactory(email="gruenderin@example.org", name="Greta Gründerin", language="en")


def test_the_queue_lives_at_platform_organisations():
    assert reverse("organisations:queue") == QUEUE


def test_the_administrator_switches_to_approval_and_existing_organisations_stay_approved(
    login, platform_admin, platform, organisation
):
    response = login(platform_admin).post(
        reverse("organisations:publishing"), {"publishing": "approval"}, follow=True
    )

    assert "new organisations need your approval" in response.content.decode()
    platform.refresh_from_db()
    assert platform.publishing == Platform.Publishing.APPROVAL
    organisation.refresh_from_db()
    assert organisation.approval == Organisation.Approval.APPROVED
    entry = AuditEntry.objects.get(action=Action.SETTINGS_CHANGED)
    assert entry.data == {"fields": ["publishing"], "before": "open", "after": "approval"}
    assert entry.actor == platform_admin


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "Please choose who may publish."), ("everyone", "Please choose one of the two rules.")],
)
def test_a_bad_rule_is_refused_at_the_field(login, platform_admin, platform, value, message):
    response = login(platform_admin).post(
        reverse("organisations:publishing"), {"publishing": value}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="id_publishing_error"' in html
    platform.refresh_from_db()
    assert platform.publishing == Platform.Publishing.OPEN


def test_with_open_registration_a_new_organisation_can_publish_at_once(
    login, founder, platform, outbox
):
    make_publishable(platform)
    organisation = create_organisation(platform, founder, {"name": "Offen e.V."})
    assert organisation.approval == Organisation.Approval.APPROVED
    assert outbox() == []


def test_approval_end_to_end(
    client, login, with_approval, founder, platform_admin, operator, outbox
):
    platform = with_approval
    text = make_publishable(platform)
    give_consent(founder, text)
    give_consent(platform_admin, text)
    platform_admin.language = "en"
    platform_admin.save(update_fields=["language"])
    second_admin = f.UserFactory(email="zweite@example.org", name="Zora Zweite", language="de")
    PlatformAdmin.objects.create(platform=platform, user=second_admin)
    with_authenticator_app(second_admin)

    # Greta registers her organisation: it waits, and she is told so.
    response = login(founder).post(
        reverse("manage:organisation_create"),
        {"name": "Neu e.V.", "description": "Wir helfen.", "website": "https://neu.example"},
        follow=True,
    )
    organisation = Organisation.objects.get(name="Neu e.V.")
    assert organisation.approval == Organisation.Approval.PENDING
    html = response.content.decode()
    assert "waits for the approval of the platform&#x27;s administrators" in html
    assert "Waiting for the platform's approval: the platform's administrators check" in html

    # Both administrators are emailed, each in their language, with the queue's address.
    mails = outbox()
    assert sorted(m.to[0] for m in mails) == ["plattform@example.org", "zweite@example.org"]
    english = next(m for m in mails if m.to == ["plattform@example.org"])
    assert english.subject == "Neu e.V. waits for your approval"
    german = next(m for m in mails if m.to == ["zweite@example.org"])
    assert german.subject != english.subject  # the platform's language, German
    assert "Greta Gründerin registered the organisation Neu e.V." in english.body
    assert f"krass.example.org{QUEUE}" in english.body
    assert "https://neu.example" in english.body

    # She prepares a project; publishing is refused with the checklist item.
    project = projects.create_project(organisation, founder, {"title": "Garten", "story": "x"})
    with pytest.raises(PublishingRefused) as refused:
        projects.change_status(project, Project.Status.PUBLIC, by=founder)
    assert [step.key for step in refused.value.missing] == ["approval"]
    dashboard = login(founder).get(reverse("manage:project", args=[project.pk])).content.decode()
    assert "Waiting for the platform&#x27;s approval of this organisation" in dashboard

    # The queue shows her organisation first, with its owner.
    f.OrganisationFactory(platform=platform, name="Alt e.V.", slug="alt")
    queue = login(platform_admin).get(QUEUE).content.decode()
    assert queue.index("Neu e.V.") < queue.index("Alt e.V.")
    assert "gruenderin@example.org" in queue
    assert "1 organisation waits for your approval." in queue

    mail_count = len(mails)
    login(platform_admin).post(reverse("organisations:approve", args=[organisation.pk]))

    organisation.refresh_from_db()
    assert organisation.approval == Organisation.Approval.APPROVED
    assert organisation.approval_decided_at is not None
    entry = AuditEntry.objects.get(action=Action.ORGANISATION_APPROVED)
    assert (entry.actor, entry.target_id, entry.data) == (
        platform_admin,
        str(organisation.pk),
        {"before": "pending"},
    )
    told = outbox()[mail_count:]
    assert [m.to for m in told] == [["gruenderin@example.org"]]
    assert told[0].subject == "Neu e.V. is approved"
    assert "You can publish your projects now." in told[0].body

    projects.change_status(project, Project.Status.PUBLIC, by=founder)
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLIC


def test_declining_with_a_reason_tells_the_owner(
    login, with_approval, founder, platform_admin, outbox
):
    organisation = create_organisation(with_approval, founder, {"name": "Zweifel e.V."})
    before = len(outbox())

    response = login(platform_admin).post(
        reverse("organisations:decline", args=[organisation.pk]),
        {"reason": "Bitte schickt uns eure Satzung."},
        follow=True,
    )

    assert "Zweifel e.V. is declined" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.approval == Organisation.Approval.DECLINED
    assert organisation.approval_reason == "Bitte schickt uns eure Satzung."
    entry = AuditEntry.objects.get(action=Action.ORGANISATION_DECLINED)
    assert entry.data == {"before": "pending", "with_reason": True}  # never the text itself
    told = outbox()[before:]
    assert [m.to for m in told] == [["gruenderin@example.org"]]
    assert told[0].subject == "Zweifel e.V. was not approved"
    assert "Bitte schickt uns eure Satzung." in told[0].body

    # The members see it, with the reason; publishing stays refused.
    page = login(founder).get(reverse("manage:organisation", args=[organisation.slug]))
    assert "declined this organisation" in page.content.decode()
    assert "Bitte schickt uns eure Satzung." in page.content.decode()
    project = projects.create_project(organisation, founder, {"title": "Garten", "story": "x"})
    with pytest.raises(PublishingRefused):
        projects.change_status(project, Project.Status.INNER_CIRCLE, by=founder)

    # A declined organisation can still be approved later.
    login(platform_admin).post(reverse("organisations:approve", args=[organisation.pk]))
    organisation.refresh_from_db()
    assert organisation.is_approved and organisation.approval_reason == ""


def test_declining_without_a_reason(login, with_approval, founder, platform_admin, outbox):
    organisation = create_organisation(with_approval, founder, {"name": "Still e.V."})
    login(platform_admin).post(reverse("organisations:decline", args=[organisation.pk]))
    organisation.refresh_from_db()
    assert organisation.approval == Organisation.Approval.DECLINED
    assert AuditEntry.objects.get(action=Action.ORGANISATION_DECLINED).data["with_reason"] is False
    assert "Their reason" not in outbox()[-1].body


def test_a_too_long_reason_is_refused_at_its_field(login, with_approval, founder, platform_admin):
    organisation = create_organisation(with_approval, founder, {"name": "Lang e.V."})

    response = login(platform_admin).post(
        reverse("organisations:decline", args=[organisation.pk]), {"reason": "x" * 1001}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "At most 1000 characters, please." in html
    assert f'id="decline-{organisation.pk}-reason_error"' in html
    assert '<details class="decline" open>' in html
    organisation.refresh_from_db()
    assert organisation.approval == Organisation.Approval.PENDING


def test_without_administrators_the_contact_address_is_asked(founder, platform, outbox):
    Platform.objects.filter(pk=platform.pk).update(
        publishing=Platform.Publishing.APPROVAL, contact_email="kontakt@krass.example"
    )
    platform.refresh_from_db()
    create_organisation(platform, founder, {"name": "Niemand e.V."})
    assert [m.to for m in outbox()] == [["kontakt@krass.example"]]


def test_switching_back_to_open_approves_those_still_waiting(
    login, with_approval, founder, platform_admin, outbox
):
    waiting = create_organisation(with_approval, founder, {"name": "Wartend e.V."})
    declined = create_organisation(with_approval, founder, {"name": "Abgelehnt e.V."})
    Organisation.objects.filter(pk=declined.pk).update(approval=Organisation.Approval.DECLINED)

    set_publishing_rule(with_approval, "open", by=platform_admin)

    waiting.refresh_from_db()
    declined.refresh_from_db()
    assert waiting.is_approved
    assert declined.approval == Organisation.Approval.DECLINED
    assert any(m.subject == "Wartend e.V. is approved" for m in outbox())


def test_setting_the_same_rule_again_changes_nothing(platform, platform_admin):
    set_publishing_rule(platform, "open", by=platform_admin)
    assert not AuditEntry.objects.exists()


def test_the_queue_costs_the_same_for_many_organisations(
    login, with_approval, platform_admin, django_assert_max_num_queries
):
    def organisations(n: int) -> None:
        for _ in range(n):
            org = f.OrganisationFactory(platform=with_approval, approval="pending")
            f.MembershipFactory(organisation=org, role="owner")

    organisations(2)
    browser = login(platform_admin)
    browser.get(QUEUE)
    with django_assert_max_num_queries(30) as few:
        browser.get(QUEUE)
    organisations(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert browser.get(QUEUE).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "organiser", "outsider", "foreign_admin"])
def test_only_the_platforms_administrators_decide(
    client, with_approval, founder, organiser, outsider, other_platform, who
):
    organisation = create_organisation(with_approval, founder, {"name": "Geduld e.V."})
    if who == "foreign_admin":
        person = f.UserFactory(email="piet@example.org")
        PlatformAdmin.objects.create(platform=other_platform, user=person)
        with_authenticator_app(person)
        client.force_login(person)
    elif who != "anonymous":
        client.force_login({"organiser": organiser, "outsider": outsider}[who])

    answers = [
        client.get(QUEUE),
        client.post(reverse("organisations:approve", args=[organisation.pk])),
        client.post(reverse("organisations:decline", args=[organisation.pk]), {"reason": "x"}),
        client.post(reverse("organisations:publishing"), {"publishing": "open"}),
    ]

    for response in answers:
        if who == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404
    organisation.refresh_from_db()
    assert organisation.approval == Organisation.Approval.PENDING
    with_approval.refresh_from_db()
    assert with_approval.publishing == Platform.Publishing.APPROVAL


def test_another_platforms_organisation_is_a_404_for_an_administrator(
    login, platform_admin, foreign_organiser
):
    foreign = Organisation.objects.get(platform__slug="andere")
    Organisation.objects.filter(pk=foreign.pk).update(approval=Organisation.Approval.PENDING)
    browser = login(platform_admin)
    assert browser.post(reverse("organisations:approve", args=[foreign.pk])).status_code == 404
    assert browser.post(reverse("organisations:decline", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.approval == Organisation.Approval.PENDING
    assert "fremd@example.org" not in browser.get(QUEUE).content.decode()
