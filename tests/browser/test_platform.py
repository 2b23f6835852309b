from playwright.sync_api import expect


def test_lead_signs_in_and_sees_the_candidates(demo, page, sign_in):
    sign_in("lead")
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    page.get_by_role("link", name="Evaluations", exact=True).click()
    expect(page.get_by_role("heading", name="Your evaluations")).to_be_visible()
    page.get_by_role("link", name="ABX-101 drug substance").click()
    expect(page.get_by_role("heading", name="ABX-101 drug substance")).to_be_visible()
    candidates = page.get_by_role("region", name="Candidates")
    for name in ("Northbridge Biologics", "Helvetica BioManufacturing", "Cascadia"):
        expect(candidates).to_contain_text(name)


def test_outsider_gets_404_on_the_evaluation(demo, page, sign_in):
    sign_in("outsider")
    page.goto("/evaluations/")
    expect(page.get_by_role("link", name="ZX-220 fill-finish")).to_be_visible()
    expect(page.get_by_text("ABX-101 drug substance")).to_have_count(0)
    response = page.goto("/evaluations/abx101-ds/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()


def test_lead_invites_a_member_from_the_browser(demo, page, sign_in):
    sign_in("lead")
    page.goto("/evaluations/abx101-ds/members/")
    invite = page.get_by_role("region", name="Invite a new person by email")
    invite.get_by_label("Email").fill("qa.lead@sponsor.example")
    invite.get_by_label("Role").select_option("observer")
    page.get_by_role("button", name="Send invitation").click()
    expect(
        page.get_by_text("Invitation sent to qa.lead@sponsor.example")
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text="qa.lead@sponsor.example")
    expect(row).to_contain_text("invited")


def test_lockout_after_repeated_failures_is_explained(demo, page, sign_in):
    for _ in range(5):
        sign_in("observer", password="wrong-password")
    sign_in("observer")
    expect(page.get_by_text("Too many failed sign-in attempts")).to_be_visible()
