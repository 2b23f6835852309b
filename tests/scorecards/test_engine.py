"""Worked examples of DESIGN.md "Scoring", one per rule, computed by hand.

Each example states its arithmetic in a comment, so a failure shows which rule moved.
No database: the engine is pure functions over plain data.
"""

import dataclasses
import datetime as dt
import json
import random

import pytest

from scorecards.scoring import (
    FLAG_CODES,
    KNOWN_SIGNALS,
    Band,
    CandidateInput,
    CategorySpec,
    CriterionSpec,
    EvaluationInput,
    InvalidEvaluation,
    RatingStats,
    compute,
    confidence_for,
    fingerprint,
    interpolate,
    round_half_up,
    standing_for,
    to_results_json,
    validate_bands,
    validate_curve,
    validate_evaluation,
)

CURVE = ((2, 100), (5, 75), (10, 25), (15, 0))  # BUNDLE.md's responsiveness curve
BANDS = (
    Band("not recommended", 0, 60),
    Band("acceptable", 60, 80),
    Band("preferred", 80, 100),
)


def cat(key, weight=1.0):
    return CategorySpec(key, key.title(), weight)


def crit(key, category="quality", weight=1.0, **kwargs):
    return CriterionSpec(key, key.replace("_", " ").title(), category, weight, **kwargs)


def derived(key, category="communication", weight=1.0, curve=CURVE):
    return crit(
        key,
        category,
        weight,
        kind="derived",
        signal="median_response_days",
        curve=curve,
    )


def sc(*scores):
    """Stats of submitted scorecard ratings."""
    return RatingStats.from_ratings(("scorecard", s) for s in scores)


def cand(key, stats=None, name=None, **kwargs):
    """A candidate with no red flag of its own unless the test asks for one."""
    clean = {
        "bulk_site_visited": True,
        "operations_interviewed": True,
        "msa_signed": True,
        "submitted_scorecards": 3,
    }
    return CandidateInput(key, name or key.title(), stats or {}, **{**clean, **kwargs})


def run(categories, criteria, candidates, **kwargs):
    kwargs.setdefault("draws", 200)
    return compute(EvaluationInput(categories, criteria, candidates, **kwargs))


def one(categories, criteria, candidate, **kwargs):
    return run(categories, criteria, [candidate], **kwargs).candidates[0]


# Rule 1: criterion score -----------------------------------------------------------


def test_criterion_score_is_the_mean_of_every_source_normalised():
    # Scorecards 3, 4, 5, interview 4, site visit 2: mean 18 / 5 = 3.6;
    # s = (3.6 - 1) × 25 = 65.0.
    stats = RatingStats.from_ratings(
        [
            ("scorecard", 3),
            ("scorecard", 4),
            ("scorecard", 5),
            ("interview", 4),
            ("site_visit", 2),
        ]
    )
    c = one([cat("quality")], [crit("gmp")], cand("acme", {"gmp": stats}))
    result = c.criteria["gmp"]
    assert result.score == pytest.approx(65.0)
    assert result.mean == pytest.approx(3.6)
    assert result.n == 5
    assert result.consensus is False


def test_consensus_overrides_the_mean():
    # Ratings 2, 2, 3 (mean 2.33, s 33.3) but the team agreed on 4: s = 3 × 25 = 75.
    c = one(
        [cat("quality")],
        [crit("gmp")],
        cand("acme", {"gmp": sc(2, 2, 3)}, consensus={"gmp": 4}),
    )
    result = c.criteria["gmp"]
    assert result.score == 75.0
    assert result.consensus is True
    assert result.mean == pytest.approx(7 / 3)  # still reported, and n with it
    assert result.n == 3


def test_consensus_alone_scores_a_criterion_without_ratings():
    c = one([cat("quality")], [crit("gmp")], cand("acme", consensus={"gmp": 5}))
    assert c.criteria["gmp"].score == 100.0
    assert c.criteria["gmp"].n == 0


def test_not_applicable_is_excluded_everywhere():
    # 4, n/a, n/a, 2: mean (4 + 2) / 2 = 3, s = 50; n counts the two real ratings.
    stats = RatingStats.from_ratings(
        [("scorecard", 4), ("scorecard", None), ("interview", None), ("scorecard", 2)]
    )
    c = one([cat("quality")], [crit("gmp")], cand("acme", {"gmp": stats}))
    assert c.criteria["gmp"].score == 50.0
    assert c.criteria["gmp"].n == 2
    assert c.criteria["gmp"].spread == 1.0  # σ of (4, 2)


