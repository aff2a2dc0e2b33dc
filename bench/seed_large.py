"""Seed a large, realistic benchmark database deterministically and fast.

    .venv/bin/python bench/seed_large.py                      # SQLite var/bench-large.sqlite3
    .venv/bin/python bench/seed_large.py \
        --database-url postgres://postgres@127.0.0.1:5432/crowdmoving_bench_large
    .venv/bin/python bench/seed_large.py --scale 0.01         # 1 % of the size (smoke tests)

At scale 1: 20 platforms, 2,000 organisations, 20,000 projects, 200,000 tasks, 100,000 people,
500,000 commitments. The database is wiped first; its name must contain 'bench'. Rows are written
with one multi-row statement per batch (SQLite: executemany; PostgreSQL: COPY), from model
instances, so new fields with defaults are filled as the ORM would fill them.

What the load run (bench/load.py) relies on:
- the default platform (served on bench.localhost) is platform 0; every other platform has the
  domain p<i>.bench.localhost;
- one public project on it, titled BIG_PROJECT_TITLE, has exactly 200 tasks;
- HEAVY_USERS people (heavy0@bench.example.org ...) hold many commitments there ("my tasks");
- every task's ``taken`` equals the commitments holding a place (held or active), never more
  than its capacity; waiting lists only on full tasks."""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HOST = "bench.localhost"
BIG_PROJECT_TITLE = "Kinder malen ihre Welt (200 Aufgaben)"
BIG_PROJECT_TASKS = 200
HEAVY_USERS = 5
HEAVY_EVERY = 100  # a heavy person takes part in one task in this many of platform 0's tasks
DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'bench-large.sqlite3'}"
FULL = {
    "platforms": 20,
    "organisations": 2_000,
    "projects": 20_000,
    "tasks": 200_000,
    "people": 100_000,
    "commitments": 500_000,
}
STORY = """Wir sind ein kleiner Verein. **Im Sommer** malen Kinder aus dem Viertel ihre Welt auf
40 Meter Bauzaun.

- Farben tragen, Pinsel waschen
- Kinder begleiten, Fotos machen
"""
TASK_TITLES = ["Farben tragen", "Kinder begleiten", "Fotos machen", "Kuchen backen", "Aufbauen"]
# The directory's filters (projects/directory.py) need variety: a theme in each title, a town
# with its postal code, a category, a groups flag, easy tasks; all derived from the index.
THEMES = [
    "Bauzaun bemalen", "Infostand am Markt", "Gemeinschaftsgarten pflegen", "Suppenküche",
    "Lesepaten gesucht", "Fahrradwerkstatt", "Sommerfest im Hof", "Deutsch im Café",
]  # fmt: skip
TOWNS = [
    ("Leipzig", "04"), ("Dresden", "01"), ("Berlin", "10"), ("Hamburg", "20"),
    ("Köln", "50"), ("München", "80"), ("Düsseldorf", "40"), ("Trier", "54"),
]  # fmt: skip


@dataclass
class Summary:
    counts: dict[str, int]
    seconds: float
    big_project_id: int


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    return parser.parse_args(argv)


