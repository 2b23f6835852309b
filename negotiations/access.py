"""Who may see and change negotiation records.

Lead and procurement maintain every negotiation record (`Can.EDIT_NEGOTIATIONS`).
Evaluators may log information requests and escalations (`Can.LOG_REQUESTS`),
become their owner, and edit the ones they own. Observers read. Strangers get 404,
as everywhere (`partners.access`).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from partners.access import Can, get_candidate_for, get_record_for, role_can
from partners.models import Candidate, Membership

from .models import AmendmentRound, Escalation, InformationRequest, SteeringMeeting


def may_edit_owned(user, membership: Membership, record=None) -> bool:
    """May ``user`` (with ``membership``) log an owned record (``record`` None) or
    edit ``record``, an information request or escalation?"""
    if role_can(membership.role, Can.EDIT_NEGOTIATIONS):
        return True
    if not role_can(membership.role, Can.LOG_REQUESTS):
        return False
    return record is None or record.owner_id == user.pk


def get_candidate_for_logging(user, pk: int) -> Candidate:
    """The candidate ``pk`` if ``user`` may log requests and escalations about it."""
    return get_candidate_for(user, pk, Can.LOG_REQUESTS)


def _owned_record_for(user, model, pk: int, need: Can):
    # Owned records: editing is decided by ownership, not by the role alone.
    if need != Can.EDIT_NEGOTIATIONS:
        return get_record_for(user, model, pk, need)
    record = get_record_for(user, model, pk, Can.READ)
    if not may_edit_owned(user, record.candidate.evaluation.membership, record):
        raise PermissionDenied(_("Only its owner or procurement may change this."))
    return record


def get_request_for(user, pk: int, need: Can = Can.READ) -> InformationRequest:
    return _owned_record_for(user, InformationRequest, pk, need)


def get_escalation_for(user, pk: int, need: Can = Can.READ) -> Escalation:
    return _owned_record_for(user, Escalation, pk, need)


def get_round_for(user, pk: int, need: Can = Can.READ) -> AmendmentRound:
    return get_record_for(user, AmendmentRound, pk, need, path="agreement__candidate")


def get_meeting_for(user, pk: int, need: Can = Can.READ) -> SteeringMeeting:
    return get_record_for(user, SteeringMeeting, pk, need)
