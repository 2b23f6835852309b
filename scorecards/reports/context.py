"""What the report templates show: one builder per report kind, reads only.

Each builder reads a fixed number of queries whatever the number of candidates,
criteria, ratings or evidence records. They assume the evaluation's alignment is
current (the report service recomputes it first) and that the reader may see every
rating (the access helpers check that before a report is requested).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from statistics import pstdev

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

import cdmo_eval
from cdmo_eval.dates import shown
from negotiations.selectors import as_of_for, negotiation_overview
from negotiations.signals import USUAL_MONTHS_TO_SIGNATURE
from partners.evidence import INTERVIEW, SITE_VISIT, kind_of
from partners.models import Candidate, Evaluation
from partners.selectors import candidate_evidence

from ..alignment.read import FLAG_LABELS, FLAG_SENTENCES, current_results
from ..charts import category_chart_svg, score_bar_svg
from ..decision.selectors import changes_since, decision_of
from ..history import present
from ..models import AlignmentResult, AlignmentRun, Kind, ReportJob, Source
from ..rating.models import rating_evidence_id
from ..rating.selectors import ratings_table
from ..scoring import CULTURE_CATEGORY, FLAG_CODES, ROBUST_P_FIRST
from ..scoring.flags import DISAGREEMENT_RANGE
from ..setup.selectors import plan_categories, selection_plan

REPORT_TEMPLATE_VERSION = "3"
"""Raise when a report template changes what it shows: a new version never reuses
a PDF rendered by the old one."""


@dataclass(frozen=True)
class FlagText:
    code: str
    label: str
    sentence: str
    evidence: str


def flag_texts(flags: list[dict]) -> list[FlagText]:
    """Stored flags ({code, evidence, data}) as a label, a sentence and the
    evidence the scoring job wrote, in the order of FLAG_CODES."""
    order = {code: i for i, code in enumerate(FLAG_CODES)}
    return [
        FlagText(
            code=f["code"],
            label=str(FLAG_LABELS.get(f["code"], f["code"])),
            sentence=str(FLAG_SENTENCES.get(f["code"], f["code"])),
            evidence=f.get("evidence", ""),
        )
        for f in sorted(flags, key=lambda f: order.get(f["code"], len(order)))
    ]


@dataclass
class Alignment:
    run: AlignmentRun | None
    rows: list[AlignmentResult]

    @property
    def fingerprint(self) -> str:
        return self.run.fingerprint if self.run else ""

    def as_of(self, evaluation: Evaluation) -> dt.date:
        """The one date signals and results are measured at: the run's (reports
        refresh it first), else the evaluation's."""
        if self.run and self.run.as_of:
            return self.run.as_of
        return as_of_for(evaluation)

    def for_candidate(self, candidate_id: int) -> AlignmentResult | None:
        return next((r for r in self.rows if r.candidate_id == candidate_id), None)


def current_alignment(evaluation: Evaluation) -> Alignment:
    """The evaluation's current run and its rows in rank order (two queries)."""
    _state, run, rows = current_results(selection_plan(evaluation))
    for row in rows:
        row.flag_texts = flag_texts(row.flags)
    return Alignment(run=run, rows=rows)


def _category_chart(categories, rows, *, title: str):
    return category_chart_svg(
        [(c.key, c.name) for c in categories],
        [(r.candidate.cdmo.name, r.categories) for r in rows],
        title=title,
    )


def _common(evaluation: Evaluation, alignment: Alignment) -> dict:
    run = alignment.run
    return {
        "evaluation": evaluation,
        "run": run,
        "rows": alignment.rows,
        "candidate_count": len(alignment.rows),
        "fingerprint": alignment.fingerprint,
        "engine_version": run.engine_version if run else "",
        "software_version": cdmo_eval.__version__,
        "template_version": REPORT_TEMPLATE_VERSION,
        "as_of": alignment.as_of(evaluation),
        "robust_p_first": ROBUST_P_FIRST,
        "run_mark": _("Confidential"),
    }


# --- due diligence -------------------------------------------------------------------


