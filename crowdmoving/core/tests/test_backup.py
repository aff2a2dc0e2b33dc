"""Backups: the restore drill (seed -> back up -> restore into a fresh database -> the same
data), and the refusals that keep a restore from doing harm. The drill runs on the database the
suite runs on: a SQLite file normally, PostgreSQL when DATABASE_URL says so (.ci/run)."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from PIL import Image

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.core import backup
from crowdmoving.projects import actions
from crowdmoving.projects.models import Commitment, Project, Task
from crowdmoving.team import actions as team_actions
from crowdmoving.tenancy.models import Platform

# Committed data, visible to pg_dump and to SQLite's backup API on their own connections.
committed = pytest.mark.django_db(transaction=True)

KEY_TABLES = [model._meta.db_table for model in (User, Project, Task, Commitment)]


def _jpeg(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def seeded(platform, other_platform, organisation, organiser, coordinator, volunteer, outsider):  # type: ignore[no-untyped-def]
    """Two platforms, three organisations, projects with a cover, tasks, commitments taken
    through the actions (with their notifications and mails), team messages."""
    project = f.ProjectFactory(
        organisation=organisation, title="Kinder malen ihre Welt", created_by=organiser
    )
    project.cover.save("cover.jpg", ContentFile(_jpeg("orange")))
    stand = f.TaskFactory(project=project, title="Infostand besetzen", capacity=2)
    paint = f.TaskFactory(project=project, title="Farben besorgen", capacity=3)
    supporters = [volunteer, *f.UserFactory.create_batch(3)]
    actions.take_task(stand, supporters[0])
    actions.take_task(stand, supporters[1])
    actions.join_waitlist(stand, supporters[2])
    actions.take_task(paint, supporters[3])
    team_actions.post_update(project, organiser, "Danke, dass ihr dabei seid!")
    team_actions.post_to_board(project, volunteer, "Ich bringe Pinsel mit.")
    foreign = f.OrganisationFactory(platform=other_platform)
    f.TaskFactory.create_batch(2, project=f.ProjectFactory(organisation=foreign))
    return project


def _model_tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )


def _snapshot() -> tuple[dict[str, int], dict[str, str]]:
    """Row counts of every model's table and a sha256 over the ordered rows of key tables,
    read through the default connection (whatever database it points at)."""
    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _model_tables():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        for table in KEY_TABLES:
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY id")  # noqa: S608
            digests[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return counts, digests


def _media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


@contextmanager
def _fresh_database(tmp_path: Path) -> Iterator[None]:
    """Point the default connection at a new, empty, separate database while inside: a new
    SQLite file, or a uniquely named PostgreSQL database that is dropped afterwards."""
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    admin = None
    if connection.vendor == "postgresql":
        import psycopg
        from psycopg import sql

        params = {
            "host": settings_dict.get("HOST") or None,
            "port": settings_dict.get("PORT") or None,
            "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
        }
        admin = psycopg.connect(
            dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}
        )
        scratch = f"cm_restore_drill_{secrets.token_hex(6)}"
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    else:
        scratch = str(tmp_path / "restored.sqlite3")
    connection.close()
    settings_dict["NAME"] = scratch
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = original
        if admin is not None:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch))
            )
            admin.close()


def _only_set(directory: Path) -> Path:
    (path,) = backup.list_sets(directory)
    return path


@committed
def test_restore_drill_gives_back_the_same_data_in_a_fresh_database(seeded, settings, tmp_path):
    source_counts, source_digests = _snapshot()
    source_media = _media_files(Path(settings.MEDIA_ROOT))
    assert source_media.keys() == {seeded.cover.name}
    assert source_counts["team_teammessage"] == 2
    assert source_counts["notifications_notification"] > 0

    call_command("backup", output=tmp_path / "sets", stdout=io.StringIO())
    backup_set = _only_set(tmp_path / "sets")
    manifest = json.loads((backup_set / "manifest.json").read_text())
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["migrations"]["projects"]
    assert {t: n for t, n in manifest["row_counts"].items() if t in source_counts} == (
        source_counts
    )

    source_database = connection.settings_dict["NAME"]
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with _fresh_database(tmp_path):
        assert connection.settings_dict["NAME"] != source_database
        assert backup.tables_with_data(connection) == []
        out = io.StringIO()
        call_command("restore", str(backup_set), stdout=out)
        restored_counts, restored_digests = _snapshot()
    assert "rows (as in the manifest)" in out.getvalue()
    assert restored_counts == source_counts
    assert restored_digests == source_digests
    assert _media_files(tmp_path / "restored-media") == source_media


@committed
def test_restore_refuses_a_database_that_holds_data_unless_told_to_replace_it(
    seeded, settings, tmp_path
):
    call_command("backup", output=tmp_path, stdout=io.StringIO())
    backup_set = _only_set(tmp_path)
    late = f.UserFactory(email="late@example.org")

    with pytest.raises(CommandError, match="already holds data.*--yes"):
        call_command("restore", str(backup_set), stdout=io.StringIO())
    assert User.objects.filter(pk=late.pk).exists()

    call_command("restore", str(backup_set), "--yes", stdout=io.StringIO())
    assert not User.objects.filter(pk=late.pk).exists()
    assert User.objects.filter(email="margit@example.org").exists()


def test_a_database_holding_only_what_migrate_writes_counts_as_empty(db):
    Platform.objects.all().delete()
    f.PlatformFactory(is_default=True)  # as tenancy's migration 0002 makes it
    assert backup.tables_with_data(connection) == []
    f.OrganisationFactory()
    held = dict(backup.tables_with_data(connection))
    assert held.keys() == {"tenancy_platform", "organisations_organisation"}


def _tamper_db_file(backup_set: Path) -> None:
    name = "db.sqlite3" if (backup_set / "db.sqlite3").exists() else "db.dump"
    with (backup_set / name).open("r+b") as stream:
        stream.seek(200)
        byte = stream.read(1)
        stream.seek(200)
        stream.write(bytes([byte[0] ^ 0xFF]))


def _tamper_row_count(backup_set: Path) -> None:
    path = backup_set / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["row_counts"]["accounts_user"] += 1
    path.write_text(json.dumps(manifest))


def _tamper_hash(backup_set: Path) -> None:
    path = backup_set / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["files"]["media.tar.gz"]["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))


@committed
@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_tamper_db_file, "does not match the manifest"),
        (_tamper_row_count, "altered or damaged"),
        (_tamper_hash, "altered or damaged"),
        (lambda s: (s / "media.tar.gz").unlink(), "missing.*incomplete"),
        (lambda s: (s / "manifest.json").unlink(), "no manifest.json"),
    ],
    ids=["database-file", "row-count", "hash-in-manifest", "media-missing", "no-manifest"],
)
def test_restore_refuses_a_tampered_or_incomplete_set(seeded, settings, tmp_path, tamper, message):
    call_command("backup", output=tmp_path / "sets", stdout=io.StringIO())
    backup_set = _only_set(tmp_path / "sets")
    tamper(backup_set)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    before = _snapshot()

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(backup_set), "--yes", stdout=io.StringIO())
    assert _snapshot() == before
    assert not (tmp_path / "restored-media").exists()


def _evil_archive(path: Path, member: tarfile.TarInfo) -> None:
    with tarfile.open(path, "w:gz") as archive:
        good = tarfile.TarInfo("covers/fine.jpg")
        good.size = 4
        archive.addfile(good, io.BytesIO(b"fine"))
        if member.isfile():
            member.size = 5
            archive.addfile(member, io.BytesIO(b"owned"))
        else:
            archive.addfile(member)


def _member(name: str, kind: bytes = tarfile.REGTYPE, target: str = "") -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type = kind
    member.linkname = target
    return member


@committed
@pytest.mark.parametrize(
    ("member", "message"),
    [
        (_member("../escaped.txt"), "outside the media folder"),
        (_member("covers/../../escaped.txt"), "outside the media folder"),
        (_member("/etc/cron.d/escaped"), "outside the media folder"),
        (_member("covers/link", tarfile.SYMTYPE, "/etc/passwd"), "link or a device"),
        (_member("covers/hard", tarfile.LNKTYPE, "../../escaped.txt"), "link or a device"),
        (_member("covers/dev", tarfile.CHRTYPE), "link or a device"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "symlink", "hardlink", "device"],
)
def test_restore_refuses_media_archives_reaching_outside_the_media_folder(
    seeded, settings, tmp_path, member, message
):
    call_command("backup", output=tmp_path / "sets", stdout=io.StringIO())
    backup_set = _only_set(tmp_path / "sets")
    # A set whose hashes all match, as an attacker who can write the sets would make it.
    _evil_archive(backup_set / "media.tar.gz", member)
    manifest = json.loads((backup_set / "manifest.json").read_text())
    manifest["files"]["media.tar.gz"] = backup.file_entry(backup_set / "media.tar.gz")
    del manifest["checksum"]
    backup.write_manifest(backup_set / "manifest.json", manifest)
    settings.MEDIA_ROOT = tmp_path / "deep" / "restored-media"

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(backup_set), "--yes", stdout=io.StringIO())
    assert not (tmp_path / "deep").exists()
    assert not (tmp_path / "escaped.txt").exists()


@committed
def test_restore_refuses_a_set_of_the_other_database_engine(seeded, tmp_path):
    call_command("backup", output=tmp_path, stdout=io.StringIO())
    backup_set = _only_set(tmp_path)
    manifest = json.loads((backup_set / "manifest.json").read_text())
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    own_file = manifest["database"]["file"]
    other_file = backup.DATABASE_FILES[other]
    (backup_set / own_file).rename(backup_set / other_file)
    manifest["database"].update(engine=other, file=other_file)
    manifest["files"][other_file] = manifest["files"].pop(own_file)
    del manifest["checksum"]
    backup.write_manifest(backup_set / "manifest.json", manifest)

    with pytest.raises(CommandError, match=f"holds a {other} database.*configured database"):
        call_command("restore", str(backup_set), "--yes", stdout=io.StringIO())


@committed
def test_a_failed_backup_leaves_no_set_behind(seeded, tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_archive_media", disk_full)
    with pytest.raises(CommandError, match="Backup failed.*No space left"):
        call_command("backup", output=tmp_path / "sets", stdout=io.StringIO())
    assert list((tmp_path / "sets").iterdir()) == []


@committed
def test_keep_prunes_the_oldest_sets_and_nothing_else(seeded, tmp_path):
    (tmp_path / "notes").mkdir()
    made = []
    for _ in range(3):
        call_command("backup", output=tmp_path, keep=2, stdout=io.StringIO())
        made.append(backup.list_sets(tmp_path)[-1])
    assert backup.list_sets(tmp_path) == made[1:]
    assert (tmp_path / "notes").is_dir()

    with pytest.raises(CommandError, match="--keep must be 1 or more"):
        call_command("backup", output=tmp_path, keep=0, stdout=io.StringIO())


@committed
def test_backup_goes_to_the_configured_directory_by_default(seeded, settings, tmp_path):
    settings.CROWDMOVING = {**settings.CROWDMOVING, "BACKUP_DIR": tmp_path / "configured"}
    call_command("backup", stdout=io.StringIO())
    assert len(backup.list_sets(tmp_path / "configured")) == 1


# pg_dump's failures do not need a PostgreSQL server: they happen before or instead of the dump.

PG_SETTINGS = {
    "NAME": "crowdmoving",
    "HOST": "db.internal",
    "PORT": 5432,
    "USER": "crowdmoving",
    "PASSWORD": "pa55-w0rd",
}


def _fake_pg_dump(bin_dir: Path, version: str, body: str = "exit 0") -> None:
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "pg_dump"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) {version}"; exit 0; fi\n'
        f"{body}\n"
    )
    script.chmod(0o755)


def test_a_missing_pg_dump_is_named_with_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backup.BackupError, match="pg_dump was not found on PATH.*client-15"):
        backup.find_pg_tool("pg_dump", server_major=15)
    with pytest.raises(backup.BackupError, match="pg_dump was not found"):
        backup.run_pg_dump(PG_SETTINGS, tmp_path / "db.dump")


def test_a_pg_dump_older_than_the_server_is_refused(tmp_path, monkeypatch):
    _fake_pg_dump(tmp_path / "bin", "13.4")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(backup.BackupError, match="PostgreSQL 13, older than the server.*15"):
        backup.find_pg_tool("pg_dump", server_major=15)
    assert backup.find_pg_tool("pg_dump", server_major=13) == str(tmp_path / "bin" / "pg_dump")


def test_a_failing_pg_dump_is_reported_and_never_sees_the_password_as_an_argument(
    tmp_path, monkeypatch
):
    record = tmp_path / "call.txt"
    _fake_pg_dump(
        tmp_path / "bin",
        "16.1",
        f'echo "$@" > {record}; echo "$PGPASSWORD $PGHOST $PGUSER" >> {record}; '
        'echo "pg_dump: error: connection refused" >&2; exit 1',
    )
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(backup.BackupError, match="pg_dump failed.*connection refused"):
        backup.run_pg_dump(PG_SETTINGS, tmp_path / "db.dump")
    arguments, environment = record.read_text().splitlines()
    assert "pa55-w0rd" not in arguments
    assert "--format=custom" in arguments
    assert "dbname='crowdmoving'" in arguments
    assert environment == "pa55-w0rd db.internal crowdmoving"


def test_backup_refuses_a_directory_the_web_server_serves(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(CommandError, match="inside MEDIA_ROOT.*serves to everyone"):
        call_command("backup", output=tmp_path / "media" / "backups", stdout=io.StringIO())
    assert not (tmp_path / "media" / "backups").exists()
