import pytest
from django.urls import reverse

from crowdmoving import factories as f
from crowdmoving.organisations.models import Membership, Organisation, Role
from crowdmoving.projects import actions
from crowdmoving.projects.models import Project

pytestmark = pytest.mark.django_db


def login_url_for(url: str) -> str:
    return f"{reverse('account_login')}?next={url}"


# --- index ----------------------------------------------------------------------------------


def test_the_index_asks_anonymous_people_to_sign_in(client):
    url = reverse("manage:index")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_url_for(url)


def test_the_index_lists_my_organisations_with_their_projects(login, organiser, project, outsider):
    f.TaskFactory(project=project, capacity=4)
    f.ProjectFactory(organisation=Membership.objects.get(user=outsider).organisation, title="Fremd")

    response = login(organiser).get(reverse("manage:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "KRASS e.V." in html
    assert "Kinder malen ihre Welt" in html
    assert reverse("manage:project", args=[project.pk]) in html
    assert "0 of 4 places filled" in html
    assert "Anderer Verein" not in html
    assert "Fremd" not in html


def test_the_index_of_someone_without_organisation_invites_to_create_one(login, volunteer):
    response = login(volunteer).get(reverse("manage:index"))
    html = response.content.decode()
    assert "not a member of an organisation" in html
    assert reverse("manage:organisation_create") in html


def test_the_index_shows_no_organisation_of_another_platform(login, foreign_organiser, platform):
    response = login(foreign_organiser).get(reverse("manage:index"))
    assert "KRASS e.V." not in response.content.decode()


# --- create ---------------------------------------------------------------------------------


def test_creating_an_organisation_asks_anonymous_people_to_sign_in(client):
    url = reverse("manage:organisation_create")
    assert client.post(url, {"name": "Neu"})["Location"] == login_url_for(url)
    assert not Organisation.objects.exists()


def test_creating_an_organisation_makes_me_its_owner(login, volunteer, platform):
    response = login(volunteer).post(
        reverse("manage:organisation_create"),
        {"name": "Tafel Neukölln", "description": "Wir retten Essen.", "website": ""},
    )

    organisation = Organisation.objects.get()
    assert organisation.platform == platform
    assert organisation.slug == "tafel-neukolln"
    assert organisation.description == "Wir retten Essen."
    membership = Membership.objects.get(organisation=organisation)
    assert membership.user == volunteer
    assert membership.role == Role.OWNER
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:organisation", args=["tafel-neukolln"])


def test_a_taken_slug_gets_a_number(login, volunteer, organisation):
    login(volunteer).post(reverse("manage:organisation_create"), {"name": "KRASS e.V."})
    assert Organisation.objects.filter(platform=organisation.platform).count() == 2
    assert Organisation.objects.filter(slug="krass-ev-2", platform=organisation.platform).exists()


def test_a_slug_used_on_another_platform_is_free_here(
    login, volunteer, foreign_organiser, platform
):
    login(volunteer).post(reverse("manage:organisation_create"), {"name": "KRASS e.V."})
    assert Organisation.objects.get(platform=platform).slug == "krass-ev"


def test_an_organisation_needs_a_name(login, volunteer):
    response = login(volunteer).post(reverse("manage:organisation_create"), {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Please give the organisation a name."]
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


def test_an_overlong_name_or_a_broken_website_is_refused_at_the_field(login, volunteer):
    response = login(volunteer).post(
        reverse("manage:organisation_create"), {"name": "x" * 121, "website": "nonsense"}
    )
    errors = response.context["form"].errors
    assert "at most 120 characters" in errors["name"][0]
    assert "full web address" in errors["website"][0]
    assert not Organisation.objects.exists()


# --- detail ---------------------------------------------------------------------------------


def test_the_organisation_page_asks_anonymous_people_to_sign_in(client, organisation):
    url = reverse("manage:organisation", args=[organisation.slug])
    assert client.get(url)["Location"] == login_url_for(url)


def test_members_see_the_projects_with_places_filled(login, organiser, project, organisation):
    task = f.TaskFactory(project=project, capacity=3)
    f.TaskFactory(project=project, capacity=2)
    f.CommitmentFactory(task=task)
    f.CommitmentFactory(task=task)
    draft = f.ProjectFactory(organisation=organisation, title="Entwurf", status="draft")

    response = login(organiser).get(reverse("manage:organisation", args=[organisation.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 of 5 places filled" in html
    assert "Entwurf" in html
    assert "status-draft" in html
    assert reverse("manage:project", args=[draft.pk]) in html
    assert reverse("manage:project_create", args=[organisation.slug]) in html


def test_removed_tasks_do_not_count_as_places(login, organiser, project, organisation):
    f.TaskFactory(project=project, capacity=3)
    removed = f.TaskFactory(project=project, capacity=10)
    actions.remove_task(removed)
    response = login(organiser).get(reverse("manage:organisation", args=[organisation.slug]))
    assert "0 of 3 places filled" in response.content.decode()


@pytest.mark.parametrize(("persona", "may_create"), [("editor", True), ("coordinator", False)])
def test_only_those_who_edit_projects_see_new_project(
    request, login, organisation, persona, may_create
):
    person = request.getfixturevalue(persona)
    response = login(person).get(reverse("manage:organisation", args=[organisation.slug]))
    assert response.status_code == 200
    link = reverse("manage:project_create", args=[organisation.slug])
    assert (link in response.content.decode()) is may_create


@pytest.mark.parametrize("persona", ["volunteer", "outsider", "foreign_organiser"])
def test_non_members_get_not_found(request, login, organisation, project, persona):
    person = request.getfixturevalue(persona)
    response = login(person).get(reverse("manage:organisation", args=[organisation.slug]))
    assert response.status_code == 404
    assert "Kinder malen ihre Welt" not in response.content.decode()


def test_the_same_slug_on_another_platform_shows_only_that_platforms_organisation(
    other_client, foreign_organiser, project
):
    other_client.force_login(foreign_organiser)
    response = other_client.get(reverse("manage:organisation", args=["krass-ev"]))
    assert response.status_code == 200
    assert "Kinder malen ihre Welt" not in response.content.decode()
    assert not Project.objects.filter(organisation__platform__slug="andere").exists()
