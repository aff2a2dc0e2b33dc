"""Backup sets of the database and the uploaded media, and restoring them.

A set is one directory ``crowdmoving-<UTC time>/`` holding

- ``db.sqlite3`` (SQLite, written with the online backup API from the live database, never a
  copy of the live file) or ``db.dump`` (PostgreSQL, ``pg_dump -Fc``);
- ``media.tar.gz``, every file below MEDIA_ROOT (an empty archive when there are none);
- ``manifest.json``: when, the engine, the applied migrations per app, the row count of every
  table (read from the same snapshot as the dump) and the sha256 of each file.

A set is built in a hidden directory beside the others and renamed into place only when it is
complete, so a directory with a manifest is always a whole set. Restoring checks the manifest
and every hash before it touches anything, and afterwards that the row counts match."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess  # noqa: S404  # nosec B404  # pg_dump/pg_restore: argument lists, no shell
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DATABASE_FILES = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}
SET_NAME = re.compile(r"^crowdmoving-(?P<when>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?$")
PARTIAL_PREFIX = ".partial-"
STALE_PARTIAL_SECONDS = 24 * 3600
MIGRATIONS_TABLE = "django_migrations"
# Rows a fresh `migrate` writes by itself; a database holding only these counts as empty.
# None: any number; n: at most n rows (tenancy 0002 creates the default platform).
ROWS_WRITTEN_BY_MIGRATE: dict[str, int | None] = {
    MIGRATIONS_TABLE: None,
    "django_content_type": None,
    "auth_permission": None,
    "tenancy_platform": 1,
}
# libpq reads these from the environment; the password never appears on a command line.
_LIBPQ_SETTINGS = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSet:
    path: Path
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    media_files: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _DatabaseDump:
    engine: str
    file: str
    migrations: dict[str, list[str]]
    row_counts: dict[str, int]
    details: dict[str, Any]


def default_backup_dir() -> Path:
    """CROWDMOVING["BACKUP_DIR"] (the BACKUP_DIR environment variable), else var/backups."""
    configured = settings.CROWDMOVING.get("BACKUP_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "backups"


# --- backing up ---------------------------------------------------------------------------


def create_backup(output_dir: Path, *, using: str = DEFAULT_DB_ALIAS) -> BackupSet:
    """Write one complete backup set below ``output_dir`` and return it, or raise BackupError
    and leave nothing behind. Must run outside a transaction (the PostgreSQL snapshot)."""
    connection = connections[using]
    engine = _engine(connection)
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if output_dir.resolve().is_relative_to(media_root):
        raise BackupError(
            f"The backup directory {output_dir} is inside MEDIA_ROOT ({media_root}), which the "
            "web server serves to everyone: choose a directory outside it."
        )
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    started = datetime.now(UTC)
    # mkdtemp makes the directory 0700: the set holds personal data.
    partial = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=output_dir))
    try:
        db_file = partial / DATABASE_FILES[engine]
        if engine == "sqlite":
            dump = _dump_sqlite(connection, db_file)
        else:
            dump = _dump_postgresql(connection, db_file)
        media_files, media_bytes = _archive_media(media_root, partial / MEDIA_ARCHIVE)
        manifest = {
            "format": FORMAT,
            "created_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "host": socket.gethostname(),
            "django": django.get_version(),
            "database": {"engine": engine, "file": dump.file, **dump.details},
            "migrations": dump.migrations,
            "row_counts": dump.row_counts,
            "media": {"files": media_files, "bytes": media_bytes},
            "files": {name: file_entry(partial / name) for name in (dump.file, MEDIA_ARCHIVE)},
        }
        write_manifest(partial / MANIFEST, manifest)
        _fsync_directory(partial)
        final = _move_into_place(partial, output_dir, started)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupSet(final, read_manifest(final))


def prune_sets(output_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` complete sets in ``output_dir`` (and hidden partial
    directories older than a day, left by a killed run); return the deleted sets."""
    if keep < 1:
        raise BackupError("Keep at least one backup set (--keep 1 or more).")
    doomed = list_sets(output_dir)[:-keep]
    for path in doomed:
        shutil.rmtree(path)
    for path in output_dir.glob(PARTIAL_PREFIX + "*"):
        if path.is_dir() and time.time() - path.stat().st_mtime > STALE_PARTIAL_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
    return doomed


