"""Reads of report jobs, a fixed number of queries whatever their number."""

from django.db.models import QuerySet

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
