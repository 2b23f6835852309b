"""Properties of the alignment engine that hold for any evaluation (hypothesis)."""

import dataclasses

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scorecards.scoring import (
    CandidateInput,
    CategorySpec,
    CriterionSpec,
    EvaluationInput,
    RatingStats,
    compute,
    fingerprint,
    interpolate,
    to_results_json,
)

SOURCE = st.sampled_from(("scorecard", "interview", "site_visit"))
RATING = st.tuples(SOURCE, st.one_of(st.none(), st.integers(1, 5)))
SIGNALS = ("median_response_days", "max_amendment_rounds", "months_to_signature")


@st.composite
def curves(draw):
    xs = draw(st.lists(st.integers(0, 30), min_size=2, max_size=5, unique=True))
    ys = draw(st.lists(st.integers(0, 100), min_size=len(xs), max_size=len(xs)))
    return tuple(zip(sorted(xs), ys, strict=True))


@st.composite
def evaluations(draw, max_candidates=6):
    """Small evaluations with every feature: culture, gates, derived criteria,
    consensus, not-applicable ratings and zero weights."""
    n_cat = draw(st.integers(1, 4))
    categories = [
        CategorySpec(
            "culture" if k == 0 else f"cat{k}", f"Category {k}", draw(st.integers(0, 9))
        )
        for k in range(n_cat)
    ]
    criteria = []
    for j in range(draw(st.integers(1, 7))):
        category = categories[draw(st.integers(0, n_cat - 1))].key
        weight = draw(st.integers(0, 5))
        if draw(st.integers(0, 4)) == 0:
            criteria.append(
                CriterionSpec(
                    f"k{j}",
                    f"Derived {j}",
                    category,
                    weight,
                    "derived",
                    signal=draw(st.sampled_from(SIGNALS)),
                    curve=draw(curves()),
                )
            )
        else:
            gate = draw(st.one_of(st.none(), st.sampled_from((2, 2.5, 3))))
            criteria.append(
                CriterionSpec(f"k{j}", f"Rated {j}", category, weight, "rated", gate)
            )
    rated = [c.key for c in criteria if c.kind == "rated"]
    candidates = []
    for i in range(draw(st.integers(1, max_candidates))):
        stats = {
            key: RatingStats.from_ratings(draw(st.lists(RATING, max_size=6)))
            for key in rated
            if draw(st.booleans())
        }
        consensus = draw(
            st.dictionaries(st.sampled_from(rated), st.integers(1, 5), max_size=2)
            if rated
            else st.just({})
        )
        signals = draw(
            st.dictionaries(
                st.sampled_from(SIGNALS), st.floats(0, 40, allow_nan=False), max_size=3
            )
        )
        candidates.append(
            CandidateInput(
                f"c{i}",
                draw(st.sampled_from(("Acme", "Beta", "Gamma", f"CDMO {i}"))),
                stats,
                consensus,
                signals,
                submitted_scorecards=draw(st.integers(0, 5)),
            )
        )
    delta = draw(st.sampled_from((0.0, 0.2, 0.5, 0.9)))
    return EvaluationInput(
        categories, criteria, candidates, sensitivity_delta=delta, draws=50
    )


def in_range(x, low=0.0, high=100.0):
    return x is None or low <= x <= high


@settings(max_examples=150, deadline=None)
@given(evaluations())
def test_every_score_is_within_0_and_100(ev):
    result = compute(ev)
    for c in result.candidates:
        assert in_range(c.overall)
        assert in_range(c.coverage)
        assert in_range(c.consistency)
        assert all(in_range(s) for s in c.categories.values())
        for r in c.criteria.values():
            assert in_range(r.score)
            assert in_range(r.mean, 1.0, 5.0)
            assert in_range(r.spread, 0.0, 2.0)
        assert 0.0 <= c.p_first <= 1.0
        assert 1 <= c.rank_range[0] <= c.rank <= c.rank_range[1] <= len(ev.candidates)


@settings(max_examples=150, deadline=None)
@given(evaluations(), st.data())
def test_adding_a_rating_of_5_never_lowers_a_criterion_score(ev, data):
    rated = [c.key for c in ev.criteria if c.kind == "rated"]
    assume(rated)
    i = data.draw(st.integers(0, len(ev.candidates) - 1))
    key = data.draw(st.sampled_from(rated))
    source = data.draw(SOURCE)
    candidate = ev.candidates[i]
    old_stats = candidate.stats.get(key, RatingStats())
    new_stats = RatingStats.merged([old_stats, RatingStats.from_ratings([(source, 5)])])
    changed = dataclasses.replace(candidate, stats={**candidate.stats, key: new_stats})
    candidates = [*ev.candidates]
    candidates[i] = changed
    before = compute(ev).candidate(candidate.key).criteria[key].score
    after = (
        compute(dataclasses.replace(ev, candidates=candidates))
        .candidate(candidate.key)
        .criteria[key]
        .score
    )
    assert after is not None
    assert before is None or after >= before


