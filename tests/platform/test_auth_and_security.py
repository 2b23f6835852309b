import datetime as dt

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(client):
    UserFactory(username="alice")
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("evaluation_list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("evaluation_list")).status_code == 302


def test_wrong_password_is_explained(client):
    UserFactory(username="alice")
    response = client.post(reverse("login"), {"username": "alice", "password": "x"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_clear_message(client):
    UserFactory(username="alice")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    # Even the right password is refused while locked out.
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "Try again in 15 minutes" in page


def test_behind_a_proxy_the_lockout_locks_the_attackers_address_not_the_user(
    client, settings
):
    settings.TRUSTED_PROXIES = 1
    UserFactory(username="alice")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def sign_in(forwarded, password):
        return client.post(
            reverse("login"),
            {"username": "alice", "password": password},
            HTTP_X_FORWARDED_FOR=forwarded,
            **proxy,
        )

    # The attacker prepends an address of their own: only the proxy's entry counts.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("198.51.100.2, 203.0.113.66", "wrong")
    assert sign_in("203.0.113.66", PASSWORD).status_code == 429
    # Alice, from her own address through the same proxy, still signs in.
    assert sign_in("198.51.100.2", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.66", "10.0.0.2"),
        (1, "203.0.113.66", "203.0.113.66"),
        (1, "6.6.6.6, 203.0.113.66", "203.0.113.66"),
        (2, "6.6.6.6, 203.0.113.66, 10.0.0.9", "203.0.113.66"),
        (2, "203.0.113.66", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxies_saw(
    rf, settings, proxies, forwarded, expected
):
    from cdmo_eval.client_ip import client_ip

    settings.TRUSTED_PROXIES = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == expected


def test_password_change(as_user):
    user = UserFactory()
    client = as_user(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-pass-2026",
            "new_password2": "Another-pass-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another-pass-2026")


def test_idle_sessions_expire(client, monkeypatch):
    """Each request extends the session; one left idle past the limit is gone."""
    UserFactory(username="alice")
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    url = reverse("evaluation_list")
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert age <= dt.timedelta(hours=1)
    start = timezone.now()

    def at(moment):
        # The session backend reads the clock here to stamp and check expiry.
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return client.get(url)

    # Busy: a request a minute before the limit, and again a minute before the
    # limit counted from that one. Each extends the session.
    assert at(start + age - dt.timedelta(minutes=1)).status_code == 200
    assert at(start + 2 * age - dt.timedelta(minutes=2)).status_code == 200
    # Idle: a second past the limit since the last request, back to sign-in.
    response = at(start + 3 * age - dt.timedelta(minutes=2) + dt.timedelta(seconds=1))
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"


def test_pages_carry_a_strict_csp_and_no_external_assets(as_user):
    response = as_user(UserFactory()).get(reverse("evaluation_list"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    page = response.content.decode()
    assert "cdn" not in page.lower()
    assert "<script>" not in page  # no inline scripts
    assert " style=" not in page  # no inline styles


def test_unknown_page_is_a_friendly_404(as_user):
    response = as_user(UserFactory()).get("/evaluations/no-such-thing/")
    assert response.status_code == 404
    assert "Back to your evaluations" in response.content.decode()


def test_healthz_needs_no_login(client):
    response = client.get(reverse("healthz"))
    assert response.json() == {"status": "ok"}
