"""Demo scoring data for the ABX-101 evaluation (called by `load_demo`).

The lead has submitted a scorecard for every candidate; `evaluator2` has submitted
for all but Northbridge, where a draft waits; `evaluator` has not declared conflicts
yet, so the demo walks through the whole flow. Interviews rate the culture criteria:
Northbridge's culture pulls through, Helvetica's does not.
"""

from django.apps import apps as django_apps
from django.utils import timezone

from partners.events import notify_inputs_changed
from partners.models import CultureInterview, Evaluation, SiteVisit

from .library.default import install as install_default_library
from .models import (
    ConflictDeclaration,
    ConsensusRating,
    EvaluationCriterion,
    EvaluationSetup,
    Rating,
    Scorecard,
    Source,
    Template,
)
from .setup.services import evaluation_snapshot

# Base ratings in the order of the default library's scorecard criteria.
PROFILES = {
    "northbridge": [
        5,
        4,
        4,
        4,
        4,
        4,
        4,
        4,
        4,
        5,
        5,
        5,
        5,
        5,
        4,
        5,
        4,
        3,
        4,
        5,
        4,
        5,
        4,
    ],
    "helvetica": [4, 3, 4, 5, 5, 4, 5, 3, 3, 3, 2, 2, 3, 3, 2, 2, 2, 3, 2, 2, 4, 2, 4],
    "cascadia": [3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 4, 4, 4, 4, 4, 3, 4, 4, 3, 4, 3, 4, 3],
    "sakura": [4, 4, 4, 3, 3, 3, 4, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 5, 3, 3, 3, 3, 3],
}
# evaluator2 disagrees with the lead here by two points or more.
DISAGREEMENTS = {("helvetica", "empowered_team"): 4, ("cascadia", "cost"): 2}
EVALUATOR2_SUBMITTED = ("helvetica", "cascadia", "sakura")

# interview or visit key -> {criterion: rating}
EVIDENCE_RATINGS = {
    "nb-i1": {"articulated_culture": 5, "patient_focus": 5, "openness": 4},
    "nb-i2": {
        "articulated_culture": 5,
        "patient_focus": 4,
        "openness": 5,
        "empowered_team": 4,
    },
    "hv-i1": {
        "articulated_culture": 5,
        "patient_focus": 4,
        "openness": 4,
        "empowered_team": 4,
    },
    "hv-i2": {
        "articulated_culture": 2,
        "patient_focus": 2,
        "openness": 1,
        "empowered_team": 1,
    },
    "cc-i1": {"articulated_culture": 4, "patient_focus": 4, "empowered_team": 3},
    "sk-i1": {"articulated_culture": 4, "openness": 3},
    "nb-v1": {"inspection_history": 5, "data_integrity": 4, "quality_system": 4},
    "hv-v1": {"inspection_history": 4, "quality_system": 4},
    "cc-v1": {"inspection_history": 3, "data_integrity": 4, "bulk_site_fit": 4},
}


def _rationale(score: int | None, criterion: EvaluationCriterion) -> str:
    if score is None:
        return "Not applicable at this stage."
    return {
        1: f"Serious concern on {criterion.name.lower()}.",
        2: f"Below what we need on {criterion.name.lower()}.",
        5: f"Best we have seen on {criterion.name.lower()}.",
    }.get(score, "")


def _scorecard(evaluation, candidate, user, criteria, scores, *, submit: bool):
    sc, _created = Scorecard.objects.get_or_create(
        candidate=candidate, evaluator=user, defaults={"evaluation": evaluation}
    )
    if submit and not sc.is_submitted:
        sc.status = Scorecard.Status.SUBMITTED
        sc.submitted_at = timezone.now()
        sc.save(update_fields=["status", "submitted_at"])
    for criterion, score in zip(criteria, scores, strict=False):
        Rating.objects.update_or_create(
            scorecard=sc,
            criterion=criterion,
            defaults={
                "candidate": candidate,
                "source": Source.SCORECARD,
                "score": score,
                "rationale": _rationale(score, criterion),
                "counts": sc.is_submitted,
                "rated_by": user,
            },
        )


def load(evaluation: Evaluation, users) -> None:
    if not Template.objects.exists():
        # A transactional test flushes the tables, migration data included.
        install_default_library(django_apps)
    if not EvaluationSetup.objects.filter(evaluation=evaluation).exists():
        evaluation_snapshot(
            evaluation=evaluation,
            template=Template.objects.get(key="biologics"),
            by=users["lead"],
        )
    criteria = list(
        EvaluationCriterion.objects.filter(
            evaluation=evaluation
        ).rated_from("scorecard").select_related("category")
    )
    by_key = {
        c.key: c for c in EvaluationCriterion.objects.filter(evaluation=evaluation)
    }
    for username in ("lead", "evaluator2"):
        ConflictDeclaration.objects.get_or_create(
            evaluation=evaluation,
            evaluator=users[username],
            candidate=None,
            defaults={"text": "none"},
        )
    candidates = {c.cdmo.key: c for c in evaluation.candidates.select_related("cdmo")}
    for cdmo, base in PROFILES.items():
        candidate = candidates[cdmo]
        _scorecard(evaluation, candidate, users["lead"], criteria, base, submit=True)
        second = [
            DISAGREEMENTS.get((cdmo, c.key), min(5, max(1, s + (i % 3) - 1)))
            for i, (c, s) in enumerate(zip(criteria, base, strict=False))
        ]
        submitted = cdmo in EVALUATOR2_SUBMITTED
        if not submitted:
            second = second[:8]  # a draft, part-way through
        _scorecard(
            evaluation,
            candidate,
            users["evaluator2"],
            criteria,
            second,
            submit=submitted,
        )
    records = {
        **{
            i.key: i
            for i in CultureInterview.objects.filter(candidate__evaluation=evaluation)
        },
        **{
            v.key: v for v in SiteVisit.objects.filter(candidate__evaluation=evaluation)
        },
    }
    for key, ratings in EVIDENCE_RATINGS.items():
        record = records[key]
        is_interview = isinstance(record, CultureInterview)
        for criterion_key, score in ratings.items():
            Rating.objects.update_or_create(
                **({"interview": record} if is_interview else {"visit": record}),
                criterion=by_key[criterion_key],
                defaults={
                    "candidate": record.candidate,
                    "source": Source.INTERVIEW if is_interview else Source.SITE_VISIT,
                    "score": score,
                    "counts": True,
                    "rated_by": record.created_by,
                },
            )
    ConsensusRating.objects.update_or_create(
        candidate=candidates["helvetica"],
        criterion=by_key["empowered_team"],
        defaults={
            "score": 2,
            "reason": "Debrief 2026-06-12: every MSA question went to Basel; the "
            "project team could not decide on change control.",
            "by": users["lead"],
        },
    )
    # The records above were written directly; have the results computed.
    notify_inputs_changed(evaluation_id=evaluation.pk)
