"""Celery tasks of the scoring app: thin, they load ids and call one service."""

from celery import shared_task
from django.db import OperationalError

from .alignment.jobs import alignment_recompute


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    # A locked or restarting database is worth another try, not a stale result.
    autoretry_for=(OperationalError,),
    retry_backoff=1,
    retry_backoff_max=30,
    max_retries=5,
)
def recompute_alignment(evaluation_id: int) -> None:
    """Recompute an evaluation's alignment results (idempotent, coalesced)."""
    alignment_recompute(evaluation_id=evaluation_id)
