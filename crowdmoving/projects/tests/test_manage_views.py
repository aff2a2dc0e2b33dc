from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from crowdmoving import factories as f
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.privacy.actions import give_consent
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Project, Task

pytestmark = pytest.mark.django_db

Status = Commitment.Status


def png(width: int = 40, height: int = 30) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile("bild.png", out.getvalue(), content_type="image/png")


def project_data(**changes):  # type: ignore[no-untyped-def]
    return {
        "title": "Ein Garten für alle",
        "story": "Wir **graben**.",
        "place": "Leipzig",
    } | changes


def task_data(**changes):  # type: ignore[no-untyped-def]
    return {
        "title": "Beete anlegen",
        "description": "Spaten mitbringen.",
        "timing": "scheduled",
        "starts_at": "2031-05-03T10:00",
        "ends_at": "2031-05-03T14:00",
        "location": "Am Gleis 3",
        "capacity": "3",
        "skills": "gärtnern,  , Geduld",
    } | changes


# --- who may do what ------------------------------------------------------------------------

PAGES = ["project", "project_edit", "task_create", "task_edit", "task_remove"]
EDITING_PAGES = ["project_edit", "task_create", "task_edit", "task_remove"]
POST_ONLY = ["project_status", "project_secret", "task_move"]


def url_of(name, project, task):  # type: ignore[no-untyped-def]
    if name.startswith("task_") and name != "task_create":
        return reverse(f"manage:{name}", args=[project.pk, task.pk])
    return reverse(f"manage:{name}", args=[project.pk])


@pytest.mark.parametrize("name", PAGES + POST_ONLY)
def test_anonymous_people_are_asked_to_sign_in(client, project, task, name):
    url = url_of(name, project, task)
    response = client.post(url) if name in POST_ONLY else client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("name", PAGES + POST_ONLY)
@pytest.mark.parametrize("persona", ["volunteer", "outsider", "foreign_organiser"])
def test_people_without_membership_get_not_found(request, login, project, task, name, persona):
    browser = login(request.getfixturevalue(persona))
    url = url_of(name, project, task)
    response = browser.post(url, {"status": "closed"}) if name in POST_ONLY else browser.get(url)
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLIC


@pytest.mark.parametrize("name", PAGES + POST_ONLY)
def test_the_first_platforms_projects_are_not_found_on_another_platform(
    other_client, foreign_organiser, project, task, name
):
    other_client.force_login(foreign_organiser)
    url = url_of(name, project, task)
    data = {"status": "closed", "direction": "up"}
    response = other_client.post(url, data) if name in POST_ONLY else other_client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("name", EDITING_PAGES + POST_ONLY)
def test_coordinators_may_not_edit(login, coordinator, project, task, name):
    browser = login(coordinator)
    url = url_of(name, project, task)
    response = browser.post(url, {"status": "closed"}) if name in POST_ONLY else browser.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["organiser", "editor"])
@pytest.mark.parametrize("name", PAGES)
def test_owners_and_editors_open_every_page(request, login, project, task, name, persona):
    response = login(request.getfixturevalue(persona)).get(url_of(name, project, task))
    assert response.status_code == 200


@pytest.mark.parametrize("name", POST_ONLY)
def test_state_changes_refuse_a_get(login, organiser, project, task, name):
    assert login(organiser).get(url_of(name, project, task)).status_code == 405


def test_a_task_of_another_project_is_not_found(login, organiser, project, organisation):
    other_task = f.TaskFactory(project=f.ProjectFactory(organisation=organisation))
    browser = login(organiser)
    for name in ("task_edit", "task_remove"):
        assert browser.get(url_of(name, project, other_task)).status_code == 404
    response = browser.post(url_of("task_move", project, other_task), {"direction": "up"})
    assert response.status_code == 404


def test_creating_a_project_elsewhere_is_not_found(login, outsider, volunteer, coordinator):
    url = reverse("manage:project_create", args=["krass-ev"])
    for person in (outsider, volunteer, coordinator):
        assert login(person).post(url, project_data()).status_code == 404
    assert not Project.objects.exists()


def test_creating_a_project_on_another_platform_is_not_found(login, foreign_organiser, platform):
    response = login(foreign_organiser).post(
        reverse("manage:project_create", args=["krass-ev"]), project_data()
    )
    assert response.status_code == 404
    assert not Project.objects.exists()


# --- creating and editing a project ---------------------------------------------------------


