from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_overdue_reminders() -> int:
    """One e-mail per newly overdue information request. Superseded in the beat
    schedule by the daily digest (`work.tasks.send_reminders`), which mentions an
    overdue request once too; kept for installations that call it."""
    return services.overdue_reminders_send(today=timezone.localdate())
