"""Write one backup set (database, uploaded media, manifest); optionally prune older sets."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from crowdmoving.core.backup import BackupError, create_backup, default_backup_dir, prune_sets


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump -Fc) and the "
        "uploaded media into one timestamped directory with a manifest of sha256 sums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Directory of the backup sets (default: CROWDMOVING['BACKUP_DIR'], set by the "
            "BACKUP_DIR environment variable, else var/backups).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="After a successful backup, delete all but the newest N sets (default: keep all).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args: object, **options: object) -> None:
        keep = None if options["keep"] is None else int(str(options["keep"]))
        if keep is not None and keep < 1:
            raise CommandError("--keep must be 1 or more.")
        output = Path(str(options["output"])) if options["output"] else default_backup_dir()
        try:
            backup = create_backup(output, using=str(options["database"]))
        except (BackupError, OSError, DatabaseError) as error:
            raise CommandError(f"Backup failed: {error}") from error
        try:
            removed = prune_sets(output, keep) if keep else []
        except (BackupError, OSError) as error:
            raise CommandError(
                f"Backup {backup.path} written, but pruning failed: {error}"
            ) from error
        if int(str(options.get("verbosity", 1))) > 0:
            manifest = backup.manifest
            rows = sum(manifest["row_counts"].values())
            size = sum(entry["bytes"] for entry in manifest["files"].values())
            self.stdout.write(
                f"Backup set {backup.path}: {manifest['database']['engine']} database "
                f"({len(manifest['row_counts'])} tables, {rows} rows), "
                f"{manifest['media']['files']} media file(s), {size / 2**20:.1f} MB."
            )
            for path in removed:
                self.stdout.write(f"Removed older set {path.name}")
