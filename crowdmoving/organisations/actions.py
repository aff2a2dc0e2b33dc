"""Writes to organisations and memberships."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from crowdmoving.accounts.models import User
from crowdmoving.tenancy.models import Platform

from .models import Membership, Organisation, Role

SLUG_ATTEMPTS = 50


def create_organisation(platform: Platform, creator: User, data: dict[str, Any]) -> Organisation:
    """A new organisation on ``platform`` with ``creator`` as its owner. The slug comes from
    the name and is made unique on the platform by a number (the unique constraint decides,
    so two people founding "KRASS e.V." at once both succeed)."""
    base = slugify(data["name"])[:50].strip("-") or "organisation"
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        slug = base if attempt == 1 else f"{base}-{attempt}"
        if Organisation.objects.filter(slug=slug).exists():
            continue
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(platform=platform, slug=slug, **data)
                Membership.objects.create(organisation=organisation, user=creator, role=Role.OWNER)
                return organisation
        except IntegrityError:
            continue
    raise RuntimeError(f"no free slug for {base!r}")
