from django_scopes import scopes_disabled
from django_tasks import task

from . import actions


@task()
def release_hold(commitment_id: int) -> bool:
    """Scheduled for the moment a visitor's held place expires."""
    with scopes_disabled():
        return actions.release_expired_hold(commitment_id)
