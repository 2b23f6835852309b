"""Reads of negotiation records, turned into the facts the pure signal functions take.

Everything here reads a whole evaluation (or one candidate) in a fixed number of
queries, one per record type, however many candidates and records there are.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from partners.models import Candidate, Evaluation
from partners.selectors import evaluation_candidates

from . import charts
from .models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)
from .signals import (
    HEALTHY_AMENDMENT_ROUNDS,
    HEALTHY_REVIEWERS_PER_ROUND,
    SLOW_DECISION_DAYS,
    USUAL_MONTHS_TO_SIGNATURE,
    EscalationFacts,
    MilestoneFacts,
    RequestFacts,
    RoundFacts,
    compute_signals,
    decision_days,
    is_overdue,
    is_signed,
    response_days,
    response_trend,
)


def as_of_for(evaluation: Evaluation) -> dt.date:
    """The date signals are measured at: the evaluation's ``as_of``, else today."""
    return evaluation.as_of or timezone.localdate()


@dataclass
class SignalFacts:
    """A candidate's negotiation records as plain facts."""

    requests: list[RequestFacts] = field(default_factory=list)
    rounds: list[RoundFacts] = field(default_factory=list)
    escalations: list[EscalationFacts] = field(default_factory=list)
    milestones: list[MilestoneFacts] = field(default_factory=list)

    def signals(self, as_of: dt.date) -> dict[str, float]:
        return compute_signals(
            requests=self.requests,
            rounds=self.rounds,
            escalations=self.escalations,
            milestones=self.milestones,
            as_of=as_of,
        )


def _ids(candidates: Iterable[Candidate | int]) -> list[int]:
    return [getattr(c, "pk", c) for c in candidates]


def candidate_signal_facts(
    candidates: Iterable[Candidate | int], *, evaluation_id: int | None = None
) -> dict[int, SignalFacts]:
    """The facts of each candidate (instances or ids), in four queries whatever the
    number of candidates; a candidate without records gets empty facts.

    With ``evaluation_id`` (all the candidates of that evaluation) the queries
    filter by evaluation instead of listing hundreds of ids as parameters.
    """
    ids = _ids(candidates)
    facts = {pk: SignalFacts() for pk in ids}
    if evaluation_id is None:
        own = {"candidate_id__in": ids}
        rounds_own = {"agreement__candidate_id__in": ids}
    else:
        own = {"candidate__evaluation_id": evaluation_id}
        rounds_own = {"agreement__candidate__evaluation_id": evaluation_id}
    for pk, sent, due, answered in InformationRequest.objects.filter(**own).values_list(
        "candidate_id", "sent", "due", "answered"
    ):
        facts[pk].requests.append(RequestFacts(sent=sent, due=due, answered=answered))
    for pk, agreement, number, reviewers, sent in AmendmentRound.objects.filter(
        **rounds_own
    ).values_list(
        "agreement__candidate_id", "agreement_id", "number", "reviewers", "sent"
    ):
        facts[pk].rounds.append(RoundFacts(agreement, number, reviewers, sent))
    for pk, raised, decided in Escalation.objects.filter(**own).values_list(
        "candidate_id", "raised", "decided"
    ):
        facts[pk].escalations.append(EscalationFacts(raised=raised, decided=decided))
    for pk, kind, date in Milestone.objects.filter(**own).values_list(
        "candidate_id", "kind", "date"
    ):
        facts[pk].milestones.append(MilestoneFacts(kind=kind, date=date))
    return facts


@dataclass
class Governance:
    """Whether bureaucracy shows, and whether a steering-committee cadence exists."""

    reasons: list[str]
    planned: int
    held: int
    next_meeting: dt.date | None

    @property
    def suggested(self) -> bool:
        return bool(self.reasons)

    @property
    def has_cadence(self) -> bool:
        return self.planned > 0


