"""Browser tests: Playwright driving the machine's Debian Chromium."""

import os
import shutil
from pathlib import Path

import pytest

from partners.models import Candidate
from scorecards.bundles.demo import DEMO_PASSWORD, load_demo
from scorecards.setup import services as setup_services
from scorecards.setup.selectors import selection_plan

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from
# the test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("CI must install Chromium (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)
    return report


@pytest.fixture
def demo(transactional_db):
    return load_demo()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    # The navigation's count of new work loads by htmx on every page, beside
    # whatever the test does next. On SQLite the live server's threads share one
    # in-memory connection, so two requests at once break each other's savepoints;
    # the count is answered here (it is tested in tests/work).
    page.route(
        "**/work/new/",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body='<span id="work-count"></span>'
        ),
    )
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    def do(username: str, password: str = DEMO_PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return do


@pytest.fixture
def evan_declared(demo):
    """Northbridge, and the demo's evaluator Evan, who has declared no conflict
    and has no scorecard for it."""
    northbridge = Candidate.objects.get(
        evaluation__key="abx101-ds", cdmo__key="northbridge"
    )
    evan = northbridge.evaluation.memberships.get(user__username="evaluator").user
    setup_services.conflict_declare(
        plan=selection_plan(northbridge.evaluation),
        evaluator=evan,
        candidates=[],
        text="",
    )
    return northbridge, evan
