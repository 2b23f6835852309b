"""Report benchmarks: how long the demo's PDFs take, step by step.

Runs against a throwaway SQLite database with the demo loaded (never the one in
var/), renders through the same path as the report job, and prints a table.
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

from scorecards.alignment.services import alignment_ensure_fresh
from scorecards.setup.selectors import selection_plan

RUNS = 3


def _setup(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["FILES_ROOT"] = str(folder / "files")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdmo_eval.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from scorecards.bundles.demo import load_demo

    load_demo()


def _median_ms(fn) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cdmo-bench-") as tmp:
        folder = Path(tmp)
        _setup(folder)
        from django.contrib.auth import get_user_model

        from partners.models import Candidate, Evaluation
        from scorecards.reports import context as report_context
        from scorecards.reports import services
        from scorecards.reports.pdf import render_pdf

        evaluation = Evaluation.objects.get(key="abx101-ds")
        alignment_ensure_fresh(plan_id=selection_plan(evaluation).pk)
        lead = get_user_model().objects.get(username="lead")
        helvetica = Candidate.objects.select_related("cdmo", "bulk_site").get(
            evaluation=evaluation, cdmo__key="helvetica"
        )
        rows = []
        for label, candidate in (
            ("due diligence (Helvetica)", helvetica),
            ("comparison (4 candidates)", None),
        ):
            job = services.report_job_create(
                evaluation=evaluation, candidate=candidate, by=lead
            )

            def build(candidate=candidate, job=job):
                context, _digest = report_context.report_content(
                    evaluation=evaluation, candidate=candidate
                )
                return report_context.report_html(context, job=job)

            html_ms, html = _median_ms(build)
            out = folder / "out.pdf"
            pdf_ms, info = _median_ms(
                lambda html=html, out=out: render_pdf(html, out_path=out)
            )

            def whole(job=job):
                fresh = services.report_job_create(
                    evaluation=evaluation, candidate=job.candidate, by=lead
                )
                return services.report_render(job_id=fresh.pk)

            job_ms, done = _median_ms(whole)
            rows.append((label, html_ms, pdf_ms, job_ms, info.pages, info.bytes))

    print()
    print(f"Reports of the demo (ABX-101); median of {RUNS} runs")
    header = f"{'HTML ms':>10}{'PDF ms':>10}{'job ms':>10}{'pages':>7}{'KB':>7}"
    print(f"{'report':<28}{header}")
    for label, html_ms, pdf_ms, job_ms, pages, size in rows:
        print(
            f"{label:<28}{html_ms:>10.0f}{pdf_ms:>10.0f}{job_ms:>10.0f}"
            f"{pages:>7}{size / 1024:>7.0f}"
        )
    print("HTML: context, content digest and final template, as the job builds them;")
    print("PDF: WeasyPrint in its capped child process;")
    print("job: report_render end to end (claim, content digest, PDF, storage).")


if __name__ == "__main__":
    main()
