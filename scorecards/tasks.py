"""Celery tasks of the scoring app: thin, they load ids and call one service."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from .alignment.services import alignment_recompute, alignment_refresh_outdated
from .reports.selectors import claim_expiry, report_is_claimed
from .reports.services import report_render


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
def recompute_alignment(plan_id: int, caused_by_id: int | None = None) -> None:
    """Recompute a plan's alignment results (idempotent, coalesced), on behalf of
    the user whose change caused it."""
    alignment_recompute(plan_id=plan_id, caused_by_id=caused_by_id)


@shared_task(ignore_result=True)
def refresh_outdated_alignment() -> int:
    """Daily (Celery beat): recompute the results of evaluations measured as of
    today, so their signals follow the calendar."""
    return alignment_refresh_outdated()


# A little above the render's own limit, so the child is stopped (and the job marked
# failed with a clear message) before Celery has to step in.
_REPORT_SOFT_LIMIT = settings.REPORT_TIMEOUT_SECONDS + 30
_REPORT_HARD_LIMIT = settings.REPORT_TIMEOUT_SECONDS + 60


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=_REPORT_SOFT_LIMIT,
    time_limit=_REPORT_HARD_LIMIT,
    max_retries=2,
)
def render_report(self, job_id: int) -> None:
    """Render a report job's PDF (idempotent: a finished job is left alone).

    A job another worker claimed is retried once that claim could have gone stale,
    so a message redelivered after its worker died still finishes the job.
    """
    if report_render(job_id=job_id) is not None or self.request.is_eager:
        return
    if report_is_claimed(job_id=job_id):
        raise self.retry(countdown=claim_expiry().total_seconds())
