"""Load-test the real server: gunicorn (2 sync workers, DEBUG=False) against the large benchmark
database, driven by wrk from a second process on 127.0.0.1.

    .venv/bin/python bench/load.py                 # SQLite var/bench-large.sqlite3 (seeds if empty)
    .venv/bin/python bench/load.py \
        --database-url postgres://postgres@127.0.0.1:5432/crowdmoving_bench_large
    .venv/bin/python bench/load.py --reseed --duration 10 --cache redis

Measures, each for a fixed duration at a fixed number of connections: a bare view (/bench/hello/,
the ceiling), the project page with 200 tasks (anonymous), the home page (the platform's public
project list), the network directory with a search or filters, "my tasks" (signed in) and
take-over POSTs by distinct people on distinct tasks; then 200 concurrent take-overs on 50
tasks of 3 places. Reports requests/s, p50/p95/p99, SQL queries per request (counted
in-process with django.test.Client), HTML size and each page's ratio to the ceiling, as a
Markdown table. Without wrk a Python client (threads, http.client)
does the same, less precisely. Every run is bounded by time and by a number of requests."""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.seed_large import (  # noqa: E402
    BIG_PROJECT_TITLE,
    DEFAULT_URL,
    HOST,
    database_name,
    ensure_postgres_database,
    refuse_unless_bench,
)

REDIS_URL = "redis://127.0.0.1:6379/12"
MAX_TAKES = 6_000  # distinct (person, task) pairs prepared for the timed take-over runs
CSRF_ALPHABET = string.ascii_letters + string.digits
# The network directory on the hub (projects/directory.py) with a search and filters, in turn;
# the queries and HTML size are those of the first.
DIRECTORY_SEARCHES = [
    "/projects/?q=infostand",
    "/projects/?q=sommerfest+berlin&sort=needed",
    "/projects/?category=social&this_week=on",
    "/projects/?place=04&easy=on&page=2",
]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--reseed", action="store_true", help="wipe and seed first")
    parser.add_argument("--scale", type=float, default=1.0, help="size when seeding")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--cache", choices=["redis", "locmem"], default="redis")
    parser.add_argument("--rush-people", type=int, default=200)
    parser.add_argument("--rush-tasks", type=int, default=50)
    parser.add_argument("--json", help="also write the results to this file")
    return parser.parse_args(argv)


def progress(what: str) -> None:
    print(f"... {what}", file=sys.stderr, flush=True)


# --- results ----------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    requests: int = 0
    seconds: float = 0.0
    p50: float = 0.0  # milliseconds
    p95: float = 0.0
    p99: float = 0.0
    errors: int = 0  # non-2xx/3xx answers and socket errors
    server_errors: int = 0  # 5xx
    queries: int | str = "-"
    html_bytes: int | str = "-"
    client: str = "wrk"
    note: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# --- the load clients -------------------------------------------------------------------------

