import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from partners.models import Evaluation
from scorecards.alignment.services import alignment_ensure_fresh
from scorecards.models import AlignmentResult
from scorecards.setup.selectors import selection_plan


class Command(BaseCommand):
    help = (
        "Show an evaluation's alignment results, computing them first when they are "
        'missing or stale. --json prints the BUNDLE.md "Results" document.'
    )

    def add_arguments(self, parser):
        parser.add_argument("key", help="the evaluation's key")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print JSON"
        )

    def handle(self, *args, key, as_json=False, **options):
        evaluation = Evaluation.objects.filter(key=key).first()
        if evaluation is None:
            raise CommandError(f"No evaluation with the key {key!r}.")
        state = alignment_ensure_fresh(plan_id=selection_plan(evaluation).pk)
        run = state.current_run
        if run is None:
            raise CommandError(
                f"The results of {key} cannot be computed: {state.last_error or '?'}"
            )
        if as_json:
            self.stdout.write(_dumps(run.results))
        else:
            self._table(run)

    def _table(self, run) -> None:
        standing = dict(
            AlignmentResult.objects.filter(run=run).values_list(
                "candidate__cdmo__key", "standing"
            )
        )
        doc = run.results
        self.stdout.write(f"{doc['evaluation']} as of {doc['as_of']}")
        header = ("rank", "CDMO", "overall", "standing", "coverage", "confidence")
        rows = [
            (
                str(c["rank"]),
                c["cdmo"] + ("" if c["qualified"] else " (disqualified)"),
                _num(c["overall"]),
                standing.get(c["cdmo"]) or "—",
                _num(c["coverage"]) + " %",
                c["confidence"],
                ", ".join(c["flags"]) or "—",
            )
            for c in doc["candidates"]
        ]
        widths = [
            max(len(r[i]) for r in [header, *[r[:6] for r in rows]])
            for i in range(len(header))
        ]
        line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
        self.stdout.write(line + "  flags")
        for row in rows:
            cells = "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False))
            self.stdout.write(cells + "  " + row[-1])


def _num(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def _dumps(doc) -> str:
    return jsonlib.dumps(doc, indent=2, ensure_ascii=False)
