"""Write an evaluation out as a bundle (BUNDLE.md): records named by key, never id."""

from __future__ import annotations

import json

from django.db.models import Prefetch

from negotiations.models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)
from partners.models import (
    Candidate,
    Cdmo,
    Contact,
    CultureInterview,
    Evaluation,
    Finding,
    Membership,
    Site,
    SiteVisit,
)

from ..models import (
    ConflictDeclaration,
    ConsensusRating,
    PlanCategory,
    PlanCriterion,
    Rating,
    Scorecard,
)
from ..setup.selectors import selection_plan
from .schema import ANSWERS, FORMAT, to_document


def export_bundle(evaluation: Evaluation) -> dict:
    """The evaluation as a bundle in canonical form (`schema.to_document`).

    A fixed number of queries whatever the number of candidates and records. CDMOs
    are those of the candidates, with all their sites and contacts. Interviews and
    visits recorded without a key get one (``i1``, ``v1``…, in date order) so that
    findings and ratings can name them.
    """
    plan = selection_plan(evaluation)
    criteria = list(PlanCriterion.objects.filter(plan=plan).select_related("category"))
    candidates = list(
        Candidate.objects.filter(evaluation=evaluation).select_related(
            "cdmo", "bulk_site"
        )
    )
    cdmo_ids = [c.cdmo_id for c in candidates]
    of_evaluation = {"candidate__evaluation": evaluation}
    interviews = list(
        CultureInterview.objects.filter(**of_evaluation)
        .select_related("candidate__cdmo", "site")
        .prefetch_related(
            Prefetch("interviewees", queryset=Contact.objects.only("key")),
            "interviewers",
        )
        .order_by("date", "pk")
    )
    visits = list(
        SiteVisit.objects.filter(**of_evaluation)
        .select_related("candidate__cdmo", "site")
        .prefetch_related(
            Prefetch("contact_attendees", queryset=Contact.objects.only("key")),
            "attendees",
        )
        .order_by("date", "pk")
    )
    names = {
        **_keys(interviews, "interview", "i"),
        **_keys(visits, "site_visit", "v"),
    }
    ratings = list(Rating.objects.filter(**of_evaluation).select_related("criterion"))
    by_interview = _evidence_ratings(ratings, "interview_id")
    by_visit = _evidence_ratings(ratings, "visit_id")
    clean = {
        "format": FORMAT,
        "evaluation": {
            "key": evaluation.key,
            "name": evaluation.name,
            "program": evaluation.program,
            "modality": evaluation.modality,
            "phase": evaluation.phase,
            "scope": evaluation.scope,
            "status": evaluation.status,
            "as_of": evaluation.as_of,
            "response_target_days": evaluation.response_target_days,
            "sensitivity_delta": float(evaluation.sensitivity_delta),
        },
        "bands": plan.bands,
        "categories": [
            {"key": c.key, "name": c.name, "weight": c.weight}
            for c in PlanCategory.objects.filter(plan=plan)
        ],
        "criteria": [_criterion(c) for c in criteria],
        "users": [
            {"username": m.user.username, "role": m.role}
            for m in Membership.objects.filter(evaluation=evaluation).select_related(
                "user"
            )
        ],
        "cdmos": _cdmos(cdmo_ids),
        "candidates": [
            {
                "cdmo": c.cdmo.key,
                "bulk_site": c.bulk_site.key if c.bulk_site else None,
                "stage": c.stage,
            }
            for c in candidates
        ],
        "scorecards": _scorecards(plan, ratings, names),
        "interviews": [
            {
                "key": names[("interview", x.pk)],
                "candidate": x.candidate.cdmo.key,
                "date": x.date,
                "site": x.site.key if x.site else None,
                "interviewees": [c.key for c in x.interviewees.all()],
                "interviewers": [u.username for u in x.interviewers.all()],
                "answers": {a: getattr(x, a) for a in ANSWERS},
                "strengths": x.strengths,
                "weaknesses": x.weaknesses,
                "gaps": x.gaps,
                "notes": x.notes,
                "ratings": by_interview.get(x.pk, []),
            }
            for x in interviews
        ],
        "site_visits": [
            {
                "key": names[("site_visit", x.pk)],
                "candidate": x.candidate.cdmo.key,
                "site": x.site.key,
                "date": x.date,
                "attendees": [u.username for u in x.attendees.all()],
                "contacts": [c.key for c in x.contact_attendees.all()],
                "agenda": x.agenda,
                "observations": x.observations,
                "ratings": by_visit.get(x.pk, []),
            }
            for x in visits
        ],
        "findings": _findings(evaluation, names),
        **_negotiations(evaluation),
        "conflicts": [
            {
                "evaluator": c.evaluator.username,
                "candidate": c.candidate.cdmo.key if c.candidate else None,
                "text": c.text,
                "override_reason": c.override_reason,
                "overridden_by": c.overridden_by.username if c.overridden_by else None,
            }
            for c in ConflictDeclaration.objects.filter(plan=plan).select_related(
                "evaluator", "candidate__cdmo", "overridden_by"
            )
        ],
        "consensus": [
            {
                "candidate": c.candidate.cdmo.key,
                "criterion": c.criterion.key,
                "score": c.score,
                "reason": c.reason,
                "by": c.by.username,
            }
            for c in ConsensusRating.objects.filter(**of_evaluation).select_related(
                "candidate__cdmo", "criterion", "by"
            )
        ],
    }
    return to_document(clean)


