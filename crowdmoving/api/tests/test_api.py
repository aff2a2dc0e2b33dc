"""The API's tokens (made, shown once, stored hashed, revoked, expired), its errors, rate
limits, and what its routes do: the same rules and actions as the web."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from crowdmoving import factories as f
from crowdmoving.accounts.deletion import delete_account
from crowdmoving.accounts.tests.test_security_mfa import confirm_it_is_me
from crowdmoving.api import actions as token_actions
from crowdmoving.api.models import AccessToken
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Project, Task
from crowdmoving.tenancy.models import Platform

pytestmark = pytest.mark.django_db

HOST = "krass.example.org"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_client(platform) -> Client:  # type: ignore[no-untyped-def]
    return Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def token_of(platform):  # type: ignore[no-untyped-def]
    def make(user: Any, **kwargs: Any) -> str:
        return token_actions.create_token(user, platform, name="Skript", **kwargs)[1]

    return make


def api_url(name: str, **kwargs: Any) -> str:
    return reverse(f"api-v1:{name}", kwargs=kwargs)


def send(client: Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    import json

    return client.generic(
        method, url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


# --- the tokens page --------------------------------------------------------------------------


def send_token_form(browser: Client, data: dict[str, str]) -> Any:
    """Open the tokens page and send its form (with the one-time key the page hands out),
    having confirmed the password a moment ago."""
    confirm_it_is_me(browser)
    key = browser.get(reverse("me:tokens")).context["form_key"]
    return browser.post(reverse("me:tokens"), {**data, "form_key": key})


def test_making_a_token_asks_for_the_password_first_and_then_makes_it(login, volunteer):
    browser = login(volunteer)  # signed in long ago, as far as this session knows
    key = browser.get(reverse("me:tokens")).context["form_key"]  # reading needs nothing
    response = browser.post(reverse("me:tokens"), {"name": "Skript", "form_key": key})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not AccessToken.objects.exists()
    # Confirming sends the kept form on: the token is made and its secret shown once.
    confirmed = browser.post(
        response["Location"], {"password": "correct horse battery"}, follow=True
    )
    assert confirmed.status_code == 200
    assert confirmed.context["secret"].startswith("cm_")
    assert AccessToken.objects.filter(user=volunteer, name="Skript").count() == 1


def test_sending_the_same_form_again_makes_no_second_token(login, volunteer):
    browser = confirm_it_is_me(login(volunteer))
    key = browser.get(reverse("me:tokens")).context["form_key"]
    first = browser.post(reverse("me:tokens"), {"name": "Skript", "form_key": key})
    assert first.context["secret"]
    again = browser.post(reverse("me:tokens"), {"name": "Skript", "form_key": key})
    assert again.status_code == 200 and not again.context["secret"]
    assert "This form was already sent" in again.content.decode()
    assert AccessToken.objects.filter(user=volunteer).count() == 1
    # Without a key, or with one of another session, nothing is made either.
    assert not browser.post(reverse("me:tokens"), {"name": "Skript"}).context["secret"]
    other = Client(HTTP_HOST=HOST)
    other.force_login(volunteer)
    stranger_key = other.get(reverse("me:tokens")).context["form_key"]
    assert (
        browser.post(reverse("me:tokens"), {"name": "X", "form_key": stranger_key})
        .context["form"]
        .non_field_errors()
    )
    # The next form's key works.
    assert send_token_form(browser, {"name": "Zweites"}).context["secret"]
    assert AccessToken.objects.filter(user=volunteer).count() == 2


def test_a_new_token_is_shown_once_and_only_its_digest_is_stored(login, volunteer, platform):
    browser = login(volunteer)
    response = send_token_form(browser, {"name": "  Mein   Skript ", "valid_until": ""})
    assert response.status_code == 200
    html = response.content.decode()
    token = AccessToken.objects.get(user=volunteer)
    assert token.name == "Mein Skript" and token.platform == platform
    secret = response.context["secret"]
    assert secret.startswith(f"cm_{token.prefix}_") and len(secret) > 40
    assert secret in html and "Copy it now" in html
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(AccessToken.objects.filter(pk=token.pk).values().get())
    assert "no-store" in response["Cache-Control"]
    # Not in the session, not on the next page.
    assert secret not in str(dict(browser.session))
    again = browser.get(reverse("me:tokens")).content.decode()
    assert secret not in again and token.prefix in again and "Mein Skript" in again
    entry = AuditEntry.objects.get(action=Action.API_TOKEN_CREATED)
    assert entry.actor == volunteer and secret not in str(entry.data)


def test_the_settings_page_links_to_the_tokens(login, volunteer):
    html = login(volunteer).get(reverse("me:settings")).content.decode()
    assert reverse("me:tokens") in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "   "}, "name", "Please give the token a name"),
        ({"name": "x" * 81}, "name", "At most 80 characters"),
        ({"name": "Skript", "valid_until": "2000-01-01"}, "valid_until", "in the future"),
        ({"name": "Skript", "valid_until": "morgen"}, "valid_until", "Please enter a date"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(
    login, volunteer, data, field, message
):
    response = send_token_form(login(volunteer), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'aria-invalid="true"' in response.content.decode()
    assert not AccessToken.objects.exists()


def test_a_token_valid_until_a_day_works_through_that_day(login, volunteer, api_client):
    tomorrow = timezone.localdate() + timedelta(days=1)
    send_token_form(login(volunteer), {"name": "Kurz", "valid_until": tomorrow.isoformat()})
    token = AccessToken.objects.get(user=volunteer)
    assert timezone.localtime(token.expires_at).date() == tomorrow + timedelta(days=1)


def test_revoking_ends_a_token_at_once_and_only_the_owner_can(
    login, volunteer, outsider, api_client, token_of
):
    secret = token_of(volunteer)
    token = AccessToken.objects.get(user=volunteer)
    assert api_client.get(api_url("my_commitments_list"), headers=bearer(secret)).status_code == 200
    url = reverse("me:token_revoke", args=[token.pk])
    assert login(outsider).post(url).status_code == 404
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None
    response = login(volunteer).post(url, follow=True)
    assert "no longer works" in response.content.decode()
    assert AccessToken.objects.get(pk=token.pk).revoked_at is not None
    answer = api_client.get(api_url("my_commitments_list"), headers=bearer(secret))
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthorized"
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert AuditEntry.objects.filter(action=Action.API_TOKEN_REVOKED, actor=volunteer).count() == 1


def test_changing_the_password_revokes_every_token_on_every_platform(
    login, volunteer, other_platform, api_client, token_of
):
    secret = token_of(volunteer)
    token_actions.create_token(volunteer, other_platform, name="Anderswo")
    response = login(volunteer).post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct horse battery",
            "password1": "Leinwand und Farben 2026",
            "password2": "Leinwand und Farben 2026",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert not AccessToken.objects.filter(user=volunteer, revoked_at__isnull=True).exists()
        assert AuditEntry.objects.filter(action=Action.API_TOKEN_REVOKED).count() == 2
    assert api_client.get(api_url("my_commitments_list"), headers=bearer(secret)).status_code == 401


def test_the_tokens_page_lists_only_this_platforms_tokens(login, volunteer, other_platform):
    token_actions.create_token(volunteer, other_platform, name="Anderswo")
    html = login(volunteer).get(reverse("me:tokens")).content.decode()
    assert "Anderswo" not in html and "no tokens on this platform" in html


# --- who the token is -------------------------------------------------------------------------


def test_a_deactivated_or_deleted_persons_token_fails(volunteer, api_client, token_of):
    secret = token_of(volunteer)
    url = api_url("my_commitments_list")
    type(volunteer).objects.filter(pk=volunteer.pk).update(is_active=False)
    assert api_client.get(url, headers=bearer(secret)).status_code == 401
    type(volunteer).objects.filter(pk=volunteer.pk).update(is_active=True)
    assert api_client.get(url, headers=bearer(secret)).status_code == 200
    delete_account(volunteer)
    assert api_client.get(url, headers=bearer(secret)).status_code == 401
    assert not AccessToken.objects.filter(user=volunteer).exists()


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic Zm9vOmJhcg==", "cm_x"])
def test_a_malformed_or_unknown_token_is_a_401_even_on_public_reads(api_client, header):
    response = api_client.get(api_url("list_projects"), headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_last_used_is_written_at_most_once_a_minute(volunteer, api_client, token_of):
    secret = token_of(volunteer)
    url = api_url("my_commitments_list")
    api_client.get(url, headers=bearer(secret))
    first = AccessToken.objects.get(user=volunteer).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        api_client.get(url, headers=bearer(secret))
    assert not [q for q in queries if q["sql"].upper().startswith("UPDATE")]
    assert AccessToken.objects.get(user=volunteer).last_used_at == first
    AccessToken.objects.filter(user=volunteer).update(last_used_at=first - timedelta(minutes=2))
    api_client.get(url, headers=bearer(secret))
    later = AccessToken.objects.get(user=volunteer).last_used_at
    assert later is not None and later > first


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/", "/api/v1/nothing", "/api/v2/projects", "/api/v1/projects/x"]
)
def test_unknown_addresses_under_api_are_json_404s(api_client, path):
    for method in ("GET", "POST", "PATCH"):
        response = send(api_client, method, path)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "not_found"


def test_an_unknown_host_and_a_suspended_platform_answer_in_json_under_api(platform, project):
    nowhere = Client(HTTP_HOST="nirgends.example.org", HTTP_ACCEPT_LANGUAGE="de")
    response = nowhere.get(api_url("list_projects"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "Unter dieser Adresse gibt es keine Plattform.",
        "fields": {},
    }
    # Pages stay HTML.
    assert nowhere.get("/").headers["Content-Type"].startswith("text/html")

    platform.status = Platform.Status.SUSPENDED
    platform.suspended_notice = "Wir ziehen um."
    platform.save()
    client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(api_url("list_projects"), headers=bearer("cm_x_y"))
    assert response.status_code == 503
    assert response["Retry-After"] == "3600"
    assert response.json()["error"]["code"] == "platform_suspended"
    assert response.json()["error"]["message"] == (
        "This platform is paused for the moment. Wir ziehen um."
    )
    assert client.get("/").headers["Content-Type"].startswith("text/html")


def test_a_method_an_address_does_not_take_is_a_json_405(api_client, task):
    response = api_client.get(api_url("take", pk=task.project_id, task_id=task.pk))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "POST" in response["Allow"]
    assert send(api_client, "POST", api_url("openapi-json")).status_code == 405


def test_invalid_input_is_a_422_with_messages_at_the_fields_in_the_callers_language(
    organiser, organisation, token_of
):
    secret = token_of(organiser)
    german = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="de")
    url = api_url("create_project", slug=organisation.slug)
    response = send(german, "POST", url, {"title": ""}, **bearer(secret))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["title"] == ["Bitte gib dem Projekt einen Titel."]
    response = send(
        german, "POST", url, {"title": "Ok", "starts_on": "2030-05-02", "ends_on": "2030-05-01"},
        **bearer(secret),
    )  # fmt: skip
    assert list(response.json()["error"]["fields"]) == ["ends_on"]
    # The schema's own checks (ninja/pydantic) answer the same way.
    response = send(german, "POST", url, {"title": 5, "nonsense": 1}, **bearer(secret))
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"title", "nonsense"}
    assert not Project.objects.filter(title="Ok").exists()


def test_a_body_that_is_not_json_is_a_400(organiser, organisation, api_client, token_of):
    response = api_client.post(
        api_url("create_project", slug=organisation.slug),
        "{nope",
        content_type="application/json",
        headers=bearer(token_of(organiser)),
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


# --- rate limits ------------------------------------------------------------------------------


def test_reads_over_the_limit_get_a_json_429_with_retry_after(
    limits, api_client, volunteer, token_of
):
    limits(api_read="3/m")
    url = api_url("list_projects")
    for _ in range(3):
        assert api_client.get(url).status_code == 200
    response = api_client.get(url)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 60
    # A token counts on its own, not against the address's count.
    assert api_client.get(url, headers=bearer(token_of(volunteer))).status_code == 200


def test_writes_have_their_own_limit_per_token(
    limits, api_client, volunteer, outsider, token_of, task
):
    limits(api_write="2/m")
    Task.objects.filter(pk=task.pk).update(capacity=5)
    secret = token_of(volunteer)
    take = api_url("take", pk=task.project_id, task_id=task.pk)
    withdraw = api_url("withdraw", pk=task.project_id, task_id=task.pk)
    assert api_client.post(take, headers=bearer(secret)).status_code == 201
    assert api_client.post(withdraw, headers=bearer(secret)).status_code == 200
    response = api_client.post(take, headers=bearer(secret))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert not Commitment.objects.filter(user=volunteer, status__in=Commitment.LIVE).exists()
    # Reads go on; so does another person.
    assert api_client.get(api_url("my_commitments_list"), headers=bearer(secret)).status_code == 200
    assert api_client.post(take, headers=bearer(token_of(outsider))).status_code == 201


# --- taking part ------------------------------------------------------------------------------


def test_taking_and_stepping_back_with_the_errors_a_program_can_branch_on(
    api_client, volunteer, outsider, token_of, task
):
    Task.objects.filter(pk=task.pk).update(capacity=1)
    secret = token_of(volunteer)
    take = api_url("take", pk=task.project_id, task_id=task.pk)
    response = api_client.post(take, headers=bearer(secret))
    assert response.status_code == 201
    assert response.json()["status"] == "active" and response.json()["task"]["free"] == 0
    assert api_client.post(take, headers=bearer(secret)).json()["error"]["code"] == "already_in"
    full = api_client.post(take, headers=bearer(token_of(outsider)))
    assert full.status_code == 409 and full.json()["error"]["code"] == "task_full"
    detail = api_client.get(api_url("project", pk=task.project_id)).json()
    assert detail["places_free"] == 0 and detail["tasks"][0]["taken"] == 1
    withdraw = api_url("withdraw", pk=task.project_id, task_id=task.pk)
    response = api_client.post(withdraw, headers=bearer(secret))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert api_client.get(api_url("task", pk=task.project_id, task_id=task.pk)).json()["free"] == 1
    mine = api_client.get(api_url("my_commitments_list"), headers=bearer(secret)).json()
    assert mine["upcoming"] == [] and mine["past"][0]["status"] == "withdrawn"


def test_a_closed_project_takes_nobody(api_client, organiser, token_of, task):
    Project.objects.filter(pk=task.project_id).update(status=Project.Status.CLOSED)
    response = api_client.post(
        api_url("take", pk=task.project_id, task_id=task.pk), headers=bearer(token_of(organiser))
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "task_not_open"


# --- organisers -------------------------------------------------------------------------------


def test_an_organiser_creates_a_draft_adds_a_task_and_publishes(
    api_client, organiser, organisation, token_of, publishable
):
    secret = token_of(organiser)
    created = send(
        api_client, "POST", api_url("create_project", slug=organisation.slug),
        {"title": "Ein Garten", "story": "Wir **graben**.", "place": "Leipzig"}, **bearer(secret),
    )  # fmt: skip
    assert created.status_code == 201
    project = created.json()
    assert project["status"] == "draft" and "<strong>graben</strong>" in project["story_html"]
    assert api_client.get(api_url("project", pk=project["id"])).status_code == 404  # a draft
    task = send(
        api_client, "POST", api_url("tasks", pk=project["id"]),
        {"title": "Beete anlegen", "timing": "day", "day": "2030-05-01", "capacity": 4},
        **bearer(secret),
    )  # fmt: skip
    assert task.status_code == 201 and task.json()["free"] == 4
    published = send(
        api_client, "PATCH", api_url("project", pk=project["id"]), {"status": "public"},
        **bearer(secret),
    )  # fmt: skip
    assert published.status_code == 200 and published.json()["status"] == "public"
    assert published.json()["title"] == "Ein Garten"  # the fields not sent kept their value
    listed = api_client.get(api_url("list_projects")).json()["results"]
    assert [(p["title"], p["places_free"]) for p in listed] == [("Ein Garten", 4)]


def test_publishing_before_the_platform_is_ready_is_a_409_and_changes_nothing(
    api_client, organiser, project, token_of
):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.DRAFT)
    response = send(
        api_client, "PATCH", api_url("project", pk=project.pk),
        {"status": "public", "title": "Neu"}, **bearer(token_of(organiser)),
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "publishing_refused"
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT and project.title != "Neu"


def test_fewer_places_than_people_need_a_confirmation(
    api_client, organiser, volunteer, outsider, token_of, task
):
    actions.take_task(task, volunteer)
    actions.take_task(task, outsider)
    secret = token_of(organiser)
    url = api_url("task", pk=task.project_id, task_id=task.pk)
    refused = send(api_client, "PATCH", url, {"capacity": 1}, **bearer(secret))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "people_affected"
    assert Task.objects.get(pk=task.pk).capacity == 3
    done = send(api_client, "PATCH", url, {"capacity": 1, "confirm": True}, **bearer(secret))
    assert done.status_code == 200 and done.json()["capacity"] == 1 and done.json()["taken"] == 1


def test_the_supporter_list_shows_what_the_web_export_shows(
    api_client, coordinator, volunteer, token_of, task
):
    gone = f.UserFactory(email="weg@example.org", name="Wolfgang Weg")
    actions.take_task(task, volunteer)
    actions.take_task(task, gone)
    delete_account(gone)
    secret = token_of(coordinator)
    url = api_url("commitments", pk=task.project_id)
    rows = api_client.get(url, headers=bearer(secret)).json()
    assert [(r["name"], r["email"], r["status"]) for r in rows] == [
        ("Margit Muster", "margit@example.org", "active"),
        (None, None, "withdrawn"),
    ]
    api_client.get(url, headers=bearer(secret))
    assert (
        AuditEntry.objects.filter(action=Action.SUPPORTERS_EXPORTED, actor=coordinator).count() == 1
    )


# --- query budgets ----------------------------------------------------------------------------


def test_lists_cost_the_same_few_queries_for_many_projects(
    api_client, organisation, organiser, token_of, django_assert_max_num_queries
):
    secret = token_of(organiser)
    for n in range(30):
        project = f.ProjectFactory(organisation=organisation, title=f"Projekt {n}")
        f.TaskFactory(project=project)
        f.TaskFactory(project=project)
    # The host (1), the token (1) and its first use (1), the count, the page, the places (3).
    with django_assert_max_num_queries(6):
        response = api_client.get(api_url("list_projects"), headers=bearer(secret))
    assert response.json()["count"] == 30 and len(response.json()["results"]) == 24
    first = Project.objects.order_by("pk").first()
    assert first is not None
    # The host, the project, its tasks.
    with django_assert_max_num_queries(3):
        assert api_client.get(api_url("project", pk=first.pk)).status_code == 200


def test_the_schema_and_the_docs_are_served(api_client):
    schema = api_client.get(api_url("openapi-json")).json()
    assert schema["info"]["version"] == "1"
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    docs = api_client.get(api_url("openapi-view"))
    html = docs.content.decode()
    assert docs.status_code == 200 and "/static/ninja/swagger-ui-bundle.js" in html
    assert "<script>" not in html and "cdn" not in html.lower()
    assert "script-src 'self'" in docs["Content-Security-Policy"]


def test_calls_with_a_token_read_from_the_primary_even_with_a_replica(monkeypatch):
    """A revoked token stops at once and a caller reads its own writes back: with a token the
    read replica (core.dbrouter) is not used; without one an API read may use it."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from crowdmoving.core import dbrouter

    monkeypatch.setattr(dbrouter, "has_replica", lambda: True)
    seen: list[bool] = []

    def view(_request: Any) -> HttpResponse:
        seen.append(dbrouter._replica_reads.get())  # may this request read the replica?
        return HttpResponse("ok")

    middleware = dbrouter.ReplicaReadsMiddleware(view)
    middleware(RequestFactory().get("/api/v1/me/commitments", HTTP_AUTHORIZATION="Bearer cm_x"))
    middleware(RequestFactory().get("/api/v1/projects"))
    assert seen == [False, True]
