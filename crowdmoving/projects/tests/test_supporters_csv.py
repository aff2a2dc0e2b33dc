"""The supporters of a project as a spreadsheet: for owners and coordinators only, one row per
commitment, opened right by Excel (UTF-8 with BOM), never running a formula, noted in the
audit log, in a constant number of queries."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.accounts import deletion
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment
from crowdmoving.projects.views_export import safe_cell

pytestmark = pytest.mark.django_db


def download(browser: Client, project) -> list[list[str]]:  # type: ignore[no-untyped-def]
    response = browser.get(reverse("manage:supporters_csv", args=[project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="supporters-')
    assert response.content.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_owners_download_one_row_per_commitment_with_contact_and_hours(
    login, organiser, project, task, volunteer
):
    actions.take_task(task, volunteer)
    full = f.TaskFactory(project=project, title="Kaffee & Kuchen für Jürgen", capacity=1)
    actions.take_task(full, f.UserFactory(name="Jörg Über", email="joerg@example.org"))
    actions.join_waitlist(full, f.UserFactory(name="Wanda", email="wanda@example.org"))
    f.CommitmentFactory(
        task=full,
        user=f.UserFactory(name="Gabi", email="gabi@example.org"),
        status=Commitment.Status.COMPLETED,
        hours=Decimal("2.5"),
    )

    rows = download(login(organiser), project)

    assert rows[0] == ["Task", "Status", "Name", "Email", "Hours", "Since", "Last change"]
    body = {(r[0], r[1], r[2], r[3], r[4]) for r in rows[1:]}
    assert body == {
        ("Infostand besetzen", "Taken", "Margit Muster", "margit@example.org", ""),
        ("Kaffee & Kuchen für Jürgen", "Taken", "Jörg Über", "joerg@example.org", ""),
        ("Kaffee & Kuchen für Jürgen", "On the waiting list", "Wanda", "wanda@example.org", ""),
        ("Kaffee & Kuchen für Jürgen", "Took part", "Gabi", "gabi@example.org", "2.50"),
    }
    entry = AuditEntry.objects.get(action=Action.SUPPORTERS_EXPORTED)
    assert (entry.actor, entry.target_type, entry.target_id) == (
        organiser,
        "projects.project",
        str(project.pk),
    )
    assert entry.data == {"rows": 4}


def test_in_german_cells_are_separated_by_semicolons_and_hours_use_the_comma(
    organiser, project, task, platform
):
    f.CommitmentFactory(task=task, status=Commitment.Status.COMPLETED, hours=Decimal("1.25"))
    browser = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="de")
    browser.force_login(organiser)
    response = browser.get(reverse("manage:supporters_csv", args=[project.pk]))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].count(";") == 6
    assert ";1,25;" in lines[1]


def test_a_cell_that_would_be_a_formula_is_made_text(login, organiser, task):
    for evil in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"):
        person = f.UserFactory(name=evil)
        actions.take_task(f.TaskFactory(project=task.project, title=evil, capacity=5), person)

    rows = download(login(organiser), task.project)

    cells = [cell for row in rows[1:] for cell in row[:3]]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert '\'=HYPERLINK("http://x")' in cells
    assert safe_cell("\tcmd") == "'\tcmd"
    assert safe_cell("Anna") == "Anna"


def test_a_deleted_account_shows_as_deleted_without_an_address(login, organiser, project):
    gone = f.UserFactory(name="Weg Gegangen")
    f.CommitmentFactory(
        task=f.TaskFactory(project=project), user=gone, status=Commitment.Status.COMPLETED
    )
    deletion.delete_account(gone)

    rows = download(login(organiser), project)

    assert rows[1][2:4] == ["(deleted account)", ""]


@pytest.mark.parametrize("persona", ["coordinator", "organiser"])
def test_owners_and_coordinators_may_download(persona, request, login, project):
    assert len(download(login(request.getfixturevalue(persona)), project)) == 1


def test_a_supporter_it_was_handed_over_to_may_download(login, project, task, volunteer, organiser):
    actions.take_task(task, volunteer)
    actions.hand_over_coordination(project, volunteer, by=organiser)
    assert len(download(login(volunteer), project)) == 2


@pytest.mark.parametrize("persona", ["editor", "volunteer", "outsider"])
def test_others_get_a_404(persona, request, login, project, task):
    url = reverse("manage:supporters_csv", args=[project.pk])
    assert login(request.getfixturevalue(persona)).get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=Action.SUPPORTERS_EXPORTED).exists()


def test_the_second_platform_gets_a_404(organiser, foreign_organiser, project, other_client):
    url = reverse("manage:supporters_csv", args=[project.pk])
    for person in (organiser, foreign_organiser):
        other_client.force_login(person)
        assert other_client.get(url).status_code == 404


def test_a_signed_out_visitor_is_sent_to_the_sign_in(client, project):
    response = client.get(reverse("manage:supporters_csv", args=[project.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_dashboard_links_to_it_for_those_who_may(login, organiser, editor, project):
    url = reverse("manage:supporters_csv", args=[project.pk])
    dashboard = reverse("manage:project", args=[project.pk])
    assert url in login(organiser).get(dashboard).content.decode()
    assert url not in login(editor).get(dashboard).content.decode()


def queries_for(browser: Client, project) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        download(browser, project)
    return len(captured)


def test_the_download_needs_the_same_queries_for_many_supporters_as_for_few(
    login, organiser, organisation
):
    few = f.ProjectFactory(organisation=organisation)
    many = f.ProjectFactory(organisation=organisation)
    for project, count in ((few, 1), (many, 30)):
        for _ in range(count):
            f.CommitmentFactory(task=f.TaskFactory(project=project, capacity=5))
    browser = login(organiser)
    browser.get("/")  # the session and the platform's first queries, before counting
    assert queries_for(browser, few) == queries_for(browser, many)
