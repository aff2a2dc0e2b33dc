"""Screenshots of the main pages at phone and desktop width, for a visual check (not a test).

    .venv/bin/python bench/screenshots.py                 # PNGs into var/screenshots/
    .venv/bin/python bench/screenshots.py --port 8765 --locale de-DE

Seeds the demo data (`manage.py seed_demo`) into a throwaway SQLite database
(/tmp/shots.sqlite3, wiped on every run), serves it with `manage.py runserver` and drives the
system Chromium through Playwright. Also writes docs/screenshots/project-page.png (the signed-out
project page at 1280 px, the top 1400 px) for the README."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DATABASE = Path("/tmp/shots.sqlite3")  # noqa: S108 (a throwaway demo database, wiped on every run)
OUT = ROOT / "var" / "screenshots"
README_SHOT = ROOT / "docs" / "screenshots" / "project-page.png"
WIDTHS: dict[str, ViewportSize] = {
    "360": {"width": 360, "height": 740},
    "1280": {"width": 1280, "height": 900},
}
PASSWORD = "crowdmoving-demo"  # noqa: S105 (seed_demo's printed demo password)
VOLUNTEER = "margit@example.org"
ORGANISER = "claudia@krass.example"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--locale", default="en-US", help="the browser's language")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    return parser.parse_args()


def environment(database: Path = DATABASE) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }


def manage(*args: str, database: Path = DATABASE) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment(database), check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


@contextmanager
def server(port: int, *, database: Path = DATABASE, arrange: str = "") -> Iterator[str]:
    """Serve the demo data (plus ``arrange``, Python run by `manage.py shell`) from a fresh
    throwaway SQLite file."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    manage("migrate", "--no-input", "--verbosity", "0", database=database)
    manage("seed_demo", database=database)
    if arrange:
        manage("shell", "--command", arrange, database=database)
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=environment(database), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1)  # noqa: S310 (our own local server)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"runserver did not answer on {url}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("^(Email|E-Mail)", re.I)).fill(email)
    page.get_by_label(re.compile("^(Password|Passwort)", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in|anmelden|anmeldung", re.I)).click()
    page.wait_for_load_state()


def project_path(page: Page) -> str:
    page.goto("/")
    href = page.get_by_role("link", name=re.compile("Kinder malen ihre Welt")).first.get_attribute(
        "href"
    )
    assert href
    return href.split("#")[0]


def shoot(page: Page, name: str, width: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    note = f"  (overflows by {overflow}px!)" if overflow > 0 else ""
    print(f"{name}-{width}.png{note}")


def run(browser: Browser, base_url: str, locale: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for width, viewport in WIDTHS.items():

        def fresh(viewport: ViewportSize = viewport) -> Page:
            context = browser.new_context(base_url=base_url, locale=locale, viewport=viewport)
            context.set_default_timeout(10_000)
            return context.new_page()

        visitor = fresh()
        path = project_path(visitor)
        shoot(visitor, "home", width)
        visitor.goto(path)
        shoot(visitor, "project-signed-out", width)
        if width == "1280":
            README_SHOT.parent.mkdir(parents=True, exist_ok=True)
            visitor.screenshot(
                path=str(README_SHOT),
                full_page=True,
                clip={"x": 0, "y": 0, "width": 1280, "height": 1400},
            )
        visitor.goto("/accounts/login/")
        shoot(visitor, "login", width)
        visitor.context.close()

        volunteer = fresh()
        sign_in(volunteer, VOLUNTEER)
        volunteer.goto(path)
        shoot(volunteer, "project-signed-in", width)
        # Take a task; htmx swaps its card in place. Each width takes a different one.
        title = "Kuchen backen für das Fest" if width == "360" else "Leinwände und Farben besorgen"
        card = volunteer.locator(".task-card").filter(
            has=volunteer.get_by_role("heading", name=title)
        )
        card.get_by_role("button").first.click()
        card.locator(".message").wait_for()
        card.scroll_into_view_if_needed()
        card.screenshot(path=str(OUT / f"take-over-card-{width}.png"))
        shoot(volunteer, "project-after-taking", width)
        volunteer.goto("/me/tasks/")
        shoot(volunteer, "my-tasks", width)
        volunteer.context.close()

        organiser = fresh()
        sign_in(organiser, ORGANISER)
        organiser.goto("/manage/")
        shoot(organiser, "organise", width)
        organiser.get_by_role("link", name="Kinder malen ihre Welt").first.click()
        shoot(organiser, "dashboard", width)
        dashboard = organiser.url
        organiser.goto(dashboard + "edit/")
        organiser.locator("input[name=title]").fill("")
        organiser.locator("input[name=ends_on]").fill("2000-01-01")
        organiser.locator("form.card button[type=submit]").click()
        organiser.wait_for_load_state()
        shoot(organiser, "project-edit-error", width)
        organiser.goto(dashboard + "tasks/new/")
        organiser.locator("form.card button[type=submit]").click()
        organiser.wait_for_load_state()
        shoot(organiser, "task-form-error", width)
        organiser.context.close()


def main() -> None:
    args = parse_args()
    with server(args.port) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            run(browser, base_url, args.locale)
        finally:
            browser.close()
    size = README_SHOT.stat().st_size // 1024
    print(f"{README_SHOT.relative_to(ROOT)}: {size} KB")


if __name__ == "__main__":
    main()
