from django.core.management.base import BaseCommand

from scorecards.bundles.demo import DEMO_PASSWORD, USERS, load_demo


class Command(BaseCommand):
    help = "Load the demo evaluations (from their bundles) and users; safe twice."

    def handle(self, *args, **options):
        evaluations = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo loaded: " + ", ".join(e.name for e in evaluations) + "."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, _email, staff in USERS:
            note = " (staff: /admin/)" if staff else ""
            self.stdout.write(f"  {username:<12} {first} {last}{note}")