def dumps(doc: dict) -> str:
    """A bundle as the text of a file: indented, UTF-8, ending with a newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _keys(records, kind: str, prefix: str) -> dict:
    """Each record's bundle key: its own, or the first free ``<prefix><n>``."""
    taken = {r.key for r in records if r.key}
    names, n = {}, 0
    for r in records:
        if r.key:
            names[(kind, r.pk)] = r.key
            continue
        n += 1
        while f"{prefix}{n}" in taken:
            n += 1
        names[(kind, r.pk)] = f"{prefix}{n}"
    return names


def _criterion(c: PlanCriterion) -> dict:
    return {
        "key": c.key,
        "category": c.category.key,
        "name": c.name,
        "description": c.description,
        "weight": c.weight,
        "kind": c.kind,
        "sources": c.sources,
        "gate_threshold": None if c.gate_threshold is None else float(c.gate_threshold),
        "signal": c.signal or None,
        "curve": c.curve if c.signal else [],
        "anchors": {k: v for k, v in c.anchors.items()},
    }


def _cdmos(ids: list[int]) -> list[dict]:
    sites: dict[int, list] = {i: [] for i in ids}
    contacts: dict[int, list] = {i: [] for i in ids}
    for s in Site.objects.filter(cdmo_id__in=ids):
        sites[s.cdmo_id].append(
            {
                "key": s.key,
                "name": s.name,
                "city": s.city,
                "country": s.country,
                "capabilities": s.capabilities,
                "scale": s.scale,
                "stage": s.stage,
                "last_inspection_date": s.last_inspection_date,
                "last_inspection_outcome": s.last_inspection_outcome,
            }
        )
    for k in Contact.objects.filter(cdmo_id__in=ids).select_related("site"):
        contacts[k.cdmo_id].append(
            {
                "key": k.key,
                "name": k.name,
                "title": k.title,
                "level": k.level,
                "site": k.site.key if k.site else None,
                "email": k.email,
            }
        )
    return [
        {
            "key": c.key,
            "name": c.name,
            "headquarters": c.headquarters,
            "website": c.website,
            "ownership": c.ownership,
            "modalities": c.modalities,
            "culture_statement": {a: getattr(c, f"culture_{a}") for a in ANSWERS},
            "sites": sites[c.pk],
            "contacts": contacts[c.pk],
        }
        for c in Cdmo.objects.filter(pk__in=ids)
    ]


def _rests_on(r: Rating, names: dict) -> str | None:
    if r.rests_on_interview_id:
        return f"interview:{names[('interview', r.rests_on_interview_id)]}"
    if r.rests_on_visit_id:
        return f"site_visit:{names[('site_visit', r.rests_on_visit_id)]}"
    return None


