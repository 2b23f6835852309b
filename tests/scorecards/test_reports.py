"""Report jobs, the PDFs they render, and the spreadsheet exports.

Most job tests swap the PDF renderer for a fake that writes a stub file: they test
the job's states, not WeasyPrint. The content tests render real PDFs of the demo, and
the command and real-worker tests real PDFs of their own, and read their text back
with pypdf.
"""

import csv
import datetime as dt
import io
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML

from partners.models import Candidate, Evaluation, Role
from scorecards.alignment.read import FLAG_LABELS, FLAG_SENTENCES
from scorecards.alignment.services import alignment_ensure_fresh
from scorecards.bundles.demo import load_demo
from scorecards.models import AlignmentState, ReportJob
from scorecards.reports import context, selectors, services
from scorecards.reports.fetcher import STATIC_BASE_URL, SafeURLFetcher
from scorecards.reports.pdf import RenderInfo
from scorecards.setup.selectors import selection_plan
from tests.factories import (
    CandidateFactory,
    FindingFactory,
    InterviewFactory,
    UserFactory,
)

STUB_PDF = b"%PDF-1.7\n% stub\n"


@pytest.fixture
def fake_render(monkeypatch):
    """Replace WeasyPrint with a stub that records the HTML it was given."""
    calls = []

    def render(html, *, out_path, timeout=None, memory_mb=None):
        calls.append(html)
        Path(out_path).parent.mkdir(parents=True, exist_ok=True)
        Path(out_path).write_bytes(STUB_PDF)
        return RenderInfo(pages=3, bytes=len(STUB_PDF))

    monkeypatch.setattr(services, "render_pdf", render)
    return calls


@pytest.fixture
def people(scoring_evaluation, member):
    return {
        "lead": scoring_evaluation.lead,
        "procurement": member(Role.PROCUREMENT),
        "evaluator": member(Role.EVALUATOR),
        "observer": member(Role.OBSERVER),
    }


def request_report(evaluation, candidate, by, callbacks) -> ReportJob:
    with callbacks(execute=True):
        job = services.report_request(evaluation=evaluation, candidate=candidate, by=by)
    job.refresh_from_db()
    return job


def stored_files(files_root: Path) -> list[str]:
    folder = files_root / "reports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- jobs -----------------------------------------------------------------------------


