"""django-auditlog's command to delete log entries, refused: the trail is
append-only (docs/deployment.md)."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Refused: the audit trail is append-only."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date")
        parser.add_argument("-t", "--truncate", action="store_true")

    def handle(self, *args, **options):
        raise CommandError(
            "The audit trail is append-only: entries are never deleted "
            "(see docs/deployment.md, 'The audit trail')."
        )
