"""Re-encrypt every stored two-factor secret with the current key."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from crowdmoving.accounts import mfa_secrets


class Command(BaseCommand):
    help = (
        "Re-encrypt the two-factor secrets (authenticator apps, recovery codes) with the key "
        "from MFA_ENCRYPTION_KEY, else SECRET_KEY. Run it after changing the key, with the old "
        "one still in MFA_ENCRYPTION_KEY_FALLBACKS / SECRET_KEY_FALLBACKS; then the old key can "
        "go. Secrets no configured key opens are left unchanged and counted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = unreadable = 0
        for pk in list(Authenticator.objects.order_by("pk").values_list("pk", flat=True)):
            with transaction.atomic():
                authenticator = Authenticator.objects.select_for_update().filter(pk=pk).first()
                if authenticator is None:  # deleted meanwhile
                    continue
                try:
                    data, changed = mfa_secrets.transform_data(
                        authenticator.data, mfa_secrets.rotate
                    )
                except mfa_secrets.UndecryptableSecret:
                    unreadable += 1
                    continue
                if changed:
                    Authenticator.objects.filter(pk=pk).update(data=data)
                    rotated += 1
        self.stdout.write(f"Re-encrypted {rotated} authenticator(s).")
        if unreadable:
            self.stderr.write(
                f"{unreadable} authenticator(s) could not be decrypted with any configured key "
                "and were left unchanged (docs/deploy.md: resetting two-factor authentication)."
            )
