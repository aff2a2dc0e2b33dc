#!/usr/bin/env python3
"""Crowdmoving's two entry points, for a machine with only git and Python 3.11+.

    python3 dev.py serve   set up, load demo data, run the worker and serve http://127.0.0.1:8000
    python3 dev.py test    set up and run the whole suite (lint, types, unit, view, browser tests)

Both are idempotent: the virtual environment is rebuilt only when requirements.lock changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".requirements.sha256"


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def manage(*args: str, env: dict[str, str] | None = None) -> None:
    run(PY, "manage.py", *args, env=env)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (runs before the venv exists)
        sys.exit("Crowdmoving needs Python 3.11 or newer.")
    if (
        not PY.exists()
        or subprocess.run([PY, "-m", "pip", "--version"], capture_output=True).returncode
    ):
        try:
            import ensurepip  # noqa: F401
        except ImportError:
            sys.exit(
                "This Python cannot create virtual environments with pip: install python3-venv."
            )
        say("Creating the virtual environment in .venv")
        shutil.rmtree(VENV, ignore_errors=True)
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        say("Installing the pinned dependencies from requirements.lock")
        run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PY, "-m", "pip", "install", "--quiet", "-r", LOCK)
        STAMP.write_text(wanted)
    (ROOT / "var").mkdir(exist_ok=True)
    manage("compiletranslations", "--verbosity", "0")


def serve() -> None:
    ensure_environment()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    say("Migrating the SQLite database in var/")
    manage("migrate", "--no-input", "--verbosity", "0", env=env)
    manage("createcachetable", env=env)  # a no-op with LocMem; needed for a database cache
    manage("seed_demo", env=env)
    say("Starting the background worker")
    worker = subprocess.Popen(  # noqa: S603
        [str(PY), "manage.py", "run_worker", "--interval", "1"], cwd=ROOT, env=env
    )
    try:
        say("Serving on http://127.0.0.1:8000 (Ctrl-C stops)")
        manage("runserver", "127.0.0.1:8000", env=env)
    except KeyboardInterrupt:
        pass
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)


def test(extra: list[str]) -> None:
    ensure_environment()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    say("ruff")
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    say("mypy")
    run(BIN / "mypy", "crowdmoving", "config", env=env)
    say("bandit")  # fails on any finding; a justified exception is marked `# nosec BXXX`
    run(BIN / "bandit", "-c", "pyproject.toml", "-q", "-r", "crowdmoving", "config",
        "-x", "*/tests/*,*/migrations/*,*/conftest.py")  # fmt: skip
    say("Django system checks and migrations")
    manage("check", "--fail-level", "WARNING", env=env)
    manage("makemigrations", "--check", "--dry-run", env=env)
    say("pytest")
    run(BIN / "pytest", *extra, env=env)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        if command == "serve":
            serve()
        elif command == "test":
            test(sys.argv[2:])
        else:
            sys.exit(__doc__)
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)


if __name__ == "__main__":
    main()
