"""The record types of the decision and what led to it (BUNDLE.md, "The decision
and after it"): the stage history and the decision with its declined candidates
and signatures."""

from __future__ import annotations

from partners.models import Candidate

from . import checks, readers, writers
from .fields import candidate, choice, member, text
from .spec import Field, Spec

STAGE_HISTORY = Spec(
    "stage_history",
    (
        candidate(),
        choice("from", lambda: Candidate.Stage.values, "stage", required=True),
        choice("to", lambda: Candidate.Stage.values, "stage", required=True),
        Field("at", "datetime", required=True),
        member("by", required=True),
        text("reason", 10_000, required=True, blank=False),
    ),
    order=lambda c, pos: (c["at"] or "", c["candidate"] or ""),
    write=writers.stage_history,
    read=readers.stage_history,
    fields_map={"from_stage": "from", "to_stage": "to"},
)

DECLINED = Spec(
    "declined",
    (candidate(), text("reason", 10_000, required=True, blank=False)),
    unique=("candidate",),
    unique_what="declined candidate",
    unique_at="candidate",
    order=lambda d, pos: d["candidate"] or "",
)

SIGNATURES = Spec(
    "signatures",
    (
        member("username", required=True),
        text("printed_name", 300, required=True, blank=False),
        text("meaning", 200, required=True, blank=False),
        Field("signed_at", "datetime", required=True),
        Field("sha256", "sha256", required=True),
    ),
    unique=("username",),
    unique_what="signature by",
    unique_at="username",
    order=lambda s, pos: (s["signed_at"] or "", s["username"] or ""),
)

DECISION = Spec(
    "decision",
    (
        Field("selected", "ref", to="candidates", what="candidate", null=True),
        Field("decided", "date", required=True),
        text("rationale", 10_000, required=True, blank=False),
        Field("declined", "records", nested=DECLINED),
        Field("signatures", "records", nested=SIGNATURES),
    ),
    check=checks.decision,
    write=writers.decision,
    read=readers.decision,
    single=True,
)
