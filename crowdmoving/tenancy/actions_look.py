"""Writes to a platform's look and mail settings, by its administrators."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action

from .models import Platform

LOOK_FIELDS = (
    "name",
    "tagline",
    "primary_colour",
    "accent_colour",
    "social_links",
    "email_sender_name",
    "email_reply_to",
    "contact_email",
)


def update_look(
    platform: Platform,
    *,
    values: dict[str, Any],
    logo: ContentFile | None = None,
    favicon: ContentFile | None = None,
    remove_logo: bool = False,
    remove_favicon: bool = False,
    by: User,
) -> list[str]:
    """Set the platform's look and mail settings to ``values`` (the keys of LOOK_FIELDS that
    are given), store a new ``logo``/``favicon`` (already checked and re-encoded, see
    tenancy.forms.LookForm) or remove them. One transaction: the row, with ``updated_at`` raised
    (cached pages show the new look at once), and the audit entry naming the changed fields.
    Replaced or removed files are deleted once the transaction has committed.

    Returns the names of the changed fields; nothing is written when nothing changed."""
    with transaction.atomic():
        current = Platform.objects.select_for_update().get(pk=platform.pk)
        changed = [
            name
            for name in LOOK_FIELDS
            if name in values and getattr(current, name) != values[name]
        ]
        for name in changed:
            setattr(current, name, values[name])
        gone: list[str] = []
        for field, upload, remove in (
            ("logo", logo, remove_logo),
            ("favicon", favicon, remove_favicon),
        ):
            file = getattr(current, field)
            if upload is None and not (remove and file):
                continue
            if file:
                gone.append(file.name)
            if upload is not None:
                # Written to the storage now (under a new random name); the row points at it
                # only if the transaction commits.
                file.save(upload.name, upload, save=False)
            else:
                setattr(current, field, "")
            changed.append(field)
        if not changed:
            return []
        current.save(update_fields=[*changed, "updated_at"])
        record(
            Action.SETTINGS_CHANGED,
            actor=by,
            platform=current,
            target=current,
            fields=sorted(changed),
        )
        storage: Storage = current.logo.storage
        for name in gone:
            transaction.on_commit(lambda name=name: storage.delete(name))  # type: ignore[misc]
    return changed
