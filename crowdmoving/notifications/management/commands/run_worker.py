"""Start the background worker with its periodic tick: ``manage.py run_worker`` takes the
options of ``db_worker``."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Command as DBWorker

from crowdmoving.notifications.tasks import ensure_tick

BASE_OPTIONS = {"verbosity", "settings", "pythonpath", "traceback", "no_color", "force_color"}


class Command(BaseCommand):
    help = (
        "Make sure one periodic tick is pending (reminders, nudges, digests, expired holds, "
        "due mails; it schedules itself again every minute), then run db_worker with the "
        "given options."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        DBWorker().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if ensure_tick():
            self.stdout.write("Scheduled the periodic tick.")
        worker_options = {k: v for k, v in options.items() if k not in BASE_OPTIONS - {"verbosity"}}
        call_command("db_worker", **worker_options)