def test_a_criterion_with_only_not_applicable_has_no_score():
    stats = RatingStats.from_ratings([("scorecard", None)])
    c = one([cat("quality")], [crit("gmp")], cand("acme", {"gmp": stats}))
    assert c.criteria["gmp"].score is None
    assert c.criteria["gmp"].mean is None
    assert c.overall is None


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        (2.0, 100.0),  # on the first point
        (3.0, 100 - 25 / 3),  # 100 + (75 - 100) × (3 - 2) / (5 - 2) = 91.67
        (7.5, 50.0),  # 75 + (25 - 75) × (7.5 - 5) / (10 - 5)
        (1.0, 100.0),  # clamped below the first point
        (40.0, 0.0),  # clamped beyond the last point
    ],
)
def test_derived_criterion_maps_its_signal_through_the_curve(signal, expected):
    c = one(
        [cat("communication")],
        [derived("responsiveness")],
        cand("acme", signals={"median_response_days": signal}),
    )
    assert c.criteria["responsiveness"].score == pytest.approx(expected)
    assert interpolate(CURVE, signal) == pytest.approx(expected)


def test_derived_curve_points_are_sorted_by_x_first():
    shuffled = (CURVE[2], CURVE[0], CURVE[3], CURVE[1])
    c = one(
        [cat("communication")],
        [derived("responsiveness", curve=shuffled)],
        cand("acme", signals={"median_response_days": 7.5}),
    )
    assert c.criteria["responsiveness"].score == pytest.approx(50.0)
    assert interpolate(shuffled, 7.5) == pytest.approx(50.0)


def test_derived_criterion_without_signal_data_has_no_score():
    c = one([cat("communication")], [derived("responsiveness")], cand("acme"))
    assert c.criteria["responsiveness"].score is None
    assert c.overall is None


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([(1, 50)], "at least two points"),
        ([(1, 50), (1, 60)], "appears twice"),
        ([(5, 50), (1, 60)], "must increase"),
        ([(1, 50), (2, 120)], "outside 0-100"),
        ([(1, -1), (2, 10)], "outside 0-100"),
    ],
)
def test_validate_curve_names_the_problem(points, message):
    errors = validate_curve(points)
    assert any(message in e for e in errors), errors


def test_validate_curve_accepts_a_valid_curve():
    assert validate_curve(CURVE) == []


# Rules 2-4: category, overall, coverage ----------------------------------------------


def coverage_example():
    # quality (W 25): a w 3 -> 4 (s 75), b w 1 -> 2 (s 25), c w 2 -> unrated
    # communication (W 75): d w 2 derived, 2 days -> 100; e w 2 -> unrated
    # culture (W 50): o w 1 -> unrated
    categories = [cat("quality", 25), cat("communication", 75), cat("culture", 50)]
    criteria = [
        crit("a", weight=3),
        crit("b", weight=1),
        crit("c", weight=2),
        derived("d", weight=2),
        crit("e", "communication", weight=2),
        crit("o", "culture"),
    ]
    candidate = cand(
        "acme",
        {"a": sc(4, 4, 4), "b": sc(2, 2, 2)},
        signals={"median_response_days": 2.0},
    )
    return categories, criteria, candidate


def test_category_score_is_the_weighted_mean_of_its_scored_criteria():
    # quality = (3 × 75 + 1 × 25) / (3 + 1) = 62.5; c has no score and no say.
    c = one(*coverage_example())
    assert c.categories["quality"] == 62.5
    assert c.categories["communication"] == 100.0  # only d is scored
    assert c.categories["culture"] is None


def test_overall_is_the_weighted_mean_of_scored_categories():
    # (25 × 62.5 + 75 × 100) / (25 + 75) = 9062.5 / 100 = 90.625; culture unscored.
    c = one(*coverage_example())
    assert c.overall == pytest.approx(90.625)


def test_coverage_sums_the_effective_weights_of_scored_criteria():
    # ΣW = 150. a, b: (25/150) × (3+1)/6 = 1/9; d: (75/150) × 2/4 = 1/4.
    # coverage = (1/9 + 1/4) × 100 = 36.11 %.
    c = one(*coverage_example())
    assert c.coverage == pytest.approx(100 * (1 / 9 + 1 / 4))
    assert c.confidence == "low"  # below 50 %


def test_zero_weight_category_counts_in_no_average():
    categories = [cat("quality", 1), cat("extras", 0)]
    criteria = [crit("a"), crit("x", "extras")]
    c = one(categories, criteria, cand("acme", {"a": sc(3), "x": sc(5)}))
    assert c.overall == 50.0  # (1 × 50 + 0 × 100) / 1
    assert c.coverage == 100.0  # x carries no effective weight, a carries it all


# Rule 5: evaluator spread -----------------------------------------------------------


