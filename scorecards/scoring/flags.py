"""Red flags (DESIGN.md "Red flags", BUNDLE.md flag table).

Each builder returns a `Flag` whose evidence names what it rests on, or None when the
flag is not raised. A flag whose input is missing (no signal, no target) is not raised:
no evidence, no accusation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from negotiations.signals import HEALTHY_AMENDMENT_ROUNDS, USUAL_MONTHS_TO_SIGNATURE

from .inputs import CriterionSpec
from .results import Flag, round_half_up

GATE_FAILED = "gate_failed"
SLOW_RESPONSES = "slow_responses"
EXCESS_AMENDMENT_ROUNDS = "excess_amendment_rounds"
BULK_SITE_NOT_VISITED = "bulk_site_not_visited"
NO_OPERATIONS_INTERVIEW = "no_operations_interview"
CULTURE_INCONSISTENT = "culture_inconsistent"
EVALUATORS_DISAGREE = "evaluators_disagree"
SIGNATURE_OVERDUE = "signature_overdue"

FLAG_CODES = (
    GATE_FAILED,
    SLOW_RESPONSES,
    EXCESS_AMENDMENT_ROUNDS,
    BULK_SITE_NOT_VISITED,
    NO_OPERATIONS_INTERVIEW,
    CULTURE_INCONSISTENT,
    EVALUATORS_DISAGREE,
    SIGNATURE_OVERDUE,
)
"""Every flag code, in the order flags are listed."""

CONSISTENCY_FLAG_BELOW = 60.0
DISAGREEMENT_RANGE = 2
SHOWN_IN_EVIDENCE = 3
"""At most this many criteria are named in an evidence sentence; data has all."""


class GateFailure(NamedTuple):
    criterion: CriterionSpec
    rating: float
    consensus: bool
    n: int


class Disagreement(NamedTuple):
    criterion: CriterionSpec
    low: int
    high: int
    spread: float
    n: int


class CultureReading(NamedTuple):
    """One culture criterion's interview/visit ratings and its consistency."""

    criterion: CriterionSpec
    sigma: float
    n: int
    consistency: float


def gate_failed(failures: Sequence[GateFailure]) -> Flag | None:
    """A gate criterion's rating (consensus, else mean) is below its threshold."""
    if not failures:
        return None
    parts = []
    for f in failures:
        basis = (
            f"consensus {f.rating:g}"
            if f.consensus
            else f"mean {f.rating:.2f} of {_count(f.n, 'rating')}"
        )
        parts.append(
            f"{f.criterion.name}: {basis} is below the gate of "
            f"{f.criterion.gate_threshold:g}"
        )
    return Flag(
        GATE_FAILED,
        "; ".join(parts),
        {
            "criteria": [
                {
                    "criterion": f.criterion.key,
                    "rating": f.rating,
                    "basis": "consensus" if f.consensus else "mean",
                    "n": f.n,
                    "threshold": f.criterion.gate_threshold,
                }
                for f in failures
            ]
        },
    )


def slow_responses(median_days: float | None, target_days: float | None) -> Flag | None:
    """The median information-request answer is slower than the evaluation's target."""
    if median_days is None or target_days is None or not median_days > target_days:
        return None
    return Flag(
        SLOW_RESPONSES,
        f"Median answer {_one(median_days)} days vs target {target_days:g}",
        {"median_response_days": median_days, "target_days": target_days},
    )


def excess_amendment_rounds(max_rounds: float | None) -> Flag | None:
    """An agreement went past the healthy number of amendment rounds (2)."""
    if max_rounds is None or not max_rounds > HEALTHY_AMENDMENT_ROUNDS:
        return None
    return Flag(
        EXCESS_AMENDMENT_ROUNDS,
        f"An agreement reached amendment round {max_rounds:g} "
        f"(healthy: up to {HEALTHY_AMENDMENT_ROUNDS})",
        {"max_amendment_rounds": max_rounds, "limit": HEALTHY_AMENDMENT_ROUNDS},
    )


