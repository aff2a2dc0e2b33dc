from django_tasks import task

from . import outbox


@task()
def deliver_outbox_message(message_id: int) -> bool:
    return outbox.deliver(message_id)
