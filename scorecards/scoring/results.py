"""What the alignment engine returns, and its JSON form (BUNDLE.md "Results")."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Confidence = Literal["high", "medium", "low"]


@dataclass(frozen=True)
class Flag:
    """A red flag: its code, a sentence naming its evidence, and that evidence."""

    code: str
    evidence: str
    data: Mapping[str, Any] = field(default_factory=dict)


class CriterionResult(NamedTuple):
    """One criterion of one candidate.

    `score` is 0-100 or None; `mean` and `n` describe all its ratings (every source)
    even when a consensus rating (`consensus=True`) decides the score; `spread` is the
    population standard deviation of submitted scorecard ratings, None without any.
    A NamedTuple because a recompute builds 12,000 of them.
    """

    score: float | None
    mean: float | None
    n: int
    spread: float | None
    consensus: bool


@dataclass(frozen=True)
class CandidateResult:
    """The alignment of one candidate; the fields follow DESIGN.md "Scoring".

    `categories` and `criteria` hold every category and criterion of the evaluation,
    with a score of None where there is none. `p_first` is None when the sensitivity
    analysis was skipped (`draws=0`).
    """

    key: str
    name: str
    rank: int
    qualified: bool
    overall: float | None
    standing: str | None
    coverage: float
    confidence: Confidence
    consistency: float | None
    categories: Mapping[str, float | None]
    criteria: Mapping[str, CriterionResult]
    signals: Mapping[str, float]
    p_first: float | None
    rank_range: tuple[int, int]
    flags: tuple[Flag, ...] = ()

    @property
    def flag_codes(self) -> list[str]:
        return [f.code for f in self.flags]


@dataclass(frozen=True)
class EvaluationResult:
    """All candidates in rank order, and whether the leader's first place is robust.

    `robust` is True when the leader (rank 1, qualified and scored) ranked first in at
    least 80 % of the sensitivity draws (rule 9); False otherwise or when skipped.
    """

    candidates: tuple[CandidateResult, ...]
    robust: bool
    draws: int
    delta: float
    seed: int

    @property
    def leader(self) -> CandidateResult | None:
        first = self.candidates[0] if self.candidates else None
        return (
            first if first and first.qualified and first.overall is not None else None
        )

    def candidate(self, key: str) -> CandidateResult:
        for c in self.candidates:
            if c.key == key:
                return c
        raise KeyError(key)


def round_half_up(x: float | None, digits: int = 1) -> float | None:
    """Round as a person, a spreadsheet or PostgreSQL does: 31.25 -> 31.3.

    Python's `round` goes to even on exact ties (31.25 -> 31.2), and ties are common
    here (a mean of 2.25 scores 31.25). The nudge of 1e-9 is far below what is shown
    and far above float noise for values up to 100.
    """
    if x is None or not math.isfinite(x):
        return None
    return round(x + math.copysign(1e-9, x), digits) + 0.0


def to_results_json(
    result: EvaluationResult, evaluation_key: str, as_of: dt.date | str
) -> dict[str, Any]:
    """The `show_alignment EVALUATION --json` document (BUNDLE.md "Results").

    Numbers are rounded half up to one decimal, `p_first` to two. `categories` and
    `criteria` list every category and criterion, null where there is no score;
    `mean` and `spread` are null without ratings (spread: without submitted scorecard
    ratings). `p_first` is null when the sensitivity analysis was skipped.
    """
    r1 = round_half_up
    return {
        "evaluation": evaluation_key,
        "as_of": as_of.isoformat() if isinstance(as_of, dt.date) else as_of,
        "candidates": [
            {
                "cdmo": c.key,
                "rank": c.rank,
                "qualified": c.qualified,
                "overall": r1(c.overall),
                "coverage": r1(c.coverage),
                "confidence": c.confidence,
                "consistency": r1(c.consistency),
                "categories": {k: r1(v) for k, v in c.categories.items()},
                "criteria": {
                    k: {
                        "score": r1(v.score),
                        "mean": r1(v.mean),
                        "n": v.n,
                        "spread": r1(v.spread),
                    }
                    for k, v in c.criteria.items()
                },
                "signals": {k: r1(v) for k, v in c.signals.items()},
                "p_first": round_half_up(c.p_first, 2),
                "rank_range": list(c.rank_range),
                "flags": c.flag_codes,
            }
            for c in result.candidates
        ],
    }
