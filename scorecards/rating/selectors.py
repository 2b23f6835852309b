"""Reads for scoring pages: a fixed number of queries whatever the size."""

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean, pstdev

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from partners.evidence import EVIDENCE_KINDS, RATING_KINDS, kind_of
from partners.models import Candidate, Finding, Membership, Role

from ..library.models import SCORECARD
from ..models import (
    ConflictDeclaration,
    ConsensusRating,
    Kind,
    PlanCriterion,
    Rating,
    Scorecard,
    ScoringPlan,
)
from ..rating.models import RATIONALE_REQUIRED, REST_FIELDS
from ..scoring.flags import DISAGREEMENT_RANGE


def criteria_rated_from(plan: ScoringPlan, source: str) -> list[PlanCriterion]:
    """The plan's criteria that ``source`` (scorecard, or an evidence kind's key)
    may rate."""
    return list(
        PlanCriterion.objects.filter(plan=plan)
        .rated_from(source)
        .select_related("category")
    )


def scorecard_criteria(plan: ScoringPlan) -> list[PlanCriterion]:
    return criteria_rated_from(plan, SCORECARD)


def evidence_choices(candidate: Candidate) -> tuple[list, dict]:
    """Grouped <select> choices of the evidence a rating may rest on (every kind of
    evidence, and findings), and a map from choice value to record. One query per
    kind."""
    records: dict[str, object] = {}
    groups = []
    sources = [
        (kind.label_plural, kind.model.objects.select_related("site"), kind.name)
        for kind in EVIDENCE_KINDS
    ]
    sources.append((_("Findings"), Finding.objects.all(), "finding"))
    for label, rows, prefix in sources:
        options = []
        for r in rows.filter(candidate=candidate):
            value = f"{prefix}:{r.pk}"
            records[value] = r
            options.append((value, str(r)[:80]))
        if options:
            groups.append((label, options))
    return [("", "—")] + groups, records


def rests_on_value(rating: Rating) -> str:
    """The evidence choice (``interview:3``) a rating rests on, or ""."""
    record = rating.rests_on
    if record is None:
        return ""
    prefix = "finding" if isinstance(record, Finding) else kind_of(record).name
    return f"{prefix}:{record.pk}"


def my_ratings(scorecard: Scorecard | None) -> dict[int, Rating]:
    if scorecard is None or scorecard.pk is None:
        return {}
    return {r.criterion_id: r for r in scorecard.ratings.all()}


@dataclass
class ScoringCell:
    status: str | None = None  # None: not started
    rated: int = 0
    blocked: bool = False


@dataclass
class Progress:
    criteria: int
    scorers: list
    candidates: list
    cells: dict = field(default_factory=dict)  # (user_id, candidate_id) -> cell

    def cell(self, user_id: int, candidate_id: int) -> ScoringCell:
        return self.cells.get((user_id, candidate_id), ScoringCell())

    def rows(self):
        for user in self.scorers:
            yield user, [(c, self.cell(user.pk, c.pk)) for c in self.candidates]

    @property
    def submitted(self) -> int:
        return sum(
            1 for c in self.cells.values() if c.status == Scorecard.Status.SUBMITTED
        )

    @property
    def expected(self) -> int:
        return len(self.scorers) * len(self.candidates)


def scoring_progress(plan: ScoringPlan) -> Progress:
    """Scorecards per scorer and candidate: 4 queries whatever the size."""
    criteria = PlanCriterion.objects.filter(plan=plan).rated_from(SCORECARD).count()
    scorers = [
        m.user
        for m in Membership.objects.filter(
            evaluation_id=plan.evaluation_id, role__in=[Role.LEAD, Role.EVALUATOR]
        )
        .select_related("user")
        .order_by("user__username")
    ]
    candidates = list(
        Candidate.objects.filter(evaluation_id=plan.evaluation_id).select_related(
            "cdmo"
        )
    )
    progress = Progress(criteria=criteria, scorers=scorers, candidates=candidates)
    for sc in Scorecard.objects.filter(plan=plan).annotate(rated=Count("ratings")):
        progress.cells[(sc.evaluator_id, sc.candidate_id)] = ScoringCell(
            status=sc.status, rated=sc.rated
        )
    for d in ConflictDeclaration.objects.filter(
        plan=plan, candidate__isnull=False, overridden_at__isnull=True
    ):
        cell = progress.cells.setdefault(
            (d.evaluator_id, d.candidate_id), ScoringCell()
        )
        cell.blocked = True
    return progress


@dataclass
class CriterionRow:
    criterion: PlanCriterion
    ratings: dict  # evaluator id -> Rating
    evidence: list  # interview / visit ratings
    consensus: ConsensusRating | None = None

    @property
    def scores(self) -> list[int]:
        return [r.score for r in self.ratings.values() if r.score is not None]

    @property
    def spread(self) -> int | None:
        s = self.scores
        return max(s) - min(s) if s else None

    @property
    def disagree(self) -> bool:
        return (self.spread or 0) >= DISAGREEMENT_RANGE

    @property
    def sd(self) -> float | None:
        s = self.scores
        return round(pstdev(s), 2) if s else None

    @property
    def mean(self) -> float | None:
        s = self.scores + [r.score for r in self.evidence if r.score is not None]
        return round(mean(s), 2) if s else None


