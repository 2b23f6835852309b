"""Evaluation bundles (issue #6): validate, import, export, commands and pages."""

import copy
import html
import io
import json
import random
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from partners.models import Cdmo, Evaluation, Membership, Role
from scorecards.alignment.inputs import alignment_inputs
from scorecards.bundles.demo import load_demo
from scorecards.bundles.errors import InvalidBundle
from scorecards.bundles.exporter import export_bundle
from scorecards.bundles.importer import (
    canonical,
    check_shape,
    import_bundle,
    validate_bundle,
)
from scorecards.library.selectors import default_bands
from scorecards.models import AlignmentState, ConsensusRating, Rating
from scorecards.scoring import compute, to_results_json
from scorecards.setup.selectors import selection_plan
from tests.factories import CdmoFactory, EvaluationFactory, SiteFactory, UserFactory

User = get_user_model()
ROOT = Path(__file__).resolve().parents[2]


def tiny() -> dict:
    """One category, two criteria, one candidate, two submitted scorecards.

    gmp (weight 3): ratings 4 and 5, mean 4.5 -> (4.5 - 1) x 25 = 87.5
    docs (weight 1): ratings 3 and 2, mean 2.5 -> 37.5
    quality = (3 x 87.5 + 1 x 37.5) / 4 = 75.0 = overall; coverage 100 %;
    two submitted scorecards (fewer than three) -> confidence "medium";
    spread = population std of {4, 5} = 0.5.
    """
    return {
        "format": "cdmo-eval/1",
        "evaluation": {
            "key": "tiny",
            "name": "Tiny",
            "program": "T-1",
            "as_of": "2026-06-30",
        },
        "categories": [{"key": "quality", "name": "Quality", "weight": 1}],
        "criteria": [
            {"key": "gmp", "category": "quality", "name": "GMP", "weight": 3},
            {"key": "docs", "category": "quality", "name": "Docs", "weight": 1},
        ],
        "users": [
            {"username": "alice", "role": "lead"},
            {"username": "bob", "role": "evaluator"},
        ],
        "cdmos": [
            {
                "key": "acme",
                "name": "Acme Biologics",
                "sites": [{"key": "acme-dub", "name": "Dublin", "country": "IE"}],
            }
        ],
        "candidates": [{"cdmo": "acme", "bulk_site": "acme-dub"}],
        "scorecards": [
            {
                "candidate": "acme",
                "evaluator": "alice",
                "status": "submitted",
                "ratings": [
                    {"criterion": "gmp", "score": 4},
                    {"criterion": "docs", "score": 3},
                ],
            },
            {
                "candidate": "acme",
                "evaluator": "bob",
                "status": "submitted",
                "ratings": [
                    {"criterion": "gmp", "score": 5, "rationale": "clean record"},
                    {"criterion": "docs", "score": 2, "rationale": "templates late"},
                ],
            },
        ],
    }


