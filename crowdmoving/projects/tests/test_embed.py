"""Embedding a project's task list on the organisation's website (projects/embed.py,
views_embed.py): the list of websites, the frame's headers, who gets which embed, holding a
place from inside the frame with the signed form token, and the organisers' page."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.core.tests.test_security_csp import inline_code
from crowdmoving.notifications.models import OutboxMessage
from crowdmoving.organisations.models import Role
from crowdmoving.projects import actions, embed
from crowdmoving.projects.models import Commitment, Project
from crowdmoving.tenancy.models import Feature

pytestmark = pytest.mark.django_db

SITE = "https://www.krass-ev.example"


def embed_url(project: Project, query: str = "") -> str:
    return reverse("projects:embed", args=[project.pk]) + query


def hold_url(task, query: str = "") -> str:  # type: ignore[no-untyped-def]
    return reverse("projects:embed_hold", args=[task.project_id, task.pk]) + query


def directives(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.fixture(autouse=True)
def _english(platform):  # type: ignore[no-untyped-def]
    """The embed speaks its platform's language, not the browser's: English for these tests
    (which read English texts), German where the language itself is tested."""
    platform.default_language = "en"
    platform.save(update_fields=["default_language"])


@pytest.fixture
def listed(organisation):  # type: ignore[no-untyped-def]
    organisation.embed_origins = f"{SITE}\nhttps://*.krass-ev.example"
    organisation.save(update_fields=["embed_origins"])
    return organisation


def token_for(client, task) -> str:  # type: ignore[no-untyped-def]
    html = client.get(hold_url(task)).content.decode()
    start = html.index('name="form_token" value="') + len('name="form_token" value="')
    return html[start : html.index('"', start)]


def held_people(task):  # type: ignore[no-untyped-def]
    return Commitment.objects.filter(task=task, status=Commitment.Status.HELD)


# --- the list of websites -----------------------------------------------------------------------


def test_good_lines_are_normalised_and_duplicates_dropped():
    parsed = embed.parse_origins(
        "  https://www.Example.org/ \n\nhttps://www.example.org\nhttp://localhost:8000\n"
        "https://*.example.org\nhttps://bücher.example\nhttp://127.0.0.1:8080\n"
        "http://verein.example\n"
    )
    assert parsed.errors == []
    assert parsed.origins == [
        "https://www.example.org",
        "http://localhost:8000",
        "https://*.example.org",
        "https://xn--bcher-kva.example",
        "http://127.0.0.1:8080",
        "http://verein.example",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "*",
        "'self'",
        "'none'",
        "data:",
        "https:",
        "www.example.org",
        "ftp://example.org",
        "javascript:alert(1)",
        "https://example.org; script-src *",
        "https://example.org;script-src",
        "https://example.org 'unsafe-inline'",
        "https://example.org,https://evil.example",
        'https://"example.org"',
        "https://'example.org'",
        "https://example.org/news",
        "https://example.org?x=1",
        "https://example.org#top",
        "https://user@example.org",
        "https://example.org:99999",
        "https://example.org:port",
        "https://*",
        "https://*.org",
        "https://www.*.example.org",
        "https://*example.org",
        "https://-example.org",
        "https://exa_mple.org",
        "https://[::1]",
        "https://300.1.1.1",
        "https://example..org",
        "https://",
    ],
)
def test_lines_that_are_no_origin_are_refused_with_the_line_named(line):
    parsed = embed.parse_origins(f"https://ok.example\n{line}")
    assert parsed.origins == ["https://ok.example"]
    assert len(parsed.errors) == 1
    assert parsed.errors[0].startswith("Line 2 (")


def test_no_refused_line_can_reach_the_policy():
    """Whatever is stored (the settings form refuses it; an older row might not), only origins
    made of safe characters reach the header."""
    hostile = "https://ok.example\nhttps://x.example; script-src *\n'unsafe-inline'\n*"
    organisation = f.OrganisationFactory(embed_origins=hostile)
    assert embed.frame_ancestors(organisation) == ["https://ok.example"]


def test_at_most_twenty_websites():
    many = "\n".join(f"https://site{n}.example" for n in range(embed.MAX_ORIGINS + 1))
    parsed = embed.parse_origins(many)
    assert parsed.errors == ["At most 20 websites, please (you listed 21)."]


# --- the frame's headers --------------------------------------------------------------------------


def test_the_embed_may_be_framed_by_the_listed_websites_only(client, listed, project, task):
    response = client.get(embed_url(project))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["frame-ancestors"] == f"{SITE} https://*.krass-ev.example"
    assert "X-Frame-Options" not in response.headers
    # Everything else of the policy stays as strict as on every page.
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert response.headers["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert inline_code(html) == []
    assert task.title in html
    assert 'class="site-header"' not in html


def test_the_embed_is_unframeable_without_listed_websites_and_says_so(client, project, task):
    response = client.get(embed_url(project))
    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "none are listed yet" in response.content.decode()


def test_every_other_page_stays_unframeable(client, login, listed, project, task, organiser):
    pages = [
        reverse("projects:home"),
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:hold", args=[project.pk, task.pk]),
        reverse("account_login"),
    ]
    for url in pages:
        response = client.get(url)
        assert directives(response)["frame-ancestors"] == "'none'", url
        assert response.headers["X-Frame-Options"] == "DENY", url
    browser = login(organiser)
    for url in (
        reverse("manage:embedding", args=[listed.slug]),
        reverse("manage:project", args=[project.pk]),
    ):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert directives(response)["frame-ancestors"] == "'none'", url
        assert response.headers["X-Frame-Options"] == "DENY", url


def test_the_embed_answer_starts_no_session_and_sets_no_cookie(login, volunteer, listed, task):
    browser = login(volunteer)  # even a signed-in person's embed is the same for everyone
    response = browser.get(embed_url(task.project))
    assert response.cookies == {}
    assert volunteer.email not in response.content.decode()


# --- which projects ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "inner_circle"])
def test_drafts_and_inner_circles_are_never_embedded(login, organiser, listed, status):
    project = f.ProjectFactory(organisation=listed, status=status)
    task = f.TaskFactory(project=project)
    browser = login(organiser)  # not even for their own organisers
    assert browser.get(embed_url(project)).status_code == 404
    assert browser.get(hold_url(task)).status_code == 404


def test_a_closed_project_says_it_has_ended(client, listed, project, task):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CLOSED)
    response = client.get(embed_url(project))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This project has ended" in html
    assert task.title not in html
    assert client.get(hold_url(task)).status_code == 404


def test_a_closed_project_that_never_was_public_is_not_found(client, listed):
    project = f.ProjectFactory(organisation=listed, status="closed", published_at=None)
    assert client.get(embed_url(project)).status_code == 404


def test_other_platforms_and_unknown_projects_are_not_found(other_client, client, listed, task):
    assert other_client.get(embed_url(task.project)).status_code == 404
    assert other_client.post(hold_url(task), {}).status_code == 404
    assert client.get(reverse("projects:embed", args=[999_999])).status_code == 404
    assert (
        client.get(reverse("projects:embed_hold", args=[task.project_id, 999_999])).status_code
        == 404
    )


def test_a_removed_task_is_not_in_the_embed(client, listed, task):
    actions.remove_task(task)
    assert task.title not in client.get(embed_url(task.project)).content.decode()
    assert client.get(hold_url(task)).status_code == 404


# --- the cards ------------------------------------------------------------------------------------


def test_each_card_offers_the_hold_form_and_the_platform_in_a_new_tab(client, listed, task):
    html = client.get(embed_url(task.project)).content.decode()
    assert f'href="{hold_url(task)}"' in html
    assert (
        f'href="{reverse("projects:detail", args=[task.project_id])}#task-{task.pk}" '
        'target="_blank" rel="noopener"'
    ) in html
    assert "Have an account? Take it on Krass Plattform" in html
    assert "csrfmiddlewaretoken" not in html


def test_a_full_task_links_to_the_waiting_list_on_the_platform(client, listed, task):
    for _ in range(task.capacity):
        f.CommitmentFactory(task=task)
    html = client.get(embed_url(task.project)).content.decode()
    assert "Join the waiting list on Krass Plattform" in html
    assert f'href="{hold_url(task)}"' not in html


def test_without_guest_take_over_every_task_opens_the_platform(client, platform, listed, task):
    platform.features = [Feature.TEAM]
    platform.save(update_fields=["features"])
    html = client.get(embed_url(task.project)).content.decode()
    assert "Take this task on Krass Plattform" in html
    assert client.get(hold_url(task)).status_code == 404


def test_the_cards_follow_the_tasks_at_once(client, listed, task, volunteer):
    first = client.get(embed_url(task.project)).content.decode()
    assert "3 of 3 places free" in first
    actions.take_task(task, volunteer)
    again = client.get(embed_url(task.project)).content.decode()
    assert "2 of 3 places free" in again


def test_the_language_is_the_platforms_unless_asked(client, platform, listed, task):
    platform.default_language = "de"
    platform.save(update_fields=["default_language"])
    assert client.get(embed_url(task.project)).headers["Content-Language"] == "de"
    response = client.get(embed_url(task.project, "?lang=en"))
    assert response.headers["Content-Language"] == "en"
    assert f'href="{hold_url(task, "?lang=en")}"' in response.content.decode()
    assert client.get(embed_url(task.project, "?lang=xx")).headers["Content-Language"] == "de"


def test_the_embed_reads_a_fixed_number_of_queries(
    client, listed, project, django_assert_max_num_queries
):
    for number in range(12):
        task = f.TaskFactory(project=project, title=f"Aufgabe {number}", capacity=4)
        for _ in range(2):
            f.CommitmentFactory(task=task)
    with django_assert_max_num_queries(5):  # host, project, tasks' keys, tasks, people
        assert client.get(embed_url(project)).status_code == 200
    with django_assert_max_num_queries(3):  # every card cached
        assert client.get(embed_url(project)).status_code == 200


# --- holding a place from inside the frame ------------------------------------------------------


def test_a_visitor_holds_a_place_inside_the_frame(client, listed, task, outbox):
    token = token_for(client, task)
    response = client.post(
        hold_url(task),
        {"name": "Hanna Gast", "email": "hanna@example.org", "form_token": token},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "We emailed you a link to confirm your place" in html
    assert directives(response)["frame-ancestors"] == f"{SITE} https://*.krass-ev.example"
    commitment = held_people(task).get()
    assert commitment.user.email == "hanna@example.org"
    assert response.cookies == {}  # never a session in the frame
    mails = outbox()
    assert [m.to for m in mails] == [["hanna@example.org"]]
    link = reverse("projects:confirm", args=["x"]).rsplit("x/", 1)[0]
    assert link in mails[0].body
    # The emailed link confirms on the platform.
    confirm = next(word for word in mails[0].body.split() if link in word)
    client.post(confirm[confirm.index(link) :])
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.ACTIVE


def test_the_frame_needs_no_csrf_cookie_but_the_form_token(listed, task):
    from django.test import Client

    browser = Client(HTTP_HOST="krass.example.org", enforce_csrf_checks=True)
    token = token_for(browser, task)
    response = browser.post(
        hold_url(task), {"name": "Hanna", "email": "hanna@example.org", "form_token": token}
    )
    assert response.status_code == 200
    assert held_people(task).count() == 1


def forged(task) -> str:  # type: ignore[no-untyped-def]
    return signing.dumps({"p": task.project_id, "t": task.pk}, salt="something.else")


@pytest.mark.parametrize("kind", ["missing", "forged", "changed", "other task", "other project"])
def test_a_post_without_a_valid_form_token_saves_nothing(client, listed, task, kind):
    other_task = f.TaskFactory(project=task.project)
    other_project_task = f.TaskFactory(project=f.ProjectFactory(organisation=listed))
    tokens = {
        "missing": "",
        "forged": forged(task),
        "changed": embed.form_token(task)[:-2] + "xx",
        "other task": embed.form_token(other_task),
        "other project": embed.form_token(other_project_task),
    }
    response = client.post(
        hold_url(task), {"name": "Hanna", "email": "hanna@example.org", "form_token": tokens[kind]}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired or is not valid" in html
    assert 'value="hanna@example.org"' in html  # what was typed is kept for the new try
    assert not Commitment.objects.exists()
    assert not User.objects.filter(email="hanna@example.org").exists()
    assert not OutboxMessage.objects.exists()


def test_an_expired_form_token_saves_nothing(client, listed, task, time_machine):
    token = embed.form_token(task)
    time_machine.move_to(timezone.now() + embed.FORM_TOKEN_MAX_AGE + timedelta(minutes=1))
    response = client.post(
        hold_url(task), {"name": "Hanna", "email": "hanna@example.org", "form_token": token}
    )
    assert response.status_code == 403
    assert not Commitment.objects.exists()


def test_bad_input_comes_back_at_the_fields(client, listed, task):
    token = embed.form_token(task)
    response = client.post(hold_url(task), {"name": "", "email": "kein", "form_token": token})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<ul class="errorlist" id="n{task.pk}e">' in html
    assert f'<ul class="errorlist" id="e{task.pk}e">' in html
    assert 'name="form_token"' in html
    assert not Commitment.objects.exists()


def test_the_privacy_text_must_be_accepted_and_becomes_the_consent(
    client, publishable, listed, task, outbox
):
    token = embed.form_token(task)
    data = {"name": "Hanna", "email": "hanna@example.org", "form_token": token}
    refused = client.post(hold_url(task), data)
    assert refused.status_code == 400
    assert "Please accept the privacy policy to go on." in refused.content.decode()
    assert not Commitment.objects.exists()
    accepted = client.post(hold_url(task), {**data, "accept_privacy": "on"})
    assert accepted.status_code == 200
    commitment = held_people(task).get()
    actions.confirm_hold(commitment)
    from crowdmoving.privacy.models import Consent

    assert Consent.objects.filter(user=commitment.user, text=publishable).exists()


def test_sending_the_same_form_again_holds_one_place_and_sends_one_mail(client, listed, task):
    token = embed.form_token(task)
    data = {"name": "Hanna", "email": "hanna@example.org", "form_token": token}
    answers = [client.post(hold_url(task), data) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert all("We emailed you a link" in a.content.decode() for a in answers)
    assert held_people(task).count() == 1
    assert OutboxMessage.objects.count() == 1


def test_an_address_that_takes_part_gets_the_same_answer_and_the_owner_a_mail(
    client, listed, task, volunteer, outbox
):
    actions.take_task(task, volunteer)
    outbox().clear()
    token = embed.form_token(task)
    response = client.post(
        hold_url(task), {"name": "Jemand", "email": volunteer.email, "form_token": token}
    )
    assert "We emailed you a link to confirm your place" in response.content.decode()
    assert Commitment.objects.filter(task=task).count() == 1
    assert [m.to for m in outbox()] == [[volunteer.email]]


def test_a_task_that_filled_up_meanwhile_says_so(client, listed, task):
    token = embed.form_token(task)
    for _ in range(task.capacity):
        f.CommitmentFactory(task=task)
    response = client.post(
        hold_url(task), {"name": "Hanna", "email": "hanna@example.org", "form_token": token}
    )
    assert response.status_code == 200
    assert "All places of this task are taken" in response.content.decode()
    assert not Commitment.objects.filter(user__email="hanna@example.org").exists()


def test_holding_in_the_frame_is_rate_limited_with_the_hold_form(client, listed, task, settings):
    settings.RATELIMIT_ENABLE = True
    settings.CROWDMOVING = {
        **settings.CROWDMOVING,
        "RATE_LIMITS": {**settings.CROWDMOVING["RATE_LIMITS"], "hold": "2/h"},
    }
    token = embed.form_token(task)
    answers = [
        client.post(
            hold_url(task),
            {"name": "Hanna", "email": f"hanna{n}@example.org", "form_token": token},
        )
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Too many attempts" in answers[2].content.decode()
    assert "Retry-After" in answers[2].headers
    # The frame's answer, in the frame's look and framable as the others.
    assert directives(answers[2])["frame-ancestors"] == f"{SITE} https://*.krass-ev.example"
    assert not Commitment.objects.filter(user__email="hanna2@example.org").exists()


def test_the_hold_form_in_the_frame_has_no_inline_code(client, publishable, listed, task):
    html = client.get(hold_url(task)).content.decode()
    assert 'name="accept_privacy"' in html
    assert inline_code(html) == []


# --- the sizing script ------------------------------------------------------------------------


def test_the_sizing_script_has_a_stable_address(client, platform):
    response = client.get(reverse("projects:embed_script"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=3600" in response["Cache-Control"]
    assert b"crowdmoving:height" in response.content
    assert b"event.origin" in response.content
    assert client.post(reverse("projects:embed_script")).status_code == 405


# --- the organisers' page ---------------------------------------------------------------------


def test_the_owner_lists_websites_and_the_change_is_audited(login, organiser, organisation):
    browser = login(organiser)
    url = reverse("manage:embedding", args=[organisation.slug])
    response = browser.post(url, {"embed_origins": "https://WWW.krass-ev.example/\n\n"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.embed_origins == "https://www.krass-ev.example"
    entry = AuditEntry.objects.get(action=Action.SETTINGS_CHANGED)
    assert entry.actor == organiser
    assert entry.target_id == str(organisation.pk)
    assert entry.data["added"] == ["https://www.krass-ev.example"]
    assert "Saved" in browser.get(url).content.decode()
    browser.post(url, {"embed_origins": "https://www.krass-ev.example"})  # the same again
    assert AuditEntry.objects.filter(action=Action.SETTINGS_CHANGED).count() == 1


def test_a_bad_line_is_named_at_the_field_and_nothing_is_saved(login, organiser, organisation):
    browser = login(organiser)
    url = reverse("manage:embedding", args=[organisation.slug])
    response = browser.post(
        url, {"embed_origins": "https://ok.example\nhttps://x.example; script-src *"}
    )
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Line 2 (“https://x.example; script-src *”): one address per line" in html
    assert 'class="error-summary"' in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.embed_origins == ""
    assert not AuditEntry.objects.filter(action=Action.SETTINGS_CHANGED).exists()


def test_the_page_gives_the_code_for_each_public_project(login, organiser, organisation, project):
    draft = f.ProjectFactory(organisation=organisation, title="Entwurf", status="draft")
    Project.objects.filter(pk=project.pk).update(title='Kinder "malen" <ihre> Welt')
    html = login(organiser).get(reverse("manage:embedding", args=[organisation.slug]))
    text = html.content.decode()
    assert html.status_code == 200
    code = unescape(text)
    assert f'<iframe src="http://krass.example.org/embed/projects/{project.pk}/"' in code
    assert (
        'title="Tasks of “Kinder &quot;malen&quot; &lt;ihre&gt; Welt” on Krass Plattform"' in code
    )
    assert '<script src="http://krass.example.org/embed.js" defer></script>' in code
    assert f"/embed/projects/{draft.pk}/" not in code
    assert inline_code(text) == []


@pytest.mark.parametrize("role", [Role.EDITOR, Role.COORDINATOR])
def test_only_owners_change_the_websites(login, organisation, role):
    person = f.UserFactory()
    f.MembershipFactory(organisation=organisation, user=person, role=role)
    url = reverse("manage:embedding", args=[organisation.slug])
    browser = login(person)
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"embed_origins": SITE}).status_code == 404
    organisation.refresh_from_db()
    assert organisation.embed_origins == ""


def test_the_dashboard_of_a_public_project_gives_its_code(login, organiser, editor, project):
    html = login(organiser).get(reverse("manage:project", args=[project.pk])).content.decode()
    assert f"/embed/projects/{project.pk}/" in html
    assert reverse("manage:embedding", args=[project.organisation.slug]) in html
    editor_html = login(editor).get(reverse("manage:project", args=[project.pk])).content.decode()
    assert f"/embed/projects/{project.pk}/" in editor_html
    assert reverse("manage:embedding", args=[project.organisation.slug]) not in editor_html
