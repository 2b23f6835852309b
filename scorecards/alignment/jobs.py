"""The recompute job: requested after any input change, coalesced, idempotent."""

import datetime as dt
import logging
import time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from partners.models import Evaluation

from ..models import AlignmentResult, AlignmentRun, AlignmentState
from ..scoring import (
    ENGINE_VERSION,
    InvalidEvaluation,
    compute,
    fingerprint,
    to_results_json,
)
from .inputs import alignment_inputs

log = logging.getLogger(__name__)

CLAIM_EXPIRES = dt.timedelta(minutes=10)
"""A claim older than this belongs to a worker that died: another may take over."""
KEEP_RUNS = 5


def _claim(evaluation_id: int, now) -> bool:
    """Claim the right to queue a recompute; False when one is already queued."""
    return bool(
        AlignmentState.objects.filter(evaluation_id=evaluation_id)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - CLAIM_EXPIRES))
        .update(queued_at=now)
    )


def alignment_request(*, evaluation_id: int) -> bool:
    """Mark the evaluation's results stale and queue one recompute.

    Bursts coalesce: while a recompute is queued or running, further requests only
    move ``changed_at``; the running job notices and runs once more at the end.
    Returns whether a job was queued.
    """
    from ..tasks import recompute_alignment  # tasks import this module

    now = timezone.now()
    state, _created = AlignmentState.objects.get_or_create(evaluation_id=evaluation_id)
    AlignmentState.objects.filter(pk=state.pk).update(changed_at=now)
    if not _claim(evaluation_id, now):
        return False
    recompute_alignment.delay(evaluation_id)
    return True


def alignment_recompute(*, evaluation_id: int) -> AlignmentRun | None:
    """Recompute and store an evaluation's alignment, atomically.

    Idempotent: when the input fingerprint matches the current run, nothing is
    written but the results are marked fresh. The new run and its rows are written
    in one transaction and only then made current, so readers never see half an
    evaluation. If the inputs changed while computing, one more run is queued.
    """
    evaluation = Evaluation.objects.filter(pk=evaluation_id).first()
    if evaluation is None:
        return None
    state, _created = AlignmentState.objects.get_or_create(evaluation=evaluation)
    read_at = timezone.now()
    started = time.perf_counter()
    run = None
    try:
        spec, candidates = alignment_inputs(evaluation)
        key = fingerprint(spec)
        current = state.current_run
        if current is None or current.fingerprint != key:
            result = compute(spec)
            run = _store(evaluation, spec, result, key, candidates, started)
        error = ""
    except InvalidEvaluation as exc:
        error = "; ".join(exc.errors) if hasattr(exc, "errors") else str(exc)
        log.warning("alignment of %s not computed: %s", evaluation.key, error)
    AlignmentState.objects.filter(pk=state.pk).update(
        queued_at=None, fresh_as_of=read_at, last_error=error
    )
    state.refresh_from_db()
    if state.changed_at and state.changed_at > read_at:
        if _claim(evaluation_id, timezone.now()):
            from ..tasks import recompute_alignment

            recompute_alignment.delay(evaluation_id)
    return run


def _store(evaluation, spec, result, key, candidates, started) -> AlignmentRun:
    doc = to_results_json(
        result, evaluation.key, evaluation.as_of or timezone.localdate()
    )
    with transaction.atomic():
        run = AlignmentRun.objects.create(
            evaluation=evaluation,
            fingerprint=key,
            engine_version=ENGINE_VERSION,
            robust=result.robust,
            draws=result.draws,
            delta=result.delta,
            results=doc,
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
        AlignmentResult.objects.bulk_create(
            AlignmentResult(
                run=run,
                candidate=candidates[c.key],
                rank=c.rank,
                qualified=c.qualified,
                overall=row["overall"],
                standing=c.standing or "",
                coverage=row["coverage"],
                confidence=c.confidence,
                consistency=row["consistency"],
                categories=row["categories"],
                criteria={
                    k: {**v, "consensus": c.criteria[k].consensus}
                    for k, v in row["criteria"].items()
                },
                signals=row["signals"],
                p_first=row["p_first"],
                rank_low=c.rank_range[0],
                rank_high=c.rank_range[1],
                flags=[
                    {"code": f.code, "evidence": f.evidence, "data": _jsonable(f.data)}
                    for f in c.flags
                ],
            )
            for c, row in zip(result.candidates, doc["candidates"], strict=True)
        )
        AlignmentState.objects.filter(evaluation=evaluation).update(current_run=run)
        old = AlignmentRun.objects.filter(evaluation=evaluation).values_list(
            "pk", flat=True
        )[KEEP_RUNS:]
        AlignmentRun.objects.filter(pk__in=list(old)).delete()
    return run


def _jsonable(data):
    if isinstance(data, dict):
        return {str(k): _jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_jsonable(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    if isinstance(data, float | int | str | bool) or data is None:
        return data
    return str(data)
