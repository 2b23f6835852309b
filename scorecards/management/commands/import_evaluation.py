from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partners.models import CultureInterview, Finding, SiteVisit
from scorecards.bundles.errors import InvalidBundle
from scorecards.bundles.importer import import_bundle
from scorecards.bundles.limits import read_bundle
from scorecards.models import Rating, Scorecard


class Command(BaseCommand):
    help = (
        "Create an evaluation from a bundle (BUNDLE.md). Every problem is reported "
        "with its JSON path, and then nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the bundle, a JSON file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as f:
                data = f.read(settings.BUNDLE_MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            evaluation = import_bundle(read_bundle(data))
        except InvalidBundle as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} problem(s) in {file}; nothing was imported."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {summary(evaluation)}"))


def summary(evaluation) -> str:
    """ "abx101-ds: 4 candidates, 120 ratings, …" for the command's output."""
    of_evaluation = {"candidate__evaluation": evaluation}
    counts = {
        "candidates": evaluation.candidates.count(),
        "members": evaluation.memberships.count(),
        "scorecards": Scorecard.objects.filter(plan__evaluation=evaluation).count(),
        "ratings": Rating.objects.filter(**of_evaluation).count(),
        "interviews": CultureInterview.objects.filter(**of_evaluation).count(),
        "site visits": SiteVisit.objects.filter(**of_evaluation).count(),
        "findings": Finding.objects.filter(**of_evaluation).count(),
    }
    return f"{evaluation.key}: " + ", ".join(
        f"{n} {what}" for what, n in counts.items()
    )
