"""The report panel of the candidate page (an inclusion tag, so `partners` code
never imports `scorecards`)."""

from django import template

from cdmo_eval.access import reports_allowed

from ..reports.selectors import latest_report_job
from ..reports.services import is_stalled

register = template.Library()


@register.inclusion_tag("reports/_request.html", takes_context=True)
def report_panel(context, candidate):
    """Request the candidate's due-diligence report and follow its latest job;
    nothing for members who may not see reports (one query for the others)."""
    evaluation = candidate.evaluation
    if not reports_allowed(evaluation):
        return {"hidden": True}
    job = latest_report_job(candidate)
    if job is not None:
        job.evaluation, job.candidate = evaluation, candidate
    return {
        "candidate": candidate,
        "evaluation": evaluation,
        "job": job,
        "stalled": bool(job) and is_stalled(job),
        "csrf_token": context.get("csrf_token"),
    }