@dataclass
class CriterionLine:
    key: str
    name: str
    derived: bool
    score: float | None
    mean: float | None
    n: int
    spread: float | None  # population SD of submitted scorecard ratings
    low: int | None
    high: int | None
    consensus: object | None  # ConsensusRating
    signal: str = ""

    @property
    def disagree(self) -> bool:
        return (
            self.low is not None
            and self.high is not None
            and self.high - self.low >= DISAGREEMENT_RANGE
        )


@dataclass
class CategoryBlock:
    key: str
    name: str
    weight: int
    score: float | None
    criteria: list[CriterionLine]


@dataclass
class CultureLine:
    """One culture criterion as rated across interviews and visits."""

    name: str
    cells: list  # rating or None, one per evidence column
    sigma: float | None

    @property
    def consistency(self) -> float | None:
        # DESIGN.md scoring rule 6, shown per criterion beside the stored result.
        if self.sigma is None:
            return None
        return max(0.0, 100 - 50 * self.sigma)


@dataclass
class RatingLine:
    criterion: str
    who: str
    source: str
    score: int | None
    rationale: str
    rated_at: dt.datetime


def _criterion_blocks(categories, result, table) -> list[CategoryBlock]:
    scores = result.criteria if result else {}
    signals = result.signals if result else {}
    rows = {row.criterion.pk: row for row in table.rows}
    blocks = []
    for category in categories:
        lines = []
        for criterion in category.criteria.all():
            stored = scores.get(criterion.key, {})
            row = rows.get(criterion.pk)
            ratings = row.scores if row else []
            signal = ""
            if criterion.kind == Kind.DERIVED:
                value = signals.get(criterion.signal)
                signal = "—" if value is None else f"{value:g}"
            lines.append(
                CriterionLine(
                    key=criterion.key,
                    name=criterion.name,
                    derived=criterion.kind == Kind.DERIVED,
                    score=stored.get("score"),
                    mean=stored.get("mean"),
                    n=stored.get("n") or 0,
                    spread=stored.get("spread"),
                    low=min(ratings) if ratings else None,
                    high=max(ratings) if ratings else None,
                    consensus=row.consensus if row else None,
                    signal=signal,
                )
            )
        blocks.append(
            CategoryBlock(
                key=category.key,
                name=category.name,
                weight=category.weight,
                score=(result.categories if result else {}).get(category.key),
                criteria=lines,
            )
        )
    return blocks


def _evidence_label(record) -> str:
    site = record.site.name if record.site else ""
    if hasattr(record, "interviewees"):
        levels = sorted({c.get_level_display() for c in record.interviewees.all()})
        who = ", ".join(levels) or _("no contacts recorded")
        return _("Interview %(date)s · %(site)s · %(who)s") % {
            "date": shown(record.date),
            "site": site or "—",
            "who": who,
        }
    if kind_of(record) is SITE_VISIT:
        return _("Visit %(date)s · %(site)s") % {
            "date": shown(record.date),
            "site": site,
        }
    # Any other evidence kind of the registry, by its own label.
    return _("%(kind)s %(date)s · %(site)s") % {
        "kind": kind_of(record).label,
        "date": shown(record.date),
        "site": site or "—",
    }


def _culture_matrix(categories, table, records):
    """Culture criteria × the evidence records (interviews, visits, any other kind
    of the registry) that rated them."""
    culture = next((c for c in categories if c.key == CULTURE_CATEGORY), None)
    if culture is None:
        return [], []
    keys = {c.pk for c in culture.criteria.all()}
    columns: dict[tuple[str, int], object] = {}
    shown = {(kind_of(r).key, r.pk): r for r in records}
    cells: dict[int, dict] = {}
    for row in table.rows:
        if row.criterion.pk not in keys:
            continue
        for rating in row.evidence:
            key = (rating.source, rating_evidence_id(rating))
            if key in shown:
                columns[key] = shown[key]
                cells.setdefault(row.criterion.pk, {})[key] = rating.score
    ordered = sorted(columns, key=lambda k: (columns[k].date, k))
    lines = []
    for criterion in culture.criteria.all():
        values = cells.get(criterion.pk, {})
        rated = [v for v in values.values() if v is not None]
        lines.append(
            CultureLine(
                name=criterion.name,
                cells=[values.get(k) for k in ordered],
                sigma=round(pstdev(rated), 2) if len(rated) >= 2 else None,
            )
        )
    headers = [_evidence_label(columns[k]) for k in ordered]
    return headers, lines


