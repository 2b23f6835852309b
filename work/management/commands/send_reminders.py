from django.core.management.base import BaseCommand

from work import services


class Command(BaseCommand):
    help = (
        "E-mail each member their digest of what is due soon or overdue (daily, or "
        "on Mondays for those who chose weekly); each item once per threshold. Run "
        "it daily from cron in the embedded default; Celery beat runs the same job."
    )

    def handle(self, *args, **options):
        sent = services.reminders_send()
        self.stdout.write(f"{sent} digest(s) sent.")