def test_a_request_renders_after_commit_and_the_job_is_ready(
    candidate, people, fake_render, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = services.report_request(
            evaluation=candidate.evaluation, candidate=candidate, by=people["lead"]
        )
    assert job.status == ReportJob.Status.QUEUED  # nothing runs before the commit
    assert fake_render == []

    for callback in callbacks:
        callback()
    job.refresh_from_db()

    assert job.status == ReportJob.Status.READY
    assert job.progress == 100
    assert (job.pages, job.size) == (3, len(STUB_PDF))
    assert job.file.name.startswith("reports/") and job.file.name.endswith(".pdf")
    assert candidate.cdmo.key not in job.file.name  # a random name
    state = AlignmentState.objects.get(plan__evaluation=candidate.evaluation)
    assert job.fingerprint == state.current_run.fingerprint
    assert job.started_at <= job.finished_at
    assert job.file.read() == STUB_PDF


def test_asking_again_when_nothing_changed_returns_the_same_file(
    candidate, people, fake_render, django_capture_on_commit_callbacks
):
    evaluation = candidate.evaluation
    first = request_report(
        evaluation, candidate, people["lead"], django_capture_on_commit_callbacks
    )
    again = request_report(
        evaluation, candidate, people["procurement"], django_capture_on_commit_callbacks
    )
    # A job of its own (procurement asked), ready with the same file: the PDF
    # was rendered once.
    assert again.pk != first.pk
    assert again.requested_by == people["procurement"]
    assert again.status == ReportJob.Status.READY
    assert again.file.name == first.file.name
    assert again.content_digest == first.content_digest
    assert len(fake_render) == 1

    # A finding changes the report but not the alignment inputs: a new file.
    FindingFactory(candidate=candidate, text="Cold-chain gap at the bulk site")
    changed = request_report(
        evaluation, candidate, people["procurement"], django_capture_on_commit_callbacks
    )
    assert changed.pk != first.pk
    assert changed.fingerprint == first.fingerprint
    assert changed.content_digest != first.content_digest
    assert "Cold-chain gap at the bulk site" in fake_render[-1]

    # The comparison report is a job of its own.
    comparison = request_report(
        evaluation, None, people["procurement"], django_capture_on_commit_callbacks
    )
    assert comparison.kind == ReportJob.Kind.COMPARISON
    assert comparison.candidate is None
    assert len(fake_render) == 3


def test_a_queued_or_rendering_job_is_returned_rather_than_a_second_one(
    candidate, people, fake_render
):
    evaluation = candidate.evaluation
    # Without the commit callbacks the job stays queued.
    first = services.report_request(
        evaluation=evaluation, candidate=candidate, by=people["lead"]
    )
    second = services.report_request(
        evaluation=evaluation, candidate=candidate, by=people["procurement"]
    )
    assert second.pk == first.pk
    assert ReportJob.objects.count() == 1
    assert fake_render == []


def test_stale_results_are_recomputed_before_rendering(
    candidate, people, fake_render, django_capture_on_commit_callbacks
):
    evaluation = candidate.evaluation
    assert not AlignmentState.objects.filter(plan__evaluation=evaluation).exists()

    job = request_report(
        evaluation, candidate, people["lead"], django_capture_on_commit_callbacks
    )

    state = AlignmentState.objects.get(plan__evaluation=evaluation)
    assert state.current_run is not None and not state.is_stale
    assert job.fingerprint == state.current_run.fingerprint


def test_a_render_over_the_time_limit_fails_with_a_message_and_the_next_one_works(
    candidate, people, settings, django_capture_on_commit_callbacks, monkeypatch
):
    evaluation = candidate.evaluation
    settings.REPORT_TIMEOUT_SECONDS = 0.01

    failed = request_report(
        evaluation, candidate, people["lead"], django_capture_on_commit_callbacks
    )

    assert failed.status == ReportJob.Status.FAILED
    assert failed.error.startswith(
        "The report took longer than 0.01 seconds to render and was stopped."
    )
    assert not failed.file
    assert failed.finished_at is not None

    # The failure is not sticky: the next request renders (stubbed, for speed).
    settings.REPORT_TIMEOUT_SECONDS = 120
    monkeypatch.setattr(
        services,
        "render_pdf",
        lambda html, *, out_path, **kw: (
            Path(out_path).parent.mkdir(parents=True, exist_ok=True),
            Path(out_path).write_bytes(STUB_PDF),
            RenderInfo(pages=1, bytes=len(STUB_PDF)),
        )[-1],
    )
    retried = request_report(
        evaluation, candidate, people["lead"], django_capture_on_commit_callbacks
    )
    assert retried.pk != failed.pk
    assert retried.status == ReportJob.Status.READY


def test_a_render_over_the_memory_cap_fails_and_leaves_no_file(
    candidate,
    people,
    settings,
    django_capture_on_commit_callbacks,
    _private_files_in_tmp,
):
    settings.REPORT_MEMORY_MB = 64

    job = request_report(
        candidate.evaluation,
        candidate,
        people["lead"],
        django_capture_on_commit_callbacks,
    )

    assert job.status == ReportJob.Status.FAILED
    assert "more than 64 MB of memory" in job.error
    assert stored_files(_private_files_in_tmp) == []


def test_an_unexpected_error_marks_the_job_failed(
    candidate, people, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise LookupError("template variable")

    monkeypatch.setattr(services, "report_content", broken)  # as the job calls it

    job = request_report(
        candidate.evaluation,
        candidate,
        people["lead"],
        django_capture_on_commit_callbacks,
    )

    assert job.status == ReportJob.Status.FAILED
    assert "could not be prepared (LookupError)" in job.error


def test_a_job_whose_worker_died_is_claimed_again(
    candidate, people, fake_render, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_TIMEOUT_SECONDS = 120
    job = services.report_job_create(
        evaluation=candidate.evaluation, candidate=candidate, by=people["lead"]
    )
    # A worker claimed it a moment ago: nobody else may render it.
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RENDERING, started_at=timezone.now(), progress=40
    )
    assert services.report_render(job_id=job.pk) is None
    assert fake_render == []

    # That worker was killed mid-render: once the claim is older than the time
    # limit and a margin, the job is re-runnable and asking again restarts it.
    ReportJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - dt.timedelta(seconds=120 + 61)
    )
    job.refresh_from_db()
    assert selectors.is_stalled(job)
    assert not job.file  # nothing half-written is visible

    again = request_report(
        candidate.evaluation,
        candidate,
        people["procurement"],
        django_capture_on_commit_callbacks,
    )
    assert again.pk == job.pk
    assert again.status == ReportJob.Status.READY
    assert len(fake_render) == 1


def test_a_job_queued_too_long_is_queued_again(
    candidate, people, fake_render, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_TIMEOUT_SECONDS = 120
    # Its message never reached a worker (lost with a broker restart, say).
    lost = services.report_request(
        evaluation=candidate.evaluation, candidate=candidate, by=people["lead"]
    )
    ReportJob.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - dt.timedelta(seconds=120 + 61)
    )

    again = request_report(
        candidate.evaluation,
        candidate,
        people["procurement"],
        django_capture_on_commit_callbacks,
    )

    assert again.pk == lost.pk
    assert again.status == ReportJob.Status.READY
    assert len(fake_render) == 1


def test_a_worker_that_lost_its_claim_does_not_overwrite_the_job(
    candidate, people, monkeypatch, _private_files_in_tmp
):
    job = services.report_job_create(
        evaluation=candidate.evaluation, candidate=candidate, by=people["lead"]
    )

    def slow_render(html, *, out_path, **kwargs):
        # Meanwhile another worker re-claimed the job.
        ReportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())
        Path(out_path).parent.mkdir(parents=True, exist_ok=True)
        Path(out_path).write_bytes(STUB_PDF)
        return RenderInfo(pages=1, bytes=len(STUB_PDF))

    monkeypatch.setattr(services, "render_pdf", slow_render)

    result = services.report_render(job_id=job.pk)

    assert result.status == ReportJob.Status.RENDERING  # still the other's
    assert not result.file
    assert stored_files(_private_files_in_tmp) == []