def summary(result):
    return [
        (c.key, c.rank, c.qualified, c.overall, c.coverage) for c in result.candidates
    ]


@settings(max_examples=150, deadline=None)
@given(evaluations(), st.floats(0.01, 1000))
def test_scaling_all_category_weights_changes_nothing(ev, factor):
    scaled = dataclasses.replace(
        ev,
        categories=[
            dataclasses.replace(c, weight=c.weight * factor) for c in ev.categories
        ],
    )
    base, other = compute(ev), compute(scaled)
    assert [c.key for c in other.candidates] == [c.key for c in base.candidates]
    for a, b in zip(base.candidates, other.candidates, strict=True):
        assert b.overall == pytest.approx(a.overall, abs=1e-6)
        assert b.coverage == pytest.approx(a.coverage, abs=1e-6)
        assert b.categories == pytest.approx(a.categories, abs=1e-6)
        assert b.p_first == pytest.approx(a.p_first, abs=1e-9)
        assert b.rank_range == a.rank_range


@settings(max_examples=150, deadline=None)
@given(evaluations(), st.floats(0.01, 1000))
def test_scaling_all_criterion_weights_changes_nothing(ev, factor):
    scaled = dataclasses.replace(
        ev,
        criteria=[
            dataclasses.replace(c, weight=c.weight * factor) for c in ev.criteria
        ],
    )
    base, other = compute(ev), compute(scaled)
    assert [c.key for c in other.candidates] == [c.key for c in base.candidates]
    for a, b in zip(base.candidates, other.candidates, strict=True):
        assert b.overall == pytest.approx(a.overall, abs=1e-6)
        assert b.coverage == pytest.approx(a.coverage, abs=1e-6)
        assert b.p_first == pytest.approx(a.p_first, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(evaluations(max_candidates=8))
def test_a_failed_gate_ranks_after_every_qualified_scored_candidate(ev):
    result = compute(ev)
    qualified_scored = [
        c.rank for c in result.candidates if c.qualified and c.overall is not None
    ]
    for c in result.candidates:
        assert c.qualified == ("gate_failed" not in c.flag_codes)
        if not c.qualified:
            assert all(c.rank > r for r in qualified_scored)
            assert c.p_first == 0.0


@settings(max_examples=100, deadline=None)
@given(evaluations(), st.randoms(use_true_random=False))
def test_input_order_changes_nothing(ev, rnd):
    shuffled = dataclasses.replace(
        ev,
        categories=rnd.sample(list(ev.categories), len(ev.categories)),
        criteria=rnd.sample(list(ev.criteria), len(ev.criteria)),
        candidates=rnd.sample(list(ev.candidates), len(ev.candidates)),
    )
    assert to_results_json(compute(ev), "x", "2026-06-30") == to_results_json(
        compute(shuffled), "x", "2026-06-30"
    )
    assert fingerprint(ev) == fingerprint(shuffled)


@settings(max_examples=100, deadline=None)
@given(evaluations())
def test_sensitivity_shares_first_place_among_the_contenders(ev):
    result = compute(ev)
    contenders = [c for c in result.candidates if c.qualified and c.overall is not None]
    total = sum(c.p_first for c in result.candidates)
    assert total == pytest.approx(1.0 if contenders else 0.0)


@given(curves(), st.floats(-10, 50, allow_nan=False))
def test_interpolate_stays_between_the_curve_extremes(curve, x):
    ys = [y for _, y in curve]
    assert min(ys) <= interpolate(curve, x) <= max(ys)


@settings(max_examples=100, deadline=None)
@given(evaluations(max_candidates=8))
def test_draws_without_weight_changes_reproduce_the_ranking(ev):
    # With δ = 0 every draw is the base weighting, so each draw must rank the
    # contenders exactly as rule 8 does, ties included.
    result = compute(dataclasses.replace(ev, sensitivity_delta=0.0))
    for c in result.candidates:
        assert c.rank_range == (c.rank, c.rank)
        assert c.p_first == (1.0 if c is result.leader else 0.0)
