"""The alignment engine (DESIGN.md "Scoring"): pure functions over plain data.

Build an `EvaluationInput` from the database (ratings pre-aggregated into
`RatingStats`), call `compute`, key the stored result by `fingerprint`, and serialise
it with `to_results_json`. Nothing here imports Django.
"""

from .curves import interpolate, standing_for, validate_bands, validate_curve
from .engine import (
    ENGINE_VERSION,
    InvalidEvaluation,
    compute,
    confidence_for,
    fingerprint,
    rank_order,
    validate_evaluation,
)
from .flags import FLAG_CODES
from .inputs import (
    CULTURE_CATEGORY,
    DEFAULT_SEED,
    KNOWN_SIGNALS,
    SCORECARD,
    Band,
    CandidateInput,
    CategorySpec,
    CriterionSpec,
    EvaluationInput,
    RatingStats,
)
from .results import (
    CandidateResult,
    CriterionResult,
    EvaluationResult,
    Flag,
    round_half_up,
    to_results_json,
)
from .sensitivity import ROBUST_P_FIRST, rank_draws

__all__ = [
    "CULTURE_CATEGORY",
    "DEFAULT_SEED",
    "ENGINE_VERSION",
    "FLAG_CODES",
    "KNOWN_SIGNALS",
    "ROBUST_P_FIRST",
    "SCORECARD",
    "Band",
    "CandidateInput",
    "CandidateResult",
    "CategorySpec",
    "CriterionResult",
    "CriterionSpec",
    "EvaluationInput",
    "EvaluationResult",
    "Flag",
    "InvalidEvaluation",
    "RatingStats",
    "compute",
    "confidence_for",
    "fingerprint",
    "interpolate",
    "rank_draws",
    "rank_order",
    "round_half_up",
    "standing_for",
    "to_results_json",
    "validate_bands",
    "validate_curve",
    "validate_evaluation",
]
