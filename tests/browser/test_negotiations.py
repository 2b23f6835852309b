import datetime as dt

from playwright.sync_api import expect

from negotiations import services
from negotiations.models import AmendmentRound, InformationRequest
from partners.models import Candidate


def test_procurement_logs_requests_and_rounds_and_sees_the_warning(demo, page, sign_in):
    candidate = Candidate.objects.get(evaluation__key="abx101-ds", cdmo__key="sakura")
    procurement = candidate.evaluation.memberships.get(role="procurement").user
    services.round_add(
        candidate=candidate,
        kind="msa",
        round_=AmendmentRound(
            sent=dt.date(2026, 4, 1), returned=dt.date(2026, 4, 10), reviewers=4
        ),
        by=procurement,
    )
    sign_in("procurement")
    page.goto(candidate.get_absolute_url())
    page.get_by_role("link", name="Open negotiations").click()

    # The timeline shows the months since first engagement (2026-01-20 to the
    # evaluation's as-of date 2026-06-30: 161 days).
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("5.3 months since first engagement")
    expect(page.get_by_role("img", name="Negotiation timeline")).to_be_visible()

    # An information request, then its answer.
    page.get_by_role("link", name="Log an information request").click()
    page.get_by_label("Subject").fill("Stability data package")
    page.get_by_label("Sent*", exact=True).fill("2026-05-04")
    page.get_by_label("Due", exact=True).fill("2026-05-11")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The information request is saved.")).to_be_visible()
    page.get_by_role("link", name="Edit Stability data package").click()
    page.get_by_label("Answered").fill("2026-05-07")
    # Not complete until the answer has come (a new request is never pre-ticked).
    page.get_by_label("Answer complete").check()
    page.get_by_role("button", name="Save").click()
    requests = page.get_by_role("region", name="Information requests")
    row = requests.get_by_role("row", name="Stability data package")
    expect(row).to_contain_text("7 May 2026")
    expect(row).to_contain_text("Complete")
    assert InformationRequest.objects.get(subject="Stability data package").answered

    # A second MSA round, then a third sent before the second came back: refused.
    page.get_by_role("link", name="Add an amendment round").click()
    page.get_by_label("Agreement").select_option("msa")
    page.get_by_label("Sent*", exact=True).fill("2026-04-15")
    page.get_by_label("Returned").fill("2026-05-02")
    page.get_by_label("Reviewers on the CDMO's side").fill("6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The amendment round is saved.")).to_be_visible()

    page.get_by_role("link", name="New MSA round").click()
    page.get_by_label("Sent*", exact=True).fill("2026-04-30")
    page.get_by_label("Reviewers on the CDMO's side").fill("8")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Sent before round 2 was returned")).to_be_visible()
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    page.get_by_label("Sent*", exact=True).fill("2026-05-06")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The amendment round is saved.")).to_be_visible()

    agreements = page.get_by_role("region", name="Agreements and amendment rounds")
    expect(agreements).to_contain_text(
        "MSA is on round 3 — more than 2 rounds suggests too many people weigh in."
    )
    expect(agreements).to_contain_text("3 rounds, up to 8 reviewers per round")
    expect(page.get_by_role("region", name="Governance")).to_contain_text(
        "set up a steering-committee cadence"
    )
    assert list(
        AmendmentRound.objects.filter(agreement__candidate=candidate).values_list(
            "number", flat=True
        )
    ) == [1, 2, 3]