def test_a_new_project_starts_as_a_draft_and_leads_to_the_dashboard(login, editor, organisation):
    response = login(editor).post(
        reverse("manage:project_create", args=[organisation.slug]), project_data(), follow=True
    )

    project = Project.objects.get()
    assert project.status == Project.Status.DRAFT
    assert project.organisation == organisation
    assert project.created_by == editor
    assert "<strong>graben</strong>" in project.story_html
    assert response.redirect_chain[-1][0] == reverse("manage:project", args=[project.pk])
    assert "Now add the tasks" in response.content.decode()


def test_a_cover_upload_is_re_encoded_as_jpeg(login, organiser, organisation):
    login(organiser).post(
        reverse("manage:project_create", args=[organisation.slug]),
        project_data(cover=png()),
    )
    cover = Project.objects.get().cover
    assert cover.name.startswith("covers/cover-")
    assert str(cover.name).endswith(".jpg")
    with Image.open(cover.path) as image:
        assert image.format == "JPEG"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (project_data(title=""), "title", "Please give the project a title."),
        (project_data(title="x" * 121), "title", "at most 120 characters (it has 121)"),
        (
            project_data(starts_on="2031-06-10", ends_on="2031-06-01"),
            "ends_on",
            "The end is before the start.",
        ),
        (
            project_data(cover=SimpleUploadedFile("x.png", b"not an image")),
            "cover",
            "not an image we can read",
        ),
    ],
)
def test_wrong_project_input_is_shown_at_the_field_and_nothing_is_saved(
    login, organiser, organisation, data, field, message
):
    response = login(organiser).post(
        reverse("manage:project_create", args=[organisation.slug]), data
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Project.objects.exists()


def test_an_oversize_cover_is_refused(login, organiser, organisation, settings):
    settings.CROWDMOVING = settings.CROWDMOVING | {"COVER_MAX_BYTES": 100}
    response = login(organiser).post(
        reverse("manage:project_create", args=[organisation.slug]),
        project_data(cover=png(200, 200)),
    )
    assert "too large" in response.context["form"].errors["cover"][0]
    assert not Project.objects.exists()


def test_editing_a_project_saves_it(login, editor, project):
    response = login(editor).post(
        reverse("manage:project_edit", args=[project.pk]),
        project_data(title="Neuer Titel", starts_on="2031-06-01", ends_on="2031-06-01"),
    )
    project.refresh_from_db()
    assert response["Location"] == reverse("manage:project", args=[project.pk])
    assert project.title == "Neuer Titel"
    assert project.status == Project.Status.PUBLIC


def test_wrong_input_while_editing_changes_nothing(login, editor, project):
    response = login(editor).post(
        reverse("manage:project_edit", args=[project.pk]), project_data(title="")
    )
    project.refresh_from_db()
    assert response.status_code == 200
    assert project.title == "Kinder malen ihre Welt"


# --- state and secret link ------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "inner_circle", "public", "closed"])
def test_the_state_moves_by_post(login, editor, project, publishable, status):
    give_consent(editor, publishable)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.DRAFT)
    response = login(editor).post(
        reverse("manage:project_status", args=[project.pk]), {"status": status}, follow=True
    )
    project.refresh_from_db()
    assert project.status == status
    assert "The project is now" in response.content.decode()


def test_an_unknown_state_is_refused(login, editor, project):
    response = login(editor).post(
        reverse("manage:project_status", args=[project.pk]), {"status": "secret"}, follow=True
    )
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLIC
    assert "This state does not exist" in response.content.decode()


def test_a_new_secret_link_revokes_the_old_one(login, organiser, project):
    old = project.secret
    login(organiser).post(reverse("manage:project_secret", args=[project.pk]))
    project.refresh_from_db()
    assert project.secret != old


def test_the_dashboard_shows_the_absolute_inner_circle_link(login, coordinator, project):
    response = login(coordinator).get(reverse("manage:project", args=[project.pk]))
    html = response.content.decode()
    assert f"http://krass.example.org/projects/{project.pk}/join/{project.secret}/" in html
    # Coordinators see the link but may not change it or the state.
    assert reverse("manage:project_secret", args=[project.pk]) not in html
    assert reverse("manage:project_status", args=[project.pk]) not in html


def test_the_dashboard_offers_every_other_state(login, organiser, project):
    html = login(organiser).get(reverse("manage:project", args=[project.pk])).content.decode()
    assert html.count(reverse("manage:project_status", args=[project.pk])) == 3
    for state in ("draft", "inner_circle", "closed"):
        assert f'name="status" value="{state}"' in html
    assert 'name="status" value="public"' not in html