@dataclass
class RatingsTable:
    evaluators: list
    rows: list
    submitted: list

    @property
    def disagreements(self) -> int:
        return sum(1 for r in self.rows if r.disagree)


def ratings_table(candidate: Candidate, plan: ScoringPlan) -> RatingsTable:
    """Criteria × evaluators of the candidate's submitted scorecards in ``plan``,
    with the evidence ratings and any consensus. Callers check blind scoring
    (`scorecards.access.ratings_visible`) before calling. 4 queries."""
    criteria = list(
        PlanCriterion.objects.filter(plan=plan, kind=Kind.RATED).select_related(
            "category"
        )
    )
    submitted = list(
        Scorecard.objects.filter(
            plan=plan, candidate=candidate, status=Scorecard.Status.SUBMITTED
        ).select_related("evaluator")
    )
    by_criterion: dict[int, dict] = defaultdict(dict)
    evidence: dict[int, list] = defaultdict(list)
    for r in Rating.objects.filter(
        candidate=candidate, criterion__plan=plan, counts=True
    ).select_related(
        "scorecard",
        *(k.name for k in RATING_KINDS),
        *REST_FIELDS,
    ):
        if r.source == SCORECARD:
            by_criterion[r.criterion_id][r.scorecard.evaluator_id] = r
        else:
            evidence[r.criterion_id].append(r)
    consensus = {
        c.criterion_id: c
        for c in ConsensusRating.objects.filter(
            candidate=candidate, criterion__plan=plan
        ).select_related("by")
    }
    rows = [
        CriterionRow(
            criterion=c,
            ratings=by_criterion.get(c.pk, {}),
            evidence=evidence.get(c.pk, []),
            consensus=consensus.get(c.pk),
        )
        for c in criteria
    ]
    return RatingsTable(
        evaluators=[sc.evaluator for sc in submitted], rows=rows, submitted=submitted
    )


def my_scorecards(plan: ScoringPlan, user) -> dict[int, Scorecard]:
    return {
        sc.candidate_id: sc
        for sc in Scorecard.objects.filter(plan=plan, evaluator=user).annotate(
            rated=Count("ratings")
        )
    }


def scorecards_for_export(plan: ScoringPlan, visible: set[int] | None):
    """Submitted scorecard ratings of the plan, limited to the candidates whose
    ratings the viewer may see (None: all)."""
    rows = Rating.objects.filter(
        scorecard__plan=plan, counts=True, source=SCORECARD
    ).select_related("candidate__cdmo", "criterion", "scorecard__evaluator")
    if visible is not None:
        rows = rows.filter(candidate_id__in=visible)
    return rows.order_by("candidate__cdmo__name", "criterion__order", "scorecard_id")


def unrated_counts(plan: ScoringPlan) -> dict[int, int]:
    """Per candidate, scorecard criteria no submitted scorecard has rated yet."""
    total = PlanCriterion.objects.filter(plan=plan).rated_from(SCORECARD).count()
    rated = dict(
        Candidate.objects.filter(evaluation_id=plan.evaluation_id)
        .annotate(
            n=Count(
                "ratings__criterion",
                filter=Q(
                    ratings__counts=True,
                    ratings__source=SCORECARD,
                    ratings__criterion__plan=plan,
                ),
                distinct=True,
            )
        )
        .values_list("pk", "n")
    )
    return {pk: total - n for pk, n in rated.items()}


def submit_problems(criteria, ratings) -> list[tuple[PlanCriterion, str, str]]:
    """What stops a scorecard with ``ratings`` (criterion id to a rating with
    ``score`` and ``rationale``) from being submitted, given the ``criteria`` it
    rates: (criterion, "missing" or "rationale", message) each."""
    problems = []
    for criterion in criteria:
        rating = ratings.get(criterion.pk)
        if rating is None:
            problems.append(
                (
                    criterion,
                    "missing",
                    _("%(c)s: choose a rating or “not applicable”.") % {"c": criterion},
                )
            )
        elif rating.score in RATIONALE_REQUIRED and not rating.rationale.strip():
            problems.append(
                (
                    criterion,
                    "rationale",
                    _("%(c)s: a rating of %(s)s needs a rationale.")
                    % {"c": criterion, "s": rating.score},
                )
            )
    return problems


def submit_checklist(scorecard: Scorecard) -> list[tuple[int, str]]:
    """What is left before ``scorecard`` can be submitted: (criterion id, message)
    each, for a list that links to the rows (all of them for one not begun)."""
    ratings = (
        {r.criterion_id: r for r in scorecard.ratings.all()} if scorecard.pk else {}
    )
    criteria = scorecard_criteria(scorecard.plan)
    return [(c.pk, m) for c, _w, m in submit_problems(criteria, ratings)]


def missing_for_submit(scorecard: Scorecard) -> list[str]:
    """Problems that stop a scorecard from being submitted, one per criterion."""
    ratings = {r.criterion_id: r for r in scorecard.ratings.all()}
    return [
        m for _c, _w, m in submit_problems(scorecard_criteria(scorecard.plan), ratings)
    ]
