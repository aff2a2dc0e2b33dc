"""The people of every test: an organiser, a coordinator, an editor, a volunteer, an outsider,
and always a second platform with look-alike data that nobody on the first may see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import mail
from django.test import Client
from django_scopes import scopes_disabled

from crowdmoving import factories as f
from crowdmoving.organisations.models import Role


@pytest.fixture(autouse=True)
def _unscoped_arrangement() -> Iterator[None]:
    """Tests arrange data across platforms; requests open their own platform scope in the
    middleware, and tests of scoping open ``scope(platform=...)`` themselves."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def platform(db):  # type: ignore[no-untyped-def]
    platform = f.PlatformFactory(name="Krass Plattform", slug="krass")
    f.DomainFactory(platform=platform, domain="krass.example.org")
    return platform


@pytest.fixture
def other_platform(db):  # type: ignore[no-untyped-def]
    platform = f.PlatformFactory(name="Andere Plattform", slug="andere")
    f.DomainFactory(platform=platform, domain="andere.example.org")
    return platform


def make_publishable(platform):  # type: ignore[no-untyped-def]
    """Give ``platform`` what it needs before projects can be published (pages.publishing):
    an imprint and a privacy text; returns the privacy text. Not part of the ``platform``
    fixture: with a privacy text every signed-in person is first asked to accept it
    (privacy.middleware), so tests that publish opt in."""
    from crowdmoving.pages.models import ContentPage
    from crowdmoving.privacy.actions import publish_text

    ContentPage.objects.create(
        platform=platform,
        kind=ContentPage.Kind.IMPRINT,
        slug="impressum",
        title="Impressum",
        body="Krass e.V., Musterstraße 1, 40210 Düsseldorf",
        body_html="<p>Krass e.V., Musterstraße 1, 40210 Düsseldorf</p>",
        in_navigation=False,
    )
    return publish_text(platform, body="Wir speichern wenig.", summary_of_changes="", by=None)


@pytest.fixture
def publishable(platform):  # type: ignore[no-untyped-def]
    """The first platform with an imprint and a privacy text (make_publishable)."""
    return make_publishable(platform)


@pytest.fixture
def organisation(platform):  # type: ignore[no-untyped-def]
    return f.OrganisationFactory(platform=platform, name="KRASS e.V.", slug="krass-ev")