def test_spread_is_the_population_std_of_scorecard_ratings_only():
    # Scorecards 2, 4, 5: mean 11/3, Σ(x - mean)² = 2.778 + 0.111 + 1.778 = 4.667,
    # σ = √(4.667 / 3) = 1.247. The interview's 1 is in the mean, not in the spread.
    stats = RatingStats.from_ratings(
        [("scorecard", 2), ("scorecard", 4), ("scorecard", 5), ("interview", 1)]
    )
    c = one([cat("quality")], [crit("gmp")], cand("acme", {"gmp": stats}))
    assert c.criteria["gmp"].spread == pytest.approx((14 / 9) ** 0.5)
    assert c.criteria["gmp"].mean == 3.0  # (2 + 4 + 5 + 1) / 4
    [flag] = [f for f in c.flags if f.code == "evaluators_disagree"]
    # max - min = 5 - 2 = 3 >= 2
    assert flag.evidence == (
        "Scorecard ratings differ by 2 or more: Gmp 2-5 over 3 scorecards (spread 1.25)"
    )
    [data] = flag.data["criteria"]
    assert data == {
        "criterion": "gmp",
        "min": 2,
        "max": 5,
        "spread": pytest.approx(1.247, abs=1e-3),
        "n": 3,
    }


def test_ratings_one_apart_do_not_disagree():
    # 3, 4, 4: max - min = 1; σ = √(2/9) = 0.471.
    c = one([cat("quality")], [crit("gmp")], cand("acme", {"gmp": sc(3, 4, 4)}))
    assert c.criteria["gmp"].spread == pytest.approx((2 / 9) ** 0.5)
    assert "evaluators_disagree" not in c.flag_codes


def test_no_spread_without_scorecard_ratings():
    stats = RatingStats.from_ratings([("interview", 1), ("site_visit", 5)])
    c = one([cat("quality")], [crit("gmp")], cand("acme", {"gmp": stats}))
    assert c.criteria["gmp"].spread is None
    assert "evaluators_disagree" not in c.flag_codes  # interviews never "disagree"


def test_disagreement_evidence_names_the_widest_first_and_counts_the_rest():
    criteria = [crit(k) for k in ("a", "b", "c", "d", "e")]
    stats = {
        "a": sc(3, 5),  # range 2, σ 1
        "b": sc(1, 5),  # range 4, σ 2
        "c": sc(2, 5),  # range 3, σ 1.5
        "d": sc(1, 1, 4),  # range 3, σ 1.41
        "e": sc(2, 4),  # range 2, σ 1
    }
    c = one([cat("quality")], criteria, cand("acme", stats))
    [flag] = [f for f in c.flags if f.code == "evaluators_disagree"]
    assert flag.evidence == (
        "Scorecard ratings differ by 2 or more: B 1-5 over 2 scorecards (spread 2.00);"
        " C 2-5 over 2 scorecards (spread 1.50); D 1-4 over 3 scorecards"
        " (spread 1.41); and 2 more criteria"
    )
    assert [d["criterion"] for d in flag.data["criteria"]] == ["b", "c", "d", "a", "e"]


# Rule 6: culture consistency --------------------------------------------------------


def culture_run(openness, pull_through, vision=(("interview", 4),)):
    criteria = [crit("openness", "culture"), crit("pull_through", "culture")]
    criteria.append(crit("vision", "culture"))
    stats = {
        "openness": RatingStats.from_ratings(openness),
        "pull_through": RatingStats.from_ratings(pull_through),
        "vision": RatingStats.from_ratings(vision),
    }
    return one([cat("culture")], criteria, cand("acme", stats))


def test_culture_consistency_averages_criteria_rated_twice_or_more():
    # openness: interviews 2, 4 -> σ 1 -> 100 - 50 = 50
    # pull_through: interview 4, visit 4 -> σ 0 -> 100
    # vision: one interview -> not counted; scorecards never count.
    # consistency = (50 + 100) / 2 = 75 -> no flag.
    c = culture_run(
        [("interview", 2), ("interview", 4), ("scorecard", 1)],
        [("interview", 4), ("site_visit", 4), ("scorecard", 1), ("scorecard", 5)],
    )
    assert c.consistency == 75.0
    assert "culture_inconsistent" not in c.flag_codes


def test_culture_inconsistency_below_60_is_flagged_with_its_criteria():
    # openness: 1, 5 -> σ 2 -> max(0, 100 - 100) = 0
    # pull_through: 3, 4 -> σ 0.5 -> 75
    # consistency = (0 + 75) / 2 = 37.5 < 60.
    c = culture_run(
        [("interview", 1), ("site_visit", 5)],
        [("interview", 3), ("interview", 4)],
    )
    assert c.consistency == 37.5
    [flag] = [f for f in c.flags if f.code == "culture_inconsistent"]
    assert flag.evidence == (
        "Culture consistency 37.5 is below 60 across interviews and visits "
        "(Openness σ 2.00 over 2 ratings, Pull Through σ 0.50 over 2 ratings)"
    )
    assert [r["criterion"] for r in flag.data["criteria"]] == [
        "openness",
        "pull_through",
    ]