def bureaucracy_reasons(signals: dict[str, float]) -> list[str]:
    """Codes of the bureaucracy signals present: rounds, reviewers, decisions."""
    reasons = []
    if signals.get("max_amendment_rounds", 0) > HEALTHY_AMENDMENT_ROUNDS:
        reasons.append("rounds")
    if signals.get("median_reviewers_per_round", 0) > HEALTHY_REVIEWERS_PER_ROUND:
        reasons.append("reviewers")
    if signals.get("median_decision_days", 0) > SLOW_DECISION_DAYS:
        reasons.append("decisions")
    return reasons


@dataclass
class Overview:
    """Everything the candidate's negotiations page shows."""

    as_of: dt.date
    milestones: list[Milestone]
    requests: list[InformationRequest]
    agreements: list[Agreement]
    escalations: list[Escalation]
    meetings: list[SteeringMeeting]
    signals: dict[str, float]
    trend: float | None
    governance: Governance
    chart: str
    elapsed: str
    signed: bool = False
    missing_agreements: list[tuple[str, str]] = field(default_factory=list)


def negotiation_overview(candidate: Candidate, *, as_of: dt.date) -> Overview:
    """The candidate's negotiation records with what each row shows (days to answer,
    overdue, round warnings), its signals, governance state and timeline chart, in a
    fixed number of queries."""
    milestones = list(candidate.milestones.all())
    requests = list(candidate.information_requests.select_related("owner"))
    agreements = list(
        candidate.agreements.prefetch_related(
            Prefetch(
                "rounds",
                queryset=AmendmentRound.objects.order_by("number"),
                to_attr="round_list",
            )
        )
    )
    escalations = list(candidate.escalations.select_related("owner"))
    meetings = list(candidate.steering_meetings.all())

    facts = SignalFacts(
        requests=[RequestFacts(r.sent, r.due, r.answered) for r in requests],
        rounds=[
            RoundFacts(a.pk, r.number, r.reviewers, r.sent)
            for a in agreements
            for r in a.round_list
        ],
        escalations=[EscalationFacts(e.raised, e.decided) for e in escalations],
        milestones=[MilestoneFacts(m.kind, m.date) for m in milestones],
    )
    for request, fact in zip(requests, facts.requests, strict=True):
        request.in_scope = request.sent <= as_of
        request.days = response_days(fact, as_of) if request.in_scope else None
        request.open = fact.answered is None or fact.answered > as_of
        request.overdue = request.in_scope and is_overdue(fact, as_of)
    for agreement in agreements:
        # The same rule as the signals: a round sent after as_of had not happened
        # yet, and a return dated later counts as none yet.
        for r in agreement.round_list:
            r.in_scope = r.sent <= as_of
            r.open = r.returned is None or r.returned > as_of
            end = as_of if r.open else r.returned
            r.days_out = (end - r.sent).days if r.in_scope else None
        rounds = [r for r in agreement.round_list if r.in_scope]
        agreement.round_count = len(rounds)
        agreement.too_many_rounds = len(rounds) > HEALTHY_AMENDMENT_ROUNDS
        agreement.max_reviewers = max((r.reviewers for r in rounds), default=0)
        agreement.total_comments = sum(r.comments for r in rounds)
        agreement.open_round = next((r for r in rounds if r.open), None)
    for escalation, fact in zip(escalations, facts.escalations, strict=True):
        escalation.in_scope = escalation.raised <= as_of
        escalation.days = decision_days(fact, as_of) if escalation.in_scope else None
    signals = facts.signals(as_of)
    governance = Governance(
        reasons=bureaucracy_reasons(signals),
        planned=len(meetings),
        held=sum(1 for m in meetings if m.held),
        next_meeting=min(
            (m.planned for m in meetings if not m.held and m.planned >= as_of),
            default=None,
        ),
    )
    present = {a.kind for a in agreements}
    return Overview(
        as_of=as_of,
        milestones=milestones,
        requests=requests,
        agreements=agreements,
        escalations=escalations,
        meetings=meetings,
        signals=signals,
        trend=response_trend(facts.requests, as_of),
        governance=governance,
        chart=charts.timeline_svg(facts.milestones, as_of=as_of),
        elapsed=charts.elapsed_text(facts.milestones, as_of),
        signed=is_signed(facts.milestones, as_of),
        missing_agreements=[
            (value, label)
            for value, label in Agreement.Kind.choices
            if value not in present
        ],
    )