def _rating_lines(table, records) -> list[RatingLine]:
    """Who rated what; ``records`` are the candidate's evidence records with their
    people already loaded, by (kind key, id)."""
    lines = []
    names = {u.pk: u.get_full_name() or u.get_username() for u in table.evaluators}
    for row in table.rows:
        for evaluator_id, rating in row.ratings.items():
            lines.append(
                RatingLine(
                    criterion=row.criterion.name,
                    who=names.get(evaluator_id, ""),
                    source=str(Source(rating.source).label),
                    score=rating.score,
                    rationale=rating.rationale,
                    rated_at=rating.rated_at,
                )
            )
        for rating in row.evidence:
            lines.append(
                RatingLine(
                    criterion=row.criterion.name,
                    who=_evidence_label(
                        records[(rating.source, rating_evidence_id(rating))]
                    ),
                    source=str(Source(rating.source).label),
                    score=rating.score,
                    rationale=rating.rationale,
                    rated_at=rating.rated_at,
                )
            )
    return lines


def due_diligence_context(candidate: Candidate) -> dict:
    """Everything the due-diligence report of ``candidate`` shows."""
    evaluation = candidate.evaluation
    alignment = current_alignment(evaluation)
    result = alignment.for_candidate(candidate.pk)
    plan = selection_plan(evaluation)
    categories = plan_categories(plan)
    table = ratings_table(candidate, plan)
    evidence = candidate_evidence(candidate)
    interviews = evidence.records[INTERVIEW.key]
    visits = evidence.records[SITE_VISIT.key]
    findings, coverage = evidence.findings, evidence.coverage
    as_of = alignment.as_of(evaluation)
    negotiations = negotiation_overview(candidate, as_of=as_of)

    # The bulk site first, then the others, most recent first.
    visits = sorted(
        visits,
        key=lambda v: (v.site_id != candidate.bulk_site_id, -v.date.toordinal()),
    )
    others = [
        r
        for kind, rows in evidence.sections()
        if kind not in (INTERVIEW, SITE_VISIT)
        for r in rows
    ]
    culture_headers, culture_lines = _culture_matrix(
        categories, table, [*interviews, *visits, *others]
    )
    teams: dict[str, list] = {}
    for interview in interviews:
        levels = {c.get_level_display() for c in interview.interviewees.all()}
        for level in sorted(levels) or [_("No contacts recorded")]:
            teams.setdefault(level, []).append(interview)
    months = negotiations.signals.get("months_to_signature")
    title = _("%(program)s · %(candidate)s") % {
        "program": evaluation.program,
        "candidate": candidate.cdmo.name,
    }
    return {
        **_common(evaluation, alignment),
        "kind": "due_diligence",
        "candidate": candidate,
        "result": result,
        "flags": result.flag_texts if result else [],
        "categories": _criterion_blocks(categories, result, table),
        "chart": _category_chart(
            categories,
            [result] if result else [],
            title=_("Alignment by category"),
        ),
        "interviews": interviews,
        "interviews_by_team": sorted(teams.items()),
        "visits": visits,
        "findings": findings,
        "msa_findings": [f for f in findings if f.carry_to_msa],
        "coverage": coverage,
        "culture_headers": culture_headers,
        "culture_lines": culture_lines,
        "negotiations": negotiations,
        "months_to_signature": months,
        "usual_months": USUAL_MONTHS_TO_SIGNATURE,
        "signature_late": months is not None and months > USUAL_MONTHS_TO_SIGNATURE[1],
        "table": table,
        "rating_lines": _rating_lines(
            table, {(kind_of(r).key, r.pk): r for r in [*interviews, *visits, *others]}
        ),
        "run_title": title,
        "toc_entries": [
            ("summary", _("Executive summary")),
            ("scores", _("Scores by category and criterion")),
            ("culture", _("Culture")),
            ("visits", _("Site visits")),
            ("findings", _("Findings and MSA carry-overs")),
            ("negotiations", _("Negotiation timeline and signals")),
            ("governance", _("Governance plan")),
            ("sensitivity", _("Sensitivity")),
            ("appendix", _("Appendix: ratings and provenance")),
        ],
    }