def list_sets(output_dir: Path) -> list[Path]:
    """The complete sets in ``output_dir``, oldest first."""
    if not output_dir.is_dir():
        return []
    return sorted(
        (path for path in output_dir.iterdir() if _is_set(path)), key=lambda p: _set_order(p.name)
    )


def _is_set(path: Path) -> bool:
    return path.is_dir() and bool(SET_NAME.match(path.name)) and (path / MANIFEST).is_file()


def _set_order(name: str) -> tuple[str, int]:
    match = SET_NAME.match(name)
    assert match is not None  # noqa: S101  # only called for names that matched
    return match["when"], int(match["n"] or 1)


def _move_into_place(partial: Path, output_dir: Path, started: datetime) -> Path:
    base = f"crowdmoving-{started:%Y%m%dT%H%M%SZ}"
    for n in range(1, 1000):
        final = output_dir / (base if n == 1 else f"{base}-{n}")
        if final.exists():
            continue
        try:
            # The rename is the commit: before it there is no set, after it a whole one.
            partial.rename(final)
        except OSError:
            if final.exists():  # another backup took the name in the meantime
                continue
            raise
        _fsync_directory(output_dir)
        return final
    raise BackupError(f"Too many backup sets named {base} in {output_dir}.")


def _engine(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            f"Backups support SQLite and PostgreSQL, not {connection.vendor} "
            f"(database {connection.alias!r})."
        )
    return connection.vendor


def _model_tables(connection: BaseDatabaseWrapper) -> list[str]:
    tables = set(connection.introspection.django_table_names(only_existing=True))
    if MIGRATIONS_TABLE in connection.introspection.table_names():
        tables.add(MIGRATIONS_TABLE)
    return sorted(tables)


def _read_state(
    cursor: Any, tables: Iterable[str], quote: Callable[[str], str]
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """The applied migrations per app and the row count of each table, through ``cursor``."""
    counts: dict[str, int] = {}
    for table in tables:
        # Table names come from Django's introspection, quoted by the backend.
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608  # nosec B608
        counts[table] = int(cursor.fetchone()[0])
    migrations: dict[str, list[str]] = {}
    if MIGRATIONS_TABLE in counts:
        cursor.execute(f"SELECT app, name FROM {quote(MIGRATIONS_TABLE)} ORDER BY app, name")  # noqa: S608  # nosec B608
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return migrations, counts


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _dump_sqlite(connection: BaseDatabaseWrapper, target: Path) -> _DatabaseDump:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    if not Path(name).is_file():
        raise BackupError(f"The SQLite database {name} does not exist.")
    tables = _model_tables(connection)
    source = sqlite3.connect(name, timeout=20)
    copy = sqlite3.connect(target)
    try:
        # The online backup API: one step (pages=-1) under a read lock gives a consistent
        # snapshot of the live database, WAL included; copying the file would not.
        source.backup(copy)
        # A single self-contained file: no -wal/-shm beside it in the set.
        copy.execute("PRAGMA journal_mode=DELETE")
        migrations, counts = _read_state(copy.cursor(), tables, _sqlite_quote)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite backup of {name} failed: {error}") from error
    finally:
        copy.close()
        source.close()
    _fsync_file(target)
    return _DatabaseDump(
        "sqlite", target.name, migrations, counts, {"sqlite_version": sqlite3.sqlite_version}
    )


def _dump_postgresql(connection: BaseDatabaseWrapper, target: Path) -> _DatabaseDump:
    connection.ensure_connection()
    server_version = int(getattr(connection, "pg_version", 0))
    server_major = server_version // 10000
    pg_dump = find_pg_tool("pg_dump", server_major=server_major)
    tables = _model_tables(connection)
    try:
        with transaction.atomic(using=connection.alias, durable=True):
            with connection.cursor() as cursor:
                # Counts and dump from one snapshot, so the manifest describes this dump.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                migrations, counts = _read_state(cursor, tables, connection.ops.quote_name)
                run_pg_dump(connection.settings_dict, target, pg_dump=pg_dump, snapshot=snapshot)
    except RuntimeError as error:  # durable=True inside another transaction
        raise BackupError("Run the backup outside a database transaction.") from error
    _fsync_file(target)
    return _DatabaseDump(
        "postgresql",
        target.name,
        migrations,
        counts,
        {"server_version": server_version, "pg_dump_major": tool_major(pg_dump)},
    )


def find_pg_tool(name: str, *, server_major: int | None = None, against: str = "the server") -> str:
    """The path of pg_dump/pg_restore on PATH, checked to be of major version
    ``server_major`` (that of ``against``) or newer."""
    path = shutil.which(name)
    wanted = server_major or "<server major version>"
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools of "
            f"{against}'s major version or newer (Debian/Ubuntu: apt-get install "
            f"postgresql-client-{wanted}), or put their bin directory first on PATH."
        )
    major = tool_major(path)
    if server_major and major < server_major:
        raise BackupError(
            f"{name} is PostgreSQL {major}, older than {against} (PostgreSQL {server_major}). "
            f"{name} must be of that major version or newer: install "
            f"postgresql-client-{server_major} and put /usr/lib/postgresql/{server_major}/bin "
            f"first on PATH."
        )
    return path


