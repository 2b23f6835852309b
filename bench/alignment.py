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

import datetime as dt
import io
import os
import random
import statistics
import time

BENCH_DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cdmo_eval_bench"
)
CANDIDATES, CATEGORIES, PER_CATEGORY, EVALUATORS, RUNS = 200, 10, 6, 20, 11
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
    """Create the scale case unless it is there; returns the evaluation id."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from negotiations.models import (
        Agreement,
        AmendmentRound,
        Escalation,
        InformationRequest,
        Milestone,
    )
    from partners.models import Candidate, Cdmo, Evaluation, Membership, Site
    from scorecards.models import (
        PlanCategory,
        PlanCriterion,
        Scorecard,
        ScoringPlan,
    )

    existing = Evaluation.objects.filter(key=KEY).first()
    if existing:
        return existing.pk
    rng = random.Random(7)
    User = get_user_model()
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            key=KEY,
            name="Benchmark evaluation",
            program="BENCH",
            status=Evaluation.Status.SCORING,
            as_of=dt.date(2026, 6, 30),
        )
        plan = ScoringPlan.objects.create(
            evaluation=evaluation,
            template_name="bench",
            snapshot_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            bands=[
                {"label": "Preferred", "low": 80, "high": 100},
                {"label": "Acceptable", "low": 60, "high": 80},
                {"label": "Not recommended", "low": 0, "high": 60},
            ],
        )
        criteria = []
        for i in range(CATEGORIES):
            cat = PlanCategory.objects.create(
                plan=plan,
                key="culture" if i == 0 else f"cat{i}",
                name=f"Category {i}",
                weight=10 + i,
                order=i,
            )
            derived = i == CATEGORIES - 1
            for j in range(PER_CATEGORY + (2 if derived else 0)):
                is_derived = derived and j >= PER_CATEGORY
                criteria.append(
                    PlanCriterion.objects.create(
                        plan=plan,
                        category=cat,
                        key=f"{cat.key}-{j}",
                        name=f"{cat.name} criterion {j}",
                        weight=1 + j % PER_CATEGORY,
                        kind="derived" if is_derived else "rated",
                        sources=(
                            []
                            if is_derived
                            else ["scorecard", "interview"]
                            if i == 0
                            else ["scorecard"]
                        ),
                        signal=(
                            ("median_response_days", "max_amendment_rounds")[
                                j - PER_CATEGORY
                            ]
                            if is_derived
                            else ""
                        ),
                        curve=[[1, 100], [5, 75], [10, 25], [15, 0]]
                        if is_derived
                        else [],
                        gate_threshold=2 if (i, j) == (1, 0) else None,
                        order=j,
                    )
                )
        rated = [c for c in criteria if c.kind == "rated"]
        users = User.objects.bulk_create(
            User(username=f"bench-eval-{n}") for n in range(EVALUATORS)
        )
        Membership.objects.bulk_create(
            Membership(evaluation=evaluation, user=u, role="evaluator") for u in users
        )
        cdmos = Cdmo.objects.bulk_create(
            Cdmo(key=f"bench-cdmo-{n:03d}", name=f"Bench CDMO {n:03d}")
            for n in range(CANDIDATES)
        )
        sites = Site.objects.bulk_create(
            Site(cdmo=c, key=f"{c.key}-site", name="Plant", country="IE") for c in cdmos
        )
        candidates = Candidate.objects.bulk_create(
            Candidate(evaluation=evaluation, cdmo=c, bulk_site=s, stage="due_diligence")
            for c, s in zip(cdmos, sites, strict=True)
        )
        scorecards = Scorecard.objects.bulk_create(
            Scorecard(
                plan=plan,
                candidate=cand,
                evaluator=u,
                status="submitted",
                submitted_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
            )
            for cand in candidates
            for u in users
        )
        buffer = io.StringIO()
        now = "2026-06-01 00:00:00+00"
        for sc in scorecards:
            bias = rng.randint(-1, 1)
            for crit in rated:
                score = min(5, max(1, rng.randint(2, 5) + bias))
                buffer.write(
                    f"{sc.candidate_id}\t{crit.pk}\tscorecard\t{sc.pk}\t{score}\t\t"
                    f"t\t1\t{sc.evaluator_id}\t{now}\n"
                )
        buffer.seek(0)
        columns = (
            "candidate_id, criterion_id, source, scorecard_id, score, rationale, "
            "counts, version, rated_by_id, rated_at"
        )
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY scorecards_rating ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        InformationRequest.objects.bulk_create(
            InformationRequest(
                candidate=cand,
                subject=f"Request {k}",
                sent=dt.date(2026, 1, 5) + dt.timedelta(days=10 * k),
                due=dt.date(2026, 1, 10) + dt.timedelta(days=10 * k),
                answered=dt.date(2026, 1, 5)
                + dt.timedelta(days=10 * k + rng.randint(1, 9)),
                complete=True,
                created_by=users[0],
            )
            for cand in candidates
            for k in range(5)
        )
        agreements = Agreement.objects.bulk_create(
            Agreement(candidate=cand, kind="msa") for cand in candidates
        )
        AmendmentRound.objects.bulk_create(
            AmendmentRound(
                agreement=a,
                number=k + 1,
                sent_by="sponsor",
                sent=dt.date(2026, 2, 1) + dt.timedelta(days=20 * k),
                returned=dt.date(2026, 2, 10) + dt.timedelta(days=20 * k),
                reviewers=rng.randint(2, 9),
                comments=10,
                actionable_comments=5,
                created_by=users[0],
            )
            for a in agreements
            for k in range(3)
        )
        Escalation.objects.bulk_create(
            Escalation(
                candidate=cand,
                question="Decision",
                raised=dt.date(2026, 3, 1),
                decided=dt.date(2026, 3, 1) + dt.timedelta(days=rng.randint(1, 20)),
                stakeholders=3,
                created_by=users[0],
            )
            for cand in candidates
        )
        Milestone.objects.bulk_create(
            Milestone(
                candidate=cand, kind="first_engagement", date=dt.date(2025, 11, 3)
            )
            for cand in candidates
        )
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
    from scorecards.models import AlignmentState, Rating
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
            # Forget the current run so the fingerprint check cannot skip the work.
            AlignmentState.objects.filter(plan__evaluation_id=evaluation_id).update(
                current_run=None
            )
            alignment_recompute(
                plan_id=selection_plan(Evaluation.objects.get(pk=evaluation_id)).pk,
                draws=draws,
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
