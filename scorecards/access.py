"""Who may see and change scorecards, ratings, results, reports and bundles.

The capability vocabulary and the membership checks are `partners.access`; this
module adds the rules of scoring on top of them:

- a scorecard is acted on by its evaluator, and by the lead (`Can.MANAGE`);
- **blind scoring**: while scoring is being set up or under way, an evaluator sees
  other people's ratings of a candidate only once their own scorecard for it is
  submitted, and the ranking (ranks, rank ranges, P(first), the sensitivity
  verdict, standings, any order by score) only once they have submitted every
  candidate they may score (`results_sight`);
- reports show every evaluator's ratings: procurement and the lead (`Can.EXPORT`)
  request and read them, evaluators only once scoring is closed;
- the decision: members read it and verify copies; the lead records it, names
  co-signers and downloads its archive; its report files go to those who may read
  reports and to its signers;
- bundles: leads download one (`Can.MANAGE`); who may import one is site-wide
  (`Can.IMPORT_BUNDLES`).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from partners.access import (
    Can,
    check_evaluation,
    get_candidate_for,
    get_evaluation_for,
    may,
    require_site,
    role_can,
)
from partners.models import Candidate, Evaluation, Role

from .decision.selectors import decision_of
from .library.models import SCORECARD
from .models import (
    ConflictDeclaration,
    Kind,
    PlanCriterion,
    ReportJob,
    Scorecard,
    ScoringPlan,
    Signature,
)
from .setup.selectors import selection_plan

BLIND_STATUSES = (Evaluation.Status.SETUP, Evaluation.Status.SCORING)
"""While the evaluation is in these states, evaluators score blind."""
REPORT_STATUSES_FOR_EVALUATORS = (Evaluation.Status.CLOSED, Evaluation.Status.DECIDED)


# --- blind scoring -------------------------------------------------------------------


def is_blind(plan: ScoringPlan) -> bool:
    """Blind scoring binds evaluators while scoring of the plan is being set up or
    under way.

    ``plan.evaluation.membership`` must be set (the `partners.access` helpers set
    it on the evaluation).
    """
    return (
        plan.evaluation.membership.role == Role.EVALUATOR
        and plan.phase in BLIND_STATUSES
    )


def ratings_visible(user, plan: ScoringPlan, candidate_id: int) -> bool:
    """May ``user`` see other people's ratings of the candidate in ``plan``? Every
    page, partial, export and API that shows ratings asks here or in
    `visible_rating_candidates`."""
    if not is_blind(plan):
        return True
    return Scorecard.objects.filter(
        plan=plan,
        candidate_id=candidate_id,
        evaluator=user,
        status=Scorecard.Status.SUBMITTED,
    ).exists()


def visible_rating_candidates(user, plan: ScoringPlan) -> set[int] | None:
    """The candidates whose ratings ``user`` may see; None means all of them."""
    if not is_blind(plan):
        return None
    return set(
        Scorecard.objects.filter(
            plan=plan, evaluator=user, status=Scorecard.Status.SUBMITTED
        ).values_list("candidate_id", flat=True)
    )


@dataclass(frozen=True)
class Sight:
    """What a reader may see of a plan's results (`results_sight`)."""

    candidates: frozenset[int] | None
    """Whose ratings and results; None: every candidate's."""
    ranking: bool
    """Ranks, rank ranges, P(first), the sensitivity verdict, standings and any
    order derived from scores. Without it, results are listed by candidate name."""

    def shows(self, candidate_id: int) -> bool:
        return self.candidates is None or candidate_id in self.candidates


EVERYTHING = Sight(candidates=None, ranking=True)