def rich() -> dict:
    """Every kind of record, in an order the canonical form does not keep."""
    return {
        "format": "cdmo-eval/1",
        "evaluation": {
            "key": "rich",
            "name": "Rich evaluation",
            "program": "R-1",
            "modality": "monoclonal antibody",
            "phase": "Phase 2",
            "scope": "Drug substance",
            "status": "scoring",
            "as_of": "2026-06-30",
            "response_target_days": 5,
            "sensitivity_delta": 0.25,
        },
        "bands": [
            {"label": "Weak", "low": 0, "high": 50},
            {"label": "Strong", "low": 50, "high": 100},
        ],
        "categories": [
            {"key": "quality", "name": "Quality", "weight": 25},
            {"key": "culture", "name": "Culture", "weight": 20},
            {"key": "communication", "name": "Communication", "weight": 10},
        ],
        "criteria": [
            {
                "key": "gmp_record",
                "category": "quality",
                "name": "GMP inspection record",
                "weight": 3,
                "kind": "rated",
                "sources": ["site_visit", "scorecard"],
                "gate_threshold": 2.5,
                "anchors": {"5": "Clean record", "1": "Open warning letter"},
            },
            {
                "key": "responsiveness",
                "category": "communication",
                "name": "Responsiveness",
                "weight": 2,
                "kind": "derived",
                "signal": "median_response_days",
                "curve": [[2, 100], [5, 75], [10, 25], [15, 0]],
            },
            {
                "key": "openness",
                "category": "culture",
                "name": "Openness",
                "description": "Talks about misses",
                "weight": 1,
                "sources": ["interview", "scorecard"],
            },
            {
                "key": "tech_transfer",
                "category": "quality",
                "name": "Tech transfer",
                "weight": 1,
            },
        ],
        "users": [
            {"username": "carol", "role": "procurement"},
            {"username": "alice", "role": "lead"},
            {"username": "bob", "role": "evaluator"},
        ],
        "cdmos": [
            {
                "key": "zeta",
                "name": "Zeta Pharma",
                "sites": [{"key": "zeta-osa", "name": "Osaka", "country": "JP"}],
                "contacts": [
                    {
                        "key": "zeta-bd",
                        "name": "Y. Sato",
                        "level": "business_development",
                    }
                ],
            },
            {
                "key": "acme",
                "name": "Acme Biologics",
                "headquarters": "Dublin",
                "website": "https://acme.example",
                "culture_statement": {
                    "meaning": "Keep promises",
                    "how_built": "",
                    "customer_impact": "",
                    "vision": "Launch partner",
                },
                "sites": [
                    {
                        "key": "acme-dub",
                        "name": "Dublin",
                        "city": "Dublin",
                        "country": "IE",
                        "stage": "commercial",
                        "last_inspection_date": "2025-09-18",
                        "last_inspection_outcome": "No observations",
                    },
                    {"key": "acme-cork", "name": "Cork", "country": "IE"},
                ],
                "contacts": [
                    {
                        "key": "acme-ops1",
                        "name": "R. Byrne",
                        "title": "Head of operations",
                        "level": "operations",
                        "site": "acme-dub",
                        "email": "rb@acme.example",
                    },
                    {"key": "acme-ceo", "name": "S. Kelly", "level": "leadership"},
                ],
            },
        ],
        "candidates": [
            {"cdmo": "zeta", "bulk_site": "zeta-osa", "stage": "short_list"},
            {"cdmo": "acme", "bulk_site": "acme-dub", "stage": "due_diligence"},
        ],
        "scorecards": [
            {
                "candidate": "zeta",
                "evaluator": "bob",
                "status": "draft",
                "ratings": [{"criterion": "openness", "score": 2}],
            },
            {
                "candidate": "acme",
                "evaluator": "bob",
                "status": "submitted",
                "ratings": [
                    {"criterion": "tech_transfer", "score": None, "rationale": "n/a"},
                    {
                        "criterion": "gmp_record",
                        "score": 4,
                        "rationale": "Clean 2025 inspection",
                        "rests_on": "site_visit:v1",
                    },
                    {"criterion": "openness", "score": 5, "rationale": "Very open"},
                ],
            },
            {
                "candidate": "acme",
                "evaluator": "alice",
                "status": "submitted",
                "ratings": [
                    {"criterion": "gmp_record", "score": 3},
                    {"criterion": "openness", "score": 4},
                    {"criterion": "tech_transfer", "score": 3},
                ],
            },
        ],
        "interviews": [
            {
                "key": "i2",
                "candidate": "acme",
                "date": "2026-03-04",
                "site": "acme-dub",
                "interviewees": ["acme-ops1", "acme-ceo"],
                "interviewers": ["bob", "alice"],
                "answers": {"meaning": "Same words as the CEO"},
                "notes": "Open about deviations",
                "ratings": [{"criterion": "openness", "score": 5}],
            },
            {
                "key": "i1",
                "candidate": "acme",
                "date": "2026-03-02",
                "interviewees": ["acme-ceo"],
                "interviewers": ["alice"],
                "strengths": "Candid",
                "ratings": [{"criterion": "openness", "score": 3, "rationale": "ok"}],
            },
            {"key": "z1", "candidate": "zeta", "date": "2026-04-02"},
        ],
        "site_visits": [
            {
                "key": "v1",
                "candidate": "acme",
                "site": "acme-dub",
                "date": "2026-04-10",
                "attendees": ["bob"],
                "contacts": ["acme-ops1"],
                "agenda": "Plant tour",
                "observations": "Clean suites",
                "ratings": [{"criterion": "gmp_record", "score": 4}],
            }
        ],
        "findings": [
            {
                "candidate": "acme",
                "kind": "shared_gap",
                "text": "PPQ timing undefined",
                "source": "interview:i1",
                "bridging_plan": "Joint workshop",
                "owner": "alice",
                "carry_to_msa": True,
            },
            {
                "candidate": "acme",
                "kind": "strength",
                "text": "Clean suites",
                "source": "site_visit:v1",
                "status": "bridged",
            },
            {
                "candidate": "zeta",
                "kind": "weakness",
                "text": "Only BD met",
                "source": "other",
                "source_note": "call",
            },
        ],
        "milestones": [
            {"candidate": "acme", "kind": "msa_signed", "date": "2026-03-03"},
            {"candidate": "acme", "kind": "first_engagement", "date": "2025-09-01"},
            {"candidate": "acme", "kind": "msa_draft", "date": "2025-12-01"},
            {"candidate": "zeta", "kind": "first_engagement", "date": "2026-01-20"},
        ],
        "information_requests": [
            {
                "candidate": "acme",
                "subject": "Batch record template",
                "sent": "2026-01-10",
                "due": "2026-01-15",
                "answered": "2026-01-13",
                "owner": "carol",
            },
            {
                "candidate": "zeta",
                "subject": "CAPA trend",
                "sent": "2026-02-01",
                "complete": False,
            },
        ],
        "agreements": [
            {
                "candidate": "acme",
                "kind": "msa",
                "rounds": [
                    {
                        "number": 1,
                        "sent": "2026-02-01",
                        "returned": "2026-02-09",
                        "reviewers": 3,
                        "comments": 14,
                        "actionable_comments": 12,
                    },
                    {
                        "number": 2,
                        "sent_by": "cdmo",
                        "sent": "2026-02-09",
                        "returned": None,
                        "reviewers": 2,
                    },
                ],
            },
            {
                "candidate": "acme",
                "kind": "quality_agreement",
                "rounds": [{"number": 1, "sent": "2026-01-05"}],
            },
        ],
        "escalations": [
            {
                "candidate": "acme",
                "question": "Capacity fee refundable?",
                "raised": "2026-02-03",
                "decided": "2026-02-05",
                "stakeholders": 2,
                "owner": "carol",
            }
        ],
        "steering_meetings": [
            {"candidate": "acme", "planned": "2026-07-01", "held": None},
            {
                "candidate": "acme",
                "planned": "2026-05-01",
                "held": "2026-05-02",
                "attendees": "Core team",
                "outcome": "Monthly cadence",
            },
        ],
        "conflicts": [
            {"evaluator": "alice", "candidate": None, "text": "none"},
            {
                "evaluator": "bob",
                "candidate": "zeta",
                "text": "Former employer",
                "override_reason": "Left eight years ago",
                "overridden_by": "alice",
            },
        ],
        "consensus": [
            {
                "candidate": "acme",
                "criterion": "gmp_record",
                "score": 4,
                "reason": "Agreed after the visit debrief",
                "by": "alice",
            }
        ],
    }


