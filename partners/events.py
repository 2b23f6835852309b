"""What `partners` announces to the apps above it, which it may not import.

- `evaluation_created`, sent inside the transaction that creates an evaluation:
  `scorecards` gives it the plan its candidates are scored by.
- `inputs_changed`, sent after commit when an evaluation's scoring inputs changed
  (`partners` and `negotiations` records alike): `scorecards` queues a recompute.
"""

import threading
from contextlib import contextmanager

from django.db import transaction
from django.dispatch import Signal

evaluation_created = Signal()
"""Sent with ``evaluation`` and ``by`` in the transaction that created it."""

inputs_changed = Signal()
"""Sent with ``evaluation_id`` and ``by_id`` (who changed them, or None) once the
transaction that changed the inputs commits."""


_batch = threading.local()


def notify_inputs_changed(*, evaluation_id: int, by=None) -> None:
    """Announce, once the transaction commits, that the evaluation's inputs changed
    (inside `announced_once`, once for the whole batch)."""
    by_id = getattr(by, "pk", None)
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending.add((evaluation_id, by_id))
        return
    transaction.on_commit(
        lambda: inputs_changed.send(
            sender=None, evaluation_id=evaluation_id, by_id=by_id
        )
    )


@contextmanager
def announced_once():
    """Many writes, one announcement: inside the block, the services' announcements
    are collected and made once per evaluation (and user) when it ends, to be sent
    when the transaction commits, e.g. by a bundle import that writes hundreds of
    records. Nested blocks join the outer one."""
    if getattr(_batch, "pending", None) is not None:
        yield
        return
    _batch.pending = set()
    try:
        yield
        pending = _batch.pending
    finally:
        _batch.pending = None
    for evaluation_id, by_id in sorted(pending, key=str):
        transaction.on_commit(
            lambda e=evaluation_id, b=by_id: inputs_changed.send(
                sender=None, evaluation_id=e, by_id=b
            )
        )