def test_consistency_is_undefined_without_two_interview_or_visit_ratings():
    c = culture_run([("interview", 1)], [("scorecard", 1), ("scorecard", 5)])
    assert c.consistency is None
    assert "culture_inconsistent" not in c.flag_codes


def test_consistency_floors_at_zero():
    # openness 1, 5 and pull_through 1, 5: σ 2 -> max(0, 100 - 100) = 0 each.
    c = culture_run(
        [("interview", 1), ("interview", 5)], [("interview", 1), ("interview", 5)]
    )
    assert c.consistency == 0.0


# Rule 7: gates ----------------------------------------------------------------------


def gate_run(*candidates):
    criteria = [crit("gmp", gate_threshold=3), crit("agility")]
    return run([cat("quality")], criteria, list(candidates))


def test_a_gate_mean_below_threshold_disqualifies_whatever_the_overall():
    # gmp 2, 3 -> mean 2.5 < 3: out, although agility 5 lifts the overall to
    # (37.5 + 100) / 2 = 68.75, above the qualified candidate's (50 + 50) / 2 = 50.
    result = gate_run(
        cand("acme", {"gmp": sc(2, 3), "agility": sc(5)}),
        cand("beta", {"gmp": sc(3), "agility": sc(3)}),
    )
    acme = result.candidate("acme")
    assert acme.qualified is False
    assert acme.overall == 68.75
    assert [c.key for c in result.candidates] == ["beta", "acme"]
    [flag] = acme.flags
    assert flag.code == "gate_failed"
    assert flag.evidence == "Gmp: mean 2.50 of 2 ratings is below the gate of 3"
    assert flag.data["criteria"][0]["basis"] == "mean"


def test_the_gate_uses_the_consensus_when_there_is_one():
    # Mean 2 would fail; the consensus 3 is not below 3 -> qualified.
    passed = gate_run(cand("acme", {"gmp": sc(2, 2)}, consensus={"gmp": 3}))
    assert passed.candidates[0].qualified is True
    # Mean 4.5 would pass; the consensus 2 is below 3 -> disqualified.
    failed = gate_run(cand("acme", {"gmp": sc(4, 5)}, consensus={"gmp": 2}))
    assert failed.candidates[0].qualified is False
    assert failed.candidates[0].flags[0].evidence == (
        "Gmp: consensus 2 is below the gate of 3"
    )


def test_an_unrated_gate_does_not_disqualify():
    result = gate_run(cand("acme", {"agility": sc(4)}))
    assert result.candidates[0].qualified is True
    assert result.candidates[0].flag_codes == []


# Rule 8: rank -----------------------------------------------------------------------


def test_rank_orders_by_overall_then_coverage_then_name():
    criteria = [crit("a", gate_threshold=2), crit("b")]
    # All qualified at 75 except where noted; coverage 100 % when both a and b are
    # rated, 50 % when one is.
    candidates = [
        cand("k1", {"a": sc(4), "b": sc(4)}, name="Beta"),  # 75, cov 100
        cand("k2", {"a": sc(4)}, name="Gamma"),  # 75, cov 50
        cand("k3", {"a": sc(4), "b": sc(4)}, name="Alpha"),  # 75, cov 100
        cand("k4", {"a": sc(5), "b": sc(5)}, name="Delta"),  # 100
        cand("k5", {"a": sc(1), "b": sc(5)}, name="Epsilon"),  # gate 1 < 2, 50
        cand("k6", {"a": sc(1), "b": sc(4)}, name="Aleph"),  # gate, 37.5
        cand("k7", name="Zed"),  # no score
        cand("k8", name="Aardvark"),  # no score
    ]
    result = run([cat("quality")], criteria, candidates)
    assert [c.name for c in result.candidates] == [
        "Delta",  # 100
        "Alpha",  # 75, coverage 100, A < B
        "Beta",  # 75, coverage 100
        "Gamma",  # 75, coverage 50
        "Epsilon",  # disqualified, 50
        "Aleph",  # disqualified, 37.5
        "Aardvark",  # no score, by name
        "Zed",
    ]
    assert [c.rank for c in result.candidates] == list(range(1, 9))


