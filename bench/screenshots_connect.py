"""Screenshots of the "Connect people" pages at phone and desktop width (a visual check, not a
test): the team page as organiser and as supporter, notifications and their settings, the
members page, the attendance page, and "My tasks" with hours and the calendar.

    .venv/bin/python bench/screenshots_connect.py            # PNGs into var/screenshots/connect/

Like bench/screenshots.py, but on its own throwaway database (/tmp/shots-connect.sqlite3) and
with the demo data extended through the actions: team messages, an introduction, a hand-over, a
task that took place three days ago with one confirmed attendance, a member and an invitation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: `bench` is importable from the repository

from bench.screenshots import (  # noqa: E402
    ORGANISER,
    VOLUNTEER,
    WIDTHS,
    project_path,
    server,
    sign_in,
)

DATABASE = Path("/tmp/shots-connect.sqlite3")  # noqa: S108 (throwaway, wiped on every run)
OUT = ROOT / "var" / "screenshots" / "connect"
SUPPORTER = "jonas@example.org"

ARRANGE = """
from bench.screenshots_connect import arrange
arrange()
"""


def arrange() -> None:
    """Run inside `manage.py shell`: the connect data on top of seed_demo (idempotent enough
    for a fresh database, which every run makes)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone
    from django_scopes import scopes_disabled

    from crowdmoving.accounts.models import User
    from crowdmoving.organisations import actions as organisation_actions
    from crowdmoving.organisations.models import Membership, Organisation, Role
    from crowdmoving.projects import actions
    from crowdmoving.projects.models import Commitment, Project, Task
    from crowdmoving.team import actions as team

    with scopes_disabled():
        people = {u.email.split("@")[0]: u for u in User.objects.all()}
        User.objects.update(language="en")
        User.objects.filter(email=SUPPORTER).update(share_contact=True, share_contact_asked=True)
        people = {u.email.split("@")[0]: u for u in User.objects.all()}
        claudia, margit = people["claudia"], people["margit"]
        krass = Organisation.objects.get(slug="krass-ev")
        project = Project.objects.get(organisation=krass, title="Kinder malen ihre Welt")
        cake = Task.objects.get(project=project, title="Kuchen backen für das Fest")
        actions.take_task(cake, margit)

        # A task three days ago: Margit, Jonas and Sofia helped; Margit's hours are confirmed.
        start = (timezone.localtime() - timedelta(days=3)).replace(
            hour=14, minute=0, second=0, microsecond=0
        )
        past = Task.objects.create(
            project=project, title="Atelier für den Malnachmittag einrichten",
            description="Tische, Planen und Farben aufbauen.", timing=Task.Timing.SCHEDULED,
            starts_at=start, ends_at=start + timedelta(hours=3, minutes=30),
            location="Kulturzentrum, Atelier im Hinterhaus", capacity=4, position=0, taken=3,
        )  # fmt: skip
        rows = {
            key: Commitment.objects.create(task=past, user=people[key], status="active")
            for key in ("margit", "jonas", "sofia")
        }
        actions.confirm_attendance(
            project,
            [actions.Attendance(rows["margit"].pk, "completed", Decimal("3.5"))],
            by=claudia,
        )

        team.post_update(
            project, claudia,
            "Danke an alle! Treffpunkt am Samstag ist um 9:30 am Hoftor. Den Lageplan findet "
            "ihr hier: https://example.org/krass/lageplan-kulturzentrum-duesseldorf.pdf",
        )  # fmt: skip
        team.write_to_supporter(
            project, claudia, margit, "Willkommen im Team, Margit! Schön, dass du dabei bist."
        )
        team.introduce(
            project, claudia, margit, people["jonas"],
            "Ihr zwei backt beide für das Fest – sprecht euch doch ab, wer was mitbringt.",
        )  # fmt: skip
        team.post_to_board(
            project, people["jonas"], "Ich fahre ab Bilk mit dem Auto, zwei Plätze frei."
        )
        team.post_to_board(project, margit, "Ich bringe Kreide für die Kinder mit.")
        actions.hand_over_coordination(project, people["aylin"], by=claudia)

        Membership.objects.create(organisation=krass, user=people["sofia"], role=Role.EDITOR)
        organisation_actions.invite(
            krass, email="neue.koordinatorin@example.org", role=Role.COORDINATOR, by=claudia
        )


def shoot(page: Page, name: str, width: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    note = f"  (overflows by {overflow}px!)" if overflow > 0 else ""
    print(f"{name}-{width}.png{note}")


def focus_ring(page: Page, name: str, width: str) -> None:
    """Tab to the first control inside <main> and shoot the viewport: is the focus visible?"""
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")  # into <main>
    page.keyboard.press("Tab")
    page.screenshot(path=str(OUT / f"{name}-focus-{width}.png"))
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return `${document.activeElement.outerHTML.slice(0, 60)} outline=${s.outlineStyle}"
        " ${s.outlineWidth} ${s.outlineColor} shadow=${s.boxShadow}`; }"
    )
    print(f"  focus on {name}: {outline}")


def run(browser: Browser, base_url: str, locale: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for width, viewport in WIDTHS.items():

        def fresh(email: str, viewport: ViewportSize = viewport) -> Page:
            context = browser.new_context(base_url=base_url, locale=locale, viewport=viewport)
            context.set_default_timeout(10_000)
            page = context.new_page()
            sign_in(page, email)
            return page

        organiser = fresh(ORGANISER)
        project = project_path(organiser).rstrip("/")
        organiser.goto(f"{project}/team/")
        for summary in ("Write to one supporter", "Introduce two supporters"):
            organiser.get_by_text(summary, exact=True).click()
        shoot(organiser, "team-organiser", width)
        organiser.goto("/manage/o/krass-ev/members/")
        shoot(organiser, "members", width)
        focus_ring(organiser, "members", width)
        organiser.goto(f"/manage{project}/attendance/")
        shoot(organiser, "attendance", width)
        organiser.get_by_role("button", name="Save", exact=True).click()  # nothing changed
        organiser.goto(f"/manage{project}/attendance/")
        hours = organiser.get_by_label("Hours").nth(1)
        hours.fill("-1")
        organiser.get_by_role("button", name="Save", exact=True).click()
        shoot(organiser, "attendance-error", width)
        organiser.goto(f"/manage{project}/")
        shoot(organiser, "dashboard", width)
        organiser.context.close()

        supporter = fresh(SUPPORTER)
        supporter.goto(f"{project}/team/")
        shoot(supporter, "team-supporter", width)
        supporter.context.close()

        volunteer = fresh(VOLUNTEER)
        volunteer.goto("/notifications/")
        shoot(volunteer, "notifications", width)
        focus_ring(volunteer, "notifications", width)
        volunteer.goto("/notifications/settings/")
        shoot(volunteer, "notification-settings", width)
        volunteer.goto("/me/tasks/")
        if width == "360":  # the calendar section without and with an address
            shoot(volunteer, "my-tasks-no-calendar", width)
        button = volunteer.get_by_role("button", name="Create a calendar address")
        if button.count():
            button.click()
            volunteer.wait_for_load_state()
        shoot(volunteer, "my-tasks", width)
        volunteer.context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--locale", default="en-US")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with (
        server(args.port, database=DATABASE, arrange=ARRANGE) as base_url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            run(browser, base_url, args.locale)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
