"""The services behind the recompute job: requested after any input change,
coalesced, idempotent. The job's writes carry the user whose change caused it."""

import contextlib
import datetime as dt
import gc
import logging
import time

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cdmo_eval.service import service
from negotiations.selectors import as_of_for

from .. import enqueue
from ..models import (
    AlignmentResult,
    AlignmentRun,
    AlignmentState,
    CriterionResult,
    PlanCriterion,
    ScoringPlan,
)
from ..scoring import (
    ENGINE_VERSION,
    InvalidEvaluation,
    compute,
    fingerprint,
    round_half_up,
)
from .inputs import alignment_inputs
from .models import CRITERION_COLUMNS
from .read import is_outdated

log = logging.getLogger(__name__)

CLAIM_EXPIRES = dt.timedelta(minutes=10)
"""A claim older than this belongs to a worker that died: another may take over."""
KEEP_RUNS = 5


def _claim(plan_id: int, now) -> bool:
    """Claim the right to queue a recompute; False when one is already queued."""
    return bool(
        AlignmentState.objects.filter(plan_id=plan_id)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - CLAIM_EXPIRES))
        .update(queued_at=now)
    )


@service
def alignment_request(*, plan_id: int, caused_by_id: int | None = None) -> bool:
    """Mark the plan's results stale and queue one recompute.

    Bursts coalesce: while a recompute is queued or running, further requests only
    move ``changed_at`` (and who changed it last); the running job notices and runs
    once more at the end. Returns whether a job was queued.
    """
    now = timezone.now()
    state, _created = AlignmentState.objects.get_or_create(plan_id=plan_id)
    AlignmentState.objects.filter(pk=state.pk).update(
        changed_at=now, changed_by_id=caused_by_id
    )
    if not _claim(plan_id, now):
        return False
    enqueue.recompute_alignment(plan_id, caused_by_id)
    return True


@service
def alignment_refresh_outdated() -> int:
    """Queue a recompute of every plan whose results are outdated (`is_outdated`):
    daily, from Celery beat, so the dashboards of evaluations measured as of today
    follow the calendar. Returns how many were queued."""
    today = timezone.localdate()
    outdated = AlignmentState.objects.filter(
        plan__evaluation__as_of__isnull=True, current_run__as_of__lt=today
    ).values_list("plan_id", flat=True)
    return sum(alignment_request(plan_id=plan_id) for plan_id in outdated)


@service
def alignment_ensure_fresh(
    *, plan_id: int, caused_by_id: int | None = None
) -> AlignmentState:
    """Recompute now, in this process, if the results are missing or stale: for
    readers that must show current numbers (a report, the command line)."""
    state = (
        AlignmentState.objects.filter(plan_id=plan_id)
        .select_related("current_run", "plan__evaluation")
        .first()
    )
    if (
        state is None
        or state.is_stale
        or is_outdated(state.current_run, state.plan.evaluation)
    ):
        alignment_recompute(plan_id=plan_id, caused_by_id=caused_by_id)
        state = AlignmentState.objects.get(plan_id=plan_id)
    return state


