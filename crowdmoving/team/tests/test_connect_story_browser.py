"""The story of "Connect people", told in a real browser: Claudia welcomes Margit with a
message, introduces her to Anke, and hands the coordination of the project over to her; after
the day Margit signs in, finds the project through her notification, and confirms that Anke
took part and for how long. The locators are accessible ones (role, label, text)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from crowdmoving import factories as f
from crowdmoving.notifications.outbox import deliver_due
from crowdmoving.organisations.models import Role
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Project, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # noqa: S105 (the factories' test password)
TITLE = "Kinder malen ihre Welt"
Status = Commitment.Status


def signed_in_page(new_context, user) -> Page:
    """A browser that carries ``user``'s session cookie (faster than the login form)."""
    client = Client()
    client.force_login(user)
    context = new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": "localhost",
                "path": "/",
            }
        ]
    )
    return context.new_page()


def sign_in(page: Page, email: str) -> None:
    """Through the real login form."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def team_form(page: Page, summary: str):  # type: ignore[no-untyped-def]
    """Open the folded team form whose summary is ``summary`` with the keyboard."""
    form = page.locator("details").filter(has=page.get_by_text(summary, exact=True))
    form.get_by_text(summary, exact=True).focus()
    page.keyboard.press("Enter")
    expect(form.get_by_role("button")).to_be_visible()
    return form


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def test_claudia_welcomes_introduces_and_hands_over_and_margit_confirms_after_the_day(
    hub, new_context
):
    # --- a public project with two tasks; Margit and Anke have each taken one -----------------
    organisation = f.OrganisationFactory(platform=hub, name="KRASS e.V.", slug="krass-ev")
    claudia = f.UserFactory(
        email="claudia@example.org", name="Claudia Seidensticker", language="en"
    )
    f.MembershipFactory(organisation=organisation, user=claudia, role=Role.OWNER)
    project: Project = f.ProjectFactory(organisation=organisation, title=TITLE, created_by=claudia)
    stand = f.TaskFactory(project=project, title="Infostand besetzen", capacity=2, position=1)
    kitchen = f.TaskFactory(project=project, title="Kuchen backen", capacity=2, position=2)
    margit = f.UserFactory(email="margit@example.org", name="Margit Muster", language="en")
    anke = f.UserFactory(email="anke@example.org", name="Anke Auftakt", language="en")
    actions.take_task(stand, margit)
    actions.take_task(kitchen, anke)
    deliver_due()
    mail.outbox.clear()  # the confirmations of taking the tasks are not this story's

    # --- Claudia opens the team page from her dashboard and welcomes Margit -----------------
    page = signed_in_page(new_context, claudia)
    page.goto(f"/manage/projects/{project.pk}/")
    dashboard = page.url
    page.get_by_role("link", name="Team", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("The team of"))).to_be_visible()
    expect(page.get_by_role("heading", name="Who is in which task")).to_be_visible()

    direct = team_form(page, "Write to one supporter")
    direct.get_by_label("To").select_option(label="Margit Muster (margit@example.org)")
    direct.get_by_label("Message").fill("Willkommen im Team, Margit! Schön, dass du dabei bist.")
    direct.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message is sent.")).to_be_visible()

    # --- and introduces her to Anke ---------------------------------------------------------
    introduction = team_form(page, "Introduce two supporters")
    introduction.get_by_label("First person").select_option(
        label="Margit Muster (margit@example.org)"
    )
    introduction.get_by_label("Second person").select_option(
        label="Anke Auftakt (anke@example.org)"
    )
    introduction.get_by_label("Message").fill("Ihr zwei seid am Samstag zusammen im Einsatz.")
    introduction.get_by_role("button", name="Introduce them").click()
    expect(page.get_by_text("The introduction is sent to both.")).to_be_visible()

    # --- and hands the coordination of the project over to her, on the dashboard ------------
    page.goto(dashboard)
    page.get_by_role("button", name="Hand over coordination to Margit Muster").click()
    expect(
        page.get_by_text("Margit Muster now coordinates the supporters of this project")
    ).to_be_visible()
    expect(page.get_by_text("Coordination handed over to: Margit Muster")).to_be_visible()
    assert list(project.coordinators.all()) == [margit]

    # --- the emails ---------------------------------------------------------------------------
    deliver_due()
    to_margit = mails_to(margit.email)
    to_anke = mails_to(anke.email)
    welcome = [m for m in to_margit if "Willkommen im Team, Margit!" in m.body]
    assert len(welcome) == 1
    assert "Claudia Seidensticker" in welcome[0].body
    met_anke = [m for m in to_margit if "Ihr zwei seid am Samstag" in m.body]
    met_margit = [m for m in to_anke if "Ihr zwei seid am Samstag" in m.body]
    assert len(met_anke) == len(met_margit) == 1
    assert "Anke Auftakt" in met_anke[0].subject
    assert anke.email in met_anke[0].body
    assert "Margit Muster" in met_margit[0].subject
    assert margit.email in met_margit[0].body
    handed_over = [m for m in to_margit if "coordinate" in m.subject]
    assert len(handed_over) == 1
    assert TITLE in handed_over[0].subject
    assert f"/manage/projects/{project.pk}/" in handed_over[0].body
    assert len(to_margit) == 3, [m.subject for m in to_margit]
    assert len(to_anke) == 1, [m.subject for m in to_anke]
    assert not mails_to(claudia.email), "Claudia is not told about her own messages"
    mine = Commitment.objects.get(task=stand, user=margit)
    assert mine.welcomed_at is not None

    # --- the day passes: both tasks took place yesterday, 10:00 to 13:30 ----------------------
    yesterday = timezone.localtime() - timedelta(days=1)
    starts = yesterday.replace(hour=10, minute=0, second=0, microsecond=0)
    Task.objects.filter(pk__in=[stand.pk, kitchen.pk]).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3, minutes=30)
    )

    # --- Margit signs in, finds the project through her notification, confirms Anke ---------
    page = new_context().new_page()
    sign_in(page, margit.email)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("Notifications")
    ).click()
    expect(page.get_by_role("button", name=re.compile("Meet Anke Auftakt"))).to_be_visible()
    page.get_by_role("button", name=re.compile("You now coordinate the supporters")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile(TITLE))).to_be_visible()
    page.get_by_role("link", name="Who took part").click()
    expect(page.get_by_role("heading", level=1, name="Who took part")).to_be_visible()

    anke_row = page.get_by_role("group", name=re.compile("Anke Auftakt"))
    expect(anke_row.get_by_label("Hours")).to_have_value("3.50")  # the task's duration
    anke_row.get_by_label("Took part").check()
    anke_row.get_by_label("Hours").fill("3")
    # Nobody confirms their own participation: Margit's own place is not on her list.
    expect(page.get_by_role("group", name=re.compile("Margit Muster"))).to_have_count(0)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved: 1 person's attendance changed.")).to_be_visible()
    expect(anke_row.get_by_text("Last confirmed by Margit Muster")).to_be_visible()

    # --- exact and audited: who confirmed what, when ------------------------------------------
    confirmed = Commitment.objects.get(task=kitchen, user=anke)
    assert confirmed.status == Status.COMPLETED
    assert confirmed.hours == Decimal("3")
    assert confirmed.attendance_confirmed_by == margit
    assert confirmed.attendance_confirmed_at is not None
    mine.refresh_from_db()
    assert mine.status == Status.ACTIVE, "Margit's own attendance stays for another organiser"
    assert mine.attendance_confirmed_by is None
