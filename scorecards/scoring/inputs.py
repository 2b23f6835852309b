"""Plain-data inputs of the alignment engine (no ORM).

The database aggregates individual ratings into one `RatingStats` per candidate ×
criterion; the engine only ever sees those aggregates, which keeps a recompute of
200 candidates × 60 criteria × 20 evaluators in the tens of milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

SCORECARD = "scorecard"
"""The source of a scorecard rating; every other source is evidence (an interview,
a visit…), which counts towards means and consistency but not towards the spread."""
"""Where a rating comes from (BUNDLE.md enumeration)."""

KNOWN_SIGNALS = (
    "median_response_days",
    "overdue_request_share",
    "max_amendment_rounds",
    "median_reviewers_per_round",
    "median_decision_days",
    "months_to_signature",
)
"""Signals a derived criterion can read (BUNDLE.md "Signals")."""

CULTURE_CATEGORY = "culture"
"""Key of the category whose criteria feed culture consistency (scoring rule 6)."""

DEFAULT_SEED = 20260630
"""Seed of the sensitivity draws; fixed so that a recompute reproduces its result."""

Kind = Literal["rated", "derived"]


class RatingStats(NamedTuple):
    """Aggregated ratings of one criterion for one candidate; "not applicable" excluded.

    - `n`, `total`: every rating (submitted scorecards, interviews, site visits); they
      give the mean behind the criterion score (rule 1) and `n` in the results.
    - `sc_*`: submitted scorecards only; they give the evaluator spread and the
      "evaluators disagree" flag (rule 5), which needs `sc_min` and `sc_max`.
    - `ev_*`: interviews and site visits only; they give culture consistency (rule 6).

    A NamedTuple rather than a frozen dataclass: the production case builds 12,000 of
    them per recompute, and a tuple is four times cheaper to build (and immutable all
    the same). A database row `(n, total, sc_n, ...)` converts with `RatingStats(*row)`.
    """

    n: int = 0
    total: float = 0.0
    sc_n: int = 0
    sc_total: float = 0.0
    sc_sumsq: float = 0.0
    sc_min: int | None = None
    sc_max: int | None = None
    ev_n: int = 0
    ev_total: float = 0.0
    ev_sumsq: float = 0.0

    @classmethod
    def from_ratings(cls, ratings: Iterable[tuple[str, int | None]]) -> RatingStats:
        """Aggregate `(source, score)` pairs; a score of None means "not applicable".

        Only ratings from submitted scorecards belong here: drafts never count.
        """
        parts: dict[str, list[int]] = {}
        for source, score in ratings:
            if not isinstance(source, str) or not source:
                raise ValueError(f"unknown rating source {source!r}")
            if score is None:
                continue
            if isinstance(score, bool) or score not in (1, 2, 3, 4, 5):
                raise ValueError(f"rating must be an integer 1-5, got {score!r}")
            parts.setdefault(source, []).append(score)
        return cls.merged(
            cls.for_source(
                source,
                n=len(scores),
                total=sum(scores),
                sumsq=sum(s * s for s in scores),
                low=min(scores, default=None),
                high=max(scores, default=None),
            )
            for source, scores in parts.items()
        )

    @classmethod
    def for_source(
        cls,
        source: str,
        *,
        n: int,
        total: float,
        sumsq: float,
        low: int | None = None,
        high: int | None = None,
    ) -> RatingStats:
        """Stats of the ratings of one source, as a GROUP BY over that source returns.

        `low`/`high` (MIN/MAX) matter only for scorecards (the disagreement flag).
        """
        if source == SCORECARD:
            return cls(n, total, n, total, sumsq, low, high)
        return cls(n, total, ev_n=n, ev_total=total, ev_sumsq=sumsq)

    @classmethod
    def merged(cls, parts: Iterable[RatingStats]) -> RatingStats:
        """Combine the stats of disjoint sets of ratings (e.g. one per source)."""
        n = total = sc_n = sc_total = sc_sumsq = ev_n = ev_total = ev_sumsq = 0
        lows: list[int] = []
        highs: list[int] = []
        for p in parts:
            n += p.n
            total += p.total
            sc_n += p.sc_n
            sc_total += p.sc_total
            sc_sumsq += p.sc_sumsq
            ev_n += p.ev_n
            ev_total += p.ev_total
            ev_sumsq += p.ev_sumsq
            if p.sc_min is not None:
                lows.append(p.sc_min)
            if p.sc_max is not None:
                highs.append(p.sc_max)
        return cls(
            n,
            total,
            sc_n,
            sc_total,
            sc_sumsq,
            min(lows, default=None),
            max(highs, default=None),
            ev_n,
            ev_total,
            ev_sumsq,
        )

    @property
    def is_empty(self) -> bool:
        return self.n == 0 and self.sc_n == 0 and self.ev_n == 0


EMPTY_STATS = RatingStats()


@dataclass(frozen=True)
class CategorySpec:
    key: str
    name: str
    weight: float


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion of the evaluation's snapshot of its template.

    A rated criterion scores from its 1-5 ratings; a derived one maps `signal` through
    `curve`, a piecewise-linear list of `(x, score)` points. `gate_threshold` applies
    to rated criteria, on the 1-5 scale.
    """

    key: str
    name: str
    category: str
    weight: float
    kind: Kind = "rated"
    gate_threshold: float | None = None
    signal: str | None = None
    curve: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Band:
    """A standing: an overall score `s` with `low <= s < high` gets `label`."""

    label: str
    low: float
    high: float


@dataclass(frozen=True)
class CandidateInput:
    """Everything the engine needs to know about one candidate.

    `interviews` and `bulk_site` only serve the evidence text of the flags.
    """

    key: str
    name: str
    stats: Mapping[str, RatingStats] = field(default_factory=dict)
    consensus: Mapping[str, int] = field(default_factory=dict)
    signals: Mapping[str, float] = field(default_factory=dict)
    submitted_scorecards: int = 0
    bulk_site_visited: bool = False
    operations_interviewed: bool = False
    msa_signed: bool = False
    bulk_site: str | None = None
    interviews: int = 0

    def signal(self, name: str) -> float | None:
        """The signal's value, or None when it has no underlying records."""
        value = self.signals.get(name)
        if value is None or not math.isfinite(value):
            return None
        return float(value)


@dataclass(frozen=True)
class EvaluationInput:
    """One evaluation, ready to score. `draws=0` skips the sensitivity analysis."""

    categories: Sequence[CategorySpec]
    criteria: Sequence[CriterionSpec]
    candidates: Sequence[CandidateInput]
    bands: Sequence[Band] = ()
    response_target_days: float | None = None
    sensitivity_delta: float = 0.2
    draws: int = 2000
    seed: int = DEFAULT_SEED