def _errors(doc, **kwargs) -> list[str]:
    return [str(e) for e in validate_bundle(doc, **kwargs)]


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def _results(evaluation) -> dict:
    spec, _candidates = alignment_inputs(selection_plan(evaluation))
    return to_results_json(compute(spec), evaluation.key, evaluation.as_of)


def _show(key: str, *args) -> str:
    out = io.StringIO()
    call_command("show_alignment", key, *args, stdout=out)
    return out.getvalue()


# --- round trips ----------------------------------------------------------------------


def test_rich_bundle_round_trips_to_its_canonical_form(db):
    doc = rich()
    evaluation = import_bundle(doc)
    exported = export_bundle(evaluation)
    assert exported == canonical(doc)
    # The canonical form is a fixed point, and list order in the input is immaterial.
    assert canonical(exported) == exported
    shuffled = copy.deepcopy(doc)
    for name in ("users", "cdmos", "candidates", "scorecards", "findings"):
        shuffled[name].reverse()
    assert canonical(shuffled) == exported


def test_canonical_form_fills_defaults_and_orders_lists(db):
    doc = canonical(rich())
    assert doc["evaluation"]["key"] == "rich"
    assert [u["username"] for u in doc["users"]] == ["alice", "bob", "carol"]
    # Criteria are grouped by category, in category order.
    assert [c["key"] for c in doc["criteria"]] == [
        "gmp_record",
        "tech_transfer",
        "openness",
        "responsiveness",
    ]
    tech = doc["criteria"][1]
    assert tech["sources"] == ["scorecard"] and tech["kind"] == "rated"
    assert tech["signal"] is None and tech["curve"] == [] and tech["anchors"] == {}
    # due defaults to sent + the response target, as request_save does.
    zeta_request = doc["information_requests"][1]
    assert zeta_request["due"] == "2026-02-06" and zeta_request["owner"] is None
    assert [m["planned"] for m in doc["steering_meetings"]] == [
        "2026-05-01",
        "2026-07-01",
    ]
    assert canonical(tiny())["bands"] == default_bands()


def test_rich_import_writes_what_the_scoring_reads(db):
    evaluation = import_bundle(rich())
    ratings = Rating.objects.filter(candidate__evaluation=evaluation)
    # Submitted scorecards and evidence count; the draft does not.
    assert ratings.filter(counts=False).count() == 1
    assert ratings.filter(source="interview").count() == 2
    assert (
        ratings.get(
            scorecard__evaluator__username="bob", criterion__key="gmp_record"
        ).rests_on_visit.key
        == "v1"
    )
    assert evaluation.status == Evaluation.Status.SCORING
    assert selection_plan(evaluation).bands[0]["label"] == "Weak"
    acme = evaluation.candidates.get(cdmo__key="acme")
    result = _results(evaluation)
    row = next(c for c in result["candidates"] if c["cdmo"] == "acme")
    # Consensus 4 replaces the mean of 4, 3 and 4 for the gate criterion.
    assert row["criteria"]["gmp_record"] == {
        "score": 75.0,
        "mean": 3.7,
        "n": 3,
        "spread": 0.5,
    }
    assert row["signals"]["median_response_days"] == 3.0
    assert "excess_amendment_rounds" not in row["flags"]
    assert acme.findings.get(source="interview").interview.key == "i1"


def test_demo_round_trips_under_a_new_key(db):
    load_demo()
    original = export_bundle(Evaluation.objects.get(key="abx101-ds"))
    copy_doc = json.loads(json.dumps(original))
    copy_doc["evaluation"]["key"] = "abx101-copy"
    evaluation = import_bundle(copy_doc)
    again = export_bundle(evaluation)
    assert again["evaluation"].pop("key") == "abx101-copy"
    original["evaluation"].pop("key")
    assert again == original
    # Same data, same results (apart from the key).
    a, b = _results(Evaluation.objects.get(key="abx101-ds")), _results(evaluation)
    assert a["candidates"] == b["candidates"]


def test_sample_bundle_imports(db):
    doc = json.loads((ROOT / "docs/examples/abx101-ds.json").read_text())
    doc["evaluation"]["key"] = "sample"
    assert _errors(doc) == []
    assert import_bundle(doc).candidates.count() == 4


def test_export_names_interviews_recorded_without_a_key(db):
    evaluation = import_bundle(rich())
    evaluation_interviews = evaluation.candidates.get(cdmo__key="acme").interviews
    evaluation_interviews.filter(key="i1").update(key="")
    doc = export_bundle(evaluation)
    keys = [i["key"] for i in doc["interviews"]]
    # "i1" is free again, so the nameless interview (the earliest) takes it.
    assert sorted(keys) == ["i1", "i2", "z1"]
    finding = next(f for f in doc["findings"] if f["text"] == "PPQ timing undefined")
    assert finding["source"] == "interview:i1"


# --- validation: every problem, with its path ---------------------------------------


def _set(path, value):
    def apply(doc):
        *parents, last = path
        target = doc
        for p in parents:
            target = target[p]
        target[last] = value

    return apply


def _append(name, value):
    return lambda doc: doc[name].append(value)


def _without_override(i):
    def apply(doc):
        doc["conflicts"][i].update(overridden_by=None, override_reason="")

    return apply


