"""The site-wide permission table (`tests/routes.py`): every named route, every
role, GET and POST. Modelled on pretix's test_permissions.py."""

import traceback
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests.routes import ROLES, all_routes, build_world, url_names

ROOT = str(Path(__file__).resolve().parents[2])
ROUTES = all_routes()


CASES = []
_seen = {}
for route in ROUTES:
    for method in ("get", "post"):
        key = f"{method}:{route.name}"
        _seen[key] = _seen.get(key, 0) + 1
        suffix = f"#{_seen[key]}" if _seen[key] > 1 else ""
        CASES.append(pytest.param(route, method, id=key + suffix))


def test_every_named_route_is_in_the_table():
    assert url_names() - {r.name for r in ROUTES} == set()
    assert {r.name for r in ROUTES} - url_names() == set()


class _Rollback(Exception):
    pass


@contextmanager
def _undone():
    """Run a request and undo what it wrote, so every role meets the same world."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


@contextmanager
def no_queries_from_template_tags():
    """Fail if any of the project's own template tags queries the database: pages
    are composed in views (partners.panels), never by tags."""
    offenders = []

    def watch(execute, sql, params, many, context):
        for frame in traceback.extract_stack():
            name = frame.filename
            ours = name.startswith(ROOT) and "site-packages" not in name
            if ours and "/templatetags/" in name:
                offenders.append(f"{frame.filename}:{frame.lineno} {sql[:80]}")
                break
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield
    assert offenders == []


@pytest.mark.parametrize("route,method", CASES)
def test_each_role_gets_what_the_table_says(db, route, method):
    world = build_world()
    url = reverse(route.name, args=route.args(world))
    expected = route.expected(method)
    got = {}
    for role in ROLES:
        client = Client()
        if role != "anon":
            client.force_login(world.users[role])
        with _undone(), no_queries_from_template_tags():
            if method == "get":
                response = client.get(url + route.query)
            else:
                response = client.post(url, route.data(world))
        got[role] = response.status_code
    wrong = {
        r: f"got {got[r]}, expected {expected[r]}"
        for r in ROLES
        if got[r] != expected[r]
    }
    assert not wrong, f"{method.upper()} {url}: {wrong}"
