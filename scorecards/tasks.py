"""Celery tasks of the scoring app: thin, they load ids and call one service."""

from celery import shared_task

from .alignment.jobs import alignment_recompute


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recompute_alignment(evaluation_id: int) -> None:
    """Recompute an evaluation's alignment results (idempotent, coalesced)."""
    alignment_recompute(evaluation_id=evaluation_id)
