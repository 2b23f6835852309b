"""Access helpers: the one place that decides who may see and change what.

Every view, download and API endpoint fetches its object through one of these. A user
who is not a member of the evaluation gets 404 (we do not even confirm that it exists);
a member whose role lacks the capability gets 403.
"""

from enum import StrEnum
from operator import attrgetter

from django.core.exceptions import PermissionDenied
from django.http import Http404

from negotiations.models import (
    AmendmentRound,
    Escalation,
    InformationRequest,
    SteeringMeeting,
)
from partners.models import (
    Attachment,
    Candidate,
    Cdmo,
    CultureInterview,
    Evaluation,
    Finding,
    Membership,
    Role,
    SiteVisit,
)
from scorecards.models import ConflictDeclaration, ReportJob, Scorecard


class Can(StrEnum):
    READ = "read"
    EDIT_EVIDENCE = "edit_evidence"
    EDIT_NEGOTIATIONS = "edit_negotiations"
    SCORE = "score"
    EXPORT = "export"
    MANAGE = "manage"
    WHAT_IF = "what_if"


ROLE_CAPABILITIES: dict[str, frozenset[Can]] = {
    Role.LEAD: frozenset(Can),
    Role.EVALUATOR: frozenset({Can.READ, Can.EDIT_EVIDENCE, Can.SCORE}),
    Role.PROCUREMENT: frozenset(
        {Can.READ, Can.EDIT_EVIDENCE, Can.EDIT_NEGOTIATIONS, Can.EXPORT, Can.WHAT_IF}
    ),
    Role.OBSERVER: frozenset({Can.READ}),
}


def role_can(role: str, capability: Can) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def membership_for(user, evaluation_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(evaluation_id=evaluation_id, user=user)
        .only("id", "role", "evaluation_id", "user_id")
        .first()
    )


def _check(membership: Membership | None, need: Can) -> Membership:
    if membership is None:
        raise Http404("No such evaluation.")
    if not role_can(membership.role, need):
        raise PermissionDenied("Your role in this evaluation does not allow this.")
    return membership


def get_evaluation_for(user, key: str, need: Can = Can.READ) -> Evaluation:
    """The evaluation named by ``key`` if ``user`` is a member allowed to ``need``.

    The member's role is attached as ``evaluation.membership``.
    """
    evaluation = Evaluation.objects.filter(key=key).first()
    if evaluation is None:
        raise Http404("No such evaluation.")
    evaluation.membership = _check(membership_for(user, evaluation.pk), need)
    return evaluation