def setup_django(database_url: str) -> None:
    os.environ["BENCH_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def database_name(database_url: str) -> str:
    import dj_database_url

    return str(dj_database_url.parse(database_url)["NAME"])


def refuse_unless_bench(name: str) -> None:
    if "bench" not in Path(name).name:
        sys.exit(f"Refusing to wipe {name!r}: the benchmark database's name must contain 'bench'.")


def ensure_postgres_database(database_url: str) -> None:
    """Create the PostgreSQL database if it does not exist yet (connecting to 'postgres')."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(database_url)
    if "postgresql" not in config["ENGINE"]:
        return
    refuse_unless_bench(str(config["NAME"]))
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=int(config["PORT"] or 5432),
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def reset_database() -> None:
    """An empty, migrated benchmark database; never one not named for the benchmark."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    name = str(settings.DATABASES["default"]["NAME"])
    refuse_unless_bench(name)
    if connection.vendor == "sqlite":
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


# --- fast inserts from model instances --------------------------------------------------------


class Inserter:
    """Writes model instances with explicit primary keys, many rows per round trip."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.next_id: dict[type, int] = {}

    def allocate(self, model: type, objects: list[Any]) -> None:
        """Give ``objects`` consecutive primary keys after the table's current maximum."""
        from django.db.models import Max

        if model not in self.next_id:
            current = model._base_manager.aggregate(top=Max("pk"))["top"] or 0  # type: ignore[attr-defined]
            self.next_id[model] = current + 1
        start = self.next_id[model]
        for offset, obj in enumerate(objects):
            obj.pk = start + offset
        self.next_id[model] = start + len(objects)

    def insert(self, model: type, objects: list[Any], batch: int = 20_000) -> None:
        if objects and objects[0].pk is None:
            self.allocate(model, objects)
        meta = model._meta  # type: ignore[attr-defined]
        fields = [f for f in meta.concrete_fields if not f.generated]
        columns = [f.column for f in fields]
        table = meta.db_table
        for start in range(0, len(objects), batch):
            rows = [
                tuple(
                    f.get_db_prep_save(f.pre_save(obj, add=True), connection=self.connection)
                    for f in fields
                )
                for obj in objects[start : start + batch]
            ]
            self._write(table, columns, rows)

    def _write(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        quote = self.connection.ops.quote_name
        column_list = ", ".join(quote(c) for c in columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg 3
                with raw.copy(f"COPY {quote(table)} ({column_list}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({column_list}) VALUES ({marks})",  # noqa: S608 (model names)
                    rows,
                )

    def fix_sequences(self, models: Iterable[type]) -> None:
        """PostgreSQL: move each identity sequence past the keys written explicitly."""
        if self.connection.vendor != "postgresql":
            return
        from django.core.management.color import no_style

        statements = self.connection.ops.sequence_reset_sql(no_style(), list(models))
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


# --- the data ---------------------------------------------------------------------------------


def scaled(scale: float) -> dict[str, int]:
    counts = {key: max(int(round(value * scale)), 1) for key, value in FULL.items()}
    counts["organisations"] = max(counts["organisations"], counts["platforms"])
    counts["projects"] = max(counts["projects"], counts["organisations"] + 1)
    counts["tasks"] = max(counts["tasks"], BIG_PROJECT_TASKS + counts["projects"])
    counts["people"] = max(counts["people"], 100 + HEAVY_USERS + 10)
    return counts


def seed_large(scale: float = 1.0, seed_value: int = 7, log: Any = None) -> Summary:  # noqa: PLR0915
    """Fill the (empty, migrated) database. Deterministic for a given scale and seed."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from crowdmoving.accounts.models import User
    from crowdmoving.core.text import render_markdown
    from crowdmoving.organisations.models import Membership, Organisation, Role
    from crowdmoving.projects.models import Commitment, Project, Task
    from crowdmoving.tenancy.models import Domain, Platform

    def say(text: str) -> None:
        if log is not None:
            log(text)

    started = time.perf_counter()
    counts = scaled(scale)
    rng = random.Random(seed_value)
    now = timezone.now().replace(microsecond=0)
    story_html = render_markdown(STORY)
    unusable = make_password(None)  # one unusable hash for everybody: no hashing per person
    ins = Inserter()
    Status = Commitment.Status

    with scopes_disabled(), transaction.atomic():
        # Platforms: the default one (created by the migrations) is platform 0.
        default = Platform.objects.filter(is_default=True).first() or Platform.objects.create(
            name="Bench Plattform", slug="bench", default_language="de", is_default=True
        )
        default.name, default.slug = "Bench Plattform 0", "bench-0"
        default.save()
        others = [
            Platform(name=f"Bench Plattform {i}", slug=f"bench-{i}", default_language="de")
            for i in range(1, counts["platforms"])
        ]
        ins.insert(Platform, others)
        platforms = [default, *others]
        domains = [Domain(platform=default, domain=HOST, is_primary=True)]
        domains += [
            Domain(platform=p, domain=f"p{i}.{HOST}", is_primary=True)
            for i, p in enumerate(others, start=1)
        ]
        ins.insert(Domain, domains)
        say(f"{len(platforms)} platforms")

        # People: heavy supporters first, then everybody else.
        visibilities = [v for v, _label in User.Visibility.choices]
        people = [
            User(
                email=f"heavy{i}@bench.example.org",
                name=f"Heavy{i} Beispiel",
                visibility=User.Visibility.FIRST_NAME,
                password=unusable,
                date_joined=now,
            )
            for i in range(HEAVY_USERS)
        ]
        people += [
            User(
                email=f"person{i}@bench.example.org",
                name=f"Person{i} Beispiel",
                visibility=visibilities[i % len(visibilities)],
                password=unusable,
                date_joined=now,
            )
            for i in range(counts["people"] - HEAVY_USERS)
        ]
        ins.insert(User, people)
        person_ids = [p.pk for p in people]
        say(f"{len(people)} people")

        # Organisations, each with an owner (people from the end of the list).
        organisations = [
            Organisation(
                platform=platforms[i % len(platforms)], name=f"Verein {i} e.V.", slug=f"verein-{i}"
            )
            for i in range(counts["organisations"])
        ]
        ins.insert(Organisation, organisations)
        memberships = [
            Membership(organisation=o, user_id=person_ids[-1 - i], role=Role.OWNER)
            for i, o in enumerate(organisations)
        ]
        ins.insert(Membership, memberships)
        say(f"{len(organisations)} organisations")

        # Projects: the big one first (platform 0's first organisation), then round robin.
        statuses = [Project.Status.PUBLIC] * 7 + [
            Project.Status.DRAFT,
            Project.Status.INNER_CIRCLE,
            Project.Status.CLOSED,
        ]
        projects = []
        categories = [value for value, _label in Project.Category.choices]
        for i in range(counts["projects"]):
            organisation = organisations[i % len(organisations)]
            town, prefix = TOWNS[(i // 3) % len(TOWNS)]
            theme = THEMES[i % len(THEMES)]
            project_status = (
                Project.Status.PUBLIC if i == 0 else statuses[rng.randrange(len(statuses))]
            )
            projects.append(
                Project(
                    organisation=organisation,
                    title=BIG_PROJECT_TITLE if i == 0 else f"Projekt {i}: {theme}",
                    story=STORY,
                    story_html=story_html,
                    place=town,
                    postal_code=f"{prefix}{i % 1000:03d}",
                    category=categories[i % len(categories)],
                    suitable_for_groups=i % 4 == 0,
                    status=project_status,
                    created_by_id=memberships[i % len(organisations)].user_id,
                    published_at=now if project_status != Project.Status.DRAFT else None,
                    secret=f"bench-secret-{i}",
                )
            )
        ins.insert(Project, projects)
        say(f"{len(projects)} projects")

        # Tasks: 200 on the big project, the rest spread evenly over the other projects.
        rest = counts["tasks"] - BIG_PROJECT_TASKS
        per_project = [BIG_PROJECT_TASKS] + [
            rest // (len(projects) - 1) + (1 if i < rest % (len(projects) - 1) else 0)
            for i in range(len(projects) - 1)
        ]
        tasks = []
        for project, n in zip(projects, per_project, strict=True):
            for position in range(1, n + 1):
                kind = rng.random()
                starts = now + timedelta(days=rng.randint(-60, 120), hours=rng.randint(8, 18))
                timing = Task.Timing.SCHEDULED
                if kind > 0.9:
                    timing = Task.Timing.FLEXIBLE
                elif kind > 0.8:
                    timing = Task.Timing.DAY
                tasks.append(
                    Task(
                        project=project,
                        title=f"{TASK_TITLES[position % len(TASK_TITLES)]} ({position})",
                        description="Eimer vom Lager zum Bauzaun tragen und Pinsel auswaschen.",
                        timing=timing,
                        starts_at=starts if timing == Task.Timing.SCHEDULED else None,
                        ends_at=starts + timedelta(hours=3)
                        if timing == Task.Timing.SCHEDULED
                        else None,
                        day=starts.date() if timing == Task.Timing.DAY else None,
                        location="Bauzaun Eisenbahnstraße",
                        capacity=rng.randint(1, 6),
                        taken=0,
                        skills="Ausdauer, gute Laune" if position % 3 else "Kochen, Geduld",
                        easy=position % 4 == 1,
                        position=position,
                    )
                )
        say(f"{len(tasks)} tasks (building commitments)")

        # Commitments: exactly counts["commitments"], 2-3 per task; places first (active, a few
        # held), then the waiting list on full tasks; some past ones withdrawn or completed.
        ins.allocate(Task, tasks)  # the commitments need their tasks' keys
        total = counts["commitments"]
        per_task = [total // len(tasks)] * len(tasks)
        for i in rng.sample(range(len(tasks)), total % len(tasks)):
            per_task[i] += 1
        heavy_pool = range(HEAVY_USERS + 100, len(person_ids))  # the owners are at the end too
        commitments: list[Commitment] = []
        platform0_index = 0
        for task_index, (task, n) in enumerate(zip(tasks, per_task, strict=True)):
            chosen = [person_ids[k] for k in rng.sample(heavy_pool, n)]
            on_platform0 = task.project.organisation.platform_id == default.pk
            if on_platform0 and n:
                platform0_index += 1
                heavy = platform0_index % HEAVY_EVERY
                if heavy < HEAVY_USERS:
                    chosen[0] = person_ids[heavy]
            held = 0
            for person_id in chosen:
                roll = rng.random()
                if roll < 0.08:
                    status = Status.WITHDRAWN
                elif roll < 0.12 and task.starts_at and task.starts_at < now:
                    status = Status.COMPLETED
                elif held < task.capacity:
                    status = Status.HELD if roll > 0.97 else Status.ACTIVE
                    held += 1
                else:
                    status = Status.WAITING
                commitments.append(
                    Commitment(
                        task=task,
                        user_id=person_id,
                        status=status,
                        hold_expires_at=now + timedelta(hours=1) if status == Status.HELD else None,
                    )
                )
            task.taken = held
            if task_index % 50_000 == 49_999:
                say(f"... {task_index + 1} tasks planned")
        ins.insert(Task, tasks)
        say(f"{len(tasks)} tasks written")
        ins.insert(Commitment, commitments)
        say(f"{len(commitments)} commitments written")
        ins.fix_sequences(
            [Platform, Domain, User, Organisation, Membership, Project, Task, Commitment]
        )

    # The directory's sort keys, as the worker's tick keeps them (projects.directory).
    from crowdmoving.projects.directory import refresh_sort_keys

    say(f"{refresh_sort_keys(now)} projects given their directory sort keys")

    # As autovacuum would shortly after a bulk load (PostgreSQL); without statistics the planner
    # assumes tiny tables and picks nested loops over hundreds of thousands of rows.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Summary(
        counts={
            "platforms": len(platforms),
            "organisations": len(organisations),
            "projects": len(projects),
            "tasks": len(tasks),
            "people": len(people),
            "commitments": len(commitments),
        },
        seconds=time.perf_counter() - started,
        big_project_id=projects[0].pk,
    )


def check_counters() -> list[int]:
    """Tasks whose ``taken`` differs from the places held, or exceeds the capacity (one query)."""
    from django.db.models import Count, F, Q
    from django_scopes import scopes_disabled

    from crowdmoving.projects.models import Commitment, Task

    with scopes_disabled():
        holding = Count("commitments", filter=Q(commitments__status__in=Commitment.HOLDING_A_PLACE))
        wrong = (
            Task.objects.annotate(held=holding)
            .filter(~Q(taken=F("held")) | Q(taken__gt=F("capacity")))
            .values_list("pk", flat=True)
        )
        return list(wrong[:20])


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    refuse_unless_bench(database_name(args.database_url))
    ensure_postgres_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection

    started = time.perf_counter()
    print(f"... resetting {connection.settings_dict['NAME']}", file=sys.stderr, flush=True)
    reset_database()
    migrated = time.perf_counter() - started

    def log(text: str) -> None:
        print(f"... {text} ({time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)

    summary = seed_large(args.scale, args.seed, log=log)
    wrong = check_counters()
    if wrong:
        sys.exit(f"Counters wrong on tasks {wrong}")
    counts = ", ".join(f"{value:,} {key}" for key, value in summary.counts.items())
    print(
        f"Seeded {connection.vendor} {connection.settings_dict['NAME']}: {counts} in "
        f"{summary.seconds:.1f} s (+ {migrated:.1f} s migrations); big project "
        f"#{summary.big_project_id}; counters checked."
    )


if __name__ == "__main__":
    main()
