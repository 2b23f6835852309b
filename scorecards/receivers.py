"""Signal receivers: each hands over to one service, no logic here."""

from .alignment.jobs import alignment_request


def queue_recompute(sender, evaluation_id: int, **kwargs) -> None:
    """Inputs of an evaluation changed (after commit): queue a recompute."""
    alignment_request(evaluation_id=evaluation_id)