# --- the dashboard --------------------------------------------------------------------------


@pytest.fixture
def busy_task(task):  # type: ignore[no-untyped-def]
    """Three places: Anna has one, Bernd one, Clara's waits for confirmation; Dora and Emil
    wait, in this order."""
    for name, status in [("Anna", Status.ACTIVE), ("Bernd", Status.ACTIVE), ("Clara", Status.HELD)]:
        user = f.UserFactory(name=f"{name} Beispiel", email=f"{name.lower()}@example.org")
        f.CommitmentFactory(task=task, user=user, status=status)
    for name in ("Dora", "Emil"):
        user = f.UserFactory(name=f"{name} Beispiel", email=f"{name.lower()}@example.org")
        f.CommitmentFactory(task=task, user=user, status=Status.WAITING)
    return task


def test_coordinators_see_who_holds_each_task_and_who_waits(login, coordinator, busy_task):
    response = login(coordinator).get(reverse("manage:project", args=[busy_task.project_id]))
    html = response.content.decode()
    assert "Anna Beispiel" in html
    assert 'href="mailto:anna@example.org"' in html
    assert "awaiting confirmation" in html
    assert html.index("Dora Beispiel") < html.index("Emil Beispiel")
    assert "3 of 3 places taken" in html
    assert "3 of 3 places filled" in html


def test_editors_see_counts_but_no_names_or_addresses(login, editor, busy_task):
    response = login(editor).get(reverse("manage:project", args=[busy_task.project_id]))
    html = response.content.decode()
    assert "3 of 3 places taken" in html
    assert "2 waiting" in html
    for secret in ("Anna", "anna@example.org", "Dora", "mailto:"):
        assert secret not in html
    assert reverse("manage:task_edit", args=[busy_task.project_id, busy_task.pk]) in html


def test_the_dashboard_lists_tasks_in_order_without_removed_ones(login, organiser, project):
    second = f.TaskFactory(project=project, title="Zweitens", position=2)
    first = f.TaskFactory(project=project, title="Erstens", position=1)
    gone = f.TaskFactory(project=project, title="Entfernt", position=3)
    actions.remove_task(gone)
    html = login(organiser).get(reverse("manage:project", args=[project.pk])).content.decode()
    assert html.index(first.title) < html.index(second.title)
    assert "Entfernt" not in html
    assert reverse("projects:detail", args=[project.pk]) in html


def test_the_dashboard_needs_the_same_queries_for_10_or_60_tasks(
    login, coordinator, project, django_assert_max_num_queries
):
    people = [f.UserFactory() for _ in range(4)]
    browser = login(coordinator)
    url = reverse("manage:project", args=[project.pk])

    def arrange(count: int) -> None:
        for _ in range(count):
            task = f.TaskFactory(project=project, capacity=3)
            f.CommitmentFactory(task=task, user=people[0])
            f.CommitmentFactory(task=task, user=people[1])
            f.CommitmentFactory(task=task, user=people[2], status=Status.HELD)
            f.CommitmentFactory(task=task, user=people[3], status=Status.WAITING)

    arrange(10)
    browser.get(url)  # the first look of the hour also writes the audit entry (contacts viewed)
    # 13: the navigation asks once whether the person administers the platform.
    with django_assert_max_num_queries(13) as few:
        assert browser.get(url).status_code == 200
    arrange(50)
    with django_assert_max_num_queries(13) as many:
        response = browser.get(url)
    assert response.content.decode().count('class="task-card manage-task"') == 60
    assert len(few.captured_queries) == len(many.captured_queries)


# --- tasks ----------------------------------------------------------------------------------


def test_adding_a_task(login, editor, project):
    response = login(editor).post(
        reverse("manage:task_create", args=[project.pk]), task_data(), follow=True
    )
    task = Task.objects.get()
    assert task.project == project
    assert task.capacity == 3
    assert task.skills == "gärtnern, Geduld"
    assert task.starts_at == datetime(2031, 5, 3, 8, 0, tzinfo=UTC)  # 10:00 in Berlin
    assert "Beete anlegen" in response.content.decode()


