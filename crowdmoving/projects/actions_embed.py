"""The embedding's one write: which websites may show an organisation's projects in a frame
(projects.embed explains the rules; views_embed the pages)."""

from __future__ import annotations

from django.db import transaction

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.organisations.models import Organisation


def set_embed_origins(organisation: Organisation, origins: list[str], *, by: User) -> bool:
    """Store ``origins`` (already parsed by embed.parse_origins: valid, normalised, no
    duplicates) as the websites that may frame the organisation's embeds, with an audit entry
    (SETTINGS_CHANGED, listing the origins: they decide who may frame the platform) in the same
    transaction. Returns whether anything changed; storing the same list again writes nothing."""
    text = "\n".join(origins)
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if current.embed_origins == text:
            organisation.embed_origins = text
            return False
        before = [line for line in current.embed_origins.splitlines() if line.strip()]
        current.embed_origins = text
        current.save(update_fields=["embed_origins"])
        record(
            Action.SETTINGS_CHANGED,
            actor=by,
            platform=current.platform,
            target=current,
            fields=["embed_origins"],
            added=[origin for origin in origins if origin not in before],
            removed=[origin for origin in before if origin not in origins],
        )
    organisation.embed_origins = text
    return True
