"""Compile the .po catalogues to .mo in pure Python, so no GNU gettext is needed to run."""

from pathlib import Path

import polib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po file below LOCALE_PATHS into its .mo file (when out of date)."

    def handle(self, *args: object, **options: object) -> None:
        compiled = 0
        for root in settings.LOCALE_PATHS:
            for po_path in Path(root).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        if int(str(options.get("verbosity", 1))) > 0:
            self.stdout.write(f"{compiled} catalogue(s) compiled")
