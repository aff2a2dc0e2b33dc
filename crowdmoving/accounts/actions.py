"""Writes to a person's own account."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.projects.actions import touch_tasks
from crowdmoving.projects.models import Commitment

from .models import User

PROFILE_FIELDS = ("name", "visibility", "language")


def update_profile(user: User, data: dict[str, Any]) -> User:
    """Save name, visibility and language; the task cards that show this person's name are
    marked changed, on every platform. The audit log notes which settings changed (their names,
    not the values)."""
    fields = [f for f in PROFILE_FIELDS if f in data]
    with transaction.atomic():
        # A ModelForm has written the new values into ``user`` already: compare with the row.
        stored = User.objects.filter(pk=user.pk).values(*fields).first() or {}
        changed = [f for f in fields if stored.get(f) != data[f]]
        for field in PROFILE_FIELDS:
            if field in data:
                setattr(user, field, data[field])
        user.save(update_fields=[f for f in PROFILE_FIELDS if f in data])
        shown_on = Commitment._base_manager.filter(
            user=user, status__in=Commitment.HOLDING_A_PLACE
        ).values_list("task_id", flat=True)
        touch_tasks(list(shown_on))
        if changed:
            record(Action.SETTINGS_CHANGED, actor=user, subject=user, fields=changed)
    return user


def regenerate_calendar_token(user: User) -> str:
    """Give ``user`` a new secret for their calendar feed; the old address stops working."""
    user.calendar_token = secrets.token_urlsafe(24)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
