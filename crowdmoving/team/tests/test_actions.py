"""Who is told what when the team writes: in-app notifications and emails, their recipients
and content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.notifications.models import Kind as NotificationKind
from crowdmoving.notifications.models import Notification
from crowdmoving.projects.models import Commitment
from crowdmoving.team import actions
from crowdmoving.team.models import TeamMessage

pytestmark = pytest.mark.django_db


def mails_to(mails, address):
    return [m for m in mails if m.to == [address]]


def recipients(mails):
    return sorted(address for m in mails for address in m.to)


def test_an_update_is_emailed_to_every_current_supporter(team, outbox):
    waiting = f.UserFactory(email="wartet@example.org")
    f.CommitmentFactory(task=team.stand, user=waiting, status=Commitment.Status.WAITING)
    gone = f.UserFactory(email="weg@example.org")
    f.CommitmentFactory(task=team.stand, user=gone, status=Commitment.Status.WITHDRAWN)

    actions.post_update(team.project, team.organiser, "Treffpunkt 9 Uhr am Markt.")

    mails = outbox()
    assert recipients(mails) == [
        "anke@example.org",
        "bernd@example.org",
        "margit@example.org",
        "paula@example.org",
    ]
    mail = mails_to(mails, "margit@example.org")[0]
    assert mail.subject == "An update for the team of “Kinder malen ihre Welt”"
    assert "Treffpunkt 9 Uhr am Markt." in mail.body
    assert "– Claudia" in mail.body
    assert f"/projects/{team.project.pk}/team/#message-" in mail.body
    assert Notification.objects.filter(kind=NotificationKind.TEAM_MESSAGE).count() == 4


def test_the_body_of_an_email_is_plain_text_not_html_escaped(team, outbox):
    actions.post_update(team.project, team.organiser, 'Tom & Jerry <kommen> "auch"')
    body = mails_to(outbox(), "margit@example.org")[0].body
    assert 'Tom & Jerry <kommen> "auch"' in body


def test_a_board_message_tells_the_rest_of_the_team(team, coordinator, outbox):
    actions.post_to_board(team.project, team.margit, "Wer bringt Kuchen mit?")

    mails = outbox()
    assert recipients(mails) == [
        "anke@example.org",
        "bernd@example.org",
        "claudia@example.org",
        "koordination@example.org",
        "paula@example.org",
    ]
    to_bernd = mails_to(mails, "bernd@example.org")[0]
    assert to_bernd.subject == "New on the board of “Kinder malen ihre Welt”"
    assert "Wer bringt Kuchen mit?" in to_bernd.body
    assert "– Margit\n" in to_bernd.body  # her public name, for a supporter
    to_claudia = mails_to(mails, "claudia@example.org")[0]
    assert "– Margit Muster\n" in to_claudia.body  # the full name, for an organiser


def test_an_anonymous_author_stays_anonymous_in_the_mails_of_supporters(team, outbox):
    actions.post_to_board(team.project, team.anke, "Ich bringe Stühle.")
    mails = outbox()
    assert "Anke" not in mails_to(mails, "margit@example.org")[0].body
    assert "Someone from the team" in mails_to(mails, "margit@example.org")[0].body
    assert "Anke Anonym" in mails_to(mails, "claudia@example.org")[0].body


def test_a_person_who_muted_team_messages_gets_the_notification_but_no_email(team, outbox):
    team.bernd.muted_email_kinds = [NotificationKind.TEAM_MESSAGE]
    team.bernd.save()
    actions.post_to_board(team.project, team.margit, "Hallo")
    assert mails_to(outbox(), "bernd@example.org") == []
    assert Notification.objects.filter(user=team.bernd).count() == 1


def test_a_message_to_one_supporter_goes_to_that_person_and_welcomes_them(team, outbox):
    f.CommitmentFactory(task=team.kitchen, user=team.margit)  # a second task of hers
    actions.write_to_supporter(team.project, team.organiser, team.margit, "Willkommen, Margit!")

    mails = outbox()
    assert recipients(mails) == ["margit@example.org"]
    assert mails[0].subject == "A message for you about “Kinder malen ihre Welt”"
    assert "Claudia Seidensticker (KRASS e.V.) wrote to you" in mails[0].body
    assert "Willkommen, Margit!" in mails[0].body
    welcomed = Commitment.objects.filter(user=team.margit).values_list("welcomed_at", flat=True)
    assert len(welcomed) == 2 and all(welcomed)
    assert not Commitment.objects.filter(user=team.bernd, welcomed_at__isnull=False).exists()


def test_a_welcome_keeps_the_first_time_it_was_given(team):
    earlier = timezone.now() - timedelta(days=1)
    Commitment.objects.filter(user=team.margit).update(welcomed_at=earlier)
    actions.write_to_supporter(team.project, team.organiser, team.margit, "Noch was")
    assert Commitment.objects.get(user=team.margit).welcomed_at == earlier


def test_a_message_to_a_task_goes_to_everyone_on_it(team, outbox):
    waiting = f.UserFactory(email="wartet@example.org")
    f.CommitmentFactory(task=team.kitchen, user=waiting, status=Commitment.Status.WAITING)

    actions.write_to_task(team.project, team.organiser, team.kitchen, "Schürzen nicht vergessen")

    mails = outbox()
    assert recipients(mails) == ["anke@example.org", "paula@example.org"]
    assert mails[0].subject == "A message to everyone on “Küche”"
    assert "Schürzen nicht vergessen" in mails[0].body
    message = TeamMessage.objects.get()
    assert (message.kind, message.task) == (TeamMessage.Kind.TASK, team.kitchen)


def test_an_introduction_tells_both_about_the_other_with_the_address(team, outbox):
    actions.introduce(
        team.project, team.organiser, team.margit, team.anke, "Ihr zwei macht den Infostand."
    )

    mails = outbox()
    assert recipients(mails) == ["anke@example.org", "margit@example.org"]
    to_margit = mails_to(mails, "margit@example.org")[0]
    assert to_margit.subject == "Meet Anke Anonym"
    assert "Ihr zwei macht den Infostand." in to_margit.body
    assert "anke@example.org" in to_margit.body
    assert "Claudia Seidensticker introduces you to Anke Anonym" in to_margit.body
    to_anke = mails_to(mails, "anke@example.org")[0]
    assert to_anke.subject == "Meet Margit Muster"
    assert "margit@example.org" in to_anke.body
    assert Notification.objects.filter(kind=NotificationKind.INTRODUCTION).count() == 2


def test_only_supporters_of_the_project_can_be_introduced_or_written_to(team, outsider):
    with pytest.raises(actions.NotInTeam):
        actions.introduce(team.project, team.organiser, team.margit, outsider, "Hallo")
    with pytest.raises(actions.NotInTeam):
        actions.introduce(team.project, team.organiser, team.margit, team.margit, "Hallo")
    with pytest.raises(actions.NotInTeam):
        actions.write_to_supporter(team.project, team.organiser, outsider, "Hallo")
    other_task = f.TaskFactory(project=f.ProjectFactory(organisation=team.project.organisation))
    with pytest.raises(actions.NotInTeam):
        actions.write_to_task(team.project, team.organiser, other_task, "Hallo")
    assert TeamMessage.objects.count() == 0


def test_the_rate_limit_counts_removed_messages_and_ends_after_ten_minutes(team):
    for n in range(10):
        message = actions.post_to_board(team.project, team.margit, f"{n}")
        actions.remove_message(message, team.organiser)
    with pytest.raises(actions.TooManyMessages):
        actions.post_to_board(team.project, team.margit, "noch eine")
    TeamMessage.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    actions.post_to_board(team.project, team.margit, "jetzt wieder")
    assert TeamMessage.objects.count() == 11


def test_the_rate_limit_is_per_project(team, organisation):
    other = f.ProjectFactory(organisation=organisation)
    for n in range(10):
        actions.post_update(other, team.organiser, f"{n}")
    actions.post_update(team.project, team.organiser, "hier geht es noch")


def test_a_refused_message_writes_nothing_and_tells_nobody(team, outbox):
    for n in range(10):
        actions.post_to_board(team.project, team.margit, f"{n}")
    outbox().clear()
    notifications = Notification.objects.count()
    with pytest.raises(actions.TooManyMessages):
        actions.post_to_board(team.project, team.margit, "zu viel")
    assert outbox() == []
    assert Notification.objects.count() == notifications
