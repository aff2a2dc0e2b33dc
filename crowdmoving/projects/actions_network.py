"""The network hub's one write: a platform's administrators show or hide its public projects
in the network (the hub's home page lists them, projects.selectors.network_projects_page)."""

from __future__ import annotations

from django.db import transaction

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.tenancy.models import Platform


def set_show_in_network(platform: Platform, show: bool, *, by: User) -> Platform:
    """Show (or hide) the platform's public projects on the hub, with an audit entry
    (SETTINGS_CHANGED) in the same transaction. Saving raises ``updated_at`` as every change
    of a platform's settings does. Choosing what is set already changes nothing."""
    with transaction.atomic():
        current = Platform.objects.select_for_update().get(pk=platform.pk)
        if current.show_in_network == show:
            return current
        current.show_in_network = show
        current.save(update_fields=["show_in_network", "updated_at"])
        record(
            Action.SETTINGS_CHANGED,
            actor=by,
            platform=current,
            target=current,
            fields=["show_in_network"],
            show_in_network=show,
        )
    return current