def bulk_site_not_visited(visited: bool, bulk_site: str | None) -> Flag | None:
    """No site visit to the site proposed for the bulk of the manufacturing."""
    if visited:
        return None
    evidence = (
        f"No site visit to the proposed bulk site {bulk_site}"
        if bulk_site
        else "No bulk-manufacturing site proposed, so none was visited"
    )
    return Flag(BULK_SITE_NOT_VISITED, evidence, {"bulk_site": bulk_site})


def no_operations_interview(interviewed: bool, interviews: int) -> Flag | None:
    """No culture interview met an operations, quality or project-team contact."""
    if interviewed:
        return None
    if interviews == 0:
        evidence = "No culture interview held yet"
    elif interviews == 1:
        evidence = (
            "The one culture interview met no operations, quality or project-team "
            "contact"
        )
    else:
        evidence = (
            f"None of the {interviews} culture interviews met an operations, quality "
            "or project-team contact"
        )
    return Flag(NO_OPERATIONS_INTERVIEW, evidence, {"interviews": interviews})


def culture_inconsistent(
    consistency: float | None, readings: Sequence[CultureReading]
) -> Flag | None:
    """Culture consistency is defined and below `CONSISTENCY_FLAG_BELOW`."""
    if consistency is None or not consistency < CONSISTENCY_FLAG_BELOW:
        return None
    detail = ", ".join(
        f"{r.criterion.name} σ {r.sigma:.2f} over {_count(r.n, 'rating')}"
        for r in readings
    )
    return Flag(
        CULTURE_INCONSISTENT,
        f"Culture consistency {_one(consistency)} is below "
        f"{CONSISTENCY_FLAG_BELOW:g} across interviews and visits ({detail})",
        {
            "consistency": consistency,
            "threshold": CONSISTENCY_FLAG_BELOW,
            "criteria": [
                {
                    "criterion": r.criterion.key,
                    "sigma": r.sigma,
                    "n": r.n,
                    "consistency": r.consistency,
                }
                for r in readings
            ],
        },
    )


def evaluators_disagree(disagreements: Sequence[Disagreement]) -> Flag | None:
    """Some criterion's submitted scorecard ratings differ by 2 or more.

    `disagreements` come widest first; the sentence names the first few, the data
    lists every one.
    """
    if not disagreements:
        return None
    detail = "; ".join(
        f"{d.criterion.name} {d.low}-{d.high} over {_count(d.n, 'scorecard')}"
        f" (spread {d.spread:.2f})"
        for d in disagreements[:SHOWN_IN_EVIDENCE]
    )
    more = len(disagreements) - SHOWN_IN_EVIDENCE
    if more > 0:
        detail += f"; and {_count(more, 'more criterion')}"
    return Flag(
        EVALUATORS_DISAGREE,
        f"Scorecard ratings differ by {DISAGREEMENT_RANGE} or more: {detail}",
        {
            "criteria": [
                {
                    "criterion": d.criterion.key,
                    "min": d.low,
                    "max": d.high,
                    "spread": d.spread,
                    "n": d.n,
                }
                for d in disagreements
            ]
        },
    )


def signature_overdue(msa_signed: bool, months: float | None) -> Flag | None:
    """No MSA signed and more than the usual months (9) since first engagement."""
    usual_low, usual_high = USUAL_MONTHS_TO_SIGNATURE
    if msa_signed or months is None or not months > usual_high:
        return None
    return Flag(
        SIGNATURE_OVERDUE,
        f"{_one(months)} months since first engagement without a signed MSA "
        f"(usual: {usual_low}-{usual_high})",
        {"months_to_signature": months, "limit": usual_high},
    )


def _count(n: int, noun: str) -> str:
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {noun[:-2]}a" if noun.endswith("criterion") else f"{n} {noun}s"


def _one(x: float) -> str:
    """One decimal, rounded half up like every number the results show."""
    return f"{round_half_up(x):.1f}"
