from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_overdue_reminders() -> int:
    """Daily (Celery beat): email the owners of newly overdue information requests."""
    return services.overdue_reminders_send(today=timezone.localdate())
