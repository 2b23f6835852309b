"""Report pages: request a PDF, follow its job, open it; spreadsheet exports."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cdmo_eval.downloads import private_file_response
from cdmo_eval.pagination import paginate
from partners.access import get_evaluation_for
from partners.models import Candidate

from ..access import (
    EVERYTHING,
    get_report_candidate_for,
    get_report_evaluation_for,
    get_report_job_for,
    reports_allowed,
    results_sight,
)
from ..setup.selectors import selection_plan
from . import exports, selectors, services

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _status_response(request, job):
    return render(
        request,
        "reports/_job_status.html",
        {"job": job, "stalled": selectors.is_stalled(job)},
    )


@require_POST
def report_request(request, key):
    """Ask for the comparison report, or with ``candidate`` its due-diligence
    report. htmx gets the job's status partial, others the job's page."""
    evaluation = get_report_evaluation_for(request.user, key)
    candidate = None
    if pk := request.POST.get("candidate", ""):
        if not pk.isdigit():
            raise Http404("No such candidate.")
        candidate = get_report_candidate_for(request.user, int(pk))
        if candidate.evaluation_id != evaluation.pk:
            raise Http404("No such candidate.")
    job = services.report_request(
        evaluation=evaluation, candidate=candidate, by=request.user
    )
    if request.htmx:
        return _status_response(request, job)
    if job.is_ready:
        messages.success(request, _("The report is ready."))
    return redirect(job)


@require_safe
def report_status(request, pk):
    """A job's state; htmx polls the partial every second while it is queued or
    rendering."""
    job = get_report_job_for(request.user, pk)
    if request.htmx:
        return _status_response(request, job)
    return render(
        request,
        "reports/job.html",
        {
            "evaluation": job.evaluation,
            "job": job,
            "stalled": selectors.is_stalled(job),
        },
    )


@require_safe
def report_download(request, pk):
    """The PDF, shown inline: it is a document the app rendered from escaped text,
    not an upload, so the browser's PDF viewer may open it with one click."""
    job = get_report_job_for(request.user, pk)
    if not job.is_ready:
        raise Http404("The report is not ready.")
    return private_file_response(
        job.file,
        filename=job.download_name,
        content_type="application/pdf",
        inline=True,
    )


@require_safe
def report_list(request, key):
    """The evaluation's reports and exports. Every member sees the exports (blind
    rules applied); past reports and requests only those allowed to see them."""
    evaluation = get_evaluation_for(request.user, key)
    allowed = reports_allowed(evaluation)
    page = paginate(request, selectors.report_jobs(evaluation)) if allowed else None
    candidates = (
        list(
            Candidate.objects.filter(evaluation=evaluation)
            .select_related("cdmo")
            .order_by("cdmo__name")
        )
        if allowed
        else []
    )
    return render(
        request,
        "reports/list.html",
        {
            "evaluation": evaluation,
            "allowed": allowed,
            "page_obj": page,
            "candidates": candidates,
            # Those allowed reports are never blind.
            "tables": exports.table_labels(
                EVERYTHING
                if allowed
                else results_sight(request.user, selection_plan(evaluation))
            ),
        },
    )


@require_safe
def report_export(request, key, table, fmt):
    evaluation = get_evaluation_for(request.user, key)
    if table not in exports.TABLES or fmt not in CONTENT_TYPES:
        raise Http404
    build, _label = exports.TABLES[table]
    data = build(evaluation, results_sight(request.user, selection_plan(evaluation)))
    body = exports.to_csv(data) if fmt == "csv" else exports.to_xlsx(data)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{evaluation.key}-{table}.{fmt}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
