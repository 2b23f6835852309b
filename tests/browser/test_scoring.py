"""Scoring in a real browser: keyboard-only scorecard, blind scoring, consensus."""

import re

from playwright.sync_api import expect

from partners.models import Candidate
from scorecards.models import ConsensusRating, Rating, Scorecard


def _wait_for_saves(page):
    # Locators rather than wait_for_function: the page's CSP forbids eval.
    expect(page.locator(".htmx-request")).to_have_count(0)
    expect(page.locator(".rating-row.unsaved")).to_have_count(0)


def _rate_with_keyboard(page, score_for_row):
    """Complete every unrated row from the keyboard: Space and arrows pick the
    rating, Tab moves to the rationale, the evidence select and the next row."""
    rows = page.locator(".rating-row")
    for i in range(rows.count()):
        row = rows.nth(i)
        if row.locator("input[type=radio]:checked").count():
            continue
        score = score_for_row(i)
        row.locator("input[type=radio]").first.focus()
        page.keyboard.press("Space")  # checks 1
        for _ in range(score - 1):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")  # rationale
        if score in (1, 2, 5):
            page.keyboard.type("Seen on the site visit.")
        page.keyboard.press("Tab")  # rests on
        expect(row.locator(".text-success")).to_be_visible()
        _wait_for_saves(page)


def test_blind_scoring_end_to_end(demo, page, sign_in, browser):
    northbridge = Candidate.objects.get(
        evaluation__key="abx101-ds", cdmo__key="northbridge"
    )

    # evaluator: declares no conflict, rates everything from the keyboard, submits
    sign_in("evaluator")
    page.goto("/evaluations/abx101-ds/scoring/")
    page.get_by_role("link", name="Declare conflicts of interest").click()
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Record declaration").click()
    expect(page.get_by_text("Your declaration is recorded.")).to_be_visible()
    page.get_by_role("link", name="Start Northbridge Biologics").click()
    _rate_with_keyboard(page, lambda i: 5 if i == 0 else 4)
    expect(page.locator(".rating-row .text-success")).to_have_count(23)
    page.get_by_role("button", name="Submit scorecard").focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Scorecard for Northbridge Biologics submitted")
    ).to_be_visible()
    sc = Scorecard.objects.get(candidate=northbridge, evaluator__username="evaluator")
    assert sc.is_submitted
    assert Rating.objects.filter(scorecard=sc, counts=True).count() == 23
    assert (
        Rating.objects.get(scorecard=sc, criterion__key="inspection_history").score == 5
    )
    page.context.clear_cookies()

    # evaluator2: cannot see Evan's ratings before submitting, can after
    sign_in("evaluator2")
    page.goto(f"/candidates/{northbridge.pk}/ratings/")
    expect(page.get_by_text("Scoring is blind")).to_be_visible()
    expect(page.get_by_text("Evan Okafor")).to_have_count(0)
    response = page.request.get(f"/candidates/{northbridge.pk}/ratings.json")
    assert response.status == 403 and "Evan" not in response.text()
    page.get_by_role("link", name="Go to your scorecard").click()
    _rate_with_keyboard(page, lambda i: 3)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("columnheader", name="Evan Okafor")).to_be_visible()
    expect(page.get_by_text("Scoring is blind")).to_have_count(0)
    page.context.clear_cookies()

    # lead: records a consensus where evaluators disagree
    sign_in("lead")
    page.goto(f"/candidates/{northbridge.pk}/consensus/")
    expect(page.locator("tr.table-warning").first).to_be_visible()
    # consensus is recorded from the row itself (highlighted where evaluators
    # disagree), not from a list below the table
    expect(page.get_by_role("heading", name="Record a consensus")).to_have_count(0)
    row = page.locator("tr", has_text="Inspection history of the bulk site")
    row.get_by_role(
        "link", name="Record consensus on Inspection history of the bulk site"
    ).click()
    page.get_by_label("Consensus rating").select_option("4")
    page.get_by_role("button", name="Record consensus").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label("Reason").fill("FDA PAI 2025 clean; one open EMA observation.")
    page.get_by_role("button", name="Record consensus").click()
    expect(page.get_by_text("Consensus recorded")).to_be_visible()
    consensus = ConsensusRating.objects.get(
        candidate=northbridge, criterion__key="inspection_history"
    )
    assert consensus.score == 4 and consensus.by.username == "lead"
    page.context.clear_cookies()

    # observer: reads, cannot rate
    sign_in("observer")
    page.goto("/evaluations/abx101-ds/scoring/")
    expect(page.get_by_role("heading", name="Your scorecards")).to_have_count(0)
    response = page.goto(f"/candidates/{northbridge.pk}/scorecard/")
    assert response.status == 403


