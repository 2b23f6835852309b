"""Benchmarks (not tests): `make bench` prints a table.

The engine at the production scale case: 200 candidates x 60 criteria (10
categories) x 20 evaluators, pre-aggregated as the database hands it over.
"""

import random
import statistics
import time

from scorecards.scoring import (
    CandidateInput,
    CategorySpec,
    CriterionSpec,
    EvaluationInput,
    RatingStats,
    compute,
    fingerprint,
)

CANDIDATES, CATEGORIES, PER_CATEGORY, EVALUATORS, RUNS = 200, 10, 6, 20, 15


def scale_case(draws: int) -> EvaluationInput:
    rng = random.Random(7)
    categories = tuple(
        CategorySpec(key=f"c{i}" if i else "culture", name=f"Cat {i}", weight=10 + i)
        for i in range(CATEGORIES)
    )
    criteria = tuple(
        CriterionSpec(
            key=f"{cat.key}-{j}", name=f"{cat.key} {j}", category=cat.key, weight=1 + j
        )
        for cat in categories
        for j in range(PER_CATEGORY)
    )
    candidates = []
    for n in range(CANDIDATES):
        stats = {
            crit.key: RatingStats.from_ratings(
                [("scorecard", rng.randint(1, 5)) for _ in range(EVALUATORS)]
                + [("interview", rng.randint(2, 5)) for _ in range(2)]
            )
            for crit in criteria
        }
        candidates.append(
            CandidateInput(
                key=f"cand-{n:03d}",
                name=f"Candidate {n:03d}",
                stats=stats,
                consensus={},
                signals={"median_response_days": rng.uniform(1, 12)},
                submitted_scorecards=EVALUATORS,
                bulk_site_visited=bool(n % 3),
                operations_interviewed=bool(n % 4),
                msa_signed=False,
            )
        )
    return EvaluationInput(
        categories=categories,
        criteria=criteria,
        candidates=tuple(candidates),
        response_target_days=5,
        draws=draws,
    )


def timed(fn, *args) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn(*args)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    with_draws, without = scale_case(2000), scale_case(0)
    rows = [
        ("engine, no sensitivity", timed(compute, without)),
        ("engine + sensitivity (2,000 draws)", timed(compute, with_draws)),
        ("input fingerprint", timed(fingerprint, with_draws)),
    ]
    print(
        f"Scale: {CANDIDATES} candidates x {CATEGORIES * PER_CATEGORY} criteria "
        f"x {EVALUATORS} evaluators; median of {RUNS} runs"
    )
    print(f"{'step':<38}{'ms':>10}")
    for name, ms in rows:
        print(f"{name:<38}{ms:>10.1f}")
    print(
        f"{'sensitivity share of engine time':<38}{rows[1][1] / rows[0][1] - 1:>10.2f}x"
    )


if __name__ == "__main__":
    main()
    from bench import alignment

    alignment.main()

    # Reports need Django and a database; they run after the pure engine section.
    from bench import reports

    reports.main()
