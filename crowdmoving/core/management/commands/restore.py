"""Restore a backup set written by `manage.py backup` into the configured database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from crowdmoving.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup set (database and media) after checking its manifest and sha256 "
        "sums. Refuses a database that already holds data unless --yes is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup_set", type=Path, help="The set's directory.")
        parser.add_argument(
            "--yes",
            "--force",
            action="store_true",
            dest="replace",
            help="Replace the data in a database that is not empty.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args: object, **options: object) -> None:
        backup_set = Path(str(options["backup_set"]))
        try:
            result = restore_backup(
                backup_set, replace=bool(options["replace"]), using=str(options["database"])
            )
        except (BackupError, OSError, DatabaseError) as error:
            raise CommandError(f"Restore refused or failed: {error}") from error
        for note in result.notes:
            self.stderr.write(self.style.WARNING(note))
        if int(str(options.get("verbosity", 1))) > 0:
            self.stdout.write(
                f"Restored {backup_set} (made {result.manifest['created_at']}): "
                f"{result.tables} tables, {result.rows} rows (as in the manifest), "
                f"{result.media_files} media file(s)."
            )
