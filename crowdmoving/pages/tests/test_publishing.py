"""A platform cannot publish projects until it has an imprint and a privacy policy; organisers
see a checklist of what is missing and who can do it, administrators see it with links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.conftest import make_publishable
from crowdmoving.pages import actions as pages
from crowdmoving.pages.publishing import PublishingRefused, checklist
from crowdmoving.privacy.actions import give_consent, publish_text
from crowdmoving.projects import actions
from crowdmoving.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(project):  # type: ignore[no-untyped-def]
    Project.objects.filter(pk=project.pk).update(status=Project.Status.DRAFT, published_at=None)
    project.refresh_from_db()
    return project


def imprint(platform):  # type: ignore[no-untyped-def]
    return pages.create_page(
        platform,
        {
            "title": "Impressum",
            "kind": "imprint",
            "slug": "impressum",
            "body": "KRASS e.V.",
            "in_navigation": False,
        },
        by=None,
    )


def privacy_text(platform):  # type: ignore[no-untyped-def]
    return publish_text(platform, body="Wir speichern wenig.", summary_of_changes="", by=None)


@pytest.mark.parametrize("status", [Project.Status.INNER_CIRCLE, Project.Status.PUBLIC])
@pytest.mark.parametrize("has", ["nothing", "imprint", "privacy_text"])
def test_publishing_is_refused_without_both_imprint_and_privacy_text(
    draft, organiser, platform, status, has
):
    if has == "imprint":
        imprint(platform)
    elif has == "privacy_text":
        privacy_text(platform)

    with pytest.raises(PublishingRefused) as refused:
        actions.change_status(draft, status, by=organiser)

    expected = {"imprint", "privacy_text"} - {has}
    assert {step.key for step in refused.value.missing} == expected
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT
    assert draft.published_at is None
    assert not AuditEntry.objects.filter(action=Action.PROJECT_STATE_CHANGED).exists()


@pytest.mark.parametrize("status", [Project.Status.INNER_CIRCLE, Project.Status.PUBLIC])
def test_publishing_is_allowed_with_both(draft, organiser, platform, status):
    imprint(platform)
    privacy_text(platform)

    actions.change_status(draft, status, by=organiser)

    draft.refresh_from_db()
    assert draft.status == status


def test_published_projects_stay_published_and_can_be_closed_and_drafted(project, organiser):
    """The project fixture is public on a platform without imprint or privacy text."""
    assert project.status == Project.Status.PUBLIC
    actions.change_status(project, Project.Status.PUBLIC, by=organiser)  # nothing changes
    actions.change_status(project, Project.Status.CLOSED, by=organiser)
    with pytest.raises(PublishingRefused):  # reopening is publishing again
        actions.change_status(project, Project.Status.PUBLIC, by=organiser)
    actions.change_status(project, Project.Status.DRAFT, by=organiser)
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT


def test_the_organiser_sees_the_checklist_and_a_clear_message(login, editor, draft, platform):
    give_consent(editor, privacy_text(platform))
    dashboard = reverse("manage:project", args=[draft.pk])

    page = login(editor).get(dashboard).content.decode()
    assert "Before this project can be opened to the inner circle or the public" in page
    assert "An imprint (Impressum) of the platform" in page
    assert "A privacy policy (Datenschutzerklärung)" not in page  # there is one
    assert "Who can do it: the platform&#x27;s administrators." in page
    assert reverse("pages:admin_create") not in page  # no links for organisers

    response = login(editor).post(
        reverse("manage:project_status", args=[draft.pk]), {"status": "public"}, follow=True
    )

    html = response.content.decode()
    assert "This project cannot be published yet: the platform is not ready for it." in html
    assert "An imprint (Impressum) of the platform" in html
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT


def test_the_dashboard_shows_no_checklist_when_all_is_there(login, editor, draft, platform):
    give_consent(editor, make_publishable(platform))
    page = login(editor).get(reverse("manage:project", args=[draft.pk])).content.decode()
    assert "Before this project can be opened" not in page

    login(editor).post(reverse("manage:project_status", args=[draft.pk]), {"status": "public"})
    draft.refresh_from_db()
    assert draft.status == Project.Status.PUBLIC


def test_the_administrators_start_page_shows_the_checklist_with_links(
    login, platform_admin, platform
):
    html = login(platform_admin).get(reverse("platform:home")).content.decode()
    assert "Before projects can be published" in html
    assert f'href="{reverse("pages:admin_create")}?kind=imprint"' in html
    assert f'href="{reverse("privacy:publish")}"' in html
    assert html.count("Missing:") == 2

    imprint(platform)
    html = login(platform_admin).get(reverse("platform:home")).content.decode()
    assert html.count("Missing:") == 1 and html.count("Done:") == 1
    assert f'href="{reverse("pages:admin_list")}"' in html
    assert f'href="{reverse("organisations:queue")}"' in html


def test_the_checklist_costs_one_query(platform, django_assert_num_queries):
    with django_assert_num_queries(1):
        steps = checklist(platform)
    assert [(step.key, step.done) for step in steps] == [
        ("imprint", False),
        ("privacy_text", False),
    ]


def test_the_checklist_is_per_platform(platform, other_platform):
    make_publishable(other_platform)
    assert [step.done for step in checklist(platform)] == [False, False]
    assert [step.done for step in checklist(other_platform)] == [True, True]
