"""What `partners` announces to the apps above it, which it may not import.

- `evaluation_created`, sent inside the transaction that creates an evaluation:
  `scorecards` gives it the plan its candidates are scored by.
- `inputs_changed`, sent after commit when an evaluation's scoring inputs changed
  (`partners` and `negotiations` records alike): `scorecards` queues a recompute.
"""

from django.db import transaction
from django.dispatch import Signal

evaluation_created = Signal()
"""Sent with ``evaluation`` and ``by`` in the transaction that created it."""

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
