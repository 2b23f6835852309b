"""Hostile input on every form: each POST route of the permission table (outside
the admin) gets fields drawn by Hypothesis — long text, control characters,
numbers out of range, odd dates, unknown ids — as a role that may post it. No
answer is a server error; a refusal (400) shows its message on the page. Each
post runs in a transaction that is rolled back, so every example meets the same
world.

The fields posted are the ones the route's own page shows (its form's ``name``
attributes), plus the table's example data.
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.routes import ROLES, ROUTES, build_world

EXAMPLES = 8
NAMES = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')

VALUES = st.one_of(
    st.text(max_size=40),
    st.text(min_size=3000, max_size=6000, alphabet="xy "),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "-1",
            "0",
            "9" * 40,
            "9223372036854775808",  # 2**63: no integer column holds it
            "1e308",
            "NaN",
            "2026-02-30",
            "0001-01-01",
            "9999-12-31",
            "<script>alert(1)</script>",
            "on",
            "999999999",
            "../../etc/passwd",
            "🧪",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)

POSTS = [
    r
    for r in ROUTES
    if r.post is not None
    and not r.name.startswith("admin:")
    and r.name not in {"logout", "login", "password_reset"}
]
"""Sign-in and reset are left to django-axes's and Django's own tests: a fuzzed
sign-in only locks accounts."""


class _Rollback(Exception):
    pass


@pytest.fixture
def world(db):
    return build_world()


def _role(route) -> str | None:
    """A signed-in role the table lets through (its answer is not 403/404)."""
    expected = route.expected("post")
    return next(
        (r for r in ROLES[:5] if expected[r] not in (403, 404, 405, 302)),
        next((r for r in ROLES[:5] if expected[r] == 302), None),
    )


def _field_names(client, url, route, world) -> list[str]:
    names = set(route.data(world))
    if route.get is not None:
        page = client.get(url + route.query)
        if page.status_code == 200 and not page.streaming:
            names |= set(NAMES.findall(page.content.decode("utf-8", "replace")))
    return sorted(names - {"csrfmiddlewaretoken"})


@pytest.mark.parametrize("route", POSTS, ids=[r.name for r in POSTS])
def test_no_form_answers_a_server_error(world, route):
    role = _role(route)
    if role is None:
        pytest.skip("no signed-in role may post it")
    client = Client(raise_request_exception=True)
    client.force_login(world.users[role])
    url = reverse(route.name, args=route.args(world))
    names = _field_names(client, url, route, world)
    seen = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({name: VALUES for name in names}))
    def post(data):
        try:
            with transaction.atomic():
                response = client.post(url, data)
                seen.append(response.status_code)
                assert response.status_code < 500, (url, data)
                if response.status_code == 400:
                    page = response.content.decode("utf-8", "replace")
                    assert "invalid-feedback" in page or "alert" in page, url
                raise _Rollback
        except _Rollback:
            pass

    post()
    assert len(seen) >= 1
    print(f"{route.name}: {len(seen)} examples, answers {sorted(set(seen))}")


@pytest.mark.parametrize(
    "route_name, field",
    [
        ("interview_edit", "interviewees"),
        ("interview_edit", "interviewers"),
        ("visit_edit", "contact_attendees"),
        ("visit_edit", "attendees"),
    ],
)
def test_an_id_no_column_holds_is_an_invalid_choice(world, route_name, field):
    """What the fuzzing found, pinned: 2**63 in a people field was a 500."""
    route = next(r for r in ROUTES if r.name == route_name)
    client = Client()
    client.force_login(world.users["evaluator"])
    url = reverse(route.name, args=route.args(world))
    response = client.post(url, {field: str(2**63)})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
