"""The audit trail in a real browser: a reopen and the change it allowed, both in
the candidate's history with the reason."""

import re

from playwright.sync_api import expect

from partners.models import Candidate
from scorecards.models import Rating, Scorecard


def test_a_reopen_and_the_change_after_it_are_in_the_candidates_history(
    demo, page, sign_in
):
    cascadia = Candidate.objects.get(evaluation__key="abx101-ds", cdmo__key="cascadia")
    sc = Scorecard.objects.get(candidate=cascadia, evaluator__username="evaluator2")
    rating = Rating.objects.get(scorecard=sc, criterion__key="inspection_history")
    old, new = rating.score, (2 if rating.score != 2 else 3)

    # lead: reopens evaluator2's submitted scorecard, a reason is required
    sign_in("lead")
    page.goto(f"/candidates/{cascadia.pk}/ratings/")
    reason = page.get_by_label(re.compile("Reason to reopen .*scorecard")).first
    reason.fill("Rated the wrong site: the bulk site is Tacoma")
    page.get_by_role("button", name="Reopen").first.click()
    expect(page.get_by_text("Scorecard reopened.")).to_be_visible()
    page.context.clear_cookies()

    # evaluator2: sees why, changes one rating
    sign_in("evaluator2")
    page.goto(f"/candidates/{cascadia.pk}/scorecard/")
    expect(
        page.get_by_text("Reopened by the lead: Rated the wrong site")
    ).to_be_visible()
    row = page.locator(f".rating-row:has(input[name='c{rating.criterion_id}-score'])")
    row.locator(f"input[type=radio][value='{new}']").check()
    row.locator("textarea").fill("The Tacoma site had a 483 in 2025.")
    row.locator("textarea").press("Tab")
    expect(page.locator(".htmx-request")).to_have_count(0)
    expect(page.locator(".rating-row.unsaved")).to_have_count(0)
    rating.refresh_from_db()
    assert rating.score == new

    # the candidate's history, reached from the candidate page
    page.goto(cascadia.get_absolute_url())
    page.get_by_role("link", name="History").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    history = page.locator("table.history")
    reopen_row = history.locator("tr", has_text="Scorecard · changed").filter(
        has_text="Rated the wrong site"
    )
    expect(reopen_row.first).to_be_visible()
    expect(reopen_row.first).to_contain_text("Laura Lindqvist")  # the lead did it
    # each autosave of the row is an entry: the score, then the rationale,
    # both made for the reopen's reason
    score = history.locator(
        "tr", has_text="Inspection history of the bulk site · Cascadia"
    ).filter(has_text=re.compile(rf"Rating\s*{old} →\s*to\s+{new}"))
    expect(score).to_have_count(1)
    expect(score.first).to_contain_text("Reopened: Rated the wrong site")
    rationale = history.locator("tr", has_text="The Tacoma site had a 483 in 2025.")
    expect(rationale.first).to_contain_text("Reopened: Rated the wrong site")
