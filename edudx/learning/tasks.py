"""Background jobs of the learning app (Django Tasks API; a worker started by `run`)."""

from __future__ import annotations

from django_tasks import task


@task()
def message_email_task(message_id: int) -> int:
    """E-mail a class message to its recipients with an address (learning.services.messages)."""
    from .services.messages import message_email

    return message_email(message_id=message_id)
