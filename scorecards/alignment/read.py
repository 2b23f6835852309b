"""What the pages show of the alignment results: a fixed number of queries."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from negotiations.selectors import as_of_for
from negotiations.signals import HEALTHY_AMENDMENT_ROUNDS, USUAL_MONTHS_TO_SIGNATURE

from ..models import (
    AlignmentResult,
    AlignmentRun,
    AlignmentState,
    PlanCategory,
    PlanCriterion,
    ScoringPlan,
)
from ..scoring.engine import (
    HIGH_CONFIDENCE_COVERAGE,
    HIGH_CONFIDENCE_SCORECARDS,
    MEDIUM_CONFIDENCE_COVERAGE,
)
from ..scoring.flags import DISAGREEMENT_RANGE

# What every page, report and export calls each red flag.
FLAG_LABELS = {
    "gate_failed": _("Failed a knock-out gate"),
    "slow_responses": _("Slow answers to information requests"),
    "excess_amendment_rounds": _("Too many amendment rounds"),
    "bulk_site_not_visited": _("Bulk site not visited"),
    "no_operations_interview": _("No interview with the people who run the work"),
    "culture_inconsistent": _("Culture does not pull through"),
    "evaluators_disagree": _("Evaluators disagree"),
    "signature_overdue": format_lazy(
        _("Past {months} months without signature"),
        months=USUAL_MONTHS_TO_SIGNATURE[1],
    ),
}

# Red flags in plain words: what a reader who never saw the scoring rules needs.
FLAG_SENTENCES = {
    "gate_failed": _(
        "Fails a knock-out criterion, so it is disqualified whatever its overall score."
    ),
    "slow_responses": _(
        "Answers our information requests more slowly than the target we set."
    ),
    "excess_amendment_rounds": format_lazy(
        _(
            "An agreement has gone past {rounds} amendment rounds: too many people "
            "weigh in on their side."
        ),
        rounds=HEALTHY_AMENDMENT_ROUNDS,
    ),
    "bulk_site_not_visited": _(
        "Nobody on the team has visited the site proposed for bulk manufacturing."
    ),
    "no_operations_interview": _(
        "We have not interviewed the people who would run the work (operations, "
        "quality, project team)."
    ),
    "culture_inconsistent": _(
        "The culture they describe does not pull through: the teams and sites we "
        "met tell different stories."
    ),
    "evaluators_disagree": format_lazy(
        _(
            "Our evaluators disagree by {points} points or more on at least one "
            "criterion."
        ),
        points=DISAGREEMENT_RANGE,
    ),
    "signature_overdue": format_lazy(
        _(
            "More than {months} months since first engagement and the MSA is not "
            "signed."
        ),
        months=USUAL_MONTHS_TO_SIGNATURE[1],
    ),
}

# Where the evidence behind each flag lives: (url name, anchor).
FLAG_EVIDENCE = {
    "gate_failed": ("candidate_alignment", "criteria"),
    "slow_responses": ("candidate_negotiations", "requests"),
    "excess_amendment_rounds": ("candidate_negotiations", "agreements"),
    "bulk_site_not_visited": ("candidate_detail", "visits"),
    "no_operations_interview": ("candidate_detail", "interviews"),
    "culture_inconsistent": ("candidate_alignment", "consistency"),
    "evaluators_disagree": ("candidate_ratings", ""),
    "signature_overdue": ("candidate_negotiations", "timeline"),
}


def flag_badges(row: AlignmentResult) -> list[dict]:
    """The row's flags as badges: label, evidence sentence and link."""
    badges = []
    for flag in row.flags:
        name, anchor = FLAG_EVIDENCE.get(flag["code"], ("candidate_detail", ""))
        url = reverse(name, args=[row.candidate_id]) + (f"#{anchor}" if anchor else "")
        badges.append(
            {
                "code": flag["code"],
                "label": FLAG_LABELS.get(flag["code"], flag["code"]),
                "evidence": flag["evidence"],
                "url": url,
            }
        )
    return badges


@dataclass
class Dashboard:
    state: AlignmentState | None
    run: AlignmentRun | None
    rows: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    hidden: set = field(default_factory=set)  # candidate ids masked by blind scoring
    ranking: bool = True
    """Ranks, P(first), standings, sensitivity and rank order may be shown
    (`scorecards.access.Sight.ranking`); otherwise rows are listed by name."""

    @property
    def stale(self) -> bool:
        return self.state is None or self.state.is_stale

    @property
    def visible_rows(self) -> list:
        rows = [r for r in self.rows if r.candidate_id not in self.hidden]
        return rows if self.ranking else sorted(rows, key=by_name)

    @property
    def listed_rows(self) -> list:
        """Visible rows in rank order, then the hidden ones by name: listing hidden
        candidates in rank order would give the ranking away. Without the ranking,
        every row by name."""
        if not self.ranking:
            return sorted(self.rows, key=by_name)
        hidden = [r for r in self.rows if r.candidate_id in self.hidden]
        return self.visible_rows + sorted(hidden, key=by_name)

    def chart_series(self) -> list:
        return [(r.candidate.cdmo.name, r.categories) for r in self.visible_rows]