def test_results_do_not_depend_on_input_order():
    categories, criteria, acme = coverage_example()
    beta = cand("beta", {"a": sc(5), "e": sc(2, 3)}, interviews=2)
    ev = EvaluationInput(categories, criteria, [acme, beta], draws=300)
    shuffled = EvaluationInput(
        categories[::-1], criteria[::-1], [beta, acme], draws=300
    )
    as_json = [to_results_json(compute(e), "x", "2026-06-30") for e in (ev, shuffled)]
    assert as_json[0] == as_json[1]
    assert fingerprint(ev) == fingerprint(shuffled)


# Rule 9: sensitivity ----------------------------------------------------------------


def two_categories(*candidates, **kwargs):
    categories = [cat("quality"), cat("communication")]
    criteria = [crit("q"), crit("c", "communication")]
    return run(categories, criteria, list(candidates), **kwargs)


def test_an_even_race_splits_first_place_and_is_not_robust():
    # acme 62.5 / 62.5 scores 62.5 in every draw. beta 100 / 25 scores
    # (100 f1 + 25 f2) / (f1 + f2), above 62.5 exactly when 37.5 f1 > 37.5 f2, that
    # is f1 > f2: half the draws. With equal weights both score 62.5, and the tie
    # goes to coverage (equal), then name: acme.
    result = two_categories(
        cand("acme", {"q": sc(3, 4), "c": sc(3, 4)}),  # mean 3.5 -> 62.5
        cand("beta", {"q": sc(5), "c": sc(2)}),
        draws=2000,
    )
    acme, beta = result.candidate("acme"), result.candidate("beta")
    assert acme.overall == beta.overall == 62.5
    assert [c.key for c in result.candidates] == ["acme", "beta"]
    assert beta.p_first == pytest.approx(0.5, abs=0.05)  # binomial σ ≈ 0.011
    assert acme.p_first + beta.p_first == pytest.approx(1.0)
    assert acme.rank_range == beta.rank_range == (1, 2)
    assert result.robust is False


def test_a_clear_leader_is_robust():
    # acme 100 / 100 beats beta 50 / 75 under any weights.
    result = two_categories(
        cand("acme", {"q": sc(5), "c": sc(5)}), cand("beta", {"q": sc(3), "c": sc(4)})
    )
    assert result.leader.key == "acme"
    assert result.leader.p_first == 1.0
    assert result.leader.rank_range == (1, 1)
    assert result.candidate("beta").rank_range == (2, 2)
    assert result.robust is True


def test_a_leader_only_caught_at_the_edge_of_the_weights_is_robust():
    # acme 60 / 60 (mean 3.4) scores 60 in every draw. beta 100 / 0 scores
    # 100 f1 / (f1 + f2), above 60 only if f1 > 1.5 f2; with δ = 0.2 the ratio
    # f1 / f2 is at most 1.2 / 0.8 = 1.5, so beta never ranks first.
    result = two_categories(
        cand("acme", {"q": sc(3, 3, 3, 4, 4), "c": sc(3, 3, 3, 4, 4)}),
        cand("beta", {"q": sc(5), "c": sc(1)}),
        draws=2000,
    )
    assert result.candidate("acme").overall == 60.0
    assert result.candidate("beta").overall == 50.0
    assert result.candidate("acme").p_first == 1.0
    assert result.candidate("beta").rank_range == (2, 2)
    assert result.robust is True


def test_ties_in_a_draw_break_on_coverage_then_name():
    # Same category scores, so the same overall in every draw: acme (both criteria
    # of quality rated, coverage 100) always beats beta (one rated, coverage 75).
    categories = [cat("quality"), cat("communication")]
    criteria = [crit("q1"), crit("q2"), crit("c", "communication")]
    result = run(
        categories,
        criteria,
        [
            cand("beta", {"q1": sc(4), "c": sc(3)}, name="Able"),
            cand("acme", {"q1": sc(4), "q2": sc(4), "c": sc(3)}, name="Zulu"),
            cand("gamma", {"q1": sc(4), "q2": sc(4), "c": sc(3)}, name="Zulu B"),
        ],
        draws=500,
    )
    assert [c.key for c in result.candidates] == ["acme", "gamma", "beta"]
    assert [c.p_first for c in result.candidates] == [1.0, 0.0, 0.0]
    assert [c.rank_range for c in result.candidates] == [(1, 1), (2, 2), (3, 3)]


def test_sensitivity_is_deterministic_with_the_fixed_seed():
    race = (
        cand("acme", {"q": sc(3, 4), "c": sc(3, 4)}),
        cand("beta", {"q": sc(5), "c": sc(2)}),
    )
    first = two_categories(*race, draws=1000)
    again = two_categories(*race, draws=1000)
    assert [(c.p_first, c.rank_range) for c in first.candidates] == [
        (c.p_first, c.rank_range) for c in again.candidates
    ]
    other_seed = two_categories(*race, draws=1000, seed=7)
    assert other_seed.candidates[0].p_first != first.candidates[0].p_first


