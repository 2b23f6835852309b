"""Signal receivers: each hands over to one service, no logic here."""

from .alignment.services import alignment_request
from .models import ScoringPlan
from .setup.services import plan_create


def queue_recompute(
    sender, evaluation_id: int, by_id: int | None = None, **kwargs
) -> None:
    """Inputs of an evaluation changed (after commit): queue a recompute of the
    plan its candidates are selected by."""
    plan = ScoringPlan.objects.filter(
        evaluation_id=evaluation_id, purpose=ScoringPlan.Purpose.SELECTION
    ).first()
    if plan is not None:
        alignment_request(plan_id=plan.pk, caused_by_id=by_id)


def create_selection_plan(sender, evaluation, **kwargs) -> None:
    """A new evaluation (in its transaction): the plan it selects a partner by."""
    plan_create(evaluation=evaluation)