def confidence_why(row) -> str:
    """What the confidence rests on and what would raise it (DESIGN.md, rule 10)."""
    coverage = row.coverage or 0
    if row.confidence == "high":
        return ""
    if row.confidence == "medium":
        if coverage >= HIGH_CONFIDENCE_COVERAGE:
            return _(
                "High needs %(n)s submitted scorecards; the weight scored is enough."
            ) % {"n": HIGH_CONFIDENCE_SCORECARDS}
        return _(
            "High needs %(cov)s %% of the weight scored (now %(now)s %%) and %(n)s "
            "submitted scorecards."
        ) % {
            "cov": f"{HIGH_CONFIDENCE_COVERAGE:g}",
            "n": HIGH_CONFIDENCE_SCORECARDS,
            "now": f"{coverage:.0f}",
        }
    return _("Medium needs %(cov)s %% of the weight scored (now %(now)s %%).") % {
        "cov": f"{MEDIUM_CONFIDENCE_COVERAGE:g}",
        "now": f"{coverage:.0f}",
    }


def by_name(row) -> tuple:
    """How results are listed before a reader may see the ranking."""
    return (row.candidate.cdmo.name.casefold(), row.candidate_id)


def state_for(plan: ScoringPlan) -> AlignmentState | None:
    return (
        AlignmentState.objects.filter(plan=plan).select_related("current_run").first()
    )


def current_results(
    plan: ScoringPlan,
) -> tuple[AlignmentState | None, AlignmentRun | None, list[AlignmentResult]]:
    """The plan's state, its current run and that run's rows in rank order
    (two queries). Each row knows its run; `attach_criteria` reads their criterion
    rows in one more query for pages that show them."""
    state = state_for(plan)
    run = state.current_run if state else None
    if run is None:
        return state, None, []
    rows = list(
        run.rows.select_related("candidate__cdmo", "candidate__bulk_site").order_by(
            "rank"
        )
    )
    for row in rows:
        row.run = run
    return state, run, rows


def dashboard(
    plan: ScoringPlan, *, visible: set[int] | None, ranking: bool = True
) -> Dashboard:
    """The current results of a plan (3 queries whatever the size).

    ``visible``: the candidates whose results the viewer may see (blind scoring);
    None means all. Others are listed by name only. ``ranking``: whether the viewer
    may see the ranking (`scorecards.access.results_sight`).
    """
    state, run, rows = current_results(plan)
    for row in rows:
        row.badges = flag_badges(row)
        row.confidence_why = confidence_why(row)
    return Dashboard(
        state=state,
        run=run,
        rows=rows,
        categories=list(PlanCategory.objects.filter(plan=plan)),
        hidden=set()
        if visible is None
        else {r.candidate_id for r in rows if r.candidate_id not in visible},
        ranking=ranking,
    )


def candidate_result(candidate, plan: ScoringPlan) -> AlignmentResult | None:
    row = (
        AlignmentResult.objects.filter(
            candidate=candidate,
            run__pk=AlignmentState.objects.filter(plan=plan).values("current_run")[:1],
        )
        .select_related("run")
        .first()
    )
    if row is not None:
        row.confidence_why = confidence_why(row)
    return row


@dataclass
class CriterionPart:
    criterion: PlanCriterion
    score: float | None
    mean: float | None
    n: int
    spread: float | None
    share: float  # of the category, among criteria with a score
    contribution: float  # points of the overall score
    signal: float | None = None
    consensus: bool = False


@dataclass
class CategoryPart:
    category: PlanCategory
    score: float | None
    share: float  # of the overall, among categories with a score
    contribution: float
    criteria: list


def breakdown(row: AlignmentResult, plan: ScoringPlan) -> list[CategoryPart]:
    """How each category and criterion contributed to the overall score (rules 2–3):
    the contributions add up to the overall score."""
    categories = list(PlanCategory.objects.filter(plan=plan))
    criteria = list(PlanCriterion.objects.filter(plan=plan).select_related("category"))
    scored_cats = [c for c in categories if row.categories.get(c.key) is not None]
    total_w = sum(c.weight for c in scored_cats) or 1
    parts = []
    for cat in categories:
        score = row.categories.get(cat.key)
        share = cat.weight / total_w if score is not None else 0.0
        members = [c for c in criteria if c.category_id == cat.pk]
        scored = [
            c for c in members if row.criteria.get(c.key, {}).get("score") is not None
        ]
        cat_w = sum(c.weight for c in scored) or 1
        crit_parts = []
        for crit in members:
            data = row.criteria.get(crit.key, {})
            s = data.get("score")
            crit_share = crit.weight / cat_w if s is not None else 0.0
            crit_parts.append(
                CriterionPart(
                    criterion=crit,
                    score=s,
                    mean=data.get("mean"),
                    n=data.get("n", 0),
                    spread=data.get("spread"),
                    share=crit_share,
                    contribution=share * crit_share * s if s is not None else 0.0,
                    signal=row.signals.get(crit.signal) if crit.signal else None,
                    consensus=bool(data.get("consensus")),
                )
            )
        parts.append(
            CategoryPart(
                category=cat,
                score=score,
                share=share,
                contribution=share * score if score is not None else 0.0,
                criteria=crit_parts,
            )
        )
    return parts


def is_outdated(run: AlignmentRun | None, evaluation) -> bool:
    """Results measured as of another day than the evaluation is measured at now:
    an evaluation without an as-of date is measured as of today, so yesterday's
    results no longer hold once open requests and escalations age by a day."""
    return run is not None and run.as_of != as_of_for(evaluation)