ERRORS = [
    (
        _set(("scorecards", 2, "ratings", 0, "score"), 7),
        "$.scorecards[2].ratings[0].score: 7 is not a rating (1–5 or null)",
    ),
    (
        _set(("criteria", 3, "category"), "qualty"),
        '$.criteria[3].category: unknown category "qualty"',
    ),
    (
        _set(("interviews", 0, "date"), "2026-13-01"),
        '$.interviews[0].date: "2026-13-01" is not a date (YYYY-MM-DD)',
    ),
    (
        _append("cdmos", {"key": "acme", "name": "Acme again"}),
        '$.cdmos[2].key: duplicate key "acme"',
    ),
    (
        _set(("scorecards", 1, "ratings", 1, "criterion"), "gmp"),
        '$.scorecards[1].ratings[1].criterion: unknown criterion "gmp"',
    ),
    (
        _set(("consensus", 0, "criterion"), "nope"),
        '$.consensus[0].criterion: unknown criterion "nope"',
    ),
    (
        _set(("consensus", 0, "criterion"), "responsiveness"),
        "$.consensus[0].criterion: Choose a rated criterion of this evaluation.",
    ),
    (
        _set(("findings", 0, "candidate"), "omega"),
        '$.findings[0].candidate: unknown candidate "omega"',
    ),
    (
        _set(("scorecards", 0, "evaluator"), "dave"),
        '$.scorecards[0].evaluator: unknown user "dave" (not in $.users)',
    ),
    (
        _set(("scorecards", 0, "evaluator"), "carol"),
        "$.scorecards[0].evaluator: carol is procurement; only leads and evaluators "
        "fill in scorecards",
    ),
    (
        _set(("interviews", 0, "interviewees", 1), "nobody"),
        '$.interviews[0].interviewees[1]: unknown contact "nobody"',
    ),
    (
        _set(("interviews", 0, "interviewees", 1), "zeta-bd"),
        "$.interviews[0].interviewees: Y. Sato does not work for Acme Biologics.",
    ),
    (
        _set(("site_visits", 0, "site"), "zeta-osa"),
        "$.site_visits[0].site: Choose one of Acme Biologics's sites.",
    ),
    (
        _set(("candidates", 0, "bulk_site"), "nowhere"),
        '$.candidates[0].bulk_site: unknown site "nowhere"',
    ),
    (
        _set(("interviews", 2, "ratings"), [{"criterion": "gmp_record", "score": 3}]),
        "$.interviews[2].ratings[0].criterion: This criterion is not rated from a "
        "culture interview.",
    ),
    (
        _set(("users", 0, "role"), "admin"),
        '$.users[0].role: "admin" is not a role (lead, evaluator, procurement, '
        "observer)",
    ),
    (
        _set(("cdmos", 1, "contacts", 1, "level"), "janitor"),
        '$.cdmos[1].contacts[1].level: "janitor" is not a contact level (leadership, '
        "business_development, project_team, operations, quality)",
    ),
    (
        _set(("candidates", 1, "stage"), "maybe"),
        '$.candidates[1].stage: "maybe" is not a stage (long_list, short_list, '
        "due_diligence, selected, declined)",
    ),
    (
        _set(("findings", 1, "kind"), "risk"),
        '$.findings[1].kind: "risk" is not a finding kind (strength, weakness, '
        "shared_gap)",
    ),
    (
        _set(("criteria", 0, "sources", 0), "rumour"),
        '$.criteria[0].sources[0]: "rumour" is not a source (scorecard, interview, '
        "site_visit)",
    ),
    (
        _set(("milestones", 0, "kind"), "handshake"),
        '$.milestones[0].kind: "handshake" is not a milestone kind (first_engagement, '
        "cda_signed, rfp_issued, proposal_received, msa_draft, "
        "quality_agreement_signed, msa_signed)",
    ),
    (
        _set(("agreements", 1, "kind"), "nda"),
        '$.agreements[1].kind: "nda" is not an agreement kind (msa, '
        "quality_agreement, sow)",
    ),
    (
        _set(("criteria", 1, "curve"), [[5, 75], [2, 100]]),
        "$.criteria[1].curve: x must increase from point to point (5 then 2).",
    ),
    (
        _set(("criteria", 1, "curve"), [[2, 100], [5, 175]]),
        "$.criteria[1].curve: Score 175 at x = 5 is outside 0-100.",
    ),
    (
        _set(("bands", 1, "low"), 60),
        "$.bands: Scores from 50 to 60 have no band.",
    ),
    (
        _set(("information_requests", 0, "answered"), "2026-01-09"),
        "$.information_requests[0].answered: Answered before it was sent: the "
        "answer date must be on or after 2026-01-10.",
    ),
    (
        _set(("escalations", 0, "decided"), "2026-02-01"),
        "$.escalations[0].decided: Decided before it was raised: the decision date "
        "must be on or after 2026-02-03.",
    ),
    (
        _set(("agreements", 0, "rounds", 0, "returned"), "2026-01-30"),
        "$.agreements[0].rounds[0].returned: Returned before it was sent: the return "
        "date must be on or after 2026-02-01.",
    ),
    (
        _set(("agreements", 0, "rounds", 1, "sent"), "2026-02-08"),
        "$.agreements[0].rounds[1].sent: Sent before round 1 was returned "
        "(2026-02-09): a round is sent on or after the previous one came back.",
    ),
    (
        _set(("agreements", 0, "rounds", 1, "number"), 3),
        "$.agreements[0].rounds[1].number: expected round 2: rounds are numbered "
        "1, 2, 3… in order",
    ),
    (
        _set(("milestones", 2, "date"), "2025-08-01"),
        "$.milestones[2].date: Before the first engagement (2025-09-01).",
    ),
    (
        _set(("milestones", 0, "date"), "2025-11-01"),
        "$.milestones[0].date: The MSA cannot be signed before its draft was "
        "received (2025-12-01).",
    ),
    (
        _set(("scorecards", 2, "ratings"), [{"criterion": "gmp_record", "score": 1}]),
        "$.scorecards[2].ratings: Openness: choose a rating or “not applicable”.",
    ),
    (
        _set(("scorecards", 2, "ratings", 0, "score"), 5),
        "$.scorecards[2].ratings[0].rationale: GMP inspection record: a rating of 5 "
        "needs a rationale.",
    ),
    (
        _without_override(1),
        "$.scorecards[0]: bob declared a conflict with Zeta Pharma that was not "
        "overridden, so may not score it.",
    ),
    (
        _set(("findings", 0, "source"), "interview:z1"),
        "$.findings[0].source: That culture interview is about another candidate.",
    ),
    (
        _set(("findings", 0, "source"), "hearsay"),
        '$.findings[0].source: "hearsay" is not a finding source (interview:KEY, '
        "site_visit:KEY, negotiation, other)",
    ),
    (
        _set(("criteria", 0, "gate_treshold"), 3),
        "$.criteria[0].gate_treshold: unknown field",
    ),
    (_set(("format",), "cdmo-eval/2"), '$.format: "cdmo-eval/2" is not "cdmo-eval/1"'),
    (
        _set(("users", 1, "role"), "observer"),
        "$.users: an evaluation needs at least one lead",
    ),
    (
        _set(("evaluation", "key"), "import"),
        "$.evaluation.key: “import” is used by the site's own links; choose "
        "another key.",
    ),
    (
        _set(("evaluation", "key"), "new"),
        "$.evaluation.key: “new” is used by the site's own links; choose another key.",
    ),
    (
        _append("cdmos", {"key": "new", "name": "Newco"}),
        "$.cdmos[2].key: “new” is used by the site's own links; choose another key.",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), ERRORS, ids=[e for _m, e in ERRORS])