@pytest.fixture
def organiser(organisation):  # type: ignore[no-untyped-def]
    """Claudia, the owner."""
    user = f.UserFactory(email="claudia@example.org", name="Claudia Seidensticker")
    f.MembershipFactory(organisation=organisation, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def coordinator(organisation):  # type: ignore[no-untyped-def]
    user = f.UserFactory(email="koordination@example.org", name="Kai Koordinator")
    f.MembershipFactory(organisation=organisation, user=user, role=Role.COORDINATOR)
    return user


@pytest.fixture
def editor(organisation):  # type: ignore[no-untyped-def]
    user = f.UserFactory(email="redaktion@example.org", name="Erika Editor")
    f.MembershipFactory(organisation=organisation, user=user, role=Role.EDITOR)
    return user


@pytest.fixture
def volunteer(db):  # type: ignore[no-untyped-def]
    """Margit, who takes tasks."""
    return f.UserFactory(email="margit@example.org", name="Margit Muster")


@pytest.fixture
def outsider(platform):  # type: ignore[no-untyped-def]
    """Owner of another organisation on the same platform."""
    other = f.OrganisationFactory(platform=platform, name="Anderer Verein", slug="anderer")
    user = f.UserFactory(email="outsider@example.org", name="Otto Outsider")
    f.MembershipFactory(organisation=other, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def foreign_organiser(other_platform):  # type: ignore[no-untyped-def]
    """Owner of a look-alike organisation on the second platform."""
    org = f.OrganisationFactory(platform=other_platform, name="KRASS e.V.", slug="krass-ev")
    user = f.UserFactory(email="fremd@example.org", name="Frida Fremd")
    f.MembershipFactory(organisation=org, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def platform_admin(platform):  # type: ignore[no-untyped-def]
    """Paula, who administers the first platform (its look, pages, privacy text, audit log)."""
    from crowdmoving.tenancy.models import PlatformAdmin

    user = f.UserFactory(email="plattform@example.org", name="Paula Plattform")
    PlatformAdmin.objects.create(platform=platform, user=user)
    with_authenticator_app(user)  # required for administrators (accounts/mfa.py)
    return user


@pytest.fixture
def operator(db):  # type: ignore[no-untyped-def]
    """Olga, a staff user who runs the installation (every platform)."""
    user = f.UserFactory(email="betrieb@example.org", name="Olga Operator", is_staff=True)
    with_authenticator_app(user)  # required for operators (accounts/mfa.py)
    return user


def with_authenticator_app(user):  # type: ignore[no-untyped-def]
    """Give ``user`` an activated authenticator app (TOTP), as administrators and operators
    must have one before they can use any page; returns its secret (base32)."""
    from allauth.mfa.models import Authenticator

    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - a test secret
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
    return secret


@pytest.fixture
def project(organisation, organiser):  # type: ignore[no-untyped-def]
    return f.ProjectFactory(
        organisation=organisation, title="Kinder malen ihre Welt", created_by=organiser
    )


@pytest.fixture
def task(project):  # type: ignore[no-untyped-def]
    return f.TaskFactory(project=project, title="Infostand besetzen", capacity=3)


@pytest.fixture
def client(platform) -> Client:  # type: ignore[no-untyped-def,override]
    """A browser on the first platform's host that asks for English, the language the tests
    are written in (the platform's default, German, is what a browser without preference gets)."""
    return Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def other_client(other_platform) -> Client:  # type: ignore[no-untyped-def]
    return Client(HTTP_HOST="andere.example.org", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """login(user) signs ``user`` in on the first platform's client and returns the client."""

    def _login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def outbox():  # type: ignore[no-untyped-def]
    """Deliver the outbox as the worker's task does and return the sent mails. (The real
    worker closes connections, which a rolled-back test transaction cannot survive; the
    worker itself is exercised in transactional tests.)"""
    from crowdmoving.notifications.outbox import deliver_due

    def _deliver() -> list:
        deliver_due()
        return mail.outbox

    return _deliver


# --- browser tests (Playwright driving the system Chromium) --------------------------------

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str | None:
    import os
    import shutil

    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    return next((p for p in map(shutil.which, CHROMIUM_CANDIDATES) if p), None)


def pytest_report_header(config) -> str:  # type: ignore[no-untyped-def]
    path = chromium_path()
    if path:
        return f"browser tests: Chromium at {path}"
    return (
        "browser tests: SKIPPED, no Chromium found. Enable them with "
        "`sudo apt-get install chromium` (or set CHROMIUM_PATH)."
    )


def pytest_collection_modifyitems(config, items) -> None:  # type: ignore[no-untyped-def]
    import os

    if chromium_path():
        return
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if os.environ.get("CROWDMOVING_REQUIRE_BROWSER") == "1" and browser_items:
        raise pytest.UsageError(
            "CROWDMOVING_REQUIRE_BROWSER=1 but no Chromium was found (install Debian's chromium)."
        )
    skip = pytest.mark.skip(reason="no Chromium found: `apt-get install chromium` enables them")
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
    # are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """A fresh browser context on the live server's default platform (localhost), in German."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def hub(transactional_db):  # type: ignore[no-untyped-def]
    """The default platform that serves localhost (made by a data migration; a transactional
    test before this one may have flushed it)."""
    from crowdmoving.tenancy.models import Platform

    found = Platform.objects.filter(is_default=True).first()
    return found or f.PlatformFactory(name="Crowdmoving", slug="hub", is_default=True)


@pytest.fixture
def new_context(browser, live_server):  # type: ignore[no-untyped-def]
    """new_context(**options) opens a fresh browser (own cookies) on the live server, in English
    so that browser tests do not depend on the German translations."""
    contexts = []

    def _new(**options):  # type: ignore[no-untyped-def]
        options.setdefault("locale", "en-US")
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def signed_in_context(new_context):  # type: ignore[no-untyped-def]
    """signed_in_context(user, **options) opens a fresh browser (as ``new_context``) on the
    hub (localhost), already signed in as ``user``."""
    from django.conf import settings
    from django.test import Client

    def _open(user, **options):  # type: ignore[no-untyped-def]
        context = new_context(**options)
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie,
                    "domain": "localhost",
                    "path": "/",
                }
            ]
        )
        return context

    return _open


# axe-core (axe-playwright-python) on the WCAG 2.1 A and AA rules; a serious or critical finding
# fails the browser tests that ask (``axe_findings``).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
}
AXE_BLOCKING = {"serious", "critical"}


def axe_findings(page, label: str = "", options: dict | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """axe's serious and critical findings on ``page`` as it is now, one readable line each
    (with ``label``, else the page's address); ``options`` replace AXE_OPTIONS."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=options or AXE_OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in AXE_BLOCKING:
            continue
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:8])
        found.append(
            f"{label or page.url}: {violation['id']} ({violation['impact']}) {violation['help']}"
            f"\n    at {targets}\n    see {violation['helpUrl']}"
        )
    return found


@pytest.fixture
def limits(settings):  # type: ignore[no-untyped-def]
    """limits(name=rate, ...) switches rate limiting on (the test settings switch it off), with
    these rates instead of the configured ones; the counters start and end empty."""
    from django.core.cache import caches

    caches["ratelimit"].clear()

    def _set(**rates: str) -> None:
        settings.RATELIMIT_ENABLE = True
        current = settings.CROWDMOVING["RATE_LIMITS"]
        settings.CROWDMOVING = settings.CROWDMOVING | {"RATE_LIMITS": current | rates}

    yield _set
    caches["ratelimit"].clear()


@pytest.fixture
def limited(limits):  # type: ignore[no-untyped-def]
    """Rate limiting on, with the configured rates."""
    limits()
