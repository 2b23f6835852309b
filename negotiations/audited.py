"""What of `negotiations` the audit trail records, and whose history each is."""

from audit.registry import track

from .models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)


def _of_candidate(obj):
    return (obj.candidate.evaluation_id, obj.candidate_id)


def register() -> None:
    for model in (
        Milestone,
        InformationRequest,
        Agreement,
        Escalation,
        SteeringMeeting,
    ):
        track(model, scope=_of_candidate)
    track(AmendmentRound, scope=lambda r: _of_candidate(r.agreement))