def get_candidate_for(user, pk: int, need: Can = Can.READ) -> Candidate:
    """The candidate ``pk`` if ``user`` may ``need`` in its evaluation."""
    candidate = (
        Candidate.objects.select_related("evaluation", "cdmo", "bulk_site")
        .filter(pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404("No such candidate.")
    candidate.evaluation.membership = _check(
        membership_for(user, candidate.evaluation_id), need
    )
    return candidate


def _candidate_record_for(user, model, pk: int, need: Can, path: str = "candidate"):
    """A record that belongs to a candidate through ``path`` (evidence, negotiation
    records), if ``user`` may ``need`` in the candidate's evaluation."""
    obj = (
        model.objects.select_related(f"{path}__evaluation", f"{path}__cdmo")
        .filter(pk=pk)
        .first()
    )
    if obj is None:
        raise Http404("Not found.")
    evaluation = attrgetter(path.replace("__", "."))(obj).evaluation
    evaluation.membership = _check(membership_for(user, evaluation.pk), need)
    return obj


def get_interview_for(user, pk: int, need: Can = Can.READ) -> CultureInterview:
    return _candidate_record_for(user, CultureInterview, pk, need)


def get_visit_for(user, pk: int, need: Can = Can.READ) -> SiteVisit:
    return _candidate_record_for(user, SiteVisit, pk, need)


def get_finding_for(user, pk: int, need: Can = Can.READ) -> Finding:
    return _candidate_record_for(user, Finding, pk, need)


def get_attachment_for(user, pk: int, need: Can = Can.READ) -> Attachment:
    attachment = (
        Attachment.objects.select_related(
            "interview__candidate__evaluation", "visit__candidate__evaluation"
        )
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404("Not found.")
    parent = attachment.interview or attachment.visit
    evaluation = parent.candidate.evaluation
    evaluation.membership = _check(membership_for(user, evaluation.pk), need)
    return attachment


def directory_role(user, need: Can = Can.READ) -> None:
    """The CDMO directory is shared across evaluations: members of any evaluation
    read it, and those whose role edits evidence somewhere may edit it."""
    if not user.is_authenticated:
        raise Http404("Not found.")
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if not roles:
        raise Http404("Not found.")
    if not any(role_can(role, need) for role in roles):
        raise PermissionDenied("Your roles do not allow editing the directory.")


def may_import_bundles(user, roles=None) -> bool:
    """Staff, and anyone who leads at least one evaluation, may import a bundle
    (it creates an evaluation, so no existing one decides). ``roles``: the user's
    roles across their evaluations when the caller already has them."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    if roles is None:
        return Membership.objects.filter(user=user, role=Role.LEAD).exists()
    return Role.LEAD in roles


def get_cdmo_for(user, key: str, need: Can = Can.READ) -> Cdmo:
    directory_role(user, need)
    cdmo = Cdmo.objects.filter(key=key).first()
    if cdmo is None:
        raise Http404("No such CDMO.")
    return cdmo


# --- scoring ----------------------------------------------------------------------


def _blind_for(evaluation: Evaluation) -> bool:
    """Blind scoring binds evaluators while scoring is being set up or under way."""
    return evaluation.membership.role == Role.EVALUATOR and evaluation.status in (
        Evaluation.Status.SETUP,
        Evaluation.Status.SCORING,
    )


def ratings_visible(user, evaluation: Evaluation, candidate_id: int) -> bool:
    """Blind scoring: while scoring is under way, an evaluator sees other people's
    scorecard ratings of a candidate only once their own scorecard for it is
    submitted. Every page, partial, export and API that shows ratings asks here
    or in `visible_rating_candidates`.

    ``evaluation.membership`` must be set (the access helpers above set it).
    """
    if not _blind_for(evaluation):
        return True
    return Scorecard.objects.filter(
        candidate_id=candidate_id, evaluator=user, status=Scorecard.Status.SUBMITTED
    ).exists()


def visible_rating_candidates(user, evaluation: Evaluation) -> set[int] | None:
    """The candidates whose ratings ``user`` may see; None means all of them."""
    if not _blind_for(evaluation):
        return None
    return set(
        Scorecard.objects.filter(
            evaluation=evaluation, evaluator=user, status=Scorecard.Status.SUBMITTED
        ).values_list("candidate_id", flat=True)
    )


REPORT_STATUSES_FOR_EVALUATORS = (Evaluation.Status.CLOSED, Evaluation.Status.DECIDED)


def reports_allowed(evaluation: Evaluation) -> bool:
    """Report PDFs show every evaluator's ratings: procurement and the lead
    (Can.EXPORT) may request and download them; evaluators only once scoring is
    closed, so a report never breaks blind scoring. Observers read the pages.

    ``evaluation.membership`` must be set (the access helpers above set it).
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
            "Reports show everyone's ratings: procurement and the lead may request "
            "them, evaluators once scoring is closed."
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
    job.evaluation.membership = _check(
        membership_for(user, job.evaluation_id), Can.READ
    )
    _check_reports(job.evaluation)
    return job


def get_scorecard_for(user, pk: int, need: Can = Can.READ):
    """A scorecard; only its evaluator and the lead (MANAGE) may act on it."""
    scorecard = (
        Scorecard.objects.select_related("evaluation", "candidate__cdmo", "evaluator")
        .filter(pk=pk)
        .first()
    )
    if scorecard is None:
        raise Http404("Not found.")
    membership = _check(membership_for(user, scorecard.evaluation_id), need)
    if scorecard.evaluator_id != user.pk and not role_can(membership.role, Can.MANAGE):
        raise Http404("Not found.")
    scorecard.evaluation.membership = membership
    return scorecard


def get_conflict_for(user, pk: int, need: Can = Can.MANAGE):
    declaration = (
        ConflictDeclaration.objects.select_related("evaluation", "candidate__cdmo")
        .filter(pk=pk)
        .first()
    )
    if declaration is None:
        raise Http404("Not found.")
    declaration.evaluation.membership = _check(
        membership_for(user, declaration.evaluation_id), need
    )
    return declaration


# --- negotiations -----------------------------------------------------------------
# Lead and procurement maintain every negotiation record (Can.EDIT_NEGOTIATIONS). An
# evaluator may log information requests and escalations, becomes their owner, and
# edits the ones they own. Observers read.


def can_edit_owned(user, membership: Membership, record=None) -> bool:
    """May ``user`` (with ``membership``) create an owned record (``record`` None) or
    edit ``record``, an information request or escalation?"""
    if role_can(membership.role, Can.EDIT_NEGOTIATIONS):
        return True
    if membership.role != Role.EVALUATOR:
        return False
    return record is None or record.owner_id == user.pk


def get_candidate_for_owned(user, pk: int) -> Candidate:
    """The candidate ``pk`` if ``user`` may log requests and escalations about it."""
    candidate = get_candidate_for(user, pk)
    if not can_edit_owned(user, candidate.evaluation.membership):
        raise PermissionDenied("Your role in this evaluation does not allow this.")
    return candidate


def _owned_record_for(user, model, pk: int, need: Can):
    # Owned records: editing is decided by can_edit_owned, not by the role alone.
    if need != Can.EDIT_NEGOTIATIONS:
        return _candidate_record_for(user, model, pk, need)
    record = _candidate_record_for(user, model, pk, Can.READ)
    if not can_edit_owned(user, record.candidate.evaluation.membership, record):
        raise PermissionDenied("Only its owner or procurement may change this.")
    return record


def get_request_for(user, pk: int, need: Can = Can.READ) -> InformationRequest:
    return _owned_record_for(user, InformationRequest, pk, need)


def get_escalation_for(user, pk: int, need: Can = Can.READ) -> Escalation:
    return _owned_record_for(user, Escalation, pk, need)


def get_round_for(user, pk: int, need: Can = Can.READ) -> AmendmentRound:
    return _candidate_record_for(
        user, AmendmentRound, pk, need, path="agreement__candidate"
    )


def get_meeting_for(user, pk: int, need: Can = Can.READ) -> SteeringMeeting:
    return _candidate_record_for(user, SteeringMeeting, pk, need)
