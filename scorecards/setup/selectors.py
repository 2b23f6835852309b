"""Reads of an evaluation's set-up: a fixed number of queries whatever the size."""

from partners.models import (
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