def test_each_problem_is_reported_with_its_path(db, mutate, expected):
    doc = rich()
    mutate(doc)
    assert expected in _errors(doc)


def test_the_rich_bundle_itself_is_valid(db):
    assert _errors(rich()) == []


def test_several_problems_are_all_reported_at_once(db):
    doc = rich()
    doc["scorecards"][2]["ratings"][0]["score"] = 7
    doc["criteria"][3]["category"] = "qualty"
    doc["interviews"][0]["date"] = "2026-13-01"
    doc["cdmos"].append({"key": "acme", "name": "Acme again"})
    errors = _errors(doc)
    assert "$.scorecards[2].ratings[0].score: 7 is not a rating (1–5 or null)" in errors
    assert '$.criteria[3].category: unknown category "qualty"' in errors
    assert '$.interviews[0].date: "2026-13-01" is not a date (YYYY-MM-DD)' in errors
    assert '$.cdmos[2].key: duplicate key "acme"' in errors


ODD_VALUES = [None, -1, 2.5, True, "x", "", [], {}, ["acme"], {"a": 1}, 1e308]


def _paths(node, prefix=()):
    if prefix:
        yield prefix
    if isinstance(node, dict | list):
        for k, v in node.items() if isinstance(node, dict) else enumerate(node):
            yield from _paths(v, (*prefix, k))


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def _wrong_type(value, original) -> bool:
    """``value`` cannot stand where ``original`` stood. Null is left out: many
    fields are optional."""
    return _json_type(value) not in ("null", _json_type(original))


def _json_path(place) -> str:
    """The path an error names: ``$.scorecards[2].ratings[0].score``. A curve is
    checked as a whole, so a bad point is reported on its curve."""
    if "curve" in place:
        place = place[: place.index("curve") + 1]
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in place)


def _at(doc, place):
    for p in place:
        doc = doc[p]
    return doc


def test_odd_values_anywhere_are_reported_not_crashed_on(db):
    """Whatever a spreadsheet export puts where, the shape check answers with
    errors (an exception would be a server error on upload), and a value of the
    wrong type is reported with its JSON path; what passes the shape check is
    imported (and rolled back) without a crash either."""
    places = list(_paths(rich()))
    original = {place: _at(rich(), place) for place in places}

    # Each odd value in each place, one at a time.
    for place in places:
        for odd in ODD_VALUES:
            doc = rich()
            _at(doc, place[:-1])[place[-1]] = odd
            _clean, errors = check_shape(doc)
            if _wrong_type(odd, original[place]):
                path = _json_path(place)
                assert path in {e.path for e in errors}, (path, odd, errors)

    # Several at once: where one change removed another's place, the survivors are
    # still reported.
    rng = random.Random(6)
    for _ in range(120):
        doc = rich()
        changed = []
        for _ in range(rng.randint(1, 4)):
            # A copy: a later change may write into this very list or object.
            place, odd = rng.choice(places), copy.deepcopy(rng.choice(ODD_VALUES))
            try:
                _at(doc, place[:-1])[place[-1]] = odd
            except (KeyError, IndexError, TypeError):
                continue  # an earlier change removed the place
            changed.append((place, odd))
        paths = {e.path for e in validate_bundle(doc)}
        for place, odd in changed:
            try:
                still_there = _at(doc, place) is odd
            except (KeyError, IndexError, TypeError):
                still_there = False
            if still_there and _wrong_type(odd, original[place]):
                assert _json_path(place) in paths, (place, odd, errors)


def test_a_document_that_is_not_an_object_is_refused(db):
    assert _errors([1, 2]) == ["$: expected an object, got [1, 2]"]
    assert "$.evaluation: required" in _errors({"format": "cdmo-eval/1"})


def test_a_bundle_without_a_lead_is_accepted_from_an_importing_user(db):
    doc = tiny()
    doc["users"][0]["role"] = "evaluator"
    assert _errors(doc) == ["$.users: an evaluation needs at least one lead"]
    uploader = UserFactory(username="uploader")
    evaluation = import_bundle(doc, by=uploader)
    assert evaluation.memberships.get(user=uploader).role == Role.LEAD
    assert evaluation.created_by == uploader


# --- all or nothing -------------------------------------------------------------------