def tool_major(path: str) -> int:
    """The major version a PostgreSQL client tool reports (``pg_dump (PostgreSQL) 15.20``)."""
    try:
        # The tool found on PATH or configured by the operator; an argument list, no shell.
        result = subprocess.run(  # noqa: S603  # nosec B603
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as error:
        raise BackupError(f"Could not run {path} --version: {error}") from error
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", result.stdout)
    if result.returncode != 0 or match is None:
        raise BackupError(
            f"Could not read the version of {path}: {(result.stdout + result.stderr).strip()}"
        )
    return int(match[1])


def libpq_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The environment for a libpq tool connecting as Django does (password in PGPASSWORD)."""
    env = dict(os.environ)
    for key, variable in _LIBPQ_SETTINGS.items():
        value = settings_dict.get(key)
        if value not in (None, ""):
            env[variable] = str(value)
    for key, variable in _LIBPQ_OPTIONS.items():
        value = (settings_dict.get("OPTIONS") or {}).get(key)
        if value not in (None, ""):
            env[variable] = str(value)
    return env


def _conninfo_dbname(name: str) -> str:
    """``dbname='...'`` as a libpq connection string, so no database name is misread."""
    return "dbname='" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _run_pg_tool(args: list[str], settings_dict: Mapping[str, Any], what: str) -> None:
    try:
        # pg_dump/pg_restore with arguments we build; an argument list, no shell.
        result = subprocess.run(  # noqa: S603  # nosec B603
            args, env=libpq_environment(settings_dict), capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise BackupError(f"Could not run {args[0]}: {error}") from error
    if result.returncode != 0:
        raise BackupError(
            f"{what} failed (exit status {result.returncode}): "
            f"{result.stderr.strip() or result.stdout.strip() or 'no output'}"
        )


def run_pg_dump(
    settings_dict: Mapping[str, Any],
    target: Path,
    *,
    pg_dump: str | None = None,
    snapshot: str | None = None,
) -> None:
    """``pg_dump -Fc`` of the database in ``settings_dict`` into ``target``."""
    pg_dump = pg_dump or find_pg_tool("pg_dump")
    args = [pg_dump, "--format=custom", "--no-password", f"--file={target}"]
    if snapshot:
        args.append(f"--snapshot={snapshot}")
    args.append(f"--dbname={_conninfo_dbname(str(settings_dict['NAME']))}")
    _run_pg_tool(args, settings_dict, "pg_dump")


def _archive_media(media_root: Path, target: Path) -> tuple[int, int]:
    """Write every regular file below ``media_root`` to a tar.gz; return (files, bytes).
    Symbolic links are left out: the restore would refuse them."""
    files = size = 0
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        if media_root.is_dir():
            for directory, dirnames, filenames in os.walk(media_root):
                dirnames.sort()
                base = Path(directory)
                for name in sorted(filenames):
                    path = base / name
                    if path.is_symlink() or not path.is_file():
                        continue
                    try:
                        archive.add(path, arcname=path.relative_to(media_root).as_posix())
                    except FileNotFoundError:  # deleted while we walked (a replaced cover)
                        continue
                    files += 1
                    size += path.stat().st_size if path.exists() else 0
    _fsync_file(target)
    return files, size


# --- the manifest ---------------------------------------------------------------------------


def file_entry(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return {"sha256": digest.hexdigest(), "bytes": path.stat().st_size}


def _manifest_checksum(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(
        {key: value for key, value in body.items() if key != "checksum"},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def write_manifest(path: Path, body: Mapping[str, Any]) -> None:
    """Write the manifest with a checksum over its own content (catches corruption and hand
    edits; it is no signature: protect the sets themselves, see docs/deploy.md)."""
    sealed = {**body, "checksum": _manifest_checksum(body)}
    with path.open("w", encoding="utf-8") as stream:
        json.dump(sealed, stream, indent=2, sort_keys=True)
        stream.write("\n")
        stream.flush()
        os.fsync(stream.fileno())


def read_manifest(set_dir: Path) -> dict[str, Any]:
    path = set_dir / MANIFEST
    if not set_dir.is_dir():
        raise BackupError(f"{set_dir} is not a directory.")
    if not path.is_file():
        raise BackupError(
            f"{set_dir} has no {MANIFEST}: it is not a backup set, or an incomplete one."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup manifest of format {FORMAT}.")
    if manifest.get("checksum") != _manifest_checksum(manifest):
        raise BackupError(f"{path} was altered or damaged (its checksum does not match).")
    return manifest


def verify_set(set_dir: Path) -> dict[str, Any]:
    """The manifest of ``set_dir`` once every file it needs is present and matches its sha256;
    otherwise BackupError naming what is wrong."""
    manifest = read_manifest(set_dir)
    engine = manifest.get("database", {}).get("engine")
    if engine not in DATABASE_FILES:
        raise BackupError(f"The manifest names an unknown database engine: {engine!r}.")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise BackupError("The manifest lists no files.")
    for required in (DATABASE_FILES[engine], MEDIA_ARCHIVE):
        if required not in files:
            raise BackupError(f"The manifest does not list {required}: the set is incomplete.")
    for name, expected in files.items():
        if name != Path(name).name or name.startswith("."):
            raise BackupError(f"The manifest lists a file outside the set: {name!r}.")
        path = set_dir / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from {set_dir}: the set is incomplete.")
        actual = file_entry(path)
        if actual != expected:
            raise BackupError(
                f"{name} does not match the manifest (sha256 {actual['sha256'][:12]}…, "
                f"{actual['bytes']} bytes; expected {str(expected.get('sha256'))[:12]}…, "
                f"{expected.get('bytes')} bytes): the set was altered or damaged."
            )
    return manifest


# --- restoring ------------------------------------------------------------------------------


def restore_backup(
    set_dir: Path, *, replace: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Restore ``set_dir`` into the database ``using`` and MEDIA_ROOT.

    Checks first, changes nothing until all pass: the manifest and every sha256, the engine,
    the media archive's members (regular files and directories below MEDIA_ROOT only), and
    that the database is empty unless ``replace``. Afterwards the row count of every table
    must equal the manifest's."""
    manifest = verify_set(set_dir)
    connection = connections[using]
    engine = _engine(connection)
    if manifest["database"]["engine"] != engine:
        raise BackupError(
            f"This set holds a {manifest['database']['engine']} database, but the configured "
            f"database is {engine}. Restore it into a {manifest['database']['engine']} "
            "database (moving between engines is not supported)."
        )
    archive = set_dir / MEDIA_ARCHIVE
    check_media_archive(archive)
    pg_restore = None
    if engine == "postgresql":
        pg_restore = find_pg_tool(
            "pg_restore",
            server_major=manifest["database"].get("pg_dump_major"),
            against="the pg_dump that wrote this set",
        )
    if not replace:
        held = tables_with_data(connection)
        if held:
            listed = ", ".join(f"{table} ({rows})" for table, rows in held[:5])
            more = f" and {len(held) - 5} more tables" if len(held) > 5 else ""
            raise BackupError(
                f"The database {connection.settings_dict['NAME']} already holds data: "
                f"{listed}{more}. Restoring replaces it. Point DATABASE_URL at an empty "
                "database, or run again with --yes to replace what is there."
            )
    database_file = set_dir / DATABASE_FILES[engine]
    if engine == "sqlite":
        _restore_sqlite(connection, database_file)
    else:
        assert pg_restore is not None  # noqa: S101  # set above for PostgreSQL
        _restore_postgresql(connection, database_file, pg_restore)
    expected = manifest.get("row_counts", {})
    try:
        with connection.cursor() as cursor:
            _, restored = _read_state(cursor, expected, connection.ops.quote_name)
    except DatabaseError as error:
        raise BackupError(f"The restored database cannot be counted: {error}") from error
    wrong = {t: (n, restored[t]) for t, n in expected.items() if restored.get(t) != n}
    if wrong:
        listed = ", ".join(f"{t}: {got} rows, expected {n}" for t, (n, got) in wrong.items())
        raise BackupError(f"The restored database does not match the manifest: {listed}.")
    media_files = extract_media(archive, Path(settings.MEDIA_ROOT))
    return RestoreResult(
        manifest=manifest,
        tables=len(restored),
        rows=sum(restored.values()),
        media_files=media_files,
        notes=_migration_notes(manifest.get("migrations", {})),
    )


def tables_with_data(connection: BaseDatabaseWrapper) -> list[tuple[str, int]]:
    """Tables holding rows beyond what `migrate` writes itself, with their row counts."""
    with connection.cursor() as cursor:
        _, counts = _read_state(cursor, _model_tables(connection), connection.ops.quote_name)
    held = []
    for table, rows in counts.items():
        allowed = ROWS_WRITTEN_BY_MIGRATE.get(table, 0)
        if allowed is not None and rows > allowed:
            held.append((table, rows))
    return held


def _restore_sqlite(connection: BaseDatabaseWrapper, source: Path) -> None:
    target = str(connection.settings_dict["NAME"])
    connection.close()  # the backup API needs the target without Django's open transaction
    backup = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    database = sqlite3.connect(target, timeout=20)
    try:
        backup.backup(database)
    except sqlite3.Error as error:
        raise BackupError(f"Restoring into {target} failed: {error}") from error
    finally:
        database.close()
        backup.close()


def _restore_postgresql(connection: BaseDatabaseWrapper, dump: Path, pg_restore: str) -> None:
    connection.close()
    args = [
        pg_restore,
        "--clean",
        "--if-exists",
        "--no-owner",
        # All or nothing: a failed restore leaves the database as it was.
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={_conninfo_dbname(str(connection.settings_dict['NAME']))}",
        str(dump),
    ]
    _run_pg_tool(args, connection.settings_dict, "pg_restore")


def check_media_archive(archive: Path) -> int:
    """Refuse an archive with anything but regular files and directories below its root
    (absolute names, "..", links, devices); return the number of files."""
    files = 0
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                name = PurePosixPath(member.name)
                if name.is_absolute() or ".." in name.parts or "\\" in member.name:
                    raise BackupError(
                        f"{archive.name} holds {member.name!r}, a path outside the media "
                        "folder: refused."
                    )
                if not (member.isfile() or member.isdir()):
                    raise BackupError(
                        f"{archive.name} holds {member.name!r}, which is a link or a device, "
                        "not a file: refused."
                    )
                files += member.isfile()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive.name} cannot be read: {error}") from error
    return files


def extract_media(archive: Path, media_root: Path) -> int:
    """Extract the checked archive into ``media_root`` (existing files with the same names are
    overwritten, others kept); return the number of files."""
    files = check_media_archive(archive)
    media_root.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # The data filter refuses again what check_media_archive refused, and drops
            # modes and owners from the archive.
            tar.extractall(media_root, filter="data")  # noqa: S202
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Extracting {archive.name} into {media_root} failed: {error}") from error
    return files


def _migration_notes(backup: Mapping[str, list[str]]) -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    in_code = set(loader.disk_migrations)
    in_backup = {(app, name) for app, names in backup.items() for name in names}
    notes = []
    unknown = sorted(in_backup - in_code)
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        notes.append(
            f"The backup has {len(unknown)} migration(s) this code does not know ({listed}): "
            "it was made by a newer version. Run that version with it."
        )
    pending = sorted(in_code - in_backup)
    if pending:
        notes.append(
            f"This code has {len(pending)} migration(s) the backup lacks: run "
            "`manage.py migrate` next."
        )
    return notes


# --- durability -----------------------------------------------------------------------------


def _fsync_file(path: Path) -> None:
    with path.open("rb") as stream:
        os.fsync(stream.fileno())


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