def results_sight(user, plan: ScoringPlan) -> Sight:
    """What ``user`` may see of the plan's results. Every page, partial, export and
    API that shows results asks here (three queries at most).

    A blind evaluator sees a candidate's results once their scorecard for it is
    submitted, and the ranking once they have submitted every candidate they may
    score (all but those they declared a conflict on that stands): three ranks out
    of four, or a single "rank 1", would name the hidden candidate's place.
    """
    submitted = visible_rating_candidates(user, plan)
    if submitted is None:
        return EVERYTHING
    conflicted = ConflictDeclaration.objects.filter(
        plan=plan, evaluator=user, candidate__isnull=False, overridden_at__isnull=True
    ).values("candidate_id")
    unsubmitted = (
        Candidate.objects.filter(evaluation_id=plan.evaluation_id)
        .exclude(pk__in=conflicted)
        .exclude(pk__in=submitted)
    )
    return Sight(candidates=frozenset(submitted), ranking=not unsubmitted.exists())


# --- scorecards, conflicts, consensus ------------------------------------------------


def get_scorecard_for(user, pk: int, need: Can = Can.READ) -> Scorecard:
    """A scorecard; only its evaluator and the lead (MANAGE) may act on it."""
    scorecard = (
        Scorecard.objects.select_related(
            "plan__evaluation", "candidate__cdmo", "evaluator"
        )
        .filter(pk=pk)
        .first()
    )
    if scorecard is None:
        raise Http404("Not found.")
    evaluation = check_evaluation(user, scorecard.plan.evaluation, need)
    if scorecard.evaluator_id != user.pk and not may(evaluation, Can.MANAGE):
        raise Http404("Not found.")
    return scorecard


def get_own_scorecard_for(user, candidate_pk: int) -> Scorecard:
    """The signed-in evaluator's own scorecard of a candidate in its evaluation's
    selection plan (404 when they have none yet): the one place that decides whose
    ratings a scorecard write touches."""
    candidate = get_candidate_for(user, candidate_pk, Can.SCORE)
    plan = selection_plan(candidate.evaluation)
    scorecard = Scorecard.objects.filter(
        plan=plan, candidate=candidate, evaluator=user
    ).first()
    if scorecard is None:
        raise Http404("Not found.")
    scorecard.candidate = candidate
    scorecard.plan = plan
    return scorecard


def get_own_scorecard_or_new(user, candidate_pk: int) -> Scorecard:
    """As `get_own_scorecard_for`, but a scorer who has none yet gets an unsaved
    one to fill in: a scorecard exists from its first saved rating
    (`rating.services.scorecard_start`), not from a look at the page."""
    candidate = get_candidate_for(user, candidate_pk, Can.SCORE)
    plan = selection_plan(candidate.evaluation)
    scorecard = Scorecard.objects.filter(
        plan=plan, candidate=candidate, evaluator=user
    ).first() or Scorecard(plan=plan, candidate=candidate, evaluator=user)
    scorecard.candidate = candidate
    scorecard.plan = plan
    return scorecard


def get_scorecard_criterion(plan: ScoringPlan, pk: int) -> PlanCriterion:
    """A criterion of the plan that scorecards rate, else 404."""
    criterion = (
        PlanCriterion.objects.filter(pk=pk, plan=plan).rated_from(SCORECARD).first()
    )
    if criterion is None:
        raise Http404("Not found.")
    return criterion


def get_rated_criterion(plan: ScoringPlan, pk: int) -> PlanCriterion:
    """A rated criterion of the plan (consensus may be recorded on it)."""
    criterion = PlanCriterion.objects.filter(pk=pk, plan=plan, kind=Kind.RATED).first()
    if criterion is None:
        raise Http404("Not found.")
    return criterion


def get_conflict_for(user, pk: int, need: Can = Can.MANAGE) -> ConflictDeclaration:
    declaration = (
        ConflictDeclaration.objects.select_related(
            "plan__evaluation", "candidate__cdmo"
        )
        .filter(pk=pk)
        .first()
    )
    if declaration is None:
        raise Http404("Not found.")
    check_evaluation(user, declaration.plan.evaluation, need)
    return declaration


def may_declare_conflicts(evaluation: Evaluation) -> bool:
    """Scorers declare their conflicts; the lead also reads everyone's."""
    return may(evaluation, Can.SCORE) or may(evaluation, Can.MANAGE)