def test_a_malformed_bundle_leaves_the_database_exactly_as_it_was(db):
    load_demo()
    before, users = _counts(), list(User.objects.values_list("username", flat=True))
    doc = rich()
    doc["users"].append({"username": "newcomer", "role": "observer"})
    doc["cdmos"].append({"key": "brand-new", "name": "New CDMO"})
    doc["consensus"][0]["score"] = 9
    with pytest.raises(InvalidBundle) as caught:
        import_bundle(doc)
    assert [str(e) for e in caught.value.errors] == [
        "$.consensus[0].score: 9 is not a rating (1–5)"
    ]
    assert _counts() == before
    assert list(User.objects.values_list("username", flat=True)) == users


def test_a_failure_while_writing_rolls_everything_back(db, monkeypatch):
    from scorecards.rating import services as rating_services

    before = _counts()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    # The consensus is among the last records written.
    monkeypatch.setattr(rating_services, "consensus_record", explode)
    with pytest.raises(RuntimeError):
        import_bundle(rich())
    assert _counts() == before
    assert not User.objects.filter(username__in=["alice", "bob", "carol"]).exists()


def test_an_existing_evaluation_key_is_refused(db):
    EvaluationFactory(key="rich")
    before = _counts()
    with pytest.raises(InvalidBundle) as caught:
        import_bundle(rich())
    assert [str(e) for e in caught.value.errors] == [
        "$.evaluation.key: An evaluation with this key already exists; choose another."
    ]
    assert _counts() == before


# --- the shared directory and users ---------------------------------------------------


def test_an_existing_cdmo_is_reused_and_updated_from_the_bundle(db):
    acme = CdmoFactory(
        key="acme",
        name="Acme (old name)",
        ownership="Family-owned",
        website="https://old.example",
    )
    dublin = SiteFactory(cdmo=acme, key="acme-dub", name="Old plant", city="Cork")
    cdmos = Cdmo.objects.count()
    evaluation = import_bundle(rich())
    assert Cdmo.objects.count() == cdmos + 1  # only zeta is new
    acme.refresh_from_db()
    dublin.refresh_from_db()
    assert evaluation.candidates.get(cdmo__key="acme").cdmo_id == acme.pk
    assert acme.name == "Acme Biologics"  # stated in the bundle: updated
    assert acme.website == "https://acme.example"
    assert acme.ownership == "Family-owned"  # not stated: kept
    assert (dublin.name, dublin.city, dublin.cdmo_id) == ("Dublin", "Dublin", acme.pk)


def test_a_site_key_of_another_cdmo_is_refused(db):
    SiteFactory(key="acme-cork", cdmo=CdmoFactory(key="other"))
    assert _errors(rich()) == [
        '$.cdmos[1].sites[1].key: "acme-cork" already belongs to the CDMO "other"'
    ]


def test_unknown_users_are_created_inactive_and_known_ones_reused(db):
    alice = UserFactory(username="alice")
    evaluation = import_bundle(rich())
    bob = User.objects.get(username="bob")
    assert not bob.is_active and not bob.has_usable_password()
    alice.refresh_from_db()
    assert alice.is_active and alice.has_usable_password()
    roles = dict(evaluation.memberships.values_list("user__username", "role"))
    assert roles == {"alice": "lead", "bob": "evaluator", "carol": "procurement"}


# --- commands -------------------------------------------------------------------------


def test_show_alignment_json_has_the_bundle_shape_and_the_engine_numbers(db):
    evaluation = import_bundle(tiny())
    doc = json.loads(_show("tiny", "--json"))
    assert doc == _results(evaluation)
    assert set(doc) == {"evaluation", "as_of", "candidates"}
    (acme,) = doc["candidates"]
    assert set(acme) == {
        "cdmo",
        "rank",
        "qualified",
        "overall",
        "coverage",
        "confidence",
        "consistency",
        "categories",
        "criteria",
        "signals",
        "p_first",
        "rank_range",
        "flags",
    }
    # Worked by hand in tiny()'s docstring.
    assert acme["criteria"]["gmp"] == {
        "score": 87.5,
        "mean": 4.5,
        "n": 2,
        "spread": 0.5,
    }
    assert acme["criteria"]["docs"] == {
        "score": 37.5,
        "mean": 2.5,
        "n": 2,
        "spread": 0.5,
    }
    assert acme["categories"] == {"quality": 75.0}
    assert (acme["overall"], acme["coverage"], acme["confidence"]) == (
        75.0,
        100.0,
        "medium",
    )
    assert (acme["rank"], acme["p_first"], acme["rank_range"]) == (1, 1.0, [1, 1])
    assert acme["flags"] == ["bulk_site_not_visited", "no_operations_interview"]


def test_show_alignment_recomputes_stale_results(db):
    evaluation = import_bundle(tiny())
    assert json.loads(_show("tiny", "--json"))["candidates"][0]["overall"] == 75.0
    acme = evaluation.candidates.get()
    ConsensusRating.objects.create(
        candidate=acme,
        criterion=selection_plan(evaluation).criteria.get(key="docs"),
        score=5,
        reason="debrief",
        by=User.objects.get(username="alice"),
    )
    from django.utils import timezone

    AlignmentState.objects.filter(plan__evaluation=evaluation).update(
        changed_at=timezone.now()
    )
    # quality = (3 x 87.5 + 1 x 100) / 4 = 90.625 -> 90.6
    assert json.loads(_show("tiny", "--json"))["candidates"][0]["overall"] == 90.6


def test_show_alignment_table(db):
    import_bundle(tiny())
    out = _show("tiny")
    assert "rank" in out and "flags" in out
    line = next(x for x in out.splitlines() if "acme" in x)
    for cell in ("1", "75.0", "100.0 %", "medium", "bulk_site_not_visited"):
        assert cell in line


def test_import_evaluation_command(db, tmp_path):
    path = tmp_path / "rich.json"
    path.write_text(json.dumps(rich()))
    out = io.StringIO()
    call_command("import_evaluation", str(path), stdout=out)
    # Ratings: 7 on scorecards, 2 in interviews, 1 on the visit.
    assert out.getvalue() == (
        "Imported rich: 2 candidates, 3 members, 3 scorecards, 10 ratings, "
        "3 interviews, 1 site visits, 3 findings\n"
    )


