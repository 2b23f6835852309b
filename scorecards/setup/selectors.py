"""Reads of scoring plans and their set-up: a fixed number of queries whatever the
size."""

from django.utils.translation import gettext as _

from partners.models import Candidate, Evaluation

from ..models import ConflictDeclaration, PlanCategory, ScoringPlan


def selection_plan(evaluation: Evaluation) -> ScoringPlan:
    """The plan an evaluation chooses its partner by (one query, then cached on
    the evaluation). Every evaluation has one from its creation."""
    plan = getattr(evaluation, "_selection_plan", None)
    if plan is None:
        plan = ScoringPlan.objects.get(
            evaluation=evaluation, purpose=ScoringPlan.Purpose.SELECTION
        )
        plan.evaluation = evaluation
        evaluation._selection_plan = plan
    return plan


def plan_categories(plan: ScoringPlan) -> list[PlanCategory]:
    return list(PlanCategory.objects.filter(plan=plan).prefetch_related("criteria"))


def conflicts_for(plan: ScoringPlan, user=None):
    rows = ConflictDeclaration.objects.filter(plan=plan).select_related(
        "evaluator", "candidate__cdmo", "overridden_by"
    )
    if user is not None:
        rows = rows.filter(evaluator=user)
    return list(rows)


def scoring_blocker(
    *, plan: ScoringPlan, candidate: Candidate, evaluator
) -> str | None:
    """Why ``evaluator`` may not score ``candidate`` in ``plan`` now, or None."""
    if plan.phase != Evaluation.Status.SCORING:
        return _("Scoring is not open in this evaluation.")
    declarations = list(
        ConflictDeclaration.objects.filter(plan=plan, evaluator=evaluator)
    )
    if not declarations:
        return _("Declare any conflict of interest before your first scorecard.")
    if any(d.blocks and d.candidate_id == candidate.pk for d in declarations):
        return _(
            "You declared a conflict with %(c)s; the lead must override it before "
            "you can score."
        ) % {"c": candidate}
    return None
