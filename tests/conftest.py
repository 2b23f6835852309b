import os

import pytest
import redis

from cdmo_eval.celery import app as celery_app
from partners.models import Role
from tests import audit_completeness
from tests.factories import EvaluationFactory, MembershipFactory, UserFactory

LOCAL_TEST_REDIS = "redis://127.0.0.1:6379/15"


def worker_redis_url() -> str | None:
    """The Redis the worker tests use: REDIS_URL (CI), else a local one if running."""
    url = os.environ.get("REDIS_URL") or LOCAL_TEST_REDIS
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return None
    return url


def pytest_collection_modifyitems(session, config, items):
    """Tests marked ``runs_last`` run after all others (they read what the rest of
    the session did); ``config.whole_suite`` says whether every test of the suite
    was collected, unfiltered."""
    last = [i for i in items if i.get_closest_marker("runs_last")]
    items[:] = [i for i in items if i not in last] + last
    filtered = (
        config.option.keyword
        or config.option.markexpr
        or config.option.deselect
        or getattr(config.option, "lf", False)
    )
    paths = {str(p) for p in config.args}
    config.whole_suite = not filtered and paths <= {"tests", str(config.rootpath)} | {
        str(config.rootpath / "tests")
    }


def pytest_configure(config):
    # Celery caches its broker connection and result backend on first use, so the
    # broker for worker tests is set before any test runs. Ordinary tests stay eager.
    url = worker_redis_url()
    if url and not os.environ.get("REDIS_URL"):
        celery_app.conf.update(broker_url=url, result_backend=url)
    _let_flush_reset_the_audit_trail()
    audit_completeness.install()


def _let_flush_reset_the_audit_trail():
    """Transactional tests (a live server, a real worker) are cleaned up by
    Django's ``flush``. The audit table refuses DELETE: on PostgreSQL flush
    TRUNCATEs (which row triggers do not see); on SQLite the trigger asks the
    connection's ``audit_reset_allowed()``, which says yes only while flush runs
    (docs/deployment.md). Nothing else in the suite may delete audit rows."""
    from django.core.management.commands import flush

    from audit.receivers import RESET

    original = flush.Command.handle

    def handle(self, *args, **options):
        RESET["allowed"] = True
        try:
            return original(self, *args, **options)
        finally:
            RESET["allowed"] = False

    flush.Command.handle = handle


@pytest.fixture(autouse=True)
def _eager_tasks_unless_worker(request):
    """Ordinary tests run tasks in-process; tests marked ``celery_worker`` use a real
    worker against Redis instead."""
    eager = request.node.get_closest_marker("celery_worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def evaluation(db):
    return EvaluationFactory()


@pytest.fixture
def member(evaluation):
    """Make a user with ``role`` in ``evaluation``: ``member("lead")``."""

    def make(role: str = Role.EVALUATOR, **user_fields):
        return MembershipFactory(
            evaluation=evaluation, role=role, user=UserFactory(**user_fields)
        ).user

    return make


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


@pytest.fixture
def as_user(client):
    """A client signed in as the given user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def celery_worker():
    """A real Celery worker (in a thread) consuming from Redis for the test."""
    from celery.contrib.testing.worker import start_worker

    if worker_redis_url() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide Redis (REDIS_URL) for the worker tests")
        pytest.skip("no Redis reachable; set REDIS_URL to run the worker tests")
    celery_app.control.purge()
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
    ) as worker:
        yield worker


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder."""
    files = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(files)},
        },
    }
    return files