def test_import_evaluation_command_reports_every_problem(db, tmp_path):
    doc = rich()
    doc["scorecards"][2]["ratings"][0]["score"] = 7
    doc["criteria"][3]["category"] = "qualty"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    before = _counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_evaluation", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        '$.criteria[3].category: unknown category "qualty"',
        "$.scorecards[2].ratings[0].score: 7 is not a rating (1–5 or null)",
    ]
    assert _counts() == before
    path.write_text("{not json")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_evaluation", str(path), stderr=err)
    assert err.getvalue().startswith("$: not valid JSON: Expecting property name")


def test_export_evaluation_command(db, tmp_path):
    evaluation = import_bundle(rich())
    out = io.StringIO()
    call_command("export_evaluation", "rich", stdout=out)
    assert json.loads(out.getvalue()) == export_bundle(evaluation)
    target = tmp_path / "out.json"
    call_command(
        "export_evaluation", "rich", "--out", str(target), stderr=io.StringIO()
    )
    assert json.loads(target.read_text()) == export_bundle(evaluation)
    with pytest.raises(CommandError, match="No evaluation"):
        call_command("export_evaluation", "nope")


# --- query count ----------------------------------------------------------------------


def _many(n: int) -> dict:
    """A bundle with ``n`` candidates, each with a bit of everything."""
    doc = rich()
    doc["evaluation"]["key"] = f"many-{n}"
    acme = doc["cdmos"][1]
    for i in range(n):
        key = f"c{i}"
        doc["cdmos"].append(
            {
                "key": key,
                "name": f"CDMO {i}",
                "sites": [{"key": f"{key}-s", "name": "Plant"}],
                "contacts": [{"key": f"{key}-k", "name": "Ops", "level": "operations"}],
            }
        )
        doc["candidates"].append({"cdmo": key, "bulk_site": f"{key}-s"})
        doc["scorecards"].append(
            {
                "candidate": key,
                "evaluator": "alice",
                "status": "submitted",
                "ratings": [
                    {"criterion": c, "score": 3}
                    for c in ("gmp_record", "openness", "tech_transfer")
                ],
            }
        )
        doc["interviews"].append(
            {
                "key": f"{key}-i",
                "candidate": key,
                "date": "2026-03-01",
                "interviewees": [f"{key}-k"],
                "interviewers": ["bob"],
                "ratings": [{"criterion": "openness", "score": 4}],
            }
        )
        doc["site_visits"].append(
            {
                "key": f"{key}-v",
                "candidate": key,
                "site": f"{key}-s",
                "date": "2026-03-01",
                "attendees": ["alice"],
                "contacts": [f"{key}-k"],
            }
        )
        doc["findings"].append(
            {"candidate": key, "kind": "strength", "text": "x", "source": "other"}
        )
        doc["information_requests"].append(
            {"candidate": key, "subject": "x", "sent": "2026-01-01", "owner": "carol"}
        )
        doc["agreements"].append(
            {
                "candidate": key,
                "kind": "msa",
                "rounds": [{"number": 1, "sent": "2026-01-01"}],
            }
        )
        doc["milestones"].append(
            {"candidate": key, "kind": "first_engagement", "date": "2026-01-01"}
        )
        doc["escalations"].append(
            {"candidate": key, "question": "x", "raised": "2026-01-01", "owner": "bob"}
        )
        doc["steering_meetings"].append({"candidate": key, "planned": "2026-01-01"})
        doc["consensus"].append(
            {
                "candidate": key,
                "criterion": "openness",
                "score": 3,
                "reason": "x",
                "by": "alice",
            }
        )
    assert acme["key"] == "acme"
    return doc


@pytest.mark.parametrize("n", [2, 12])
def test_export_query_count_does_not_grow_with_candidates(
    db, n, django_assert_max_num_queries
):
    evaluation = import_bundle(_many(n))
    # 26 today: one query per kind of record, whatever the number of candidates
    # (a decision adds two, its declined candidates and signatures).
    with django_assert_max_num_queries(26):
        doc = export_bundle(evaluation)
    assert len(doc["candidates"]) == n + 2


# --- pages ----------------------------------------------------------------------------


@pytest.fixture
def lead(member):
    return member("lead")