# --- comparison ----------------------------------------------------------------------


def comparison_context(evaluation: Evaluation) -> dict:
    """Everything the comparison report of ``evaluation`` shows."""
    alignment = current_alignment(evaluation)
    categories = plan_categories(selection_plan(evaluation))
    rows = alignment.rows
    for row in rows:
        row.category_bars = [
            (
                c.name,
                row.categories.get(c.key),
                score_bar_svg(row.categories.get(c.key), label=c.name),
            )
            for c in categories
        ]
        row.codes = {f["code"] for f in row.flags}
    flag_matrix = [
        (
            str(FLAG_LABELS[code]),
            str(FLAG_SENTENCES[code]),
            [code in r.codes for r in rows],
        )
        for code in FLAG_CODES
    ]
    return {
        **_common(evaluation, alignment),
        "kind": "comparison",
        "categories": categories,
        "chart": _category_chart(
            categories, rows, title=_("Alignment by category, all candidates")
        ),
        "flag_matrix": flag_matrix,
        "run_title": _("%(program)s · comparison of candidates")
        % {"program": evaluation.program},
        "toc_entries": [
            ("ranking", _("Ranking")),
            ("chart", _("Scores by category")),
            ("flags", _("Red flags side by side")),
            *[(f"candidate-{r.candidate_id}", r.candidate.cdmo.name) for r in rows],
            ("appendix", _("Appendix: provenance")),
        ],
    }


TEMPLATES = {
    ReportJob.Kind.DUE_DILIGENCE: "reports/due_diligence.html",
    ReportJob.Kind.COMPARISON: "reports/comparison.html",
}


def _kind(candidate: Candidate | None) -> str:
    return ReportJob.Kind.DUE_DILIGENCE if candidate else ReportJob.Kind.COMPARISON


def _who(user) -> str:
    return user.get_full_name() or user.get_username()


def report_context(*, evaluation: Evaluation, candidate: Candidate | None) -> dict:
    context = (
        due_diligence_context(candidate)
        if candidate is not None
        else comparison_context(evaluation)
    )
    return {**context, **decision_context(evaluation, context["toc_entries"])}


def decision_context(evaluation: Evaluation, toc: list) -> dict:
    """A decided evaluation's reports open with the decision: what was chosen and
    why, who signed, and what changed after it was recorded (a fixed number of
    queries)."""
    decision = decision_of(evaluation)
    if decision is None:
        return {}
    return {
        "decision": decision,
        "decision_declined": list(decision.declined.select_related("candidate__cdmo")),
        "decision_signatures": list(decision.signatures.select_related("signer")),
        "decision_changes": present.rows(changes_since(decision), brief=True),
        "toc_entries": [("decision", _("The decision")), *toc],
    }


def report_content(
    *, evaluation: Evaluation, candidate: Candidate | None
) -> tuple[dict, str]:
    """The report's context and the digest of its content.

    The digest covers the rendered HTML without who asked and when (it includes
    the input fingerprint, the software and template versions, and every piece
    of evidence shown), so two requests for an unchanged report get one file.
    """
    context = report_context(evaluation=evaluation, candidate=candidate)
    html = render_to_string(
        TEMPLATES[_kind(candidate)],
        {**context, "requested_by": "", "requested_on": None},
    )
    return context, hashlib.sha256(html.encode()).hexdigest()


def report_html(context: dict, *, job: ReportJob) -> str:
    return render_to_string(
        TEMPLATES[job.kind],
        {
            **context,
            "requested_by": _who(job.requested_by),
            "requested_on": timezone.localtime(job.requested_at),
        },
    )
