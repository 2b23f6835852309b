"""The scale case as a bundle (BUNDLE.md): 200 candidates x 60 rated criteria x
20 evaluators (240,000 scorecard ratings), two derived criteria and negotiation
records. The benchmarks import it through the importer, so their data passes the
same services and rules as any other."""

import datetime as dt
import random

CANDIDATES, CATEGORIES, PER_CATEGORY, EVALUATORS = 200, 10, 6, 20
SIGNALS = ("median_response_days", "max_amendment_rounds")


def _day(start: dt.date, days: int) -> str:
    return (start + dt.timedelta(days=days)).isoformat()


def scale_bundle(
    key: str,
    *,
    candidates: int = CANDIDATES,
    categories: int = CATEGORIES,
    per_category: int = PER_CATEGORY,
    evaluators: int = EVALUATORS,
    seed: int = 7,
) -> dict:
    rng = random.Random(seed)
    cats = [
        {
            "key": "culture" if i == 0 else f"cat{i}",
            "name": f"Category {i}",
            "weight": 10 + i,
        }
        for i in range(categories)
    ]
    criteria = []
    for i, cat in enumerate(cats):
        for j in range(per_category):
            criteria.append(
                {
                    "key": f"{cat['key']}-{j}",
                    "category": cat["key"],
                    "name": f"{cat['name']} criterion {j}",
                    "weight": 1 + j,
                    "sources": ["scorecard", "interview"] if i == 0 else ["scorecard"],
                    "gate_threshold": 2 if (i, j) == (1, 0) else None,
                }
            )
    for j, signal in enumerate(SIGNALS):
        criteria.append(
            {
                "key": f"{cats[-1]['key']}-{per_category + j}",
                "category": cats[-1]["key"],
                "name": f"{cats[-1]['name']} criterion {per_category + j}",
                "weight": 1 + j,
                "kind": "derived",
                "signal": signal,
                "curve": [[1, 100], [5, 75], [10, 25], [15, 0]],
            }
        )
    rated = [c["key"] for c in criteria if c.get("kind") != "derived"]
    people = [f"bench-eval-{n}" for n in range(evaluators)]
    cdmos = [f"bench-cdmo-{n:03d}" for n in range(candidates)]
    doc: dict = {
        "format": "cdmo-eval/1",
        "evaluation": {
            "key": key,
            "name": "Benchmark evaluation",
            "program": "BENCH",
            "status": "scoring",
            "as_of": "2026-06-30",
        },
        "bands": [
            {"label": "Preferred", "low": 80, "high": 100},
            {"label": "Acceptable", "low": 60, "high": 80},
            {"label": "Not recommended", "low": 0, "high": 60},
        ],
        "categories": cats,
        "criteria": criteria,
        "users": [{"username": "bench-lead", "role": "lead"}]
        + [{"username": u, "role": "evaluator"} for u in people],
        "cdmos": [
            {
                "key": c,
                "name": f"Bench CDMO {c[-3:]}",
                "sites": [{"key": f"{c}-site", "name": "Plant", "country": "IE"}],
            }
            for c in cdmos
        ],
        "candidates": [
            {"cdmo": c, "bulk_site": f"{c}-site", "stage": "due_diligence"}
            for c in cdmos
        ],
        "scorecards": [],
        "information_requests": [],
        "agreements": [],
        "escalations": [],
        "milestones": [],
    }
    for c in cdmos:
        for u in people:
            bias = rng.randint(-1, 1)
            doc["scorecards"].append(
                {
                    "candidate": c,
                    "evaluator": u,
                    "status": "submitted",
                    "ratings": [
                        {
                            "criterion": k,
                            "score": (s := min(5, max(1, rng.randint(2, 5) + bias))),
                            "rationale": "" if s in (3, 4) else "As observed",
                        }
                        for k in rated
                    ],
                }
            )
        jan = dt.date(2026, 1, 5)
        doc["information_requests"] += [
            {
                "candidate": c,
                "subject": f"Request {k}",
                "sent": _day(jan, 10 * k),
                "due": _day(jan, 10 * k + 5),
                "answered": _day(jan, 10 * k + rng.randint(1, 9)),
            }
            for k in range(5)
        ]
        feb = dt.date(2026, 2, 1)
        doc["agreements"].append(
            {
                "candidate": c,
                "kind": "msa",
                "rounds": [
                    {
                        "number": k + 1,
                        "sent": _day(feb, 20 * k),
                        "returned": _day(feb, 20 * k + 9),
                        "reviewers": rng.randint(2, 9),
                        "comments": 10,
                        "actionable_comments": 5,
                    }
                    for k in range(3)
                ],
            }
        )
        doc["escalations"].append(
            {
                "candidate": c,
                "question": "Decision",
                "raised": "2026-03-01",
                "decided": _day(dt.date(2026, 3, 1), rng.randint(1, 20)),
                "stakeholders": 3,
            }
        )
        doc["milestones"].append(
            {"candidate": c, "kind": "first_engagement", "date": "2025-11-03"}
        )
    return doc
