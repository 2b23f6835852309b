"""Reads of report jobs, a fixed number of queries whatever their number."""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from partners.models import Candidate, Evaluation

from ..models import ReportJob


def report_jobs(evaluation: Evaluation) -> QuerySet[ReportJob]:
    """The evaluation's report jobs, newest first, with who asked and for whom."""
    return ReportJob.objects.filter(evaluation=evaluation).select_related(
        "requested_by", "candidate__cdmo"
    )


def latest_report_job(candidate: Candidate) -> ReportJob | None:
    """The candidate's most recent due-diligence job (one query)."""
    return (
        ReportJob.objects.filter(candidate=candidate, kind=ReportJob.Kind.DUE_DILIGENCE)
        .select_related("requested_by")
        .first()
    )


CLAIM_MARGIN = dt.timedelta(seconds=60)
"""A rendering claim older than the render timeout plus this belongs to a worker
that died: the job may be claimed again."""


def claim_expiry() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REPORT_TIMEOUT_SECONDS) + CLAIM_MARGIN


def is_stalled(job: ReportJob, now: dt.datetime | None = None) -> bool:
    """Rendering for longer than any render may take (its worker is gone), or
    queued that long (its message was lost): asking again restarts it."""
    since = {
        ReportJob.Status.QUEUED: job.requested_at,
        ReportJob.Status.RENDERING: job.started_at,
    }.get(job.status)
    return since is not None and since < (now or timezone.now()) - claim_expiry()


def report_is_claimed(*, job_id: int) -> bool:
    """Whether the job is rendering under another worker's claim."""
    return ReportJob.objects.filter(
        pk=job_id, status=ReportJob.Status.RENDERING
    ).exists()