LUA = r"""
local items = {}
local n = 0
local i = 0
local f = io.open("%(requests)s", "r")
for line in f:lines() do
  local method, path, cookie, token = line:match("^(%%S+)\t(%%S+)\t([^\t]*)\t([^\t]*)$")
  n = n + 1
  items[n] = {method, path, cookie, token}
end
f:close()
fivexx = 0  -- global: done() reads it with thread:get()
local threads = {}
setup = function(thread) table.insert(threads, thread) end
request = function()
  i = i + 1
  local item = items[((i - 1) %% n) + 1]
  local headers = {["Host"] = "%(host)s"}
  if item[3] ~= "" then headers["Cookie"] = item[3] end
  if item[4] ~= "" then
    headers["X-CSRFToken"] = item[4]
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return wrk.format(item[1], item[2], headers, "")
end
response = function(status, headers, body)
  if status >= 500 then fivexx = fivexx + 1 end
end
done = function(summary, latency, requests)
  local five = 0
  for _, t in ipairs(threads) do five = five + (t:get("fivexx") or 0) end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %%d, "duration_us": %%d, "errors": %%d, "status_errors": %%d, ' ..
    '"server_errors": %%d, "p50": %%d, "p95": %%d, "p99": %%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    e.status, five, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
# fivexx lives in the thread's Lua state; done() runs in the main state and reads it with get().


def write_requests(path: Path, items: Sequence[tuple[str, str, str, str]]) -> None:
    path.write_text("".join("\t".join(item) + "\n" for item in items))


def run_wrk(
    label: str,
    port: int,
    items: Sequence[tuple[str, str, str, str]],
    *,
    duration: int,
    connections: int,
    workdir: Path,
) -> Run:
    requests_file = workdir / "requests.tsv"
    script = workdir / "bench.lua"
    write_requests(requests_file, items)
    script.write_text(LUA % {"requests": requests_file, "host": HOST})
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}/",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=False
    )
    match = re.search(r"BENCHJSON (\{.*\})", done.stdout)
    if done.returncode != 0 or match is None:
        sys.exit(f"wrk failed for {label}:\n{done.stdout}\n{done.stderr}")
    data = json.loads(match.group(1))
    return Run(
        label=label,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        errors=data["errors"] + data["status_errors"],
        server_errors=data["server_errors"],
        client="wrk",
    )


def send(
    conn: http.client.HTTPConnection, item: tuple[str, str, str, str]
) -> tuple[int, bytes, dict[str, str]]:
    method, path, cookie, token = item
    headers = {"Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    if token:
        headers["X-CSRFToken"] = token
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=b"" if method == "POST" else None, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, body, {k.lower(): v for k, v in response.getheaders()}


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    if not ordered:
        return 0.0
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def run_python(
    label: str,
    port: int,
    items: Sequence[tuple[str, str, str, str]],
    *,
    duration: float,
    connections: int,
    limit: int | None = None,
) -> Run:
    """The fallback client: ``connections`` threads with a kept-alive connection each, until
    the duration is over or ``limit`` requests (default: every item once... or unbounded for
    repeatable GETs, capped at 100,000) were sent."""
    cap = limit if limit is not None else 100_000
    lock = threading.Lock()
    counter = iter(range(cap))
    latencies: list[float] = []
    statuses: list[int] = []
    errors = 0
    deadline = time.perf_counter() + duration

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            start = time.perf_counter()
            try:
                status, _body, _headers = send(conn, items[index % len(items)])
            except (OSError, http.client.HTTPException):
                with lock:
                    errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                statuses.append(status)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 30)
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return Run(
        label=label,
        requests=len(latencies),
        seconds=seconds,
        p50=percentile(ordered, 0.50),
        p95=percentile(ordered, 0.95),
        p99=percentile(ordered, 0.99),
        errors=errors + sum(1 for s in statuses if s >= 400),
        server_errors=sum(1 for s in statuses if s >= 500),
        client="python",
    )


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn with explicit options (no config file), in its own process group."""

    def __init__(self, env: dict[str, str], workers: int, logfile: Path) -> None:
        self.port = free_port()
        self.logfile = logfile
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn) if gunicorn.exists() else shutil.which("gunicorn") or "gunicorn",
            "config.wsgi",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        self.log = logfile.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited:\n{self.logfile.read_text()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                status, _body, _headers = send(conn, ("GET", "/bench/hello/", "", ""))
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        sys.exit(f"gunicorn did not answer within {timeout} s:\n{self.logfile.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()


# --- preparing the data (in this process, before the server starts) --------------------------


@dataclass
class Prepared:
    big_project_id: int
    page: str
    heavy_cookie: str
    takes: list[tuple[str, str, str, str]]
    warm_takes: list[tuple[str, str, str, str]]
    rush: list[tuple[str, str, str, str]]
    rush_task_ids: list[int]
    queries: dict[str, int] = field(default_factory=dict)
    html: dict[str, int] = field(default_factory=dict)
    static: list[str] = field(default_factory=list)


def session_for(user: Any) -> tuple[str, str]:
    """A signed-in session for ``user`` in the configured session store, and a CSRF secret:
    (Cookie header value, X-CSRFToken value)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    token = "".join(secrets.choice(CSRF_ALPHABET) for _ in range(32))
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={token}"
    )
    return cookie, token


def new_people(tag: str, count: int) -> list[Any]:
    from django.contrib.auth.hashers import make_password

    from crowdmoving.accounts.models import User

    unusable = make_password(None)
    return User.objects.bulk_create(
        [
            User(email=f"{tag}-{i}@bench.example.org", name=f"Taker{i} Beispiel", password=unusable)
            for i in range(count)
        ],
        batch_size=500,
    )


def prepare(args: argparse.Namespace, run_tag: str) -> Prepared:  # noqa: PLR0915
    from django.db import connection, transaction
    from django.db.models import F
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from crowdmoving.accounts.models import User
    from crowdmoving.projects.models import Project, Task
    from crowdmoving.tenancy.models import Platform

    with scopes_disabled():
        platform = Platform.objects.get(is_default=True)
        big = Project.objects.get(title=BIG_PROJECT_TITLE, organisation__platform=platform)
        heavy = User.objects.get(email="heavy0@bench.example.org")
        organisation = big.organisation

        # Take-overs: distinct people (one per pair, cycling through the people) on distinct
        # tasks with a free place, in public projects of platform 0, outside the big project.
        free = list(
            Task.objects.filter(
                project__organisation__platform=platform,
                project__status=Project.Status.PUBLIC,
                removed_at__isnull=True,
                taken__lt=F("capacity"),
            )
            .exclude(project=big)
            .order_by("pk")
            .values_list("project_id", "pk")[: MAX_TAKES + 200]
        )
        people_count = min(len(free), 1_000)
        with transaction.atomic():
            takers = new_people(f"{run_tag}-taker", people_count + 1)
            sessions = [session_for(person) for person in takers]
        items = [
            ("POST", reverse("projects:take", args=[pid, tid]), *sessions[k % people_count])
            for k, (pid, tid) in enumerate(free)
        ]
        if len(items) < 3:
            sys.exit("Not enough tasks with a free place for the take-overs; seed more.")
        probe, rest = items[0], items[1:]
        warm_count = min(200, len(rest) // 5)
        warm_takes, takes = rest[:warm_count], rest[warm_count:]

        # The rush: a new public project with rush_tasks tasks of 3 places, and rush_people
        # new people, each taking one of the tasks (rush_people / rush_tasks per task).
        with transaction.atomic():
            rush_project = Project.objects.create(
                organisation=organisation,
                title=f"Rush {run_tag}",
                status=Project.Status.PUBLIC,
                published_at=timezone.now(),
            )
            rush_tasks = Task.objects.bulk_create(
                [
                    Task(project=rush_project, title=f"Rush {i}", capacity=3, position=i + 1)
                    for i in range(args.rush_tasks)
                ]
            )
            rushers = new_people(f"{run_tag}-rush", args.rush_people)
            rush = [
                (
                    "POST",
                    reverse(
                        "projects:take", args=[rush_project.pk, rush_tasks[i % len(rush_tasks)].pk]
                    ),
                    *session_for(person),
                )
                for i, person in enumerate(rushers)
            ]

    page = big.get_absolute_url()
    prepared = Prepared(
        big_project_id=big.pk,
        page=page,
        heavy_cookie=session_for(heavy)[0],
        takes=takes,
        warm_takes=warm_takes,
        rush=rush,
        rush_task_ids=[t.pk for t in rush_tasks],
    )

    # Queries per request and HTML size, in-process (one warm-up request fills the caches).
    anonymous = Client(HTTP_HOST=HOST)
    signed_in = Client(HTTP_HOST=HOST)
    signed_in.force_login(heavy)
    taker = Client(HTTP_HOST=HOST)
    taker.force_login(takers[-1])
    checks: list[tuple[str, Client, str, str, int]] = [
        ("hello", anonymous, "get", reverse("bench_hello"), 200),
        ("project", anonymous, "get", page, 200),
        ("home", anonymous, "get", reverse("projects:home"), 200),
        ("directory", anonymous, "get", DIRECTORY_SEARCHES[0], 200),
        ("my tasks", signed_in, "get", reverse("me:tasks"), 200),
    ]
    for name, client, method, url, expected in checks:
        getattr(client, method)(url)
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(url)
        if response.status_code != expected:
            sys.exit(f"{url}: {response.status_code}, not {expected}")
        prepared.queries[name] = len(captured.captured_queries)
        prepared.html[name] = len(response.content)
        if name == "project":
            html = response.content.decode()
            prepared.static = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    with CaptureQueriesContext(connection) as captured:
        response = taker.post(probe[1])
    if response.status_code != 302:
        sys.exit(f"take-over probe: {response.status_code}, not 302")
    prepared.queries["take"] = len(captured.captured_queries)
    connection.close()
    return prepared


# --- checks after the runs --------------------------------------------------------------------


def rush_result(task_ids: list[int]) -> tuple[int, int, int]:
    """(commitments holding a place, places, tasks whose counter is wrong) on the rush tasks."""
    from django.db.models import Count, Q, Sum
    from django_scopes import scopes_disabled

    from crowdmoving.projects.models import Commitment, Task

    with scopes_disabled():
        holding = Commitment.objects.filter(
            task_id__in=task_ids, status__in=Commitment.HOLDING_A_PLACE
        ).count()
        places = Task.objects.filter(pk__in=task_ids).aggregate(s=Sum("capacity"))["s"] or 0
        counted = Count("commitments", filter=Q(commitments__status__in=Commitment.HOLDING_A_PLACE))
        wrong = sum(
            1
            for task in Task.objects.filter(pk__in=task_ids).annotate(held=counted)
            if task.taken != task.held or task.taken > task.capacity  # type: ignore[attr-defined]
        )
    return holding, places, wrong


def rush(port: int, items: list[tuple[str, str, str, str]]) -> tuple[float, list[int]]:
    """All requests at once (one thread and connection each, released together)."""
    barrier = threading.Barrier(len(items))
    statuses: list[int] = []
    lock = threading.Lock()

    def one(item: tuple[str, str, str, str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            barrier.wait(timeout=30)
            status, _body, _headers = send(conn, item)
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError):
            status = 0
        finally:
            conn.close()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return time.perf_counter() - started, statuses


def compression(port: int, paths: list[str]) -> list[dict[str, Any]]:
    """Size, Content-Encoding and Cache-Control of each path when asked for gzip."""
    found = []
    for path in paths:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path, headers={"Host": HOST, "Accept-Encoding": "gzip"})
        response = conn.getresponse()
        body = response.read()
        encoding = response.getheader("Content-Encoding", "")
        raw = gzip.decompress(body) if encoding == "gzip" else body
        found.append(
            {
                "path": path,
                "status": response.status,
                "bytes": len(raw),
                "sent": len(body),
                "gzip_bytes": len(gzip.compress(raw, 6)),
                "encoding": encoding or "none",
                "cache": response.getheader("Cache-Control", "") or "none",
            }
        )
        conn.close()
    return found


def machine(vendor_version: str) -> dict[str, str]:
    import platform as pyplatform

    import django

    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    wrk = shutil.which("wrk")
    wrk_version = ""
    if wrk:
        wrk_version = subprocess.run(
            [wrk, "-v"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.split("\n")[0][:40]
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": pyplatform.python_version(),
        "django": django.get_version(),
        "database": vendor_version,
        "wrk": wrk_version,
        "load": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]} (file, WAL, IMMEDIATE)"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0]} on 127.0.0.1"


def is_seeded() -> bool:
    from django.db.utils import DatabaseError
    from django_scopes import scopes_disabled

    from crowdmoving.projects.models import Project

    try:
        with scopes_disabled():
            return Project.objects.filter(title=BIG_PROJECT_TITLE).exists()
    except DatabaseError:
        return False


# --- main -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:  # noqa: PLR0915
    args = parse_args(argv)
    refuse_unless_bench(database_name(args.database_url))
    ensure_postgres_database(args.database_url)
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    if args.client == "wrk" and shutil.which("wrk") is None:
        sys.exit("wrk is not installed (use --client python)")

    workdir = Path(tempfile.mkdtemp(prefix="crowdmoving-load-"))
    env = dict(os.environ)
    env.update(
        {
            "BENCH_DATABASE_URL": args.database_url,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "False",
            "BENCH_STATIC_ROOT": str(workdir / "static"),
        }
    )
    env.pop("BENCH_REDIS_URL", None)
    if args.cache == "redis":
        env["BENCH_REDIS_URL"] = REDIS_URL
    os.environ.update(env)
    if args.cache != "redis":
        os.environ.pop("BENCH_REDIS_URL", None)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from bench import seed_large

    if args.reseed or not is_seeded():
        progress("seeding (bench/seed_large.py)")
        seed_large.reset_database()
        summary = seed_large.seed_large(args.scale, log=progress)
        progress(f"seeded in {summary.seconds:.1f} s")
    progress("collecting static files (hashed, gzip)")
    call_command("collectstatic", interactive=False, verbosity=0)
    cache.clear()  # a dedicated Redis database (or this process's memory)
    run_tag = f"run{int(time.time())}"
    progress("preparing people, sessions, take-over pairs; counting queries in-process")
    prepared = prepare(args, run_tag)
    db_version = database_version()
    from django.db import connection

    vendor = connection.vendor
    connection.close()

    server = Server(env, args.workers, workdir / "gunicorn.log")
    runs: list[Run] = []
    try:
        server.wait_ready()
        port = server.port

        def measure(
            label: str,
            items: Sequence[tuple[str, str, str, str]],
            *,
            warm: Sequence[tuple[str, str, str, str]] | None = None,
            connections: int | None = None,
            limit: int | None = None,
        ) -> Run:
            conns = connections or args.connections
            warm_items = items if warm is None else warm
            progress(f"{label}: {args.warmup} s warm-up, {args.duration} s at {conns} connections")
            if use_wrk:
                if args.warmup and warm_items:
                    run_wrk(
                        label,
                        port,
                        warm_items,
                        duration=args.warmup,
                        connections=conns,
                        workdir=workdir,
                    )
                result = run_wrk(
                    label, port, items, duration=args.duration, connections=conns, workdir=workdir
                )
            else:
                if args.warmup and warm_items:
                    run_python(
                        label,
                        port,
                        warm_items,
                        duration=args.warmup,
                        connections=conns,
                        limit=len(warm_items) if warm is not None else None,
                    )
                result = run_python(
                    label, port, items, duration=args.duration, connections=conns, limit=limit
                )
            runs.append(result)
            return result

        page, cookie = prepared.page, prepared.heavy_cookie
        hello = measure("minimal view (ceiling)", [("GET", "/bench/hello/", "", "")])
        hello.queries, hello.html_bytes = prepared.queries["hello"], prepared.html["hello"]
        project = measure("project page, 200 tasks (anonymous)", [("GET", page, "", "")])
        project.queries, project.html_bytes = prepared.queries["project"], prepared.html["project"]
        home = measure("home page (public project list)", [("GET", "/", "", "")])
        home.queries, home.html_bytes = prepared.queries["home"], prepared.html["home"]
        found = measure(
            "directory with a search or filters (network)",
            [("GET", url, "", "") for url in DIRECTORY_SEARCHES],
        )
        found.queries, found.html_bytes = prepared.queries["directory"], prepared.html["directory"]
        mine = measure("my tasks (signed in)", [("GET", "/me/tasks/", cookie, "")])
        mine.queries, mine.html_bytes = prepared.queries["my tasks"], prepared.html["my tasks"]

        # Take-overs: every request a new (person, task) pair; wrk cycles if it runs out, so
        # the number of pairs is checked against the requests afterwards.
        half = len(prepared.takes) // 2
        takes = measure(
            "take-over POST, distinct people",
            prepared.takes[:half],
            warm=prepared.warm_takes[: len(prepared.warm_takes) // 2],
            limit=half,
        )
        takes.queries = prepared.queries["take"]
        if takes.requests > half:
            takes.note = f"pairs ran out after {half}: later requests repeated a take"
        single = measure(
            "take-over POST, one at a time",
            prepared.takes[half:],
            warm=prepared.warm_takes[len(prepared.warm_takes) // 2 :],
            connections=1,
            limit=len(prepared.takes) - half,
        )
        single.queries = prepared.queries["take"]
        if single.requests > len(prepared.takes) - half:
            single.note = "pairs ran out: later requests repeated a take"

        progress(
            f"rush: {len(prepared.rush)} take-overs at once on {len(prepared.rush_task_ids)} tasks"
        )
        rush_seconds, statuses = rush(port, prepared.rush)
        static = compression(port, [page, *prepared.static])
    finally:
        server.stop()

    holding, places, wrong = rush_result(prepared.rush_task_ids)
    from bench.seed_large import check_counters

    wrong_anywhere = check_counters()
    details = machine(db_version)
    result = {
        "database": vendor,
        "machine": details,
        "client": "wrk" if use_wrk else "python",
        "cache": args.cache,
        "duration": args.duration,
        "connections": args.connections,
        "workers": args.workers,
        "runs": [run.__dict__ | {"rps": run.rps} for run in runs],
        "rush": {
            "requests": len(statuses),
            "seconds": rush_seconds,
            "rps": len(statuses) / rush_seconds if rush_seconds else 0,
            "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
            "server_errors": sum(1 for s in statuses if s >= 500 or s == 0),
            "holding": holding,
            "places": places,
            "wrong_counters": wrong,
        },
        "static": static,
        "wrong_counters_anywhere": wrong_anywhere,
    }
    print_report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)
    failures = []
    if holding != places or wrong:
        failures.append(f"rush: {holding} commitments for {places} places, {wrong} wrong counters")
    if result["rush"]["server_errors"]:
        failures.append(f"rush: {result['rush']['server_errors']} server errors")
    if any(run.server_errors for run in runs):
        failures.append("5xx answers during the load runs")
    if wrong_anywhere:
        failures.append(f"counters wrong on tasks {wrong_anywhere}")
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    return result


def print_report(result: dict[str, Any]) -> None:
    details = result["machine"]
    runs = result["runs"]
    ceiling = runs[0]["rps"] or 1.0
    print(f"\n### {details['database']}, gunicorn {result['workers']} sync workers\n")
    print(
        f"nproc {details['nproc']} ({details['cpu']}), Python {details['python']}, Django "
        f"{details['django']}, DEBUG=False, cache {result['cache']}; client "
        f"{result['client']} ({details['wrk'] or 'Python threads'}), 1 thread, "
        f"{result['connections']} connections, {result['duration']} s per row after a warm-up; "
        f"load average at the end {details['load']}.\n"
    )
    print(
        "| what | req/s | of ceiling | p50 ms | p95 ms | p99 ms | queries | HTML bytes | "
        "requests | errors (5xx) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        size = run["html_bytes"]
        size_text = f"{size:,}" if isinstance(size, int) else size
        print(
            f"| {run['label']} | {run['rps']:,.1f} | {100 * run['rps'] / ceiling:.1f} % | "
            f"{run['p50']:.1f} | {run['p95']:.1f} | {run['p99']:.1f} | {run['queries']} | "
            f"{size_text} | {run['requests']:,} | {run['errors']} ({run['server_errors']}) |"
        )
    for run in runs:
        if run["note"]:
            print(f"\nNote ({run['label']}): {run['note']}")
    rush_data = result["rush"]
    print(
        f"\nRush: {rush_data['requests']} take-overs at once on "
        f"{rush_data['places'] // 3 if rush_data['places'] else 0} tasks of 3 places: "
        f"{rush_data['holding']} commitments for {rush_data['places']} places, answers "
        f"{rush_data['statuses']}, {rush_data['server_errors']} server errors, "
        f"{rush_data['seconds']:.2f} s ({rush_data['rps']:.0f} take-overs/s), "
        f"{rush_data['wrong_counters']} wrong counters."
    )
    print("\n| file | bytes | sent with gzip asked | Content-Encoding | Cache-Control |")
    print("|---|---:|---:|---|---|")
    for item in result["static"]:
        print(
            f"| {item['path']} | {item['bytes']:,} | {item['sent']:,} | {item['encoding']} | "
            f"{item['cache']} |"
        )
    total = sum(item["bytes"] for item in result["static"])
    zipped = sum(item["gzip_bytes"] for item in result["static"])
    print(f"\nProject page HTML + CSS + JS: {total:,} bytes ({zipped:,} bytes gzipped).")
    print(
        "Counters (Task.taken == places held, never above capacity) after the run: "
        + ("right on every task." if not result["wrong_counters_anywhere"] else "WRONG.")
    )


if __name__ == "__main__":
    main()
