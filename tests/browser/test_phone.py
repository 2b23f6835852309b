"""Every page fits a 390 px phone: no horizontal page scroll on any GET route of
the permission table, as the first role that may see it (wide tables scroll in
their own container)."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.routes import ROLES, build_world, page_visits

PHONE = 390


@pytest.fixture
def world(transactional_db):
    # A transactional test before this one flushed the default library that a
    # migration installs.
    from django.apps import apps

    from scorecards.library.default import install
    from scorecards.models import Template

    if not Template.objects.exists():
        install(apps)
    return build_world()


def test_every_page_fits_a_phone(world, browser, live_server):
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    contexts = {}
    for role in ROLES[:5]:
        session = SessionStore()
        user = world.users[role]
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": PHONE, "height": 844},
            locale="en-US",
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": live_server.url,
                }
            ]
        )
        contexts[role] = context.new_page()
    wide, checked = {}, 0
    for role, url, route in page_visits(world):
        page = contexts[role]
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file, not a page
            raise
        if response is None or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            continue
        # Signed in as the role, the page itself (not the sign-in page).
        assert route.public or "/accounts/login/" not in page.url, url
        checked += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            wide[url] = width
    print(f"390 px: {checked} pages checked, {len(wide)} wider")
    assert checked > 60
    assert wide == {}
