"""Platform administrators change the look of their platform (/platform/look/); every page
shows it (base.html, /platform.css)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from crowdmoving.audit.models import Action, AuditEntry
from crowdmoving.core.views import server_error
from crowdmoving.tenancy.models import Platform, PlatformAdmin
from crowdmoving.tenancy.views_look import stylesheet_version

pytestmark = pytest.mark.django_db

URL = "/platform/look/"


def image_bytes(size: tuple[int, int] = (300, 100), fmt: str = "PNG") -> bytes:
    out = BytesIO()
    Image.new(
        "RGBA" if fmt == "PNG" else "RGB", size, (200, 30, 30, 255)[: 4 if fmt == "PNG" else 3]
    ).save(out, format=fmt)
    return out.getvalue()


def upload(name: str = "logo.png", content: bytes | None = None, mime: str = "image/png"):
    return SimpleUploadedFile(name, image_bytes() if content is None else content, mime)


def valid(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Krass Plattform",
        "tagline": "",
        "primary_colour": "#0b6e4f",
        "accent_colour": "#f2a541",
        "email_sender_name": "",
        "email_reply_to": "",
        "contact_email": "",
    }
    data.update(changes)
    return data


def errors_at(response, field: str) -> str:
    """The text of the error list right at ``field`` (Django renders it with id_<field>_error)."""
    html = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert match, f"no errors at {field}"
    return match.group(1)


# --- the page ---------------------------------------------------------------------------------


def test_the_look_page_lives_at_platform_look_and_is_linked_from_the_platform_page(
    login, platform_admin
):
    assert reverse("platform:look") == URL
    home = login(platform_admin).get("/platform/").content.decode()
    assert f'href="{URL}"' in home


def test_an_administrator_sees_the_current_look(login, platform_admin, platform):
    Platform.objects.filter(pk=platform.pk).update(
        tagline="Mach mit in Krassstadt",
        email_sender_name="Krass Team",
        social_links=[{"label": "Mastodon", "url": "https://social.example/@krass"}],
    )
    page = login(platform_admin).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Mach mit in Krassstadt"' in html
    assert 'value="#0b6e4f"' in html
    assert 'type="color"' in html  # the picker, shown by static/js/look.js
    assert 'value="Krass Team"' in html
    assert 'value="https://social.example/@krass"' in html
    assert "/static/js/look.js" in html
    assert "style=" not in html  # CSP: no inline styles


def test_an_administrator_saves_the_look_in_one_go(login, platform_admin, platform):
    before = Platform.objects.get(pk=platform.pk).updated_at
    response = login(platform_admin).post(
        URL,
        valid(
            name="Krass Mitmachen",
            tagline="Mach mit in Krassstadt",
            primary_colour="#1F5FBF",
            accent_colour="0b6e4f",
            social_label_1="Instagram",
            social_url_1="https://instagram.com/krass",
            social_label_3="Newsletter",
            social_url_3="http://krass.example.org/news",
            email_sender_name="Krass Team",
            email_reply_to="team@krass.example.org",
            contact_email="kontakt@krass.example.org",
            logo=upload(),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    saved = Platform.objects.get(pk=platform.pk)
    assert saved.name == "Krass Mitmachen"
    assert saved.tagline == "Mach mit in Krassstadt"
    assert saved.primary_colour == "#1f5fbf"
    assert saved.accent_colour == "#0b6e4f"
    assert saved.social_links == [
        {"label": "Instagram", "url": "https://instagram.com/krass"},
        {"label": "Newsletter", "url": "http://krass.example.org/news"},
    ]
    assert (saved.email_sender_name, saved.email_reply_to, saved.contact_email) == (
        "Krass Team",
        "team@krass.example.org",
        "kontakt@krass.example.org",
    )
    assert saved.logo.name.startswith("platforms/logos/logo-") and saved.logo.name.endswith(".png")
    with Image.open(saved.logo) as stored:
        assert stored.format == "PNG" and stored.mode == "RGBA"  # re-encoded, transparency kept
    assert saved.updated_at > before
    entry = AuditEntry.objects.get(action=Action.SETTINGS_CHANGED)
    assert entry.platform == saved and entry.actor == platform_admin
    assert entry.data == {
        "fields": sorted(
            [
                "name",
                "tagline",
                "primary_colour",
                "accent_colour",
                "social_links",
                "email_sender_name",
                "email_reply_to",
                "contact_email",
                "logo",
            ]
        )
    }
    page = login(platform_admin).get(URL).content.decode()
    assert "Saved. Every page and email shows the new look." in page


def test_saving_without_changes_writes_nothing(login, platform_admin, platform):
    before = Platform.objects.get(pk=platform.pk).updated_at
    response = login(platform_admin).post(URL, valid(), follow=True)
    assert "Nothing changed." in response.content.decode()
    assert Platform.objects.get(pk=platform.pk).updated_at == before
    assert not AuditEntry.objects.filter(action=Action.SETTINGS_CHANGED).exists()


def test_an_operator_may_change_any_platforms_look(login, operator, platform):
    assert login(operator).post(URL, valid(tagline="Vom Betrieb")).status_code == 302
    assert Platform.objects.get(pk=platform.pk).tagline == "Vom Betrieb"


# --- bad input, each at its field, nothing saved -----------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Please give the platform a name."),
        ({"tagline": "x" * 161}, "tagline", "at most 160 characters"),
        ({"primary_colour": "green"}, "primary_colour", "Please write the colour as #"),
        ({"accent_colour": "#12345g"}, "accent_colour", "Please write the colour as #"),
        ({"primary_colour": ""}, "primary_colour", "Please choose a colour."),
        (
            {"primary_colour": "#f2f2f2"},
            "primary_colour",
            "The primary colour #f2f2f2 has a contrast of 1.03:1 as the colour of links on the "
            "page background; at least 4.5:1 is needed so that everyone can read them.",
        ),
        (
            {"primary_colour": "#5a8a78"},
            "primary_colour",
            "has a contrast of 4.02:1 with dark text on buttons; at least 4.5:1 is needed",
        ),
        (
            {"accent_colour": "#8a9a93"},
            "accent_colour",
            "The accent colour #8a9a93 fills progress bars and has a contrast of only 2.36:1",
        ),
        (
            {"social_label_1": "Evil", "social_url_1": "javascript:alert(1)"},
            "social_url_1",
            "Please enter a web address beginning with https://",
        ),
        (
            {"social_label_2": "FTP", "social_url_2": "ftp://example.org/file"},
            "social_url_2",
            "Please enter a web address beginning with https://",
        ),
        ({"social_url_1": "https://instagram.com/krass"}, "social_label_1", "Please name this"),
        ({"social_label_4": "Mastodon"}, "social_url_4", "Please enter the address of this link"),
        (
            {"email_sender_name": "Krass\r\nBcc: opfer@example.org"},
            "email_sender_name",
            "The sender name is a name, not an address",
        ),
        (
            {"email_sender_name": "support@bank.example"},
            "email_sender_name",
            "The sender name is a name, not an address",
        ),
        ({"email_reply_to": "kein-mail"}, "email_reply_to", "Please enter a valid email address"),
        ({"contact_email": "@x"}, "contact_email", "Please enter a valid email address"),
    ],
)
def test_bad_input_gets_a_message_at_its_field_and_saves_nothing(
    login, platform_admin, platform, changes, field, message
):
    before = Platform.objects.get(pk=platform.pk)
    response = login(platform_admin).post(URL, valid(**{"tagline": "Geändert", **changes}))
    assert response.status_code == 200
    assert message in errors_at(response, field)
    assert 'class="error-summary"' in response.content.decode()
    after = Platform.objects.get(pk=platform.pk)
    assert (after.tagline, after.updated_at) == (before.tagline, before.updated_at)
    assert not AuditEntry.objects.filter(action=Action.SETTINGS_CHANGED).exists()


@pytest.mark.parametrize(
    ("field", "file", "message"),
    [
        ("logo", upload("logo.png", b"not an image at all"), "not an image we can read"),
        (
            "logo",
            upload("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
            "not an image we can read",
        ),
        ("logo", upload("logo.png", b"\x89PNG" + b"0" * (1024 * 1024 + 1)), "at most 1 MB"),
        (
            "logo",
            upload("logo.tif", image_bytes(fmt="TIFF"), "image/tiff"),
            "Please upload a PNG, JPEG or WebP image.",
        ),
        ("favicon", upload("icon.png", b"\x89PNG" + b"0" * (256 * 1024 + 1)), "at most 256 KB"),
        (
            "favicon",
            upload("icon.jpg", image_bytes(fmt="JPEG"), "image/jpeg"),
            "Please upload a PNG, JPEG or WebP image.",
        ),
        ("favicon", upload("icon.png", image_bytes((1100, 1100))), "too many pixels"),
    ],
)
def test_uploads_are_checked_with_a_message_at_their_field(
    login, platform_admin, platform, field, file, message
):
    response = login(platform_admin).post(URL, valid(**{field: file}))
    assert response.status_code == 200
    assert message in errors_at(response, field)
    saved = Platform.objects.get(pk=platform.pk)
    assert not saved.logo and not saved.favicon


def test_a_favicon_is_stored_as_a_small_square_png(login, platform_admin, platform):
    ico = BytesIO()
    Image.new("RGBA", (64, 48), (0, 0, 255, 255)).save(ico, format="ICO", sizes=[(64, 48)])
    response = login(platform_admin).post(
        URL, valid(favicon=upload("favicon.ico", ico.getvalue(), "image/x-icon"))
    )
    assert response.status_code == 302
    saved = Platform.objects.get(pk=platform.pk)
    with Image.open(saved.favicon) as icon:
        assert icon.format == "PNG"
        assert icon.width == icon.height == 64
    big = login(platform_admin).post(URL, valid(favicon=upload("big.png", image_bytes((800, 600)))))
    assert big.status_code == 302
    with Image.open(Platform.objects.get(pk=platform.pk).favicon) as icon:
        assert icon.size == (192, 192)


def test_removing_the_logo_deletes_its_file_after_the_commit(
    login, platform_admin, platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(platform_admin).post(URL, valid(logo=upload()))
    first = Platform.objects.get(pk=platform.pk).logo.name
    assert default_storage.exists(first)

    with django_capture_on_commit_callbacks(execute=True):
        login(platform_admin).post(URL, valid(logo=upload()))
    second = Platform.objects.get(pk=platform.pk).logo.name
    assert second != first
    assert not default_storage.exists(first)  # replaced: the old file is gone

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = login(platform_admin).post(URL, valid(remove_logo="on"))
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert not Platform.objects.get(pk=platform.pk).logo
    assert not default_storage.exists(second)
    entry = AuditEntry.objects.filter(action=Action.SETTINGS_CHANGED).latest("pk")
    assert entry.data == {"fields": ["logo"]}


def test_a_new_logo_and_removing_it_at_once_is_refused(login, platform_admin, platform):
    login(platform_admin).post(URL, valid(logo=upload()))
    response = login(platform_admin).post(URL, valid(logo=upload(), remove_logo="on"))
    assert "either upload a new logo or remove the logo" in errors_at(response, "remove_logo")


# --- who may ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(URL, valid()).status_code == 302


def test_an_organiser_gets_a_404(login, organiser, platform):
    assert login(organiser).get(URL).status_code == 404
    assert login(organiser).post(URL, valid(tagline="gekapert")).status_code == 404
    assert Platform.objects.get(pk=platform.pk).tagline == ""


def test_the_administrator_of_another_platform_gets_a_404(client, other_platform, platform):
    from crowdmoving import factories as f
    from crowdmoving.conftest import with_authenticator_app

    piet = f.UserFactory(email="piet@example.org")
    PlatformAdmin.objects.create(platform=other_platform, user=piet)
    with_authenticator_app(piet)
    client.force_login(piet)
    assert client.get(URL).status_code == 404
    assert client.post(URL, valid(tagline="gekapert")).status_code == 404
    assert Platform.objects.get(pk=platform.pk).tagline == ""


def test_an_administrator_on_another_platforms_host_gets_a_404(platform_admin, other_platform):
    browser = Client(HTTP_HOST="andere.example.org", HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(platform_admin)
    assert browser.get(URL).status_code == 404


# --- every page shows the look ----------------------------------------------------------------


def test_the_stylesheet_carries_the_platforms_colours_and_is_cached_for_good(client, platform):
    Platform.objects.filter(pk=platform.pk).update(
        primary_colour="#1f5fbf", accent_colour="#0b6e4f"
    )
    platform.refresh_from_db()
    response = client.get(f"/platform.css?v={stylesheet_version(platform)}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    css = response.content.decode()
    assert "--primary: #1f5fbf;" in css
    assert "--primary-ink: #ffffff;" in css
    assert "--accent: #0b6e4f;" in css
    assert "--accent-track: #e3e7e5;" in css
    assert "Set-Cookie" not in response


def test_an_old_stylesheet_link_is_cached_only_briefly(client, platform):
    response = client.get("/platform.css?v=1")
    assert response["Cache-Control"] == "public, max-age=60"
    assert client.get("/platform.css")["Cache-Control"] == "public, max-age=60"


def test_a_stored_colour_that_is_no_colour_never_reaches_the_css(client, platform):
    Platform.objects.filter(pk=platform.pk).update(primary_colour="red;}*{")
    css = client.get("/platform.css").content.decode()
    assert "red" not in css and "--primary: #0b6e4f;" in css


def test_the_stylesheet_link_changes_when_the_look_is_saved(login, platform_admin, platform):
    page = login(platform_admin).get("/").content.decode()
    first = re.search(r'href="/platform\.css\?v=(\d+)"', page)
    assert first
    login(platform_admin).post(URL, valid(primary_colour="#1f5fbf"))
    page = login(platform_admin).get("/").content.decode()
    second = re.search(r'href="/platform\.css\?v=(\d+)"', page)
    assert second and second.group(1) != first.group(1)
    platform.refresh_from_db()
    assert second.group(1) == stylesheet_version(platform)
    css = login(platform_admin).get(f"/platform.css?v={second.group(1)}")
    assert "immutable" in css["Cache-Control"]
    assert "--primary: #1f5fbf;" in css.content.decode()


def give_look(platform: Platform, *, colour: str, name: str, links: list[dict[str, str]]) -> None:
    platform.primary_colour = colour
    platform.tagline = f"Der Slogan von {name}"
    platform.social_links = links
    platform.logo.save("logo.png", ContentFile(image_bytes()), save=False)
    platform.favicon.save("icon.png", ContentFile(image_bytes((32, 32))), save=False)
    platform.save()


def test_two_platforms_show_their_own_look_on_their_pages(
    client, other_client, platform, other_platform
):
    give_look(
        platform,
        colour="#1f5fbf",
        name="Krass",
        links=[{"label": "Krass bei Mastodon", "url": "https://social.example/@krass"}],
    )
    give_look(
        other_platform,
        colour="#7a1f5c",
        name="Andere",
        links=[{"label": "Andere bei Instagram", "url": "https://instagram.com/andere"}],
    )
    for browser, mine, theirs in (
        (client, platform, other_platform),
        (other_client, other_platform, platform),
    ):
        html = browser.get("/").content.decode()
        assert f'src="{mine.logo.url}" alt="{mine.name}"' in html
        assert mine.favicon.url in html and 'rel="icon"' in html
        assert mine.tagline in html
        assert mine.social_links[0]["label"] in html and mine.social_links[0]["url"] in html
        for theirs_text in (
            theirs.logo.url,
            theirs.favicon.url,
            theirs.tagline,
            theirs.social_links[0]["url"],
        ):
            assert theirs_text not in html
        link = re.search(r'href="(/platform\.css\?v=\d+)"', html)
        assert link
        css = browser.get(link.group(1)).content.decode()
        assert f"--primary: {mine.primary_colour};" in css
        assert theirs.primary_colour not in css


def test_a_platform_without_logo_or_favicon_shows_its_name_and_the_default_icon(client, platform):
    html = client.get("/").content.decode()
    assert '<a class="brand" href="/">Krass Plattform</a>' in html
    assert 'href="/static/img/favicon.svg"' in html
    assert "social-links" not in html


def test_the_error_pages_show_the_look_and_do_not_fail(client, platform):
    give_look(platform, colour="#1f5fbf", name="Krass", links=[])
    missing = client.get("/projects/999999/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert platform.logo.url in html and "/platform.css?v=" in html
    request = RequestFactory().get("/", HTTP_HOST="krass.example.org")
    request.platform = Platform.objects.get(pk=platform.pk)  # type: ignore[attr-defined]
    failed = server_error(request)
    assert failed.status_code == 500
    assert f"/platform.css?v={stylesheet_version(request.platform)}" in failed.content.decode()  # type: ignore[attr-defined]


def test_an_unknown_host_still_gets_its_404():
    response = Client(HTTP_HOST="niemand.example.org").get("/")
    assert response.status_code == 404
    assert "platform.css" not in response.content.decode()


@pytest.mark.parametrize("path", ["/", "project"])
def test_the_look_costs_no_query_on_the_home_and_project_pages(
    client, platform, project, task, path
):
    url = f"/projects/{project.pk}/" if path == "project" else path

    def queries() -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    plain = queries()
    give_look(
        platform,
        colour="#1f5fbf",
        name="Krass",
        links=[{"label": "Mastodon", "url": "https://social.example/@krass"}],
    )
    with_look = queries()
    assert with_look == plain
    assert "Mastodon" in client.get(url).content.decode()
