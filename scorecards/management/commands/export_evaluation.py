from django.core.management.base import BaseCommand, CommandError

from partners.models import Evaluation
from scorecards.bundles.exporter import dumps, export_bundle


class Command(BaseCommand):
    help = "Print an evaluation as a bundle (BUNDLE.md), or write it to --out."

    def add_arguments(self, parser):
        parser.add_argument("key", help="the evaluation's key")
        parser.add_argument("--out", help="write the JSON to this file")

    def handle(self, *args, key, out=None, **options):
        evaluation = Evaluation.objects.filter(key=key).first()
        if evaluation is None:
            raise CommandError(f"No evaluation with the key {key!r}.")
        text = dumps(export_bundle(evaluation))
        if out:
            with open(out, "w", encoding="utf-8") as f:
                f.write(text)
            self.stderr.write(f"Wrote {out}")
        else:
            self.stdout.write(text, ending="")