def test_a_whole_day_task_keeps_only_its_day(login, editor, project):
    login(editor).post(
        reverse("manage:task_create", args=[project.pk]), task_data(timing="day", day="2031-05-04")
    )
    task = Task.objects.get()
    assert str(task.day) == "2031-05-04"
    assert task.starts_at is None
    assert task.ends_at is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (task_data(title=""), "title", "Please give the task a title."),
        (task_data(title="x" * 121), "title", "at most 120 characters"),
        (task_data(capacity="0"), "capacity", "At least one person is needed"),
        (task_data(ends_at="2031-05-03T09:00"), "ends_at", "The end must be after the start."),
        (task_data(starts_at=""), "starts_at", "Please say when the task starts."),
        (task_data(timing="day", day=""), "day", "Please choose the day."),
    ],
)
def test_wrong_task_input_is_shown_at_the_field_and_nothing_is_saved(
    login, editor, project, data, field, message
):
    response = login(editor).post(reverse("manage:task_create", args=[project.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Task.objects.exists()


def test_editing_a_task_saves_it(login, editor, task):
    response = login(editor).post(
        reverse("manage:task_edit", args=[task.project_id, task.pk]),
        task_data(title="Neuer Name", capacity="5"),
    )
    task.refresh_from_db()
    assert response["Location"] == reverse("manage:project", args=[task.project_id])
    assert (task.title, task.capacity) == ("Neuer Name", 5)


def test_a_removed_task_cannot_be_edited(login, editor, task):
    actions.remove_task(task)
    url = reverse("manage:task_edit", args=[task.project_id, task.pk])
    assert login(editor).get(url).status_code == 404


def test_shrinking_below_the_places_taken_asks_first_and_then_tells_people(
    login, organiser, task, outbox
):
    anna, bernd, clara = (f.UserFactory(name=n) for n in ("Anna A", "Bernd B", "Clara C"))
    for person in (anna, bernd, clara):
        actions.take_task(task, person)
    outbox().clear()
    browser = login(organiser)
    url = reverse("manage:task_edit", args=[task.project_id, task.pk])

    response = browser.post(url, task_data(capacity="1"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bernd B" in html and "Clara C" in html and "Anna A" not in html
    assert 'name="confirmed" value="1"' in html
    assert 'name="capacity" value="1"' in html
    assert reverse("manage:project", args=[task.project_id]) in html  # cancel
    task.refresh_from_db()
    assert task.capacity == 3
    assert outbox() == []

    response = browser.post(url, task_data(capacity="1") | {"confirmed": "1"})

    task.refresh_from_db()
    assert response.status_code == 302
    assert (task.capacity, task.taken) == (1, 1)
    waiting = Commitment.objects.filter(task=task, status=Status.WAITING)
    assert {c.user for c in waiting} == {bernd, clara}
    told = {address for message in outbox() for address in message.to}
    assert told == {anna.email, bernd.email, clara.email}
    keys = {m.to: m.key.split(":")[0] for m in OutboxMessage.objects.all()}
    assert keys[bernd.email] == keys[clara.email] == "task-shrunk"
    assert keys[anna.email] == "task-changed"  # task_data moves its time and place


def test_removing_a_task_asks_first_and_tells_the_people_who_hold_it(
    login, editor, organiser, task, volunteer, outbox
):
    actions.take_task(task, volunteer)
    outbox().clear()
    url = reverse("manage:task_remove", args=[task.project_id, task.pk])
    assert "Margit Muster" in login(organiser).get(url).content.decode()
    browser = login(editor)

    page = browser.get(url).content.decode()
    assert "Margit Muster" not in page  # editors see counts, not supporters
    assert "1 person holds this task" in page
    task.refresh_from_db()
    assert task.removed_at is None

    response = browser.post(url, follow=True)

    task.refresh_from_db()
    assert task.removed_at is not None
    assert "1 person was told by email" in response.content.decode()
    assert Commitment.objects.get(task=task).status == Status.RELEASED
    assert [m.to for m in outbox()] == [[volunteer.email]]


def test_tasks_move_up_and_down(login, editor, project):
    first, second, third = (
        f.TaskFactory(project=project, title=t, position=i)
        for i, t in enumerate(("Eins", "Zwei", "Drei"), start=1)
    )
    browser = login(editor)
    browser.post(reverse("manage:task_move", args=[project.pk, third.pk]), {"direction": "up"})
    browser.post(reverse("manage:task_move", args=[project.pk, first.pk]), {"direction": "down"})
    order = list(Task.objects.filter(project=project).order_by("position").values_list("title"))
    assert order == [("Drei",), ("Eins",), ("Zwei",)]


def test_an_unknown_direction_moves_nothing(login, editor, project):
    first = f.TaskFactory(project=project, position=1)
    second = f.TaskFactory(project=project, position=2)
    response = login(editor).post(
        reverse("manage:task_move", args=[project.pk, second.pk]), {"direction": "sideways"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (1, 2)
