"""The recompute job against PostgreSQL, measured against the bare aggregate.

Scale case of issue #6: 200 candidates x 60 rated criteria x 20 evaluators
(240,000 scorecard ratings), two derived criteria and negotiation records, in a
database of its own (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
cdmo_eval_bench), created and filled on the first run and reused afterwards.

Figures, each the median of several runs in the same process:
- floor: `SELECT candidate, criterion, avg, stddev, count, min, max ... GROUP BY` over
  the ratings table, the least any recompute must do;
- recompute: `alignment_recompute` from reading the inputs to the results written
  and made current, without and with the sensitivity analysis (2,000 draws).
"""

import os
import statistics
import time

from .scale import CANDIDATES, CATEGORIES, EVALUATORS, PER_CATEGORY

BENCH_DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cdmo_eval_bench"
)
RUNS = 11
KEY = "bench-200"

FLOOR_SQL = """
SELECT candidate_id, criterion_id, avg(score), stddev_pop(score), count(*),
       min(score), max(score)
FROM scorecards_rating
WHERE counts AND score IS NOT NULL
GROUP BY candidate_id, criterion_id
"""


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_DB
    os.environ.pop("REDIS_URL", None)  # the job runs in-process here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdmo_eval.settings")
    import django

    django.setup()


def _create_database() -> None:
    import psycopg

    base, _, name = BENCH_DB.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _fill() -> int:
    """Import the scale case (`bench.scale`) unless it is there; returns the
    evaluation id."""
    from django.db import connection

    from partners.models import Evaluation
    from scorecards.bundles.importer import import_bundle

    from .scale import scale_bundle

    existing = Evaluation.objects.filter(key=KEY).first()
    if existing:
        return existing.pk
    evaluation = import_bundle(scale_bundle(KEY))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return evaluation.pk


def main() -> None:
    try:
        _create_database()
    except Exception as exc:  # noqa: BLE001 - any connection problem: say so, go on
        print(f"\nPostgreSQL benchmark skipped: cannot reach {BENCH_DB} ({exc}).")
        return
    _setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners.models import Evaluation
    from scorecards.alignment import read
    from scorecards.alignment.services import alignment_recompute
    from scorecards.models import Rating
    from scorecards.setup.selectors import selection_plan

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    evaluation_id = _fill()
    prepared = time.perf_counter() - started
    ratings = Rating.objects.filter(candidate__evaluation_id=evaluation_id).count()

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL)
            cursor.fetchall()

    def recompute(draws: int):
        def run():
            alignment_recompute(
                plan_id=selection_plan(Evaluation.objects.get(pk=evaluation_id)).pk,
                draws=draws,
                again=True,
            )

        return run

    # Interleave the figures, run by run, so that noise from the machine (two
    # shared cores) falls on all of them alike; report medians.
    floor()
    recompute(2000)()
    samples = {"floor": [], "plain": [], "full": []}
    for _ in range(RUNS):
        for name, fn in (
            ("floor", floor),
            ("plain", recompute(0)),
            ("full", recompute(2000)),
        ):
            start = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - start) * 1000)
    floor_ms, plain_ms, full_ms = (
        statistics.median(samples[k]) for k in ("floor", "plain", "full")
    )
    sensitivity_ms = full_ms - plain_ms

    evaluation = Evaluation.objects.get(pk=evaluation_id)
    with CaptureQueriesContext(connection) as ctx:
        read.dashboard(selection_plan(evaluation), visible=None)
    dashboard_queries = len(ctx.captured_queries)

    print(
        f"\nRecompute on PostgreSQL: {CANDIDATES} candidates x "
        f"{CATEGORIES * PER_CATEGORY} criteria x {EVALUATORS} evaluators "
        f"({ratings:,} ratings); median of {RUNS} runs"
        + (f"; data created in {prepared:.0f} s" if prepared > 1 else "")
    )
    print(f"{'figure':<52}{'ms':>9}{'÷ floor':>10}")
    rows = [
        ("floor: GROUP BY aggregate over the ratings", floor_ms),
        ("recompute, inputs read to results written", plain_ms),
        ("recompute + sensitivity (2,000 draws)", full_ms),
        ("sensitivity alone (difference)", sensitivity_ms),
    ]
    for name, ms in rows:
        print(f"{name:<52}{ms:>9.1f}{ms / floor_ms:>9.2f}x")
    print(
        f"targets: full recompute <= 2.00x floor "
        f"({'met' if full_ms <= 2 * floor_ms else 'NOT met'}); sensitivity <= 0.50x "
        f"floor ({'met' if sensitivity_ms <= 0.5 * floor_ms else 'NOT met'})"
    )
    print(f"dashboard queries at {CANDIDATES} candidates: {dashboard_queries}")
