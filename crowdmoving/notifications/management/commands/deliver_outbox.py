from django.core.management.base import BaseCommand

from crowdmoving.notifications.outbox import deliver_due


class Command(BaseCommand):
    help = "Deliver every pending outbox message that is due (a safety net beside the worker)."

    def handle(self, *args: object, **options: object) -> None:
        sent = deliver_due()
        self.stdout.write(f"{sent} message(s) delivered")
