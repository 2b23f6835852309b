from celery import shared_task

from . import services


@shared_task
def send_reminders() -> int:
    """Daily (Celery beat): each member's digest of what is due soon or overdue."""
    return services.reminders_send()