def get_conflicts_evaluation_for(user, key: str) -> Evaluation:
    evaluation = get_evaluation_for(user, key)
    if not may_declare_conflicts(evaluation):
        raise PermissionDenied(_("Your role in this evaluation does not allow this."))
    return evaluation


# --- reports -------------------------------------------------------------------------


def reports_allowed(evaluation: Evaluation) -> bool:
    """Report PDFs show every evaluator's ratings: procurement and the lead
    (`Can.EXPORT`) may request and download them; evaluators only once scoring is
    closed, so a report never breaks blind scoring. Observers read the pages.
    """
    role = evaluation.membership.role
    if role_can(role, Can.EXPORT):
        return True
    return (
        role == Role.EVALUATOR and evaluation.status in REPORT_STATUSES_FOR_EVALUATORS
    )


def _check_reports(evaluation: Evaluation) -> None:
    if not reports_allowed(evaluation):
        raise PermissionDenied(
            _(
                "Reports show everyone's ratings: procurement and the lead may "
                "request them, evaluators once scoring is closed."
            )
        )


def get_report_evaluation_for(user, key: str) -> Evaluation:
    """The evaluation ``key`` if ``user`` may request and read its reports."""
    evaluation = get_evaluation_for(user, key)
    _check_reports(evaluation)
    return evaluation


def get_report_candidate_for(user, pk: int) -> Candidate:
    """The candidate ``pk`` if ``user`` may request and read its reports."""
    candidate = get_candidate_for(user, pk)
    _check_reports(candidate.evaluation)
    return candidate


def get_report_job_for(user, pk: int) -> ReportJob:
    """A report job (and its file) if ``user`` may read the evaluation's reports;
    strangers get 404 as for everything else."""
    job = (
        ReportJob.objects.select_related(
            "evaluation", "candidate__cdmo", "requested_by"
        )
        .filter(pk=pk)
        .first()
    )
    if job is None:
        raise Http404("Not found.")
    check_evaluation(user, job.evaluation, Can.READ)
    _check_reports(job.evaluation)
    return job


# --- the decision --------------------------------------------------------------------


def decision_files_allowed(user, evaluation: Evaluation) -> bool:
    """The report a decision rests on and its signed copy show every rating: those
    who may read reports, and anyone asked to sign (a signer reads what they
    sign)."""
    if reports_allowed(evaluation):
        return True
    return Signature.objects.filter(
        decision__evaluation=evaluation, signer=user
    ).exists()


def get_decision_for(user, key: str, need: Can = Can.READ):
    """The decision of evaluation ``key`` (404 when none is recorded). Every
    member reads it and may verify a copy; the lead (MANAGE) names co-signers and
    downloads the archive."""
    evaluation = get_evaluation_for(user, key, need)
    decision = decision_of(evaluation)
    if decision is None:
        raise Http404("Not found.")
    decision.evaluation = evaluation
    return decision


def get_decision_files_for(user, key: str):
    decision = get_decision_for(user, key)
    if not decision_files_allowed(user, decision.evaluation):
        raise PermissionDenied(
            _(
                "The decision's report shows everyone's ratings: those who may read "
                "reports, and the signers, download it."
            )
        )
    return decision


def get_signature_for(user, pk: int):
    """A signature the signed-in user is asked to give (404 for anyone else)."""
    signature = (
        Signature.objects.select_related("decision__evaluation", "signer")
        .filter(pk=pk, signer=user)
        .first()
    )
    if signature is None:
        raise Http404("Not found.")
    # The evaluation comes back with the signer's membership attached.
    check_evaluation(user, signature.decision.evaluation, Can.READ)
    return signature


# --- bundles -------------------------------------------------------------------------


def require_bundle_import(user) -> None:
    """Staff, and anyone who leads an evaluation, import bundles (403 for others)."""
    require_site(user, Can.IMPORT_BUNDLES)
