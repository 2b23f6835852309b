"""What of `scorecards` the audit trail records, and whose history each is.

Computed results and report jobs are derived and not recorded; everything a
person decides is: the plan's criteria and weights, conflict declarations and
overrides, scorecards, ratings and consensus, the decision and its signatures."""

from audit.registry import track

from .models import (
    ConflictDeclaration,
    ConsensusRating,
    Decision,
    Declined,
    PlanCategory,
    PlanCriterion,
    Rating,
    Scorecard,
    ScoringPlan,
    Signature,
)


def _of_plan(obj):
    return (obj.plan.evaluation_id, getattr(obj, "candidate_id", None))


def _of_candidate(obj):
    return (obj.candidate.evaluation_id, obj.candidate_id)


def _rating_name(r: Rating) -> str:
    """ "GMP record · Helvetica, Evan's scorecard" (or "…, culture interview")."""
    source = (
        f"{r.scorecard.evaluator.get_username()}'s scorecard"
        if r.scorecard_id
        else str(r.get_source_display()).lower()
    )
    return f"{r.criterion.name} · {r.candidate}, {source}"


def register() -> None:
    track(ScoringPlan, scope=lambda p: (p.evaluation_id, None))
    track(PlanCategory, scope=_of_plan)
    track(PlanCriterion, scope=_of_plan)
    track(ConflictDeclaration, scope=_of_plan)
    track(Scorecard, scope=_of_plan)
    track(
        Rating,
        scope=_of_candidate,
        exclude=("version", "rated_at"),
        name=_rating_name,
    )
    track(ConsensusRating, scope=_of_candidate)
    track(Decision, scope=lambda d: (d.evaluation_id, None))
    track(Declined, scope=lambda d: (d.decision.evaluation_id, d.candidate_id))
    track(Signature, scope=lambda s: (s.decision.evaluation_id, None))
