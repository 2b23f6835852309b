"""What of `partners` the audit trail records, and whose history each is."""

from audit.registry import track
from cdmo_eval.dates import shown

from .evidence import EVIDENCE_KINDS, kind_of
from .models import (
    Attachment,
    Candidate,
    Cdmo,
    Contact,
    Evaluation,
    Finding,
    Membership,
    Site,
)


def _of_candidate(obj):
    return (obj.candidate.evaluation_id, obj.candidate_id)


def _of_attachment(obj: Attachment):
    for kind in EVIDENCE_KINDS:
        if getattr(obj, f"{kind.name}_id"):
            return _of_candidate(getattr(obj, kind.name))
    return (None, None)


def register() -> None:
    track(Evaluation, scope=lambda e: (e.pk, None))
    track(Membership, scope=lambda m: (m.evaluation_id, None))
    track(Candidate, scope=lambda c: (c.evaluation_id, c.pk))
    # The shared directory belongs to no evaluation's history; a contact's
    # personal fields are recorded as changed, never with their values, and the
    # trail names a contact by its key (an erasure clears the contact alone).
    track(Cdmo)
    track(Site)
    track(
        Contact,
        name=lambda c: f"contact {c.key}",
        erasable=("name", "title", "email"),
    )
    for kind in EVIDENCE_KINDS:
        track(
            kind.model,
            scope=_of_candidate,
            m2m=(kind.contacts_field, kind.members_field),
            name=lambda r: f"{kind_of(r).label} {r.key or r.pk} ({shown(r.date)})",
        )
    track(Finding, scope=_of_candidate)
    track(Attachment, scope=_of_attachment)
