"""Sensitivity of the ranking to the category weights (DESIGN.md scoring rule 9)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

ROBUST_P_FIRST = 0.8
"""A leader ranking first in at least this share of the draws is "robust"."""

TIE_DECIMALS = 9
"""Overall scores equal to this many decimals tie; finer differences are float noise."""


class Sensitivity(NamedTuple):
    """Per candidate (in the order given): P(first), best rank and worst rank."""

    p_first: np.ndarray
    best_rank: np.ndarray
    worst_rank: np.ndarray


def rank_draws(
    category_scores: np.ndarray,
    category_weights: np.ndarray,
    *,
    draws: int,
    delta: float,
    seed: int,
) -> Sensitivity:
    """Rank the candidates under `draws` random reweightings of the categories.

    Each draw multiplies every category weight by an independent factor uniform in
    [1 - delta, 1 + delta] (numpy `default_rng(seed)`, one row of factors per draw,
    categories in the column order given) and recomputes each candidate's overall
    score, `Σ W·C / Σ W` over the categories it has a score in.

    `category_scores` is candidates × categories, NaN where a candidate has no score;
    its rows must already be in tie-break order (coverage descending, then name), so
    that equal overall scores in a draw rank like the deterministic ranking does.
    Every candidate must have a score in some category of positive weight.
    """
    n_candidates, n_categories = category_scores.shape
    if n_candidates == 0 or draws <= 0:
        empty = np.zeros(n_candidates)
        return Sensitivity(empty, empty.astype(int), empty.astype(int))
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - delta, 1.0 + delta, size=(draws, n_categories))
    weights = factors * category_weights  # draws × categories
    scored = ~np.isnan(category_scores)
    values = np.where(scored, category_scores, 0.0)
    # Two matrix products give every candidate's overall score in every draw.
    overall = (weights @ values.T) / (weights @ scored.T.astype(float))
    # Sort on one integer per cell: the overall score in units of 1e-9 (finer
    # differences are float noise, and equal scores must tie), then the column, so
    # ties keep the tie-break order. An integer sort is several times faster than a
    # stable float sort, and scores up to 100 leave ample room in int64.
    ticks = np.rint(overall * 10.0**TIE_DECIMALS).astype(np.int64)
    order = np.argsort(-ticks * n_candidates + np.arange(n_candidates), axis=1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n_candidates + 1)[None, :], axis=1)
    wins = np.bincount(order[:, 0], minlength=n_candidates)
    return Sensitivity(wins / draws, ranks.min(axis=0), ranks.max(axis=0))
