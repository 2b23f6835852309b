"""The lead closes scoring, records the decision, signs it (a wrong password
first), downloads the signed copy and verifies the signed report by upload."""

import hashlib
import io
import os
from pathlib import Path

import pypdf
from django.contrib.auth.models import User
from playwright.sync_api import expect

from partners import services as partners_services
from partners.models import Candidate, Evaluation
from scorecards.models import Decision
from scorecards.reports import services as report_services
from scorecards.reports.pdf import RenderInfo

from .conftest import ARTIFACTS

REPORT = b"%PDF-1.7\n% Northbridge due-diligence report\n"


def _shot(page, name: str) -> None:
    # DECISION_SCREENSHOTS=1 keeps pictures of the flow for review.
    if os.environ.get("DECISION_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(
                path=str(ARTIFACTS / f"decision-{name}-{width}.png"), full_page=True
            )
        page.set_viewport_size({"width": 1280, "height": 720})


def test_the_lead_closes_scoring_decides_signs_and_verifies(
    demo, page, sign_in, monkeypatch, tmp_path
):
    # The report's content does not matter here, only its bytes; the signed copy
    # is rendered by WeasyPrint for real.
    def render(html, *, out_path, **kw):
        Path(out_path).parent.mkdir(parents=True, exist_ok=True)
        Path(out_path).write_bytes(REPORT)
        return RenderInfo(pages=14, bytes=len(REPORT))

    monkeypatch.setattr(report_services, "render_pdf", render)

    # The demo is measured as of a day in June; the decision is taken today.
    evaluation = Evaluation.objects.get(key="abx101-ds")
    partners_services.evaluation_update(
        evaluation=evaluation, as_of=None, by=User.objects.get(username="lead")
    )
    sign_in("lead")
    page.goto("/evaluations/abx101-ds/scoring/")
    page.get_by_role("button", name="Close scoring").click()
    expect(page.get_by_text("Scoring is closed.")).to_be_visible()

    chosen = Candidate.objects.get(evaluation__key="abx101-ds", cdmo__key="northbridge")
    page.goto(chosen.get_absolute_url())
    page.get_by_role("button", name="Request due-diligence report").click()
    expect(page.get_by_role("link", name="Open the report (PDF)")).to_be_visible()

    page.goto("/evaluations/abx101-ds/scoring/")
    page.get_by_role("link", name="Record the decision or reopen scoring").click()
    form = page.get_by_role("region", name="Record the decision")
    _shot(page, "1-form")
    # Nothing but the selection: every reason is asked for next to its field.
    form.get_by_label("Selected candidate").select_option(label="Northbridge Biologics")
    form.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Please correct the fields marked below.")).to_be_visible()
    expect(
        page.get_by_text("Say why: the rationale is part of the record.")
    ).to_be_visible()
    expect(
        page.get_by_text("Say why Sakura Pharma Services is declined.")
    ).to_be_visible()
    expect(form.get_by_label("Selected candidate")).to_have_value(str(chosen.pk))

    form.get_by_label("Rationale").fill(
        "Strongest quality culture; operators met at the Leiden bulk site."
    )
    for name in ("Cascadia Contract Manufacturing", "Helvetica BioManufacturing"):
        form.get_by_label(f"Why {name} is declined").fill(f"{name}: weaker alignment")
    form.get_by_label("Why Sakura Pharma Services is declined").fill(
        "Too small for our volumes"
    )
    form.get_by_label("The report the decision rests on").select_option(index=1)
    form.get_by_label("Paul Moreau — approved for procurement").check()
    form.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision is recorded.")).to_be_visible()

    signing = page.get_by_role("region", name="Signatures")
    expect(signing.get_by_role("row", name="Paul Moreau")).to_contain_text(
        "awaiting signature"
    )
    signing.get_by_label("Your user name").fill("lead")
    signing.get_by_label("Your password").fill("not-my-password")
    signing.get_by_label("I sign this decision electronically").check()
    signing.get_by_role("button", name="Sign").click()
    expect(
        page.get_by_text("That is not your password. Nothing was signed.")
    ).to_be_visible()
    _shot(page, "2-wrong-password")

    signing = page.get_by_role("region", name="Signatures")
    signing.get_by_label("Your user name").fill("lead")
    signing.get_by_label("Your password").fill("demo-cdmo-2026")
    signing.get_by_label("I sign this decision electronically").check()
    signing.get_by_role("button", name="Sign").click()
    expect(page.get_by_text("Signed. The signed copy includes it.")).to_be_visible()
    expect(
        page.get_by_role("region", name="Signatures").get_by_role(
            "row", name="Laura Lindqvist"
        )
    ).to_contain_text("Approved as evaluation lead")
    _shot(page, "3-signed")

    decision = Decision.objects.get(evaluation__key="abx101-ds")
    href = page.get_by_role("link", name="Signed copy (PDF/A)").get_attribute("href")
    signed = page.context.request.get(href)
    assert signed.status == 200
    assert signed.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(signed.body()))
    last = " ".join(reader.pages[-1].extract_text().split())
    assert "Signatures" in last and "Laura Lindqvist" in last
    assert decision.report_sha256 in last.replace(" ", "")
    ((_name, (attached,)),) = reader.attachments.items()
    assert hashlib.sha256(attached).hexdigest() == decision.report_sha256

    # Verify by upload: the report as signed matches; a changed copy does not.
    original = page.context.request.get(
        page.get_by_role("link", name="Report as signed (PDF)").get_attribute("href")
    ).body()
    assert original == REPORT
    good = tmp_path / "report.pdf"
    good.write_bytes(original)
    verify = page.get_by_role("region", name="Verify a copy")
    verify.get_by_label("A PDF to check").set_input_files(str(good))
    verify.get_by_role("button", name="Verify").click()
    expect(
        page.get_by_role("region", name="Verify a copy").get_by_role("status")
    ).to_contain_text("This is the report the decision was signed over")
    _shot(page, "4-verified")
    bad = tmp_path / "changed.pdf"
    bad.write_bytes(original + b"%")
    verify = page.get_by_role("region", name="Verify a copy")
    verify.get_by_label("A PDF to check").set_input_files(str(bad))
    verify.get_by_role("button", name="Verify").click()
    expect(
        page.get_by_role("region", name="Verify a copy").get_by_role("status")
    ).to_contain_text("This file is not the signed report")