def test_only_qualified_scored_candidates_take_part_in_the_draws():
    criteria = [crit("q", gate_threshold=3), crit("c", "communication")]
    result = run(
        [cat("quality"), cat("communication")],
        criteria,
        [
            cand("acme", {"q": sc(3), "c": sc(3)}),
            cand("beta", {"q": sc(2), "c": sc(5)}),  # gate failed
            cand("gamma"),  # no score
        ],
    )
    assert [(c.key, c.p_first, c.rank_range) for c in result.candidates] == [
        ("acme", 1.0, (1, 1)),
        ("beta", 0.0, (2, 2)),
        ("gamma", 0.0, (3, 3)),
    ]
    assert result.robust is True


def test_no_draws_skips_the_sensitivity_analysis():
    result = two_categories(cand("acme", {"q": sc(5)}), draws=0)
    assert result.candidates[0].p_first is None
    assert result.candidates[0].rank_range == (1, 1)
    assert result.robust is False


# Rule 10: confidence ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("coverage", "scorecards", "expected"),
    [
        (80.0, 3, "high"),
        (100.0, 2, "medium"),  # full coverage but only two scorecards
        (79.9, 10, "medium"),
        (50.0, 0, "medium"),
        (49.9, 5, "low"),
    ],
)
def test_confidence(coverage, scorecards, expected):
    assert confidence_for(coverage, scorecards) == expected


def test_confidence_in_a_result():
    # coverage 100 % with 3 submitted scorecards -> high; with 2 -> medium.
    criteria = [crit("q")]
    result = run(
        [cat("quality")],
        criteria,
        [
            cand("acme", {"q": sc(4)}, submitted_scorecards=3),
            cand("beta", {"q": sc(4)}, submitted_scorecards=2),
        ],
    )
    assert result.candidate("acme").confidence == "high"
    assert result.candidate("beta").confidence == "medium"


# Standings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (0.0, "not recommended"),
        (59.9, "not recommended"),
        (60.0, "acceptable"),  # low <= s < high
        (79.99, "acceptable"),
        (80.0, "preferred"),
        (100.0, "preferred"),  # the top band holds 100
        (None, None),
    ],
)
def test_standing_labels_the_overall_score(score, label):
    assert standing_for(BANDS, score) == label


def test_standing_in_a_result():
    # 4 -> 75 -> acceptable; no score -> no standing.
    result = run(
        [cat("quality")],
        [crit("q")],
        [cand("acme", {"q": sc(4)}), cand("beta")],
        bands=BANDS,
    )
    assert result.candidate("acme").standing == "acceptable"
    assert result.candidate("beta").standing is None


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((Band("a", 0, 50), Band("b", 60, 100)), "Scores from 50 to 60 have no band"),
        ((Band("a", 0, 70), Band("b", 60, 100)), "overlap"),
        ((Band("a", 10, 100),), "Scores from 0 to 10 have no band"),
        ((Band("a", 0, 90),), "Scores from 90 to 100 have no band"),
        ((Band("a", 0, 120),), "goes past 100"),
        ((Band("a", 50, 50), Band("b", 0, 100)), "low must be below high"),
        ((Band(" ", 0, 100),), "needs a label"),
        ((), "at least one band"),
    ],
)
def test_validate_bands_names_the_problem(bands, message):
    errors = validate_bands(bands)
    assert any(message in e for e in errors), errors


def test_validate_bands_accepts_bands_in_any_order():
    assert validate_bands(BANDS[::-1]) == []


# Red flags --------------------------------------------------------------------------


def flags_of(**kwargs):
    candidate = cand("acme", {"q": sc(4)}, **kwargs)
    c = one([cat("quality")], [crit("q")], candidate, response_target_days=5)
    return {f.code: f for f in c.flags}


def test_a_clean_candidate_has_no_flags():
    assert flags_of() == {}


def test_slow_responses():
    # median 7.0 > target 5
    flag = flags_of(signals={"median_response_days": 7.0})["slow_responses"]
    assert flag.evidence == "Median answer 7.0 days vs target 5"
    assert flag.data == {"median_response_days": 7.0, "target_days": 5}
    assert flags_of(signals={"median_response_days": 5.0}) == {}  # not slower


def test_slow_responses_needs_a_target():
    c = one(
        [cat("quality")],
        [crit("q")],
        cand("acme", signals={"median_response_days": 30.0}),
        response_target_days=None,
    )
    assert c.flags == ()


def test_excess_amendment_rounds():
    flag = flags_of(signals={"max_amendment_rounds": 3})["excess_amendment_rounds"]
    assert flag.evidence == "An agreement reached amendment round 3 (healthy: up to 2)"
    assert flags_of(signals={"max_amendment_rounds": 2}) == {}


