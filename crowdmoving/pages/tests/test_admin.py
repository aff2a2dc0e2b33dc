"""Platform administrators write the platform's pages at /platform/pages/: create and edit with a
preview, move in the navigation, delete; every bad input is answered at its field."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.pages import actions
from crowdmoving.pages.models import ContentPage
from crowdmoving.tenancy.models import Platform

pytestmark = pytest.mark.django_db

LIST = "/platform/pages/"
NEW = "/platform/pages/new/"


def page_data(**changes: str | None) -> dict[str, str]:
    data: dict[str, str | None] = {
        "title": "Über uns",
        "kind": "about",
        "slug": "ueber-uns",
        "body": "## Wer wir sind\n\nWir sind **krass**.",
        "in_navigation": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}  # None leaves a field out


def make(platform, **changes):  # type: ignore[no-untyped-def]
    data = {
        "title": "Über uns",
        "kind": "about",
        "slug": "ueber-uns",
        "body": "Wir sind krass.",
        "in_navigation": True,
        **changes,
    }
    return actions.create_page(platform, data, by=None)


def test_the_addresses_are_under_platform_pages():
    assert reverse("pages:admin_list") == LIST
    assert reverse("pages:admin_create") == NEW
    assert reverse("pages:admin_edit", args=[7]) == "/platform/pages/7/"
    assert reverse("pages:page", args=["faq"]) == "/p/faq/"
    assert reverse("pages:imprint") == "/impressum/"


def test_an_administrator_creates_a_page_rendered_and_sanitised_once(
    login, platform_admin, platform
):
    before = Platform.objects.get(pk=platform.pk).updated_at
    browser = login(platform_admin)
    assert browser.get(NEW).status_code == 200

    response = browser.post(
        NEW, page_data(body="## Wer wir sind\n\n<script>alert(1)</script> *krass*")
    )

    assert response.status_code == 302 and response["Location"] == LIST
    page = ContentPage.objects.get(platform=platform)
    assert (page.title, page.kind, page.slug, page.in_navigation) == (
        "Über uns",
        "about",
        "ueber-uns",
        True,
    )
    assert "<h2>Wer wir sind</h2>" in page.body_html and "<em>krass</em>" in page.body_html
    assert "<script" not in page.body_html
    assert Platform.objects.get(pk=platform.pk).updated_at > before
    entry = AuditEntry.objects.get(action=Action.SETTINGS_CHANGED)
    assert (entry.platform, entry.actor, entry.target_id) == (
        platform,
        platform_admin,
        str(page.pk),
    )
    assert entry.target_type == "pages.contentpage"
    assert entry.data["change"] == "page_created"
    listing = browser.get(LIST).content.decode()
    assert "Über uns" in listing and "/p/ueber-uns/" in listing


def test_the_address_is_made_from_the_title_when_left_empty(login, platform_admin, platform):
    login(platform_admin).post(
        NEW, page_data(title="Mach mit! Häufige Fragen", slug="", kind="faq")
    )
    assert ContentPage.objects.get(platform=platform).slug == "mach-mit-haufige-fragen"


def test_the_preview_shows_the_text_and_saves_nothing(login, platform_admin, platform):
    response = login(platform_admin).post(
        NEW, {**page_data(body="Ein **fetter** Satz <script>x</script>"), "preview": "1"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview (not saved yet)" in html
    assert "Ein <strong>fetter</strong> Satz" in html
    assert "<script>x" not in html
    assert "Ein **fetter** Satz" in html  # the textarea keeps the Markdown
    assert not ContentPage.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_preview_of_bad_input_shows_no_errors_yet(login, platform_admin):
    response = login(platform_admin).post(NEW, {"title": "", "body": "", "preview": "1"})
    assert response.status_code == 200
    assert "errorlist" not in response.content.decode()


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("title", {"title": ""}, "Please give the page a title."),
        ("title", {"title": "x" * 121}, "The title can be at most 120 characters long."),
        ("body", {"body": ""}, "Please write the page&#x27;s text."),
        ("body", {"body": "x" * 50_001}, "This is too long: at most 50000 characters."),
        ("slug", {"slug": "Über uns"}, "Use only lowercase letters (a-z), digits and single"),
        ("slug", {"slug": "a--b"}, "Use only lowercase letters (a-z), digits and single"),
        ("slug", {"slug": "-start"}, "Use only lowercase letters (a-z), digits and single"),
        ("slug", {"slug": "x" * 61}, "The address can be at most 60 characters."),
        ("slug", {"slug": "", "title": "!!!"}, "the title has no letters to make one from"),
        ("kind", {"kind": "blog"}, "Please choose one of the kinds of page."),
    ],
)
def test_bad_input_is_answered_at_its_field(login, platform_admin, field, changes, message):
    response = login(platform_admin).post(NEW, page_data(**changes))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html  # Django's error list at the field
    assert 'aria-invalid="true"' in html
    assert not ContentPage.objects.exists()


def test_an_address_is_unique_per_platform_with_a_clear_message(
    login, platform_admin, platform, other_platform
):
    make(platform, title="FAQ", kind="faq", slug="fragen")
    make(other_platform, title="Fremd", kind="custom", slug="fremd")

    taken = login(platform_admin).post(NEW, page_data(kind="custom", slug="fragen"))
    assert taken.status_code == 400
    assert "The address /p/fragen/ belongs to the page “FAQ” already." in taken.content.decode()

    # The second platform's addresses are its own business.
    fine = login(platform_admin).post(NEW, page_data(kind="custom", slug="fremd"))
    assert fine.status_code == 302
    assert ContentPage.objects.filter(platform=platform, slug="fremd").exists()


def test_a_platform_has_one_imprint(login, platform_admin, platform):
    make(platform, title="Impressum", kind="imprint", slug="impressum")

    response = login(platform_admin).post(NEW, page_data(kind="imprint", slug="impressum-2"))

    assert response.status_code == 400
    assert "This platform has a page of this kind already: “Impressum”." in (
        response.content.decode()
    )
    assert ContentPage.objects.filter(kind="imprint").count() == 1


def test_the_action_refuses_a_taken_address_that_the_form_did_not_see(platform):
    make(platform)
    with pytest.raises(actions.AddressTaken):
        make(platform, kind="custom")
    with pytest.raises(actions.KindTaken):
        make(platform, slug="anders")
    assert ContentPage.objects.count() == 1


def test_an_administrator_edits_a_page(login, platform_admin, platform):
    page = make(platform)
    url = reverse("pages:admin_edit", args=[page.pk])
    form = login(platform_admin).get(url).content.decode()
    assert "Wir sind krass." in form and 'value="ueber-uns"' in form

    response = login(platform_admin).post(
        url, page_data(title="Wer wir sind", body="Neu *hier*", in_navigation=None)
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.title, page.in_navigation, page.slug) == ("Wer wir sind", False, "ueber-uns")
    assert page.body_html == "<p>Neu <em>hier</em></p>"
    entry = AuditEntry.objects.filter(data__change="page_changed").get()
    assert sorted(entry.data["fields"]) == ["body", "in_navigation", "title"]


def test_saving_an_unchanged_page_writes_nothing(login, platform_admin, platform):
    page = make(platform, body="Wir sind krass.")
    before = Platform.objects.get(pk=platform.pk).updated_at
    login(platform_admin).post(
        reverse("pages:admin_edit", args=[page.pk]), page_data(body="Wir sind krass.")
    )
    assert not AuditEntry.objects.filter(data__change="page_changed").exists()
    assert Platform.objects.get(pk=platform.pk).updated_at == before


def test_a_page_keeps_its_own_address_and_kind_when_edited(login, platform_admin, platform):
    page = make(platform, kind="imprint", slug="impressum", title="Impressum")
    response = login(platform_admin).post(
        reverse("pages:admin_edit", args=[page.pk]),
        page_data(kind="imprint", slug="impressum", title="Impressum", body="Neu"),
    )
    assert response.status_code == 302


def order(platform) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        ContentPage.objects.filter(platform=platform)
        .order_by("position", "pk")
        .values_list("slug", flat=True)
    )


def test_pages_move_up_and_down_in_the_navigation(login, platform_admin, platform):
    about = make(platform)
    faq = make(platform, kind="faq", slug="faq", title="FAQ")
    custom = make(platform, kind="custom", slug="mitmachen", title="Mitmachen")
    # Older pages may share a position: moving numbers them afresh.
    ContentPage.objects.update(position=0)
    assert order(platform) == ["ueber-uns", "faq", "mitmachen"]
    browser = login(platform_admin)

    browser.post(reverse("pages:admin_move", args=[custom.pk]), {"direction": "up"})
    assert order(platform) == ["ueber-uns", "mitmachen", "faq"]
    browser.post(reverse("pages:admin_move", args=[about.pk]), {"direction": "down"})
    assert order(platform) == ["mitmachen", "ueber-uns", "faq"]
    # At either end nothing moves.
    browser.post(reverse("pages:admin_move", args=[faq.pk]), {"direction": "down"})
    browser.post(reverse("pages:admin_move", args=[custom.pk]), {"direction": "up"})
    browser.post(reverse("pages:admin_move", args=[custom.pk]), {"direction": "sideways"})
    assert order(platform) == ["mitmachen", "ueber-uns", "faq"]
    moves = AuditEntry.objects.filter(data__change="page_moved")
    assert moves.count() == 2


def test_moving_raises_the_platforms_updated_at(platform):
    make(platform)
    faq = make(platform, kind="faq", slug="faq", title="FAQ")
    before = Platform.objects.get(pk=platform.pk).updated_at
    actions.move_page(faq, "up", by=None)
    assert Platform.objects.get(pk=platform.pk).updated_at > before


def test_deleting_asks_first_then_deletes(login, platform_admin, platform):
    page = make(platform, kind="imprint", slug="impressum", title="Impressum")
    url = reverse("pages:admin_delete", args=[page.pk])
    before = Platform.objects.get(pk=platform.pk).updated_at

    confirm = login(platform_admin).get(url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Delete “Impressum”?" in html
    assert "Without an imprint, organisations cannot publish projects" in html
    assert ContentPage.objects.filter(pk=page.pk).exists()

    response = login(platform_admin).post(url)

    assert response.status_code == 302
    assert not ContentPage.objects.filter(pk=page.pk).exists()
    entry = AuditEntry.objects.get(data__change="page_deleted")
    assert entry.target_id == str(page.pk) and entry.data["kind"] == "imprint"
    assert Platform.objects.get(pk=platform.pk).updated_at > before
    assert Client(HTTP_HOST="krass.example.org").get("/p/impressum/").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "organiser", "volunteer", "foreign_admin"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ["list", "create", "edit", "move", "delete"])
def test_only_the_platforms_administrators_reach_its_pages_administration(
    client, platform, other_platform, organiser, volunteer, who, method, name
):
    from crowdmoving import factories as f
    from crowdmoving.conftest import with_authenticator_app
    from crowdmoving.tenancy.models import PlatformAdmin

    page = make(platform)
    url = {
        "list": LIST,
        "create": NEW,
        "edit": reverse("pages:admin_edit", args=[page.pk]),
        "move": reverse("pages:admin_move", args=[page.pk]),
        "delete": reverse("pages:admin_delete", args=[page.pk]),
    }[name]
    if who == "foreign_admin":
        person = f.UserFactory(email="piet@example.org")
        PlatformAdmin.objects.create(platform=other_platform, user=person)
        with_authenticator_app(person)
        client.force_login(person)
    elif who != "anonymous":
        client.force_login({"organiser": organiser, "volunteer": volunteer}[who])

    response = getattr(client, method)(url, page_data(title="Gekapert", kind="custom", slug="x"))

    if who == "anonymous":
        assert response.status_code in (302, 405)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code in (404, 405)
    page.refresh_from_db()
    assert page.title == "Über uns"
    assert ContentPage.objects.count() == 1


def test_another_platforms_page_is_a_404_for_an_administrator(
    login, platform_admin, other_platform
):
    foreign = make(other_platform, title="Fremd")
    browser = login(platform_admin)
    for url in (
        reverse("pages:admin_edit", args=[foreign.pk]),
        reverse("pages:admin_delete", args=[foreign.pk]),
    ):
        assert browser.get(url).status_code == 404
        assert browser.post(url, page_data(kind="custom")).status_code == 404
    move = browser.post(reverse("pages:admin_move", args=[foreign.pk]), {"direction": "up"})
    assert move.status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Fremd"
    assert "Fremd" not in browser.get(LIST).content.decode()


def test_the_list_starts_with_the_pages_a_platform_still_lacks(login, platform_admin, platform):
    make(platform)  # about
    html = login(platform_admin).get(LIST).content.decode()
    assert "?kind=imprint" in html and "?kind=faq" in html
    assert "?kind=about" not in html


def test_a_new_imprint_is_prefilled(login, platform_admin):
    html = login(platform_admin).get(f"{NEW}?kind=imprint").content.decode()
    assert 'value="impressum"' in html
    assert '<option value="imprint" selected>' in html
