"""Report jobs: request a PDF, render it in the background, keep it.

The only writers of :class:`~scorecards.models.ReportJob`. A job records the hash
of the report's content (everything in it but who asked and when); a job whose
content matches a report already rendered takes that file instead of rendering
another PDF, so asking again when nothing changed costs a template render in the
job, never a WeasyPrint run, and never any rendering in the web request.
Rendering claims the job with a conditional update, writes the PDF under a
temporary name and moves it into place only when it is complete, so a worker
killed mid-render leaves the job re-runnable (its claim goes stale) and no partial
file behind a download link.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cdmo_eval.service import service
from partners.models import Candidate, Evaluation

from .. import enqueue
from ..alignment.services import alignment_ensure_fresh
from ..models import ReportJob, report_path
from ..setup.selectors import selection_plan
from .context import (
    REPORT_TEMPLATE_VERSION,
    report_content,
    report_html,
)
from .pdf import RenderError, RenderInfo, render_pdf
from .selectors import claim_expiry, is_stalled

log = logging.getLogger(__name__)


def _kind(candidate: Candidate | None) -> str:
    return ReportJob.Kind.DUE_DILIGENCE if candidate else ReportJob.Kind.COMPARISON


# --- content -------------------------------------------------------------------------


# --- requesting ----------------------------------------------------------------------


@service
def report_job_create(
    *, evaluation: Evaluation, candidate: Candidate | None, by
) -> ReportJob:
    """A new queued job; the caller renders it (``report_render``) or enqueues it."""
    if candidate is not None and candidate.evaluation_id != evaluation.pk:
        raise ValueError("The candidate belongs to another evaluation.")
    return ReportJob.objects.create(
        evaluation=evaluation,
        candidate=candidate,
        kind=_kind(candidate),
        requested_by=by,
        template_version=REPORT_TEMPLATE_VERSION,
    )


@service
def report_request(
    *, evaluation: Evaluation, candidate: Candidate | None, by
) -> ReportJob:
    """Ask for the due-diligence report of ``candidate`` or, with None, the
    comparison report of ``evaluation``.

    Returns the job already queued or rendering for it (one whose worker died is
    queued again), or a new job queued after commit; the job itself finds out
    whether an identical report exists (`report_render`). Callers check access
    first (``scorecards.access.reports_allowed``).
    """
    same = ReportJob.objects.filter(
        evaluation=evaluation, kind=_kind(candidate), candidate=candidate
    ).select_related("requested_by", "candidate__cdmo", "evaluation")
    active = same.filter(
        status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RENDERING]
    ).first()
    if active is not None:
        if is_stalled(active):
            enqueue.render_report(active.pk)
        return active
    job = report_job_create(evaluation=evaluation, candidate=candidate, by=by)
    enqueue.render_report(job.pk)
    return job


# --- rendering -----------------------------------------------------------------------


def _claim(job_id: int, now: dt.datetime) -> bool:
    """Take the job: queued, or rendering by a worker whose claim went stale."""
    return bool(
        ReportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ReportJob.Status.QUEUED)
            | Q(status=ReportJob.Status.RENDERING, started_at__lt=now - claim_expiry())
        )
        .update(
            status=ReportJob.Status.RENDERING,
            started_at=now,
            progress=5,
            error="",
            finished_at=None,
        )
    )


def _mine(job: ReportJob):
    """The job's row while our claim holds (nobody re-claimed it meanwhile)."""
    return ReportJob.objects.filter(
        pk=job.pk, status=ReportJob.Status.RENDERING, started_at=job.started_at
    )


def _progress(job: ReportJob, value: int) -> None:
    _mine(job).update(progress=value)


