import re

from playwright.sync_api import expect

from partners.models import Attachment, Candidate

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_evidence_recorded_seen_read_only_and_hidden(demo, page, sign_in, browser):
    candidate = Candidate.objects.get(evaluation__key="abx101-ds", cdmo__key="cascadia")
    sign_in("evaluator")
    page.goto(candidate.get_absolute_url())

    # An interview with an operations contact.
    page.get_by_role("link", name="Record an interview").click()
    page.get_by_label("Date").fill("2026-05-12")
    page.get_by_label("Site").select_option(label="Bothell plant (Bothell, US)")
    page.get_by_label("Interviewees").select_option(
        label="Luis Ortega — Operations (Manufacturing Supervisor)"
    )
    page.get_by_label("Interviewers").select_option(label="Evan Okafor")
    page.get_by_label("What does culture mean to you?").fill(
        "No shortcuts on the floor."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The culture interview is saved.")).to_be_visible()
    interview_url = page.url

    # A site visit with an attachment.
    page.goto(candidate.get_absolute_url())
    page.get_by_role("link", name="Record a site visit").click()
    page.get_by_label("Site").select_option(label="Bothell plant (Bothell, US)")
    page.get_by_label("Date").fill("2026-05-13")
    page.get_by_label("Sponsor attendees").select_option(label="Evan Okafor")
    page.get_by_label("Observations").fill("Second shift observed; gowning exemplary.")
    page.get_by_label("Attach a file").set_input_files(
        {"name": "visit-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The site visit is saved.")).to_be_visible()
    expect(page.get_by_role("link", name="visit-report.pdf")).to_be_visible()
    visit_url = page.url

    # A finding carried into the MSA.
    page.goto(candidate.get_absolute_url())
    page.get_by_role("link", name="Add a finding").click()
    page.get_by_label("Kind").select_option("shared_gap")
    page.get_by_label("Finding").fill("Change control notice period undefined.")
    page.get_by_label("Where it came from").select_option("site_visit")
    page.get_by_label("Site visit").select_option(index=1)
    page.get_by_label("Bridging plan").fill("90-day notice clause in the QA.")
    page.get_by_label("Carry into the MSA / quality agreement").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The finding is saved.")).to_be_visible()

    findings = page.get_by_role("region", name="Findings")
    expect(findings).to_contain_text("Change control notice period undefined.")
    expect(findings).to_contain_text("carry into MSA/QA")
    expect(page.get_by_role("region", name="Culture interviews")).to_contain_text(
        "Luis Ortega"
    )
    expect(page.get_by_role("region", name="Site visits")).to_contain_text(
        "visit-report.pdf"
    )
    attachment_url = Attachment.objects.get(
        original_name="visit-report.pdf"
    ).get_absolute_url()

    # The observer sees it all, with no edit controls.
    page.context.clear_cookies()
    sign_in("observer")
    page.goto(candidate.get_absolute_url())
    expect(page.get_by_text("Change control notice period undefined.")).to_be_visible()
    expect(page.get_by_role("link", name="Record an interview")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
    page.goto(visit_url)
    expect(page.get_by_role("button", name="Upload")).to_have_count(0)

    # The outsider gets 404 on each of them.
    page.context.clear_cookies()
    sign_in("outsider")
    for url in (candidate.get_absolute_url(), interview_url, visit_url):
        assert page.goto(url).status == 404, url
    response = page.request.get(attachment_url)
    assert response.status == 404
