"""Benchmark the pages and the take-over in-process, with production-like settings.

    .venv/bin/python bench/run.py                                   # SQLite file var/bench.sqlite3
    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/crowdmoving_bench

The benchmark database is wiped and seeded on every run (its name must contain 'bench').
Requests go through django.test.Client: the whole middleware stack, views and templates, but no
socket and no HTTP parsing. Prints a Markdown table; see bench/README.md."""

from __future__ import annotations

import argparse
import os
import platform as pyplatform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.seed_large import reset_database, setup_django  # noqa: E402

TARGETS = {"project page": 100.0, "take-over (POST)": 30.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--commitments", type=int, default=5000)
    parser.add_argument("--page-requests", type=int, default=50)
    parser.add_argument("--takes", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    return parser.parse_args()


def progress(what: str) -> None:
    print(f"... {what}", file=sys.stderr, flush=True)


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each call."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(round(0.95 * len(ordered))) - 1, 0)]


def count_queries(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def machine() -> dict[str, str]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]} (file, WAL, IMMEDIATE)"
        else:
            cursor.execute("show server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]} on 127.0.0.1"
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": pyplatform.python_version(),
        "django": django.get_version(),
        "database": database,
        "load": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from bench.seed import HOST, seed
    from crowdmoving.projects import actions
    from crowdmoving.projects.models import Commitment, Task

    progress("resetting and seeding the benchmark database")
    reset_database()
    started = time.perf_counter()
    data = seed(tasks=args.tasks, commitments=args.commitments, takers=3 * (args.takes + 1))
    seed_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # As autovacuum would within a minute of a bulk load: without statistics the planner
        # expects one row per table and nests loops over 5 million row pairs (0.4 s per page).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    project = data.project
    if len(data.free_task_ids) < 3 * (args.takes + 1):
        sys.exit("Not enough tasks with a free place for the take-overs; use more --tasks.")
    free_tasks = iter(data.free_task_ids)
    takers = iter(data.takers)
    rows: list[tuple[str, list[float], int | str, int | str, str]] = []

    def measure(label: str, call: Callable[[], object], repeat: int, size: int | str) -> None:
        progress(label)
        timed(call, args.warmup)
        times = timed(call, repeat)
        rows.append((label, times, count_queries(call), size, f"{repeat} requests"))

    def check(response, expected: int):  # type: ignore[no-untyped-def]
        if response.status_code != expected:
            sys.exit(f"{response.request['PATH_INFO']}: {response.status_code}, not {expected}")
        return response

    # --- GET ---------------------------------------------------------------------------------
    anonymous = Client(HTTP_HOST=HOST)
    hello = reverse("bench_hello")
    measure("hello (baseline)", lambda: check(anonymous.get(hello), 200), 200, 5)

    page = project.get_absolute_url()
    html = check(anonymous.get(page), 200).content
    if b"WIP" == html.strip():
        sys.exit("The project page is not written yet (it answers 'WIP').")
    measure("project page", lambda: check(anonymous.get(page), 200), args.page_requests, len(html))

    def cold() -> object:
        cache.clear()  # every card rendered afresh, as for the first visitor after a restart
        return check(anonymous.get(page), 200)

    measure("project page, cold card cache", cold, 10, len(html))

    with scopes_disabled():
        supporter = Commitment.objects.filter(task__project=project).first().user  # type: ignore[union-attr]
    signed_in = Client(HTTP_HOST=HOST)
    signed_in.force_login(supporter)
    mine = check(signed_in.get(page), 200).content
    measure(
        "project page, signed in",
        lambda: check(signed_in.get(page), 200),
        args.page_requests,
        len(mine),
    )

    # --- take-overs: each by a different person on a task with a free place ------------------
    def take_rows(label: str, *, htmx: bool) -> None:
        headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        expected = 200 if htmx else 302
        progress(label)
        prepared = []
        for _ in range(args.takes + 1):
            client = Client(HTTP_HOST=HOST)
            client.force_login(next(takers))
            url = reverse("projects:take", args=[project.pk, next(free_tasks)])
            prepared.append((client, url))
        times = []
        for client, url in prepared[:-1]:
            start = time.perf_counter()
            response = client.post(url, **headers)
            times.append((time.perf_counter() - start) * 1000)
            check(response, expected)
        client, url = prepared[-1]
        queries = count_queries(lambda: check(client.post(url, **headers), expected))
        rows.append((label, times, queries, "-", f"{args.takes} people"))

    take_rows("take-over (POST)", htmx=False)
    take_rows("take-over (POST, htmx card)", htmx=True)

    with scopes_disabled():
        action_tasks = [Task.objects.get(pk=next(free_tasks)) for _ in range(args.takes + 1)]
        people = [next(takers) for _ in range(args.takes + 1)]
        times = []
        for task, person in zip(action_tasks[:-1], people[:-1], strict=True):
            start = time.perf_counter()
            actions.take_task(task, person)
            times.append((time.perf_counter() - start) * 1000)
        queries = count_queries(lambda: actions.take_task(action_tasks[-1], people[-1]))
    rows.append(("take_task action only", times, queries, "-", f"{args.takes} people"))

    # --- the counters are still right -------------------------------------------------------
    with scopes_disabled():
        wrong = [
            t.pk
            for t in Task.objects.filter(project=project)
            if t.taken
            != Commitment.objects.filter(task=t, status__in=Commitment.HOLDING_A_PLACE).count()
            or t.taken > t.capacity
        ]
    if wrong:
        sys.exit(f"Counters wrong after the run on tasks {wrong[:10]}")

    details = machine()
    print(f"\n## {details['database']}\n")
    print(
        f"{args.tasks} tasks, {args.commitments} commitments (seeded in {seed_seconds:.1f} s); "
        f"nproc {details['nproc']} ({details['cpu']}), Python {details['python']}, "
        f"Django {details['django']}, DEBUG=False, in-process django.test.Client; "
        f"load average at the end {details['load']} (1/5/15 min).\n"
    )
    print("| what | median ms | p95 ms | queries | HTML bytes | n | target |")
    print("|---|---:|---:|---:|---:|---|---|")
    for label, values, query_count, size, n in rows:
        median = statistics.median(values)
        target = TARGETS.get(label)
        verdict = ""
        if target is not None:
            verdict = f"< {target:.0f} ms: met"
            if median >= target:
                verdict = (
                    f"< {target:.0f} ms: MISSED by {median - target:.1f} ms "
                    f"({median / target:.1f}x)"
                )
        size_text = f"{size:,}" if isinstance(size, int) else size
        print(
            f"| {label} | {median:.1f} | {p95(values):.1f} | {query_count} | {size_text} | {n} | "
            f"{verdict} |"
        )
    print("\nCounters checked after the run: Task.taken == places held on every task.")


if __name__ == "__main__":
    main()