def test_lead_downloads_the_bundle(evaluation, lead, as_user):
    response = as_user(lead).get(reverse("bundle_download", args=[evaluation.key]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{evaluation.key}.json"'
    )
    assert json.loads(response.content) == export_bundle(evaluation)


def test_overview_offers_the_download_to_leads_only(evaluation, lead, member, as_user):
    url = reverse("evaluation_detail", args=[evaluation.key])
    download = reverse("bundle_download", args=[evaluation.key])
    assert download in as_user(lead).get(url).content.decode()
    assert download not in as_user(member("procurement")).get(url).content.decode()


def _upload(client, doc, name="bundle.json"):
    content = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return client.post(
        reverse("bundle_import"),
        {"bundle": SimpleUploadedFile(name, content, content_type="application/json")},
    )


def test_lead_uploads_a_bundle_and_leads_the_new_evaluation(lead, as_user):
    response = _upload(as_user(lead), rich())
    evaluation = Evaluation.objects.get(key="rich")
    assert response.status_code == 302
    assert response["Location"] == evaluation.get_absolute_url()
    assert evaluation.memberships.get(user=lead).role == Role.LEAD
    assert evaluation.created_by == lead


def test_staff_may_upload_and_keep_the_role_the_bundle_gives(db, as_user):
    staff = UserFactory(username="sam", is_staff=True)
    client = as_user(staff)
    assert client.get(reverse("bundle_import")).status_code == 200
    doc = rich()
    doc["users"].append({"username": "sam", "role": "observer"})
    assert _upload(client, doc).status_code == 302
    membership = Membership.objects.get(evaluation__key="rich", user=staff)
    assert membership.role == Role.OBSERVER


def test_only_staff_and_leads_may_upload(evaluation, member, stranger, as_user):
    url = reverse("bundle_import")
    assert as_user(member("evaluator")).get(url).status_code == 403
    assert _upload(as_user(member("observer")), rich()).status_code == 403
    assert as_user(stranger).get(url).status_code == 403
    assert not Evaluation.objects.filter(key="rich").exists()


def test_upload_lists_every_problem_next_to_the_field(lead, as_user):
    doc = rich()
    doc["scorecards"][2]["ratings"][0]["score"] = 7
    doc["criteria"][3]["category"] = "qualty"
    client = as_user(lead)  # signing in writes a session row
    before = _counts()
    response = _upload(client, doc)
    assert response.status_code == 400
    page = response.content.decode()
    assert "2 problems" in page
    assert "$.scorecards[2].ratings[0].score: 7 is not a rating (1–5 or null)" in page
    assert "$.criteria[3].category: unknown category &quot;qualty&quot;" in page
    assert _counts() == before


def test_upload_refuses_files_that_are_not_json_or_too_big(lead, as_user, settings):
    client = as_user(lead)
    response = _upload(client, b'{"format": ')
    assert response.status_code == 400
    assert "$: not valid JSON" in response.content.decode()
    response = _upload(client, b" " * (5 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "a bundle may be at most 5.0\xa0MB" in response.content.decode()


def test_evaluation_list_offers_import_to_staff_and_leads(
    evaluation, lead, member, as_user
):
    link = reverse("bundle_import")
    assert link in as_user(lead).get(reverse("evaluation_list")).content.decode()
    evaluator = member("evaluator")
    assert (
        link not in as_user(evaluator).get(reverse("evaluation_list")).content.decode()
    )
    staff = UserFactory(is_staff=True)
    assert link in as_user(staff).get(reverse("evaluation_list")).content.decode()


def test_the_import_url_is_not_taken_for_an_evaluation_key(lead, as_user):
    response = as_user(lead).get(reverse("bundle_import"))
    assert response.status_code == 200
    assert "Import an evaluation bundle" in response.content.decode()


# --- hostile files: the limits (#21) -------------------------------------------------

HOSTILE = [
    ("[" * 100_000 + "]" * 100_000, "$" + "[0]" * 32, "nested deeper than 32 levels"),
    (
        '{"format": "cdmo-eval/1", "evaluation": {"response_target_days": '
        + "9" * 100_000
        + "}}",
        "$.evaluation.response_target_days",
        "a number longer than 15 digits",
    ),
    (
        '{"format": "cdmo-eval/1", "evaluation": {"name": "ABX\\u0000"}}',
        "$.evaluation.name",
        "text holds a control character (U+0000 at position 4); remove it",
    ),
    (
        '{"format": "cdmo-eval/1", "users": [' + ",".join(["{}"] * 50_001) + "]}",
        "$.users",
        "more than 50000 items (50001)",
    ),
    (
        '{"format": "cdmo-eval/1", "evaluation": {"scope": "' + "x" * 100_001 + '"}}',
        "$.evaluation.scope",
        "text longer than 100000 characters",
    ),
    (
        '{"evaluation": {"sensitivity_delta": NaN}}',
        "$.evaluation.sensitivity_delta",
        "NaN is not a number JSON allows",
    ),
    (
        '{"a": {"b": [1, {"c": ' + "[" * 40 + "]" * 40 + "}]}}",
        "$.a.b[1].c" + "[0]" * 28,
        "nested deeper than 32 levels",
    ),
]


@pytest.mark.parametrize(
    "text,path,message", HOSTILE, ids=[h[2].split(" (")[0] for h in HOSTILE]
)
def test_hostile_bundles_are_refused_at_their_json_path(
    lead, as_user, tmp_path, text, path, message
):
    client = as_user(lead)
    before = _counts()
    response = _upload(client, text.encode())
    assert response.status_code == 400
    assert f"{path}: {message}" in html.unescape(response.content.decode())
    bundle = tmp_path / "hostile.json"
    bundle.write_text(text)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_evaluation", str(bundle), stderr=err)
    assert err.getvalue().splitlines()[0] == f"{path}: {message}"
    assert _counts() == before


def test_bundle_limits_are_settings(lead, as_user, settings):
    settings.BUNDLE_MAX_DEPTH = 3
    response = _upload(as_user(lead), b'{"a": [[{"b": 1}]]}')
    assert "$.a[0][0]: nested deeper than 3 levels" in response.content.decode()


# --- the import fuzzed (#21) ---------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "acme", "2026-02-30", "lead", "\x00", "i1", "interview:i1"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=6,
)


def _places(doc, path=()):
    """Every place in ``doc``: (path, container, key)."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield (*path, k), doc, k
            yield from _places(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield (*path, i), doc, i
            yield from _places(v, (*path, i))


@fuzz_settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_a_mutated_bundle_is_imported_or_refused_never_a_crash(db, data):
    doc = rich()
    places = list(_places(doc))
    for _ in range(data.draw(st.integers(1, 3))):
        _path, container, key = data.draw(st.sampled_from(places))
        container[key] = data.draw(JSON_VALUES)
    before = _counts()
    try:
        with transaction.atomic():
            import_bundle(doc)
            transaction.set_rollback(True)
    except InvalidBundle as exc:
        assert exc.errors
        assert all(e.path.startswith("$") for e in exc.errors)
        assert not any("None" in e.message for e in exc.errors), exc.errors
    assert _counts() == before
