"""What `scorecards` adds to `partners` pages (`partners.panels`): the report
request on the candidate page, scoring progress on the evaluation overview, the
ratings an interview or visit gives, and bundle import on the evaluation list.

Each build decides what the viewer may see through `scorecards.access` and reads
its data here, in the view, so no template tag touches the database.
"""

from partners.access import Can, may, user_can
from partners.evidence import kind_of
from partners.panels import Panel, register

from .access import reports_allowed
from .models import Rating
from .rating import selectors
from .rating.forms import EvidenceRatingsForm
from .reports.selectors import is_stalled, latest_report_job
from .setup.selectors import selection_plan


def _report_request(request, candidate) -> dict | None:
    """Request the candidate's due-diligence report and follow its latest job;
    nothing for members who may not see reports."""
    evaluation = candidate.evaluation
    if not reports_allowed(evaluation):
        return None
    job = latest_report_job(candidate)
    if job is not None:
        job.evaluation, job.candidate = evaluation, candidate
    return {
        "candidate": candidate,
        "evaluation": evaluation,
        "job": job,
        "stalled": bool(job) and is_stalled(job),
    }


def _scoring_summary(request, evaluation) -> dict:
    """Scorecards submitted per evaluator and candidate, and criteria no submitted
    scorecard has rated yet."""
    plan = selection_plan(evaluation)
    unrated = selectors.unrated_counts(plan)
    return {
        "evaluation": evaluation,
        "progress": selectors.scoring_progress(plan),
        "unrated_total": sum(unrated.values()),
        "unrated": unrated,
    }


def _evidence_ratings(request, record) -> dict | None:
    """The ratings an interview or visit gives, and the form to change them for
    members who edit evidence."""
    kind = kind_of(record)
    criteria = selectors.criteria_rated_from(
        selection_plan(record.candidate.evaluation), kind.key
    )
    if not criteria:
        return None
    current = {
        r.criterion_id: r.score for r in Rating.objects.filter(**{kind.name: record})
    }
    can_edit = may(record.candidate.evaluation, Can.EDIT_EVIDENCE)
    return {
        "record": record,
        "kind": kind.segment,
        "criteria": criteria,
        "rated": [(c, current[c.pk]) for c in criteria if c.pk in current],
        "form": EvidenceRatingsForm(criteria=criteria, current=current)
        if can_edit
        else None,
    }


def _history_link(request, candidate) -> dict:
    """Everything recorded about the candidate, for every member (the history
    page applies the blind-scoring rules)."""
    return {"candidate": candidate, "evaluation": candidate.evaluation}


def _import_action(request, evaluations) -> dict | None:
    roles = {e.my_role for e in evaluations}
    if not user_can(request.user, Can.IMPORT_BUNDLES, roles=roles):
        return None
    return {}


def _scorecard_links(request, candidates) -> dict:
    """A link to the viewer's own scorecard on each row, for those who score."""
    if not candidates:
        return {}
    if not may(candidates[0].evaluation, Can.SCORE):
        return {}
    return {c.pk: {"candidate": c} for c in candidates}


def register_panels() -> None:
    register(
        Panel(
            slot="candidate_list.row_actions",
            template="scorecards/_scorecard_link.html",
            build=_scorecard_links,
        )
    )
    register(
        Panel(
            slot="candidate.actions",
            template="reports/_request.html",
            build=_report_request,
        )
    )
    register(
        Panel(
            slot="candidate.actions",
            template="scorecards/_history_link.html",
            build=_history_link,
        )
    )
    register(
        Panel(
            slot="evaluation.sections",
            template="scorecards/_progress_summary.html",
            build=_scoring_summary,
        )
    )
    register(
        Panel(
            slot="evidence.sections",
            template="scorecards/_evidence_ratings.html",
            build=_evidence_ratings,
        )
    )
    register(
        Panel(
            slot="evaluation_list.actions",
            template="scorecards/_import_action.html",
            build=_import_action,
        )
    )
