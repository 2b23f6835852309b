"""How each record type of a bundle is read out of the database for an export:
one function per spec (`records.SPECS`), each one query (or a fixed few) whatever
the number of candidates, records named by key, never by id.

A reader returns plain values (dates as dates); the exporter puts the records in
the spec's field order and canonical order (`canonical.to_document`).
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Prefetch

from negotiations.models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)
from partners.evidence import EVIDENCE_KINDS, kind_of
from partners.models import (
    Candidate,
    Cdmo,
    Contact,
    Evaluation,
    Finding,
    Membership,
    Site,
    StageChange,
)

from ..models import (
    ConflictDeclaration,
    ConsensusRating,
    Decision,
    Declined,
    PlanCategory,
    PlanCriterion,
    Rating,
    Scorecard,
    Signature,
)
from ..rating.models import REST_FIELDS
from ..setup.selectors import selection_plan

ANSWERS = ("meaning", "how_built", "customer_impact", "vision")


class Export:
    """What several readers share: the plan, the ratings, evidence keys."""

    def __init__(self, evaluation: Evaluation) -> None:
        self.evaluation = evaluation
        self.plan = selection_plan(evaluation)
        self.of_evaluation = {"candidate__evaluation": evaluation}

    @cached_property
    def evidence(self) -> dict:
        """Each kind's records of the evaluation, in date order, with their people."""
        out = {}
        for kind in EVIDENCE_KINDS:
            out[kind.key] = list(
                kind.model.objects.filter(**self.of_evaluation)
                .select_related("candidate__cdmo", "site")
                .prefetch_related(
                    Prefetch(kind.contacts_field, queryset=Contact.objects.only("key")),
                    kind.members_field,
                )
                .order_by("date", "pk")
            )
        return out

    @cached_property
    def names(self) -> dict[tuple[str, int], str]:
        """Each evidence record's bundle key: its own, or, for one recorded
        without a key, the first free ``i1``, ``v1``… (by its kind's first
        letter, in date order) so that findings and ratings can name it."""
        names: dict[tuple[str, int], str] = {}
        for key, records in self.evidence.items():
            prefix = kind_of(records[0]).name[0] if records else ""
            taken = {r.key for r in records if r.key}
            n = 0
            for r in records:
                if r.key:
                    names[(key, r.pk)] = r.key
                    continue
                n += 1
                while f"{prefix}{n}" in taken:
                    n += 1
                names[(key, r.pk)] = f"{prefix}{n}"
        return names

    def name(self, record) -> str:
        kind = kind_of(record)
        return f"{kind.key}:{self.names[(kind.key, record.pk)]}"

    @cached_property
    def ratings(self) -> list[Rating]:
        return list(
            Rating.objects.filter(**self.of_evaluation).select_related("criterion")
        )

    def rests_on(self, r: Rating) -> str | None:
        for field in REST_FIELDS:
            kind = field.removeprefix("rests_on_")
            pk = getattr(r, f"{field}_id")
            if pk and kind != "finding":
                key = next(k.key for k in EVIDENCE_KINDS if k.name == kind)
                return f"{key}:{self.names[(key, pk)]}"
        return None


def _key(record, attr="key"):
    return getattr(record, attr) if record is not None else None


def evaluation(x: Export, spec) -> dict:
    e = x.evaluation
    return {
        "key": e.key,
        "name": e.name,
        "program": e.program,
        "modality": e.modality,
        "phase": e.phase,
        "scope": e.scope,
        "status": e.status,
        "as_of": e.as_of,
        "response_target_days": e.response_target_days,
        "sensitivity_delta": float(e.sensitivity_delta),
    }


def bands(x: Export, spec) -> list[dict]:
    return x.plan.bands


def categories(x: Export, spec) -> list[dict]:
    return [
        {"key": c.key, "name": c.name, "weight": c.weight}
        for c in PlanCategory.objects.filter(plan=x.plan)
    ]


def criteria(x: Export, spec) -> list[dict]:
    return [
        {
            "key": c.key,
            "category": c.category.key,
            "name": c.name,
            "description": c.description,
            "weight": c.weight,
            "kind": c.kind,
            "sources": c.sources,
            "gate_threshold": None
            if c.gate_threshold is None
            else float(c.gate_threshold),
            "signal": c.signal or None,
            "curve": c.curve if c.signal else [],
            "anchors": dict(c.anchors),
        }
        for c in PlanCriterion.objects.filter(plan=x.plan).select_related("category")
    ]