def test_a_finished_job_is_not_rendered_twice(candidate, people, fake_render):
    job = services.report_job_create(
        evaluation=candidate.evaluation, candidate=candidate, by=people["lead"]
    )
    assert services.report_render(job_id=job.pk).status == ReportJob.Status.READY
    assert services.report_render(job_id=job.pk) is None
    assert len(fake_render) == 1


# --- what the PDF says ------------------------------------------------------------


def pdf_texts(path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def demo(db):
    evaluations = load_demo()
    return evaluations[0]


def test_due_diligence_pdf_shows_the_candidate_score_flags_and_msa_findings(
    demo, django_capture_on_commit_callbacks
):
    helvetica = Candidate.objects.select_related("cdmo", "bulk_site").get(
        evaluation=demo, cdmo__key="helvetica"
    )
    procurement = demo.memberships.get(role=Role.PROCUREMENT).user

    job = request_report(
        demo, helvetica, procurement, django_capture_on_commit_callbacks
    )

    assert job.status == ReportJob.Status.READY, job.error
    texts = pdf_texts(job.file.path)
    text = one_line(" ".join(texts))
    result = AlignmentState.objects.get(plan__evaluation=demo).current_run.rows.get(
        candidate=helvetica
    )
    assert "Helvetica BioManufacturing" in text
    assert f"{result.overall:.1f}" in text  # as the dashboard shows it: 53.9
    assert f"{result.rank} of 4 candidates" in text
    assert result.flags, "the demo gives Helvetica red flags"
    for flag in result.flags:
        assert str(FLAG_LABELS[flag["code"]]) in text
        assert one_line(str(FLAG_SENTENCES[flag["code"]])) in text
        assert one_line(flag["evidence"]) in text, flag["code"]
    carried = helvetica.findings.filter(carry_to_msa=True)
    assert carried
    msa_page = next(t for t in texts if "To carry into the MSA" in t)
    for finding in carried:
        assert one_line(finding.text) in one_line(msa_page)
    assert job.fingerprint in text.replace(" ", "")  # the appendix, maybe wrapped
    assert "Paul Moreau" in texts[0]  # requested by, on the cover

    # Page furniture: the count matches, every page after the cover says so.
    n = len(texts)
    assert job.pages == n >= 10
    assert "Page 1 of" not in texts[0]  # the cover has no footer
    for number, page in enumerate(texts[1:], start=2):
        assert f"Page {number} of {n}" in page
        assert "ABX-101 · Helvetica BioManufacturing" in page
    # The table of contents points at the pages the chapters start on.
    for title in ("Executive summary", "Site visits", "Governance plan"):
        listed = int(re.search(rf"{title}[\s.]*(\d+)", texts[1]).group(1))
        starts = next(i for i, t in enumerate(texts[2:], 3) if t.find(title) >= 0)
        assert listed == starts, title


def test_comparison_pdf_ranks_every_candidate_with_its_score_and_flags(
    demo, django_capture_on_commit_callbacks
):
    lead = demo.memberships.get(role=Role.LEAD).user

    job = request_report(demo, None, lead, django_capture_on_commit_callbacks)

    assert job.status == ReportJob.Status.READY, job.error
    texts = pdf_texts(job.file.path)
    text = one_line(" ".join(texts))
    rows = list(
        AlignmentState.objects.get(plan__evaluation=demo)
        .current_run.rows.select_related("candidate__cdmo")
        .order_by("rank")
    )
    ranking = one_line(next(t for t in texts if "Qualified candidates" in t))
    positions = [ranking.index(r.candidate.cdmo.name) for r in rows]
    assert positions == sorted(positions)  # in rank order
    for row in rows:
        assert f"{row.rank}. {row.candidate.cdmo.name}" in text  # its own page
        assert f"{row.overall:.1f}" in ranking
        for flag in row.flags:
            assert one_line(flag["evidence"]) in text
    n = len(texts)
    assert job.pages == n == 6 + len(rows)  # cover, TOC, 3 chapters, appendix
    assert all(f"Page {i} of {n}" in t for i, t in enumerate(texts[1:], 2))


# --- user text stays text -----------------------------------------------------------

HOSTILE = (
    '<img src="file:///etc/passwd"> <link href="http://127.0.0.1:9/x"> '
    "<script>alert(1)</script>"
)

_io_events: list | None = None


def _audit(event, args):
    if _io_events is not None and (
        event == "open" or event.startswith(("socket.", "urllib."))
    ):
        _io_events.append((event, args))


sys.addaudithook(_audit)  # cannot be removed; idles outside watching_io()


@contextmanager
def watching_io():
    global _io_events
    _io_events = events = []
    try:
        yield events
    finally:
        _io_events = None


def test_a_hostile_note_prints_as_text_and_nothing_is_fetched(
    candidate, people, fake_render, django_capture_on_commit_callbacks
):
    InterviewFactory(candidate=candidate, notes=HOSTILE)
    FindingFactory(candidate=candidate, text=HOSTILE, carry_to_msa=True)
    job = request_report(
        candidate.evaluation,
        candidate,
        people["lead"],
        django_capture_on_commit_callbacks,
    )
    html = fake_render[-1]  # exactly what the job handed to the renderer
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    fetcher = SafeURLFetcher()
    with watching_io() as events:
        data = HTML(
            string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher
        ).write_pdf()

    text = one_line(
        " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    )
    assert text.count('<img src="file:///etc/passwd">') >= 3  # notes, finding, MSA
    assert '<link href="http://127.0.0.1:9/x">' in text
    assert "<script>alert(1)</script>" in text
    assert fetcher.refused == []  # no fetch was even attempted
    assert fetcher.served and all(
        url.startswith(STATIC_BASE_URL + "static/") for url in fetcher.served
    )
    opened = {str(args[0]) for event, args in events if event == "open"}
    assert "/etc/passwd" not in opened
    assert [e for e, _ in events if e != "open"] == []  # no network call
    assert job.status == ReportJob.Status.READY


# --- views: the three personas -----------------------------------------------------


@pytest.fixture
def ready_job(candidate, people, fake_render, django_capture_on_commit_callbacks):
    return request_report(
        candidate.evaluation,
        candidate,
        people["lead"],
        django_capture_on_commit_callbacks,
    )


@pytest.mark.parametrize("role", ["procurement", "lead"])
def test_procurement_and_lead_request_follow_and_open_reports(
    candidate, people, role, as_user, fake_render, django_capture_on_commit_callbacks
):
    client = as_user(people[role])
    url = reverse("report_request", args=[candidate.evaluation.key])

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {"candidate": candidate.pk}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    job = ReportJob.objects.get()
    assert response.status_code == 200
    assert "Queued: waiting for a worker" in page
    assert f'hx-get="{reverse("report_status", args=[job.pk])}"' in page
    assert 'hx-trigger="every 1s"' in page
    assert '<progress id="report-progress-' in page

    for callback in callbacks:
        callback()
    status = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    status_page = status.content.decode()
    assert "Ready" in status_page
    assert "hx-get" not in status_page  # polling stops
    assert reverse("report_download", args=[job.pk]) in status_page

    download = client.get(reverse("report_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("inline;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == STUB_PDF


def test_without_htmx_a_request_redirects_to_the_job_page(
    candidate, people, as_user, fake_render
):
    client = as_user(people["procurement"])
    response = client.post(
        reverse("report_request", args=[candidate.evaluation.key]),
        {"candidate": candidate.pk},
    )
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'role="status" aria-live="polite"' in page
    assert "Queued" in page


def test_a_failed_job_shows_its_message_and_a_way_to_try_again(
    ready_job, people, as_user
):
    ReportJob.objects.filter(pk=ready_job.pk).update(
        status=ReportJob.Status.FAILED, error="The report took longer than 120 s."
    )
    page = (
        as_user(people["procurement"])
        .get(ready_job.get_absolute_url(), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "The report failed." in page
    assert "The report took longer than 120 s." in page
    assert "Try again" in page
    assert "hx-get" not in page


@pytest.mark.parametrize("role", ["evaluator", "observer"])
def test_evaluators_during_scoring_and_observers_get_403(
    candidate, ready_job, people, role, as_user
):
    client = as_user(people[role])
    key = candidate.evaluation.key
    assert (
        client.post(
            reverse("report_request", args=[key]), {"candidate": candidate.pk}
        ).status_code
        == 403
    )
    assert client.get(ready_job.get_absolute_url()).status_code == 403
    assert (
        client.get(reverse("report_download", args=[ready_job.pk])).status_code == 403
    )
    listing = client.get(reverse("report_list", args=[key]))
    assert listing.status_code == 200
    assert "Past reports" not in listing.content.decode()
    assert (
        "Request due-diligence report"
        not in client.get(candidate.get_absolute_url()).content.decode()
    )


def test_evaluators_may_open_reports_once_scoring_is_closed(
    candidate, ready_job, people, as_user
):
    Evaluation.objects.filter(pk=candidate.evaluation_id).update(
        status=Evaluation.Status.CLOSED
    )
    client = as_user(people["evaluator"])
    assert (
        client.get(reverse("report_download", args=[ready_job.pk])).status_code == 200
    )
    assert (
        "Request due-diligence report"
        in client.get(candidate.get_absolute_url()).content.decode()
    )


def test_strangers_get_404_everywhere(candidate, ready_job, stranger, as_user):
    client = as_user(stranger)
    key = candidate.evaluation.key
    assert (
        client.post(
            reverse("report_request", args=[key]), {"candidate": candidate.pk}
        ).status_code
        == 404
    )
    assert client.get(ready_job.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("report_download", args=[ready_job.pk])).status_code == 404
    )
    assert client.get(reverse("report_list", args=[key])).status_code == 404
    for table in ("ranking", "criteria", "findings"):
        url = reverse("report_export", args=[key, table, "csv"])
        assert client.get(url).status_code == 404


def test_a_candidate_of_another_evaluation_cannot_be_requested(
    candidate, people, as_user
):
    other = CandidateFactory()
    response = as_user(people["procurement"]).post(
        reverse("report_request", args=[candidate.evaluation.key]),
        {"candidate": other.pk},
    )
    assert response.status_code == 404
    assert not ReportJob.objects.exists()


def test_a_job_that_is_not_ready_has_no_download(candidate, people, as_user):
    job = services.report_job_create(
        evaluation=candidate.evaluation, candidate=candidate, by=people["lead"]
    )
    response = as_user(people["procurement"]).get(
        reverse("report_download", args=[job.pk])
    )
    assert response.status_code == 404


def test_the_candidate_page_offers_the_report_and_shows_the_latest_job(
    candidate, ready_job, people, as_user
):
    page = as_user(people["procurement"]).get(candidate.get_absolute_url())
    html = page.content.decode()
    assert "Request due-diligence report" in html
    assert reverse("report_download", args=[ready_job.pk]) in html
    assert reverse("report_list", args=[candidate.evaluation.key]) in html


def test_the_reports_list_shows_who_asked_when_and_from_which_fingerprint(
    candidate, ready_job, people, as_user
):
    page = (
        as_user(people["procurement"])
        .get(reverse("report_list", args=[candidate.evaluation.key]))
        .content.decode()
    )
    lead = people["lead"]
    assert lead.get_full_name() in page
    assert ready_job.fingerprint[:12] in page
    assert f'title="{ready_job.fingerprint}"' in page
    assert "Request comparison report" in page


@pytest.mark.parametrize("n", [5, 50])
def test_the_reports_list_reads_a_fixed_number_of_queries(
    candidate, people, as_user, django_assert_max_num_queries, n
):
    others = CandidateFactory.create_batch(3, evaluation=candidate.evaluation)
    for i in range(n):
        ReportJob.objects.create(
            evaluation=candidate.evaluation,
            candidate=[candidate, *others][i % 4],
            kind=ReportJob.Kind.DUE_DILIGENCE,
            requested_by=UserFactory(),
            status=ReportJob.Status.READY,
            fingerprint="f" * 64,
            pages=12,
            file="reports/x.pdf",
        )
    client = as_user(people["procurement"])
    # Session and user, evaluation, membership, count, jobs with who and whom,
    # candidates for the form, and the session save (3).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("report_list", args=[candidate.evaluation.key]))
    assert response.content.decode().count("12 pages") == min(n, 25)


# --- exports ----------------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def two_scored(candidate, people, declared, fill, django_capture_on_commit_callbacks):
    """Two candidates; the evaluator submitted a scorecard for the first only. The
    recompute the submissions queue runs (exports show the stored results)."""
    other = CandidateFactory(evaluation=candidate.evaluation)
    for user in (people["lead"], people["evaluator"]):
        declared(user)
    with django_capture_on_commit_callbacks(execute=True):
        fill(people["lead"], candidate, score=4)
        fill(people["lead"], other, score=3)
        fill(people["evaluator"], candidate, score=4)
    return candidate, other


def test_exports_apply_blind_scoring_for_evaluators(two_scored, people, as_user):
    mine, hidden = two_scored
    key = mine.evaluation.key

    def names(client, table, fmt):
        response = client.get(reverse("report_export", args=[key, table, fmt]))
        assert response.status_code == 200
        if fmt == "csv":
            return {row["cdmo"] for row in csv_rows(response)}
        header, *rows = xlsx_rows(response)
        return {row[list(header).index("cdmo")] for row in rows}

    evaluator = as_user(people["evaluator"])
    for table in ("ranking", "criteria"):
        for fmt in ("csv", "xlsx"):
            assert names(evaluator, table, fmt) == {mine.cdmo.key}, (table, fmt)

    procurement = as_user(people["procurement"])
    for table in ("ranking", "criteria"):
        assert names(procurement, table, "csv") == {mine.cdmo.key, hidden.cdmo.key}


def test_ranking_export_matches_the_stored_results(two_scored, people, as_user):
    mine, _other = two_scored
    response = as_user(people["procurement"]).get(
        reverse("report_export", args=[mine.evaluation.key, "ranking", "csv"])
    )
    rows = csv_rows(response)
    run = AlignmentState.objects.get(plan__evaluation=mine.evaluation).current_run
    stored = {
        r.candidate.cdmo.key: r for r in run.rows.select_related("candidate__cdmo")
    }
    assert [int(row["rank"]) for row in rows] == sorted(r.rank for r in stored.values())
    for row in rows:
        assert float(row["overall"]) == stored[row["cdmo"]].overall
        assert row["input_fingerprint"] == run.fingerprint
    assert response["Content-Disposition"] == (
        f'attachment; filename="{mine.evaluation.key}-ranking.csv"'
    )


def test_findings_export_is_formula_safe(candidate, people, as_user):
    FindingFactory(candidate=candidate, text='=HYPERLINK("http://evil.example","x")')
    client = as_user(people["procurement"])
    key = candidate.evaluation.key

    rows = csv_rows(client.get(reverse("report_export", args=[key, "findings", "csv"])))
    assert rows[0]["Finding"] == '\'=HYPERLINK("http://evil.example","x")'

    response = client.get(reverse("report_export", args=[key, "findings", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=3)
    assert cell.value == '=HYPERLINK("http://evil.example","x")'
    assert cell.data_type == "s"  # text, not a formula


def test_unknown_exports_are_404(candidate, people, as_user):
    client = as_user(people["procurement"])
    key = candidate.evaluation.key
    assert (
        client.get(reverse("report_export", args=[key, "ratings", "csv"])).status_code
        == 404
    )
    assert (
        client.get(reverse("report_export", args=[key, "ranking", "pdf"])).status_code
        == 404
    )


# --- the command ------------------------------------------------------------------


def test_render_report_command_writes_the_pdf(candidate, people, tmp_path):
    out = tmp_path / "out" / "report.pdf"
    stdout = io.StringIO()

    call_command(
        "render_report",
        candidate.evaluation.key,
        "--candidate",
        candidate.cdmo.key,
        "--out",
        str(out),
        stdout=stdout,
    )

    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.READY
    assert job.requested_by == people["lead"]
    texts = pdf_texts(out)  # a real PDF, the one the job stored
    assert out.read_bytes() == job.file.read()
    cover = one_line(texts[0])
    assert candidate.cdmo.name in cover
    assert candidate.evaluation.name in cover
    assert f"Requested by {people['lead'].get_full_name()}" in cover
    assert f"{candidate.evaluation.program} · {candidate.cdmo.name}" in texts[1]
    summary = stdout.getvalue()
    assert f"{out}: {len(texts)} pages, {out.stat().st_size} bytes" in summary


def test_render_report_command_refuses_unknown_names_and_blind_users(
    candidate, people, tmp_path
):
    key = candidate.evaluation.key
    out = str(tmp_path / "r.pdf")
    with pytest.raises(CommandError, match="not a candidate"):
        call_command("render_report", key, "--candidate", "nope", "--out", out)
    with pytest.raises(CommandError, match="may not see the reports"):
        call_command(
            "render_report", key, "--out", out, "--user", people["evaluator"].username
        )
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("kind", ["due_diligence", "comparison"])
def test_report_content_reads_a_fixed_number_of_queries(candidate, kind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ContactFactory, VisitFactory

    evaluation = candidate.evaluation
    counts = []
    for _ in range(2):
        # Each round adds candidates and evidence; the query count must not move.
        CandidateFactory(evaluation=evaluation)
        people = ContactFactory.create_batch(2, cdmo=candidate.cdmo)
        for _ in range(4):
            InterviewFactory(candidate=candidate, interviewees=people)
            VisitFactory(candidate=candidate)
            FindingFactory(candidate=candidate)
        alignment_ensure_fresh(plan_id=selection_plan(evaluation).pk)
        subject = candidate if kind == "due_diligence" else None
        with CaptureQueriesContext(connection) as queries:
            context.report_content(evaluation=evaluation, candidate=subject)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_a_requested_report(celery_worker, evaluation, member):
    import time

    # A transactional test starts without the default library (no criteria): the
    # report is nearly empty, but it goes through the broker and the worker, and
    # WeasyPrint renders it there.
    candidate = CandidateFactory(evaluation=evaluation)
    job = services.report_request(
        evaluation=evaluation, candidate=candidate, by=member(Role.LEAD)
    )
    deadline = time.monotonic() + 60
    while job.is_active and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()

    assert job.status == ReportJob.Status.READY, job.error
    texts = pdf_texts(job.file.path)
    assert job.pages == len(texts)
    assert candidate.cdmo.name in texts[0]  # the cover
    assert evaluation.name in one_line(texts[0])