def test_bulk_site_not_visited_names_the_site():
    flag = flags_of(bulk_site_visited=False, bulk_site="Dublin")
    assert flag["bulk_site_not_visited"].evidence == (
        "No site visit to the proposed bulk site Dublin"
    )
    flag = flags_of(bulk_site_visited=False)
    assert flag["bulk_site_not_visited"].evidence == (
        "No bulk-manufacturing site proposed, so none was visited"
    )


def test_no_operations_interview_counts_the_interviews_held():
    flag = flags_of(operations_interviewed=False, interviews=3)
    assert flag["no_operations_interview"].evidence == (
        "None of the 3 culture interviews met an operations, quality or "
        "project-team contact"
    )
    flag = flags_of(operations_interviewed=False, interviews=0)
    assert flag["no_operations_interview"].evidence == "No culture interview held yet"


def test_signature_overdue():
    # 9.5 months since first engagement, no MSA signed.
    flag = flags_of(msa_signed=False, signals={"months_to_signature": 9.5})
    assert flag["signature_overdue"].evidence == (
        "9.5 months since first engagement without a signed MSA (usual: 6-9)"
    )
    assert flags_of(msa_signed=True, signals={"months_to_signature": 9.5}) == {}
    assert flags_of(msa_signed=False, signals={"months_to_signature": 9.0}) == {}
    assert flags_of(msa_signed=False) == {}  # no first engagement recorded


def test_flags_come_in_table_order_and_every_code_is_raisable():
    criteria = [crit("gmp", gate_threshold=3), crit("openness", "culture")]
    stats = {
        "gmp": sc(1, 3),  # mean 2 < 3, and 3 - 1 = 2 -> disagree
        "openness": RatingStats.from_ratings([("interview", 1), ("interview", 5)]),
    }
    c = one(
        [cat("quality"), cat("culture")],
        criteria,
        CandidateInput(
            "acme",
            "Acme",
            stats,
            signals={
                "median_response_days": 9,
                "max_amendment_rounds": 9,
                "months_to_signature": 12,
            },
        ),
        response_target_days=5,
    )
    assert c.flag_codes == list(FLAG_CODES)
    json.dumps([f.data for f in c.flags])  # storable as JSON: no numpy scalars


# Results JSON -----------------------------------------------------------------------


def test_to_results_json_shape_and_rounding():
    categories, criteria, acme = coverage_example()
    acme = dataclasses.replace(
        acme,
        stats={**acme.stats, "e": sc(2, 2, 2, 3)},  # mean 2.25 -> 31.25
        signals={"median_response_days": 2.0, "overdue_request_share": 0.25},
        bulk_site_visited=False,
    )
    ev = EvaluationInput(categories, criteria, [acme, cand("zeta")], draws=100)
    doc = to_results_json(compute(ev), "abx101-ds", dt.date(2026, 6, 30))
    assert json.loads(json.dumps(doc)) == doc  # plain JSON types only
    assert doc["evaluation"] == "abx101-ds"
    assert doc["as_of"] == "2026-06-30"
    first, last = doc["candidates"]
    assert set(first) == {
        "cdmo", "rank", "qualified", "overall", "coverage", "confidence",
        "consistency", "categories", "criteria", "signals", "p_first", "rank_range",
        "flags",
    }  # fmt: skip
    # quality 62.5; communication (2 × 100 + 2 × 31.25) / 4 = 65.625 -> 65.6;
    # overall (25 × 62.5 + 75 × 65.625) / 100 = 64.84375 -> 64.8;
    # coverage 1/9 + 1/2 = 61.11 % -> 61.1.
    assert first == {
        "cdmo": "acme",
        "rank": 1,
        "qualified": True,
        "overall": 64.8,
        "coverage": 61.1,
        "confidence": "medium",
        "consistency": None,
        "categories": {"quality": 62.5, "communication": 65.6, "culture": None},
        "criteria": {
            "a": {"score": 75.0, "mean": 4.0, "n": 3, "spread": 0.0},
            "b": {"score": 25.0, "mean": 2.0, "n": 3, "spread": 0.0},
            "c": {"score": None, "mean": None, "n": 0, "spread": None},
            "d": {"score": 100.0, "mean": None, "n": 0, "spread": None},
            # half up, as a person rounds: 31.25 -> 31.3, 2.25 -> 2.3; σ 0.433 -> 0.4
            "e": {"score": 31.3, "mean": 2.3, "n": 4, "spread": 0.4},
            "o": {"score": None, "mean": None, "n": 0, "spread": None},
        },
        "signals": {"median_response_days": 2.0, "overdue_request_share": 0.3},
        "p_first": 1.0,
        "rank_range": [1, 1],
        "flags": ["bulk_site_not_visited"],
    }
    assert last["cdmo"] == "zeta"
    assert last["overall"] is None
    assert last["p_first"] == 0.0
    assert last["rank_range"] == [2, 2]


