"""The benchmark harness works: seeding at a tiny scale leaves consistent data, and a short load
run against a real gunicorn answers every page without a server error and never over-books.
No timing is asserted: this machine's speed is the benchmark's business (docs/benchmarks.md)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402


def harness(script: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own scripts)
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_the_seeding_and_a_short_load_run_against_gunicorn_work(tmp_path: Path) -> None:
    database = tmp_path / "bench-smoke.sqlite3"
    url = f"sqlite:///{database}"

    seeded = harness("seed_large.py", "--scale", "0.002", "--database-url", url)
    assert seeded.returncode == 0, seeded.stderr
    with sqlite3.connect(database) as db:
        counts = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("tenancy_platform", "projects_project", "projects_task")
        }
        assert counts == {"tenancy_platform": 1, "projects_project": 40, "projects_task": 400}
        assert db.execute("SELECT count(*) FROM projects_commitment").fetchone()[0] == 1000
        big = db.execute(
            "SELECT count(*) FROM projects_task t JOIN projects_project p ON p.id = t.project_id "
            "WHERE p.title = ?",
            [load.BIG_PROJECT_TITLE],
        ).fetchone()[0]
        assert big == 200
        wrong = db.execute(
            "SELECT count(*) FROM projects_task t WHERE t.taken > t.capacity OR t.taken != "
            "(SELECT count(*) FROM projects_commitment c WHERE c.task_id = t.id "
            "AND c.status IN ('held', 'active'))"
        ).fetchone()[0]
        assert wrong == 0
        held = db.execute(
            "SELECT count(*) FROM projects_commitment WHERE status IN ('held', 'active')"
        ).fetchone()[0]
        assert held > 0

    report = tmp_path / "load.json"
    client = "wrk" if shutil.which("wrk") else "python"
    ran = harness(
        "load.py",
        *("--database-url", url, "--duration", "2", "--warmup", "0", "--cache", "locmem"),
        *("--rush-people", "20", "--rush-tasks", "5", "--client", client, "--json", str(report)),
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    result = json.loads(report.read_text())
    labels = [run["label"] for run in result["runs"]]
    assert labels == [
        "minimal view (ceiling)",
        "project page, 200 tasks (anonymous)",
        "home page (public project list)",
        "directory with a search or filters (network)",
        "my tasks (signed in)",
        "take-over POST, distinct people",
        "take-over POST, one at a time",
    ]
    for run in result["runs"]:
        assert run["requests"] > 0, run
        assert run["server_errors"] == 0, run
        assert run["errors"] == 0, run
        assert isinstance(run["queries"], int), run
    assert result["rush"]["holding"] == result["rush"]["places"] == 15
    assert result["rush"]["server_errors"] == 0
    assert result["wrong_counters_anywhere"] == []
    assert "| project page, 200 tasks (anonymous) |" in ran.stdout


class _Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        status = 500 if self.path == "/broken" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def test_the_python_load_client_counts_requests_and_server_errors() -> None:
    """The fallback for machines without wrk."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        fine = load.run_python(
            "ok", port, [("GET", "/", "", "")], duration=5, connections=3, limit=60
        )
        broken = load.run_python(
            "broken", port, [("GET", "/broken", "", "")], duration=5, connections=2, limit=10
        )
    finally:
        server.shutdown()
        server.server_close()
    assert (fine.requests, fine.errors, fine.server_errors) == (60, 0, 0)
    assert 0 < fine.p50 <= fine.p95 <= fine.p99
    assert (broken.requests, broken.errors, broken.server_errors) == (10, 10, 10)
