"""Reads of an evaluation's set-up: a fixed number of queries whatever the size."""

from django.utils.translation import gettext as _

from partners.models import (
    Candidate,
    Evaluation,
)

from ..models import (
    ConflictDeclaration,
    EvaluationCategory,
)


def evaluation_categories(evaluation: Evaluation) -> list[EvaluationCategory]:
    return list(
        EvaluationCategory.objects.filter(evaluation=evaluation).prefetch_related(
            "criteria"
        )
    )


def conflicts_for(evaluation: Evaluation, user=None):
    rows = ConflictDeclaration.objects.filter(evaluation=evaluation).select_related(
        "evaluator", "candidate__cdmo", "overridden_by"
    )
    if user is not None:
        rows = rows.filter(evaluator=user)
    return list(rows)


def scoring_blocker(*, candidate: Candidate, evaluator) -> str | None:
    """Why ``evaluator`` may not score ``candidate`` now, or None."""
    evaluation = candidate.evaluation
    if evaluation.status != Evaluation.Status.SCORING:
        return _("Scoring is not open in this evaluation.")
    declarations = list(
        ConflictDeclaration.objects.filter(evaluation=evaluation, evaluator=evaluator)
    )
    if not declarations:
        return _("Declare any conflict of interest before your first scorecard.")
    if any(d.blocks and d.candidate_id == candidate.pk for d in declarations):
        return _(
            "You declared a conflict with %(c)s; the lead must override it before "
            "you can score."
        ) % {"c": candidate}
    return None