def _scorecards(plan, ratings, names) -> list[dict]:
    by_card: dict[int, list] = {}
    for r in ratings:
        if r.scorecard_id:
            by_card.setdefault(r.scorecard_id, []).append(
                {
                    "criterion": r.criterion.key,
                    "score": r.score,
                    "rationale": r.rationale,
                    "rests_on": _rests_on(r, names),
                }
            )
    return [
        {
            "candidate": s.candidate.cdmo.key,
            "evaluator": s.evaluator.username,
            "status": s.status,
            "ratings": by_card.get(s.pk, []),
        }
        for s in Scorecard.objects.filter(plan=plan).select_related(
            "candidate__cdmo", "evaluator"
        )
    ]


def _evidence_ratings(ratings, field: str) -> dict[int, list[dict]]:
    """Ratings given by interviews (``field`` "interview_id") or visits, by record."""
    out: dict[int, list[dict]] = {}
    for r in ratings:
        if getattr(r, field):
            out.setdefault(getattr(r, field), []).append(
                {
                    "criterion": r.criterion.key,
                    "score": r.score,
                    "rationale": r.rationale,
                }
            )
    return out


def _findings(evaluation, names) -> list[dict]:
    out = []
    for f in Finding.objects.filter(candidate__evaluation=evaluation).select_related(
        "candidate__cdmo", "owner"
    ):
        source = f.source
        if f.source == Finding.Source.INTERVIEW and f.interview_id:
            source = f"interview:{names[('interview', f.interview_id)]}"
        elif f.source == Finding.Source.SITE_VISIT and f.visit_id:
            source = f"site_visit:{names[('site_visit', f.visit_id)]}"
        out.append(
            {
                "candidate": f.candidate.cdmo.key,
                "kind": f.kind,
                "text": f.text,
                "source": source,
                "source_note": f.source_note,
                "bridging_plan": f.bridging_plan,
                "owner": f.owner.username if f.owner else None,
                "carry_to_msa": f.carry_to_msa,
                "status": f.status,
            }
        )
    return out


def _negotiations(evaluation) -> dict:
    of_evaluation = {"candidate__evaluation": evaluation}
    rounds = Prefetch("rounds", queryset=AmendmentRound.objects.order_by("number"))
    return {
        "milestones": [
            {"candidate": m.candidate.cdmo.key, "kind": m.kind, "date": m.date}
            for m in Milestone.objects.filter(**of_evaluation).select_related(
                "candidate__cdmo"
            )
        ],
        "information_requests": [
            {
                "candidate": x.candidate.cdmo.key,
                "subject": x.subject,
                "sent": x.sent,
                "due": x.due,
                "answered": x.answered,
                "complete": x.complete,
                "owner": x.owner.username if x.owner else None,
            }
            for x in InformationRequest.objects.filter(**of_evaluation).select_related(
                "candidate__cdmo", "owner"
            )
        ],
        "agreements": [
            {
                "candidate": a.candidate.cdmo.key,
                "kind": a.kind,
                "rounds": [
                    {
                        "number": r.number,
                        "sent_by": r.sent_by,
                        "sent": r.sent,
                        "returned": r.returned,
                        "reviewers": r.reviewers,
                        "comments": r.comments,
                        "actionable_comments": r.actionable_comments,
                    }
                    for r in a.rounds.all()
                ],
            }
            for a in Agreement.objects.filter(**of_evaluation)
            .select_related("candidate__cdmo")
            .prefetch_related(rounds)
        ],
        "escalations": [
            {
                "candidate": x.candidate.cdmo.key,
                "question": x.question,
                "raised": x.raised,
                "decided": x.decided,
                "stakeholders": x.stakeholders,
                "owner": x.owner.username if x.owner else None,
            }
            for x in Escalation.objects.filter(**of_evaluation).select_related(
                "candidate__cdmo", "owner"
            )
        ],
        "steering_meetings": [
            {
                "candidate": x.candidate.cdmo.key,
                "planned": x.planned,
                "held": x.held,
                "attendees": x.attendees,
                "outcome": x.outcome,
            }
            for x in SteeringMeeting.objects.filter(**of_evaluation).select_related(
                "candidate__cdmo"
            )
        ],
    }
