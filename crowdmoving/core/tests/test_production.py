"""The production settings pass Django's deployment checks, in every cache and database
variant, and refuse bad configuration loudly. Each check runs `manage.py check --deploy` in a
fresh process with only the production environment (nothing of the test settings leaks in)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.env import env_url

ROOT = Path(__file__).resolve().parents[3]


def check_deploy(**environment: str | None) -> subprocess.CompletedProcess[str]:
    """`check --deploy` with the production settings; a variable given as None is unset."""
    env: dict[str, str | None] = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://crowdmoving@127.0.0.1:5432/crowdmoving",
        **environment,
    }
    clean = {name: value for name, value in env.items() if value is not None}
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        command, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "variant",
    [
        {},  # a database-backed cache
        {"REDIS_URL": "redis://127.0.0.1:6379/0", "DB_POOL": "1"},
        {"DATABASE_URL": "sqlite:///var/production-check.sqlite3"},
    ],
    ids=["database-cache", "redis-and-pool", "sqlite"],
)
def test_the_production_settings_pass_the_deployment_checks(variant):
    result = check_deploy(**variant)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = check_deploy(SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_weak_secret_key_fails_the_deployment_checks():
    result = check_deploy(SECRET_KEY="short")
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("REDIS_URL", "localhost:6379", "REDIS_URL must be a URL"),
        ("DATABASE_URL", "mysql://db/crowdmoving", "DATABASE_URL must be a URL"),
        ("SECURE_SSL_REDIRECT", "maybe", "SECURE_SSL_REDIRECT must be a boolean"),
    ],
)
def test_production_refuses_bad_values_loudly(variable, value, message):
    result = check_deploy(**{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_a_pool_is_refused_on_sqlite():
    result = check_deploy(DATABASE_URL="sqlite:///var/x.sqlite3", DB_POOL="1")
    assert result.returncode != 0
    assert "DB_POOL=1 needs PostgreSQL" in result.stderr


def test_env_url_accepts_hosts_paths_and_sockets_and_hides_the_value_of_a_bad_one(monkeypatch):
    schemes = ("redis", "rediss", "unix", "sqlite")
    for good in ("redis://:pw@cache:6379/1", "unix:///run/redis.sock", "sqlite:///var/db"):
        monkeypatch.setenv("SOME_URL", good)
        assert env_url("SOME_URL", schemes=schemes) == good
    monkeypatch.delenv("SOME_URL")
    assert env_url("SOME_URL", "", schemes=schemes) == ""
    monkeypatch.setenv("SOME_URL", "redis://")
    with pytest.raises(Exception, match="SOME_URL must be a URL") as refusal:
        env_url("SOME_URL", schemes=schemes)
    monkeypatch.setenv("SOME_URL", "http://user:secret-password@cache")
    with pytest.raises(Exception, match="SOME_URL") as refusal:
        env_url("SOME_URL", schemes=schemes)
    assert "secret-password" not in str(refusal.value)