@dataclass
class CandidateRow:
    """What the Responsiveness page and the candidate page show of one candidate's
    negotiations; both are built by `candidate_row`, so they agree."""

    candidate: Candidate
    signals: dict[str, float]
    trend: float | None
    requests: int  # sent by as_of, the same requests the signals read
    overdue: int
    slow: bool
    signed: bool
    elapsed: str
    too_many_rounds: bool  # some agreement past HEALTHY_AMENDMENT_ROUNDS
    late: bool  # unsigned past USUAL_MONTHS_TO_SIGNATURE


def candidate_row(
    candidate: Candidate, facts: SignalFacts, *, as_of: dt.date, target: int
) -> CandidateRow:
    """One candidate's negotiation numbers as of ``as_of`` against the response
    ``target`` (days). Records dated after ``as_of`` are not counted, as in the
    signals themselves."""
    signals = facts.signals(as_of)
    current = [r for r in facts.requests if r.sent <= as_of]
    median = signals.get("median_response_days")
    signed = is_signed(facts.milestones, as_of)
    return CandidateRow(
        candidate=candidate,
        signals=signals,
        trend=response_trend(current, as_of),
        requests=len(current),
        overdue=sum(1 for r in current if is_overdue(r, as_of)),
        slow=median is not None and median > target,
        signed=signed,
        elapsed=charts.elapsed_text(facts.milestones, as_of),
        too_many_rounds=(
            signals.get("max_amendment_rounds", 0) > HEALTHY_AMENDMENT_ROUNDS
        ),
        late=not signed
        and signals.get("months_to_signature", 0) > USUAL_MONTHS_TO_SIGNATURE[1],
    )


def responsiveness_rows(evaluation: Evaluation) -> list[CandidateRow]:
    """One row per candidate of the evaluation comparing its negotiation signals with
    the response target, in a fixed number of queries."""
    as_of = as_of_for(evaluation)
    candidates = list(evaluation_candidates(evaluation))
    facts = candidate_signal_facts(candidates, evaluation_id=evaluation.pk)
    return [
        candidate_row(
            c, facts[c.pk], as_of=as_of, target=evaluation.response_target_days
        )
        for c in candidates
    ]


def candidate_summary(candidate: Candidate) -> dict:
    """The few numbers the candidate page shows about negotiations (four queries,
    five with bureaucracy signals)."""
    evaluation = candidate.evaluation
    as_of = as_of_for(evaluation)
    facts = candidate_signal_facts([candidate])[candidate.pk]
    row = candidate_row(
        candidate, facts, as_of=as_of, target=evaluation.response_target_days
    )
    bureaucracy = bureaucracy_reasons(row.signals)
    return {
        "as_of": as_of,
        "signals": row.signals,
        "requests": row.requests,
        "overdue": row.overdue,
        "elapsed": row.elapsed,
        "signed": row.signed,
        "bureaucracy": bureaucracy,
        "has_cadence": bool(bureaucracy)
        and SteeringMeeting.objects.filter(candidate=candidate).exists(),
        "target": evaluation.response_target_days,
    }


def evaluation_redlines(evaluation: Evaluation):
    """Every amendment round of the evaluation that carries a redline file."""
    return (
        AmendmentRound.objects.filter(agreement__candidate__evaluation=evaluation)
        .exclude(redline="")
        .select_related("agreement__candidate__cdmo")
        .order_by("pk")
    )
