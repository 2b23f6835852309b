""" "My work" in a real browser: an evaluator lands on it after signing in, follows
a scorecard to finish, submits it, and the item is gone."""

from playwright.sync_api import expect

from tests.browser.test_scoring import _rate_with_keyboard
from work.selectors import my_work


def test_an_evaluator_follows_a_scorecard_from_my_work_submits_and_it_goes(
    evan_declared,
    page,
    sign_in,
):
    northbridge, evan = evan_declared
    waiting = [
        item.title
        for w in my_work(evan)
        for item in w.items
        if item.kind == "scorecard"
    ]
    assert len(waiting) >= 2
    sign_in("evaluator")
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    items = page.locator(".work-item[data-kind=scorecard]")
    expect(items).to_have_count(len(waiting))
    link = page.get_by_role(
        "link", name="Finish and submit your scorecard for Northbridge Biologics"
    )
    expect(link).to_be_visible()
    link.click()
    _rate_with_keyboard(page, lambda i: 4)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(
        page.get_by_text("Scorecard for Northbridge Biologics submitted")
    ).to_be_visible()
    page.get_by_role("link", name="My work").first.click()
    expect(items).to_have_count(len(waiting) - 1)
    expect(
        page.get_by_role(
            "link", name="Finish and submit your scorecard for Northbridge Biologics"
        )
    ).to_have_count(0)