@service
def alignment_recompute(
    *,
    plan_id: int,
    caused_by_id: int | None = None,
    draws: int = 2000,
    again: bool = False,
) -> AlignmentRun | None:
    """Recompute and store a plan's alignment, atomically.

    Idempotent: when the input fingerprint matches the current run, nothing is
    written but the results are marked fresh (unless ``again``: a benchmark
    measures the whole work). The new run and its rows are written
    in one transaction and only then made current, so readers never see half an
    evaluation. If the inputs changed while computing, one more run is queued.
    """
    plan = ScoringPlan.objects.select_related("evaluation").filter(pk=plan_id).first()
    if plan is None:
        return None
    evaluation = plan.evaluation
    state, _created = AlignmentState.objects.get_or_create(plan=plan)
    read_at = timezone.now()
    started = time.perf_counter()
    run = None
    with _collector_paused():
        try:
            spec, candidates = alignment_inputs(plan, draws=draws)
            key = fingerprint(spec)
            current = state.current_run
            if again or current is None or current.fingerprint != key:
                result = compute(spec)
                run = _store(plan, spec, result, key, candidates, started, caused_by_id)
            elif current.as_of != (as_of := as_of_for(evaluation)):
                # Nothing moved since the last day it was measured: the same results
                # hold as of today.
                AlignmentRun.objects.filter(pk=current.pk).update(as_of=as_of)
            error = ""
        except InvalidEvaluation as exc:
            error = "; ".join(exc.errors) if hasattr(exc, "errors") else str(exc)
            log.warning("alignment of %s not computed: %s", evaluation.key, error)
    AlignmentState.objects.filter(pk=state.pk).update(
        queued_at=None, fresh_as_of=read_at, last_error=error
    )
    state.refresh_from_db()
    if state.changed_at and state.changed_at > read_at:
        if _claim(plan_id, timezone.now()):
            enqueue.recompute_alignment(plan_id, state.changed_by_id)
    return run


@contextlib.contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector for one recompute.

    At 200 candidates the engine allocates about a million short-lived objects
    (statistics, rows, flags) that reference counting frees; anything caught in a
    cycle is collected once the collector resumes. Left on, the collector walks the
    long-lived heap (Django, the app) again and again while they are allocated,
    which cost as much as the engine itself (at 200 candidates: the engine took
    100 ms with it, 47 ms without).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _store(plan, spec, result, key, candidates, started, caused_by_id) -> AlignmentRun:
    r1 = round_half_up
    as_of = as_of_for(plan.evaluation)
    crit_ids = {c.key: c.pk for c in PlanCriterion.objects.filter(plan=plan)}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Results are derived: a crash may lose the last run, which the next
            # recompute writes again; no need to wait for the WAL flush of 12,000
            # rows.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        run = AlignmentRun.objects.create(
            plan=plan,
            fingerprint=key,
            engine_version=ENGINE_VERSION,
            robust=result.robust,
            draws=result.draws,
            delta=result.delta,
            as_of=as_of,
            caused_by_id=caused_by_id,
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
        ids = _write_rows(
            [
                {
                    "run_id": run.pk,
                    "candidate_id": candidates[c.key].pk,
                    "rank": c.rank,
                    "qualified": c.qualified,
                    "overall": r1(c.overall),
                    "standing": c.standing or "",
                    "coverage": r1(c.coverage),
                    "confidence": c.confidence,
                    "consistency": r1(c.consistency),
                    "categories": {k: r1(v) for k, v in c.categories.items()},
                    "signals": {k: r1(v) for k, v in c.signals.items()},
                    "p_first": r1(c.p_first, 2),
                    "rank_low": c.rank_range[0],
                    "rank_high": c.rank_range[1],
                    "flags": [
                        {"code": f.code, "evidence": f.evidence, "data": _slim(f.data)}
                        for f in c.flags
                    ],
                }
                for c in result.candidates
            ],
            run=run,
        )
        _write_criteria(
            (ids[candidates[c.key].pk], crit_ids[key], x)
            for c in result.candidates
            for key, x in c.criteria.items()
        )
        AlignmentState.objects.filter(plan=plan).update(current_run=run)
        old = list(
            AlignmentRun.objects.filter(plan=plan).values_list("pk", flat=True)[
                KEEP_RUNS:
            ]
        )
        if old:
            _delete_runs(old)
    return run