def users(x: Export, spec) -> list[dict]:
    return [
        {"username": m.user.username, "role": m.role}
        for m in Membership.objects.filter(evaluation=x.evaluation).select_related(
            "user"
        )
    ]


def cdmos(x: Export, spec) -> list[dict]:
    """The candidates' CDMOs with all their sites and contacts."""
    ids = Candidate.objects.filter(evaluation=x.evaluation).values("cdmo_id")
    sites: dict[int, list] = {}
    contacts: dict[int, list] = {}
    for s in Site.objects.filter(cdmo_id__in=ids):
        sites.setdefault(s.cdmo_id, []).append(
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
        contacts.setdefault(k.cdmo_id, []).append(
            {
                "key": k.key,
                "name": k.name,
                "title": k.title,
                "level": k.level,
                "site": _key(k.site),
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
            "sites": sites.get(c.pk, []),
            "contacts": contacts.get(c.pk, []),
        }
        for c in Cdmo.objects.filter(pk__in=ids)
    ]


def candidates(x: Export, spec) -> list[dict]:
    return [
        {"cdmo": c.cdmo.key, "bulk_site": _key(c.bulk_site), "stage": c.stage}
        for c in Candidate.objects.filter(evaluation=x.evaluation).select_related(
            "cdmo", "bulk_site"
        )
    ]


def scorecards(x: Export, spec) -> list[dict]:
    by_card: dict[int, list] = {}
    for r in x.ratings:
        if r.scorecard_id:
            by_card.setdefault(r.scorecard_id, []).append(
                {
                    "criterion": r.criterion.key,
                    "score": r.score,
                    "rationale": r.rationale,
                    "rests_on": x.rests_on(r),
                }
            )
    return [
        {
            "candidate": s.candidate.cdmo.key,
            "evaluator": s.evaluator.username,
            "status": s.status,
            "ratings": by_card.get(s.pk, []),
        }
        for s in Scorecard.objects.filter(plan=x.plan).select_related(
            "candidate__cdmo", "evaluator"
        )
    ]


def evidence(kind, *, contacts: str, members: str):
    """The reader of an evidence kind's records (see `writers.evidence`)."""
    special = {"key", "candidate", "site", "answers", "ratings", contacts, members}

    def read(x: Export, spec) -> list[dict]:
        by_record: dict[int, list] = {}
        for r in x.ratings:
            pk = getattr(r, f"{kind.name}_id")
            if pk:
                by_record.setdefault(pk, []).append(
                    {
                        "criterion": r.criterion.key,
                        "score": r.score,
                        "rationale": r.rationale,
                    }
                )
        plain = [f.name for f in spec.fields if f.name not in special]
        out = []
        for rec in x.evidence[kind.key]:
            row = {
                "key": x.names[(kind.key, rec.pk)],
                "candidate": rec.candidate.cdmo.key,
                "site": _key(rec.site),
                contacts: [c.key for c in getattr(rec, kind.contacts_field).all()],
                members: [u.username for u in getattr(rec, kind.members_field).all()],
                "ratings": by_record.get(rec.pk, []),
                **{name: getattr(rec, name) for name in plain},
            }
            if hasattr(rec, ANSWERS[0]):
                row["answers"] = {a: getattr(rec, a) for a in ANSWERS}
            out.append(row)
        return out

    return read


def findings(x: Export, spec) -> list[dict]:
    out = []
    for f in Finding.objects.filter(**x.of_evaluation).select_related(
        "candidate__cdmo", "owner"
    ):
        source = f.source
        for kind in EVIDENCE_KINDS:
            pk = getattr(f, f"{kind.name}_id")
            if f.source == kind.key and pk:
                source = f"{kind.key}:{x.names[(kind.key, pk)]}"
        out.append(
            {
                "candidate": f.candidate.cdmo.key,
                "kind": f.kind,
                "text": f.text,
                "source": source,
                "source_note": f.source_note,
                "bridging_plan": f.bridging_plan,
                "owner": _key(f.owner, "username"),
                "carry_to_msa": f.carry_to_msa,
                "status": f.status,
            }
        )
    return out


def milestones(x: Export, spec) -> list[dict]:
    return [
        {"candidate": m.candidate.cdmo.key, "kind": m.kind, "date": m.date}
        for m in Milestone.objects.filter(**x.of_evaluation).select_related(
            "candidate__cdmo"
        )
    ]


def requests(x: Export, spec) -> list[dict]:
    return [
        {
            "candidate": r.candidate.cdmo.key,
            "subject": r.subject,
            "sent": r.sent,
            "due": r.due,
            "answered": r.answered,
            "complete": r.complete,
            "owner": _key(r.owner, "username"),
        }
        for r in InformationRequest.objects.filter(**x.of_evaluation).select_related(
            "candidate__cdmo", "owner"
        )
    ]


def agreements(x: Export, spec) -> list[dict]:
    rounds = Prefetch("rounds", queryset=AmendmentRound.objects.order_by("number"))
    return [
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
        for a in Agreement.objects.filter(**x.of_evaluation)
        .select_related("candidate__cdmo")
        .prefetch_related(rounds)
    ]


def escalations(x: Export, spec) -> list[dict]:
    return [
        {
            "candidate": e.candidate.cdmo.key,
            "question": e.question,
            "raised": e.raised,
            "decided": e.decided,
            "stakeholders": e.stakeholders,
            "owner": _key(e.owner, "username"),
        }
        for e in Escalation.objects.filter(**x.of_evaluation).select_related(
            "candidate__cdmo", "owner"
        )
    ]


def meetings(x: Export, spec) -> list[dict]:
    return [
        {
            "candidate": m.candidate.cdmo.key,
            "planned": m.planned,
            "held": m.held,
            "attendees": m.attendees,
            "outcome": m.outcome,
        }
        for m in SteeringMeeting.objects.filter(**x.of_evaluation).select_related(
            "candidate__cdmo"
        )
    ]


def conflicts(x: Export, spec) -> list[dict]:
    return [
        {
            "evaluator": c.evaluator.username,
            "candidate": c.candidate.cdmo.key if c.candidate else None,
            "text": c.text,
            "override_reason": c.override_reason,
            "overridden_by": _key(c.overridden_by, "username"),
        }
        for c in ConflictDeclaration.objects.filter(plan=x.plan).select_related(
            "evaluator", "candidate__cdmo", "overridden_by"
        )
    ]


def consensus(x: Export, spec) -> list[dict]:
    return [
        {
            "candidate": c.candidate.cdmo.key,
            "criterion": c.criterion.key,
            "score": c.score,
            "reason": c.reason,
            "by": c.by.username,
        }
        for c in ConsensusRating.objects.filter(**x.of_evaluation).select_related(
            "candidate__cdmo", "criterion", "by"
        )
    ]


def stage_history(x: Export, spec) -> list[dict]:
    return [
        {
            "candidate": c.candidate.cdmo.key,
            "from": c.from_stage,
            "to": c.to_stage,
            "at": c.changed_at,
            "by": c.changed_by.username,
            "reason": c.reason,
        }
        for c in StageChange.objects.filter(**x.of_evaluation).select_related(
            "candidate__cdmo", "changed_by"
        )
    ]


def decision(x: Export, spec) -> dict | None:
    """The decision and the signatures given (those still awaited are not part
    of the record yet)."""
    d = (
        Decision.objects.filter(evaluation=x.evaluation)
        .select_related("selected__cdmo")
        .prefetch_related(
            Prefetch(
                "declined",
                queryset=Declined.objects.select_related("candidate__cdmo"),
            ),
            Prefetch(
                "signatures",
                queryset=Signature.objects.filter(
                    signed_at__isnull=False
                ).select_related("signer"),
            ),
        )
        .first()
    )
    if d is None:
        return None
    return {
        "selected": d.selected.cdmo.key if d.selected else None,
        "decided": d.decided_on,
        "rationale": d.rationale,
        "declined": [
            {"candidate": c.candidate.cdmo.key, "reason": c.reason}
            for c in d.declined.all()
        ],
        "signatures": [
            {
                "username": s.signer.username,
                "printed_name": s.printed_name,
                "meaning": s.meaning,
                "signed_at": s.signed_at,
                "sha256": s.sha256,
            }
            for s in d.signatures.all()
        ],
    }
