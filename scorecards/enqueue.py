"""Handing work to the background jobs: the one module of `scorecards` that enqueues.

Tasks are looked up by name in Celery's registry at call time, so services never
import the task module (which imports them): no import circle, and ``delay`` still
runs the task in-process when no broker is configured (the embedded default).
"""

from celery import current_app
from django.db import transaction

RECOMPUTE_ALIGNMENT = "scorecards.tasks.recompute_alignment"
RENDER_REPORT = "scorecards.tasks.render_report"


def _delay(name: str, *args) -> None:
    current_app.tasks[name].delay(*args)


def recompute_alignment(plan_id: int, caused_by_id: int | None) -> None:
    """Queue a recompute now (callers run after the change committed)."""
    _delay(RECOMPUTE_ALIGNMENT, plan_id, caused_by_id)


def render_report(job_id: int) -> None:
    """Queue a report render once the transaction that created the job commits."""
    transaction.on_commit(lambda: _delay(RENDER_REPORT, job_id))
