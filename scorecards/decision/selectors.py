"""Reads of the decision: its page, what changed since it was signed, whether an
uploaded file is the signed report, and the reports it may rest on."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from partners.evidence import EVIDENCE_KINDS
from partners.models import Candidate, Evaluation, Finding, StageChange

from ..alignment.read import state_for
from ..models import (
    ConsensusRating,
    PlanCategory,
    PlanCriterion,
    Rating,
    ReportJob,
    Scorecard,
)
from ..setup.selectors import selection_plan
from .models import Decision

COVERED = (
    Rating,
    ConsensusRating,
    Scorecard,
    PlanCategory,
    PlanCriterion,
    Finding,
)
"""What a decision's signatures cover besides the evidence kinds: the ratings,
the consensus, the weights and the findings as they were when it was taken."""


def earlier_reasons(evaluation: Evaluation) -> dict[int, str]:
    """The reason each candidate already declined was declined for (one query)."""
    out: dict[int, str] = {}
    for change in StageChange.objects.filter(
        candidate__evaluation=evaluation,
        candidate__stage=Candidate.Stage.DECLINED,
        to_stage=Candidate.Stage.DECLINED,
    ).order_by("changed_at", "pk"):
        out[change.candidate_id] = change.reason
    return out


def record_digest(decision: Decision, declined: list[tuple[str, str]]) -> str:
    """The SHA-256 of what was decided, in a canonical form: the evaluation, the
    day, the selected candidate, the rationale, each declined candidate with its
    reason, and the report's hash. ``declined`` are (CDMO key, reason) pairs."""
    record = {
        "evaluation": decision.evaluation.key,
        "decided": decision.decided_on.isoformat(),
        "selected": decision.selected.cdmo.key if decision.selected else None,
        "rationale": decision.rationale,
        "declined": sorted([list(d) for d in declined]),
        "report_sha256": decision.report_sha256,
    }
    text = json.dumps(record, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def decision_of(evaluation: Evaluation) -> Decision | None:
    return (
        Decision.objects.select_related("selected__cdmo", "recorded_by", "report")
        .filter(evaluation=evaluation)
        .first()
    )


def changes_since(decision: Decision) -> list[AuditEntry]:
    """Changes made after the decision to what it rests on: ratings, consensus,
    weights, findings recorded before it, and evidence dated up to the decision
    day. Evidence dated later, a finding raised later and everything of the
    partnership are not changes to the decision (a fixed number of queries)."""
    models = (*COVERED, *(k.model for k in EVIDENCE_KINDS))
    types = ContentType.objects.get_for_models(*models)
    entries = list(
        AuditEntry.objects.filter(
            evaluation_id=decision.evaluation_id,
            timestamp__gt=decision.recorded_at,
            content_type__in=list(types.values()),
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
    later: set[tuple[int, str]] = set()
    for kind in EVIDENCE_KINDS:
        ct = types[kind.model]
        ids = [int(e.object_pk) for e in entries if e.content_type_id == ct.pk]
        if ids:
            later |= {
                (ct.pk, str(pk))
                for pk in kind.model.objects.filter(
                    pk__in=ids, date__gt=decision.decided_on
                ).values_list("pk", flat=True)
            }
    ct = types[Finding]
    ids = [int(e.object_pk) for e in entries if e.content_type_id == ct.pk]
    if ids:
        later |= {
            (ct.pk, str(pk))
            for pk in Finding.objects.filter(
                pk__in=ids, created_at__gt=decision.recorded_at
            ).values_list("pk", flat=True)
        }
    return [e for e in entries if (e.content_type_id, str(e.object_pk)) not in later]


@dataclass(frozen=True)
class Verdict:
    matches: bool
    what: str
    sha256: str


def verify(decision: Decision, chunks) -> Verdict:
    """Whether the file read in ``chunks`` (bytes) is the report the decision was
    signed over, or one of its signed copies, by SHA-256."""
    h = hashlib.sha256()
    for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
        h.update(chunk)
    digest = h.hexdigest()
    if decision.report_sha256 and digest == decision.report_sha256:
        if not decision.verifiable:
            return Verdict(
                True,
                _(
                    "Its SHA-256 matches the one the imported signatures state. The "
                    "decision was signed elsewhere: this installation did not see "
                    "the signing."
                ),
                digest,
            )
        return Verdict(
            True,
            _(
                "This is the report the decision was signed over: its SHA-256 "
                "matches the signatures."
            ),
            digest,
        )
    if decision.signed_copy_sha256 and digest == decision.signed_copy_sha256:
        return Verdict(
            True,
            _("This is the signed copy of the decision, as downloaded from here."),
            digest,
        )
    if any(digest == c["sha256"] for c in decision.earlier_copies):
        return Verdict(
            True,
            _(
                "This is an earlier signed copy of the decision, from before its "
                "latest signature; download the signed copy again for all of them."
            ),
            digest,
        )
    return Verdict(
        False,
        _(
            "This file is not the signed report: its SHA-256 matches neither the "
            "report the signatures are over nor a signed copy. It may have been "
            "changed, or be another version."
        ),
        digest,
    )


@dataclass(frozen=True)
class Integrity:
    record_intact: bool
    """The decision's stored content still hashes to its recorded digest."""
    results_moved: bool
    """The results are computed from other inputs than those decided on."""


def integrity(decision: Decision) -> Integrity:
    intact = True
    if decision.record_sha256:
        declined = [
            (d.candidate.cdmo.key, d.reason)
            for d in decision.declined.select_related("candidate__cdmo")
        ]
        intact = record_digest(decision, declined) == decision.record_sha256
    state = state_for(selection_plan(decision.evaluation))
    run = state.current_run if state else None
    moved = bool(decision.fingerprint) and (
        run is None or run.fingerprint != decision.fingerprint
    )
    return Integrity(record_intact=intact, results_moved=moved)


def decision_reports(evaluation: Evaluation) -> QuerySet[ReportJob]:
    """The ready reports a decision could rest on, newest first."""
    return (
        ReportJob.objects.filter(evaluation=evaluation, status=ReportJob.Status.READY)
        .exclude(file="")
        .select_related("candidate__cdmo", "requested_by")
        .order_by("-finished_at", "-pk")
    )