def _delete_runs(ids: list[int]) -> None:
    """Delete old runs with their rows: one plain DELETE per table, children first.
    Through the ORM, Django would fetch every row of them (12,000 criterion rows a
    run) to cascade; nothing else refers to a run that is no longer current."""
    tables = {
        "criteria": CriterionResult._meta.db_table,
        "results": AlignmentResult._meta.db_table,
        "runs": AlignmentRun._meta.db_table,
    }
    # Only table names from our models' metadata and "%s" placeholders are
    # formatted into the SQL; the ids are passed as parameters (bandit B608).
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM {criteria} WHERE result_id IN "  # nosec B608
            "(SELECT id FROM {results} WHERE run_id IN ({marks}))".format(
                marks=marks, **tables
            ),
            ids,
        )
        cursor.execute(
            "DELETE FROM {results} WHERE run_id IN ({marks})".format(  # nosec B608
                marks=marks, **tables
            ),
            ids,
        )
        cursor.execute(
            "DELETE FROM {runs} WHERE id IN ({marks})".format(  # nosec B608
                marks=marks, **tables
            ),
            ids,
        )


def _slim(data) -> dict:
    """A flag's data as stored: per-criterion details are named by key only, since
    the criterion's spread and count are in its criterion row and the ratings behind
    them one click away. (Kept whole they were most of what a recompute wrote.)"""
    out = dict(data)
    if isinstance(out.get("criteria"), list):
        out["criteria"] = [
            c.get("criterion") if isinstance(c, dict) else c for c in out["criteria"]
        ]
    return out


JSON_COLUMNS = ("categories", "signals", "flags")


def _write_rows(rows: list[dict], *, run: AlignmentRun) -> dict[int, int]:
    """Insert a run's result rows; returns their ids by candidate id. On
    PostgreSQL through COPY, which at 200 candidates takes half the time of
    Django's bulk INSERT (its parameters are quoted client-side); elsewhere
    (SQLite) through ``bulk_create``."""
    if not rows:
        return {}
    if connection.vendor != "postgresql":
        created = AlignmentResult.objects.bulk_create(
            AlignmentResult(**row) for row in rows
        )
        return {r.candidate_id: r.pk for r in created}
    from psycopg.types.json import Jsonb

    columns = list(rows[0])
    sql = "COPY {table} ({columns}) FROM STDIN".format(
        table=AlignmentResult._meta.db_table, columns=", ".join(columns)
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [Jsonb(v) if k in JSON_COLUMNS else v for k, v in row.items()]
            )
    return dict(
        AlignmentResult.objects.filter(run=run).values_list("candidate_id", "pk")
    )


CRITERION_FIELDS = ("result_id", "criterion_id", *CRITERION_COLUMNS)


def _write_criteria(cells) -> None:
    """Insert the criterion rows of a run, ``(result id, criterion id, engine
    result)`` each (12,000 at 200 candidates × 60 criteria), rounded as the
    results show them: one COPY of tab-separated text on PostgreSQL,
    ``bulk_create`` elsewhere."""
    r1 = round_half_up
    if connection.vendor != "postgresql":
        CriterionResult.objects.bulk_create(
            (
                CriterionResult(
                    result_id=result_id,
                    criterion_id=criterion_id,
                    score=r1(x.score),
                    mean=r1(x.mean),
                    n=x.n,
                    spread=r1(x.spread),
                    consensus=bool(x.consensus),
                )
                for result_id, criterion_id, x in cells
            ),
            batch_size=2000,
        )
        return

    shown: dict = {None: "\\N"}

    def text(value) -> str:
        # Means and scores repeat a lot (few ratings make few means): each
        # distinct value is rounded half up and formatted once.
        found = shown.get(value)
        if found is None:
            found = shown[value] = "\\N" if value != value else repr(r1(value))
        return found

    lines = "".join(
        f"{result_id}\t{criterion_id}\t{text(x.score)}\t{text(x.mean)}\t{x.n}\t"
        f"{text(x.spread)}\t{'t' if x.consensus else 'f'}\n"
        for result_id, criterion_id, x in cells
    )
    if not lines:
        return
    sql = "COPY {table} ({columns}) FROM STDIN".format(
        table=CriterionResult._meta.db_table, columns=", ".join(CRITERION_FIELDS)
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(lines)
