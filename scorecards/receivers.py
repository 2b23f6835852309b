"""Signal receivers: each hands over to one service, no logic here."""

from .alignment.services import alignment_request


def queue_recompute(
    sender, evaluation_id: int, by_id: int | None = None, **kwargs
) -> None:
    """Inputs of an evaluation changed (after commit): queue a recompute."""
    alignment_request(evaluation_id=evaluation_id, caused_by_id=by_id)