def test_p_first_is_rounded_to_two_decimals():
    result = two_categories(
        cand("acme", {"q": sc(3, 4), "c": sc(3, 4)}),
        cand("beta", {"q": sc(5), "c": sc(2)}),
        draws=2000,
    )
    doc = to_results_json(result, "x", "2026-06-30")
    p = [c["p_first"] for c in doc["candidates"]]
    assert all(round(x, 2) == x for x in p)
    assert sum(p) == pytest.approx(1.0, abs=0.011)


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(31.25, 1, 31.3), (2.675, 2, 2.68), (0.125, 2, 0.13), (71.44, 1, 71.4),
     (0.0, 1, 0.0), (None, 1, None)],
)  # fmt: skip
def test_round_half_up(value, digits, expected):
    assert round_half_up(value, digits) == expected


# Fingerprint, validation, inputs ----------------------------------------------------


def test_fingerprint_is_stable_and_follows_every_input():
    categories, criteria, acme = coverage_example()
    ev = EvaluationInput(categories, criteria, [acme])
    same = EvaluationInput(
        categories,
        criteria,
        [dataclasses.replace(acme, stats={**acme.stats, "c": RatingStats()})],
    )
    assert fingerprint(ev) == fingerprint(same)  # an empty stat changes nothing
    assert len(fingerprint(ev)) == 64
    changed = [
        dataclasses.replace(ev, sensitivity_delta=0.3),
        dataclasses.replace(ev, seed=1),
        dataclasses.replace(ev, categories=[cat("quality", 26), *categories[1:]]),
        EvaluationInput(
            categories,
            criteria,
            [dataclasses.replace(acme, stats={**acme.stats, "a": sc(4, 4, 5)})],
        ),
        EvaluationInput(
            categories, criteria, [dataclasses.replace(acme, consensus={"a": 3})]
        ),
    ]
    assert len({fingerprint(e) for e in changed} | {fingerprint(ev)}) == 6


def test_fingerprint_treats_int_and_float_alike():
    a = EvaluationInput([cat("quality", 2)], [crit("q", weight=1)], [])
    b = EvaluationInput([cat("quality", 2.0)], [crit("q", weight=1.0)], [])
    assert fingerprint(a) == fingerprint(b)


def test_invalid_evaluations_are_refused_with_reasons():
    ev = EvaluationInput(
        [cat("quality", -1)],
        [
            crit("q", "nowhere"),
            crit("r", kind="derived", signal="vibes", curve=((1, 50),)),
            crit("g", gate_threshold=7),
        ],
        [cand("acme", consensus={"g": 9})],
        sensitivity_delta=1.5,
    )
    errors = validate_evaluation(ev)
    for expected in (
        "Quality: weight must be a number >= 0.",
        "Q: unknown category 'nowhere'.",
        "R: unknown signal 'vibes'.",
        "R: A curve needs at least two points.",
        "G: gate threshold must be within 1-5.",
        "Acme: consensus on 'g' must be 1-5.",
        "The sensitivity delta must be at least 0 and below 1.",
    ):
        assert expected in errors
    with pytest.raises(InvalidEvaluation) as excinfo:
        compute(ev)
    assert excinfo.value.errors == errors


def test_known_signals_are_the_bundle_signals():
    assert KNOWN_SIGNALS == (
        "median_response_days",
        "overdue_request_share",
        "max_amendment_rounds",
        "median_reviewers_per_round",
        "median_decision_days",
        "months_to_signature",
    )


def test_rating_stats_from_ratings_rejects_bad_input():
    with pytest.raises(ValueError, match="1-5"):
        RatingStats.from_ratings([("scorecard", 6)])
    # Sources are "scorecard" or an evidence kind's key; the engine, which knows
    # no kinds, refuses only what cannot be a source's name.
    with pytest.raises(ValueError, match="source"):
        RatingStats.from_ratings([("", 3)])
    with pytest.raises(ValueError, match="source"):
        RatingStats.from_ratings([(None, 3)])


def test_rating_stats_per_source_merge_like_raw_ratings():
    rnd = random.Random(4)
    ratings = [
        (rnd.choice(("scorecard", "interview", "site_visit")), rnd.randint(1, 5))
        for _ in range(40)
    ]
    per_source = RatingStats.merged(
        RatingStats.from_ratings(r for r in ratings if r[0] == source)
        for source in ("scorecard", "interview", "site_visit")
    )
    assert per_source == RatingStats.from_ratings(ratings)