def test_autosave_survives_a_dropped_connection(demo, page, sign_in):
    """Offline, the row says it is not saved and keeps the input; back online the
    retry saves it."""
    sign_in("evaluator2")
    northbridge = Candidate.objects.get(
        evaluation__key="abx101-ds", cdmo__key="northbridge"
    )
    page.goto(f"/candidates/{northbridge.pk}/scorecard/")
    row = page.locator(".rating-row").nth(10)
    page.context.set_offline(True)
    row.locator("input[type=radio]").nth(1).check()
    expect(row.get_by_text("Not saved: connection problem")).to_be_visible()
    expect(row.locator("input[type=radio]").nth(1)).to_be_checked()
    page.context.set_offline(False)
    expect(row.locator(".text-success")).to_be_visible(timeout=15_000)
    sc = Scorecard.objects.get(candidate=northbridge, evaluator__username="evaluator2")
    assert Rating.objects.filter(scorecard=sc).count() == 9


def test_the_checklist_follows_each_row_and_submit_sends_what_is_on_screen(
    evan_declared, page, sign_in
):
    northbridge, evan = evan_declared
    sign_in("evaluator")
    page.goto(f"/candidates/{northbridge.pk}/scorecard/")
    checklist = page.locator("#submit-checklist")
    expect(checklist).to_contain_text("23 things to finish before submitting")
    rows = page.locator(".rating-row")
    rows.nth(0).locator("input[type=radio][value='3']").check()
    _wait_for_saves(page)
    # the list follows the saved row, without a reload
    expect(checklist).to_contain_text("22 things to finish before submitting")
    first = rows.nth(1).locator("legend").inner_text()
    checklist.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"#crit-\d+$"))
    assert first in checklist.get_by_role("link").first.inner_text()
    for i in range(1, rows.count()):
        rows.nth(i).locator("input[type=radio][value='4']").check()
        _wait_for_saves(page)
    expect(checklist).to_contain_text("ready to submit")
    last = rows.nth(rows.count() - 1)
    last.locator("input[type=radio][value='5']").check()
    _wait_for_saves(page)
    expect(checklist).to_contain_text("needs a rationale")
    # typed and submitted at once: the delayed autosave has not run yet
    last.locator("textarea").fill("Their QA head walked us through every CAPA.")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(
        page.get_by_text("Scorecard for Northbridge Biologics submitted")
    ).to_be_visible()
    sc = Scorecard.objects.get(candidate=northbridge, evaluator=evan)
    assert sc.is_submitted
    assert (
        sc.ratings.get(score=5).rationale
        == "Their QA head walked us through every CAPA."
    )


def test_an_evaluator_reaches_the_scorecard_in_one_click_and_viewing_creates_none(
    evan_declared, page, sign_in
):
    northbridge, evan = evan_declared
    sign_in("evaluator")
    link = "Your scorecard for Northbridge Biologics"
    for start in (
        "/evaluations/abx101-ds/candidates/",
        "/evaluations/abx101-ds/dashboard/",
    ):
        page.goto(start)
        # the declaration queued a recompute: the ranking is back once it is done
        for _ in range(40):
            if page.get_by_role("link", name=link).count():
                break
            page.wait_for_timeout(500)
            page.goto(start)
        page.get_by_role("link", name=link).click()
        expect(
            page.get_by_role("heading", name="Your scorecard · Northbridge Biologics")
        ).to_be_visible()
    page.goto("/evaluations/abx101-ds/scoring/")
    page.get_by_role("link", name="Start Northbridge Biologics").click()
    expect(
        page.get_by_role("heading", name="Your scorecard · Northbridge Biologics")
    ).to_be_visible()
    # looking is not starting: nobody sees a "draft 0/23" for Evan
    assert not Scorecard.objects.filter(evaluator=evan).exists()
    page.locator(".rating-row").first.locator("input[type=radio][value='3']").check()
    _wait_for_saves(page)
    # a scorecard exists from its first saved rating
    sc = Scorecard.objects.get(evaluator=evan, candidate=northbridge)
    assert sc.ratings.count() == 1
