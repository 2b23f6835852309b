from django.core.management.base import BaseCommand
from django.utils import timezone

from negotiations import services


class Command(BaseCommand):
    help = (
        "Email the sponsor owner of each newly overdue information request, once per "
        "request. For cron users; Celery beat runs the same job daily."
    )

    def handle(self, *args, **options):
        sent = services.overdue_reminders_send(today=timezone.localdate())
        self.stdout.write(f"{sent} reminder(s) sent.")
