"""Tell whoever computes results that an evaluation's scoring inputs changed.

`partners` and `negotiations` must not import `scorecards`, yet a change to their
records makes the alignment results stale. They send this signal after commit, and
`scorecards` listens and queues a recompute.
"""

from django.db import transaction
from django.dispatch import Signal

inputs_changed = Signal()
"""Sent with ``evaluation_id`` and ``by_id`` (who changed them, or None) once the
transaction that changed the inputs commits."""


def notify_inputs_changed(*, evaluation_id: int, by=None) -> None:
    by_id = getattr(by, "pk", None)
    transaction.on_commit(
        lambda: inputs_changed.send(
            sender=None, evaluation_id=evaluation_id, by_id=by_id
        )
    )