def _render_into_storage(html: str, name: str) -> tuple[str, RenderInfo]:
    """Render ``html`` to the default storage under ``name``; return the stored
    name. On a local file system the PDF is renamed into place when complete;
    elsewhere (S3) it is rendered locally and uploaded in one piece."""
    storage = ReportJob._meta.get_field("file").storage
    try:
        path = Path(storage.path(name))
    except NotImplementedError:
        path = None
    if path is not None:
        return name, render_pdf(html, out_path=path)
    with tempfile.TemporaryDirectory(prefix="cdmo-report-out-") as folder:
        local = Path(folder) / "report.pdf"
        info = render_pdf(html, out_path=local)
        with local.open("rb") as pdf:
            stored = storage.save(name, File(pdf))
    return stored, info


def _fail(job: ReportJob, message: str) -> None:
    _mine(job).update(
        status=ReportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


@service
def report_render(*, job_id: int) -> ReportJob | None:
    """Render one report job; None when it is not ours to render (already done, or
    another worker holds a live claim).

    The results are recomputed first if stale, so the report shows the inputs as
    they are. A render over the time or memory limit, or one that fails, marks the
    job failed with a message meant for the person who asked; a later job is not
    affected.
    """
    now = timezone.now()
    if not _claim(job_id, now):
        return None
    job = ReportJob.objects.select_related(
        "evaluation", "candidate__cdmo", "candidate__bulk_site", "requested_by"
    ).get(pk=job_id)
    stored = ""
    try:
        alignment_ensure_fresh(
            plan_id=selection_plan(job.evaluation).pk,
            caused_by_id=job.requested_by_id,
        )
        _progress(job, 20)
        context, digest = report_content(
            evaluation=job.evaluation, candidate=job.candidate
        )
        same = _same_content(job, digest)
        if same is not None:
            return _take_file(job, same, context, digest)
        html = report_html(context, job=job)
        _progress(job, 40)
        stored, info = _render_into_storage(html, report_path(job, ""))
    except RenderError as error:
        _fail(job, str(error))
        return _reload(job)
    except SoftTimeLimitExceeded:
        _fail(job, _timeout_message())
        return _reload(job)
    except Exception as error:
        log.exception("report job %s failed", job.pk)
        _fail(
            job,
            _(
                "The report could not be prepared (%(error)s). Try again; if it "
                "keeps failing, send this message to an administrator."
            )
            % {"error": type(error).__name__},
        )
        return _reload(job)
    done = _mine(job).update(
        status=ReportJob.Status.READY,
        progress=100,
        file=stored,
        pages=info.pages,
        size=info.bytes,
        fingerprint=context["fingerprint"],
        content_digest=digest,
        template_version=context["template_version"],
        finished_at=timezone.now(),
    )
    if not done:
        # Our claim went stale and another worker took the job over: its file
        # will be the one; ours must not linger unreferenced.
        ReportJob._meta.get_field("file").storage.delete(stored)
    return _reload(job)


def _same_content(job: ReportJob, digest: str) -> ReportJob | None:
    """A report already rendered with exactly this content whose file is still
    there, if any."""
    same = (
        ReportJob.objects.filter(
            evaluation_id=job.evaluation_id,
            kind=job.kind,
            candidate_id=job.candidate_id,
            status=ReportJob.Status.READY,
            content_digest=digest,
        )
        .exclude(file="")
        .exclude(pk=job.pk)
        .first()
    )
    if same is not None and not same.file.storage.exists(same.file.name):
        return None
    return same


def _take_file(job: ReportJob, same: ReportJob, context: dict, digest: str):
    """Nothing changed since ``same`` was rendered: this job gets its file."""
    _mine(job).update(
        status=ReportJob.Status.READY,
        progress=100,
        file=same.file.name,
        pages=same.pages,
        size=same.size,
        fingerprint=context["fingerprint"],
        content_digest=digest,
        template_version=context["template_version"],
        finished_at=timezone.now(),
    )
    return _reload(job)


def _reload(job: ReportJob) -> ReportJob:
    job.refresh_from_db()
    return job


def _timeout_message() -> str:
    return _(
        "The report took too long to render and was stopped. Try again later; if "
        "it keeps happening, ask an administrator to raise REPORT_TIMEOUT_SECONDS."
    )
