"""Context for entries written by background jobs, and the SQLite side of the
append-only triggers."""

import inspect

from celery.signals import task_postrun, task_prerun
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from . import context

RESET = {"allowed": False}
"""Set only by the test suite's table flush between transactional tests
(tests/conftest.py); the SQLite triggers refuse DELETE otherwise."""


@task_prerun.connect
def _job_starts(task_id=None, task=None, args=(), kwargs=None, **extra):
    user = None
    try:
        bound = inspect.signature(task.run).bind_partial(*args, **(kwargs or {}))
        user_id = bound.arguments.get("caused_by_id") or bound.arguments.get("by_id")
    except (TypeError, ValueError, AttributeError):
        user_id = None
    if user_id:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=user_id).first()
    context.start_job(task_id, user)


@task_postrun.connect
def _job_ends(**extra):
    context.end_job()


@receiver(connection_created)
def _sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "audit_reset_allowed", 0, lambda: int(RESET["allowed"]), deterministic=False
        )
