import os

from playwright.sync_api import expect

from partners.models import Candidate
from scorecards import tasks
from scorecards.models import ReportJob
from scorecards.reports import services

from .conftest import ARTIFACTS


def _shot(page, name: str) -> None:
    # REPORT_SCREENSHOTS=1 keeps pictures of the flow for review (test-artifacts/).
    if os.environ.get("REPORT_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"reports-{name}.png"), full_page=False)


def test_procurement_requests_follows_and_opens_a_report(
    demo, page, sign_in, browser, live_server, monkeypatch
):
    # The worker is this test: the request is queued, and the test renders it
    # while the page polls, so each state can be seen.
    queued = []
    monkeypatch.setattr(tasks.render_report, "delay", queued.append)
    candidate = Candidate.objects.get(
        evaluation__key="abx101-ds", cdmo__key="helvetica"
    )

    sign_in("procurement")
    page.goto(candidate.get_absolute_url())
    panel = page.get_by_role("region", name="Due-diligence report")
    _shot(page, "1-candidate-page")
    panel.get_by_role("button", name="Request due-diligence report").click()

    status = panel.get_by_role("status")
    expect(status).to_contain_text("Queued: waiting for a worker…")
    expect(status.get_by_role("progressbar")).to_be_visible()
    job = ReportJob.objects.get()
    assert queued == [job.pk]

    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RENDERING, progress=40
    )
    expect(status).to_contain_text("Rendering the PDF…")
    expect(status).to_contain_text("40 %")
    _shot(page, "2-rendering")
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.QUEUED)

    assert services.report_render(job_id=job.pk).status == ReportJob.Status.READY
    expect(status).to_contain_text("Ready", timeout=15_000)
    expect(status).to_contain_text("requested by Paul Moreau")
    _shot(page, "3-ready")
    link = status.get_by_role("link", name="Open the report (PDF)")
    href = link.get_attribute("href")

    response = page.context.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    # The evaluation's reports page lists it with who asked.
    page.get_by_role("link", name="All reports and exports").click()
    past = page.get_by_role("region", name="Past reports")
    expect(past.get_by_role("row", name="Helvetica BioManufacturing")).to_contain_text(
        "Paul Moreau"
    )

    # Someone outside the evaluation gets 404 on the same URL.
    other = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        stranger = other.new_page()
        stranger.goto("/accounts/login/")
        stranger.get_by_label("Username").fill("outsider")
        stranger.get_by_label("Password").fill("demo-cdmo-2026")
        stranger.get_by_role("button", name="Sign in").click()
        stranger.wait_for_load_state()
        assert stranger.goto(href).status == 404
    finally:
        other.close()
