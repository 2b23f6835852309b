"""The table of a bundle's record types (BUNDLE.md): one `Spec` each, in the
order of the document, read alike by the shape check, the importer (each spec's
``write`` calls the services) and the exporter (its ``read`` and ``order``).

The shape check reads them in `READ_ORDER`, so that a record is known before
another refers to it; the importer writes them in `WRITE_ORDER`.
"""

from __future__ import annotations

from negotiations.models import Agreement, AmendmentRound, Milestone
from partners.evidence import EVIDENCE_KINDS, INTERVIEW, SITE_VISIT
from partners.models import Candidate, ContactLevel, Evaluation, Finding, Role, Site

from ..models import Kind, Scorecard, Source
from . import checks, readers, writers
from .decision_records import DECISION, STAGE_HISTORY
from .fields import (
    ANSWERS,
    NOT_A_MEMBER,
    SMALL,
    candidate,
    choice,
    count,
    member,
    text,
)
from .spec import MAX_INT, Field, Spec


def _by_criterion(r, pos):
    return pos["criteria"].get(r["criterion"], 0)


# --- the record types ---------------------------------------------------------------

RATING = (
    Field("criterion", "ref", to="criteria", what="criterion", required=True),
    Field("score", "rating", required=True),
    text("rationale"),
)

EVALUATION = Spec(
    "evaluation",
    (
        Field("key", "key", required=True),
        text("name", 200, required=True, blank=False),
        text("program", 100, required=True, blank=False),
        text("modality", 100),
        text("phase", 50),
        text("scope"),
        choice(
            "status",
            lambda: Evaluation.Status.values,
            "status",
            default=Evaluation.Status.SETUP,
        ),
        Field("as_of", "date", null=True),
        Field("response_target_days", "int", default=5, minimum=1, maximum=SMALL),
        Field(
            "sensitivity_delta",
            "number",
            default=0.2,
            minimum=0,
            maximum=0.9,
            places=2,
            what="a sensitivity δ (0–0.9, two decimals at most)",
        ),
    ),
    write=writers.evaluation,
    read=readers.evaluation,
    single=True,
)

BANDS = Spec(
    "bands",
    (
        text("label", 60, required=True, blank=False),
        Field(
            "low",
            "number",
            required=True,
            minimum=0,
            maximum=100,
            places=1,
            what="a score (0–100)",
        ),
        Field(
            "high",
            "number",
            required=True,
            minimum=0,
            maximum=100,
            places=1,
            what="a score (0–100)",
        ),
    ),
    order=lambda b, pos: -(b["low"] or 0),
    read=readers.bands,
)

CATEGORIES = Spec(
    "categories",
    (
        Field("key", "key", required=True),
        text("name", 200, required=True, blank=False),
        Field("weight", "int", required=True, minimum=1, maximum=SMALL),
    ),
    unique=("key",),
    defines="categories",
    read=readers.categories,
)

CRITERIA = Spec(
    "criteria",
    (
        Field("key", "key", required=True),
        Field("category", "ref", to="categories", what="category", required=True),
        text("name", 200, required=True, blank=False),
        text("description"),
        Field("weight", "int", required=True, minimum=1, maximum=SMALL),
        choice("kind", lambda: Kind.values, "kind", default=Kind.RATED),
        Field("sources", "values", choices=lambda: Source.values, what="source"),
        Field(
            "gate_threshold",
            "number",
            null=True,
            minimum=1,
            maximum=5,
            places=1,
            what="a gate threshold (1–5, one decimal at most)",
        ),
        text("signal", 40, null=True),
        Field("curve", "points"),
        Field("anchors", "anchors"),
    ),
    unique=("key",),
    defines="criteria",
    check=checks.criterion,
    order=lambda c, pos: pos["categories"].get(c["category"], 0),
    write=writers.plan,
    read=readers.criteria,
)

USERS = Spec(
    "users",
    (
        text("username", 150, required=True, blank=False),
        choice("role", lambda: Role.values, "role", required=True),
    ),
    unique=("username",),
    unique_what="username",
    unique_at="username",
    defines="users",
    defines_by="username",
    defines_value="role",
    order=lambda u, pos: u["username"] or "",
    write=writers.users,
    read=readers.users,
)

SITES = Spec(
    "sites",
    (
        Field("key", "key", required=True),
        text("name", 200, required=True, blank=False),
        text("city", 100),
        text("country", 2),
        text("capabilities"),
        text("scale", 200),
        choice("stage", lambda: ["", *Site.Stage.values], "site stage", default=""),
        Field("last_inspection_date", "date", null=True),
        text("last_inspection_outcome", 300),
    ),
    unique=("key",),
    defines="sites",
    order=lambda s, pos: s["key"] or "",
)

CONTACTS = Spec(
    "contacts",
    (
        Field("key", "key", required=True),
        text("name", 200, required=True, blank=False),
        text("title", 200),
        choice("level", lambda: ContactLevel.values, "contact level", required=True),
        Field("site", "ref", to="sites", what="site", null=True),
        text("email", 254),
    ),
    unique=("key",),
    defines="contacts",
    order=lambda c, pos: c["key"] or "",
)

CDMOS = Spec(
    "cdmos",
    (
        Field("key", "key", required=True),
        text("name", 200, required=True, blank=False),
        text("headquarters", 200),
        text("website", 200),
        text("ownership", 200),
        text("modalities", 300),
        Field("culture_statement", "answers", keys=ANSWERS),
        Field("sites", "records", nested=SITES),
        Field("contacts", "records", nested=CONTACTS),
    ),
    unique=("key",),
    defines="cdmos",
    order=lambda c, pos: c["key"] or "",
    write=writers.directory,
    read=readers.cdmos,
    fields_map={"__all__": ""},
)

CANDIDATES = Spec(
    "candidates",
    (
        Field("cdmo", "ref", to="cdmos", what="CDMO", required=True),
        Field("bulk_site", "ref", to="sites", what="site", null=True),
        choice(
            "stage",
            lambda: Candidate.Stage.values,
            "stage",
            default=Candidate.Stage.LONG_LIST,
        ),
    ),
    unique=("cdmo",),
    unique_what="candidate",
    unique_at="cdmo",
    defines="candidates",
    defines_by="cdmo",
    order=lambda c, pos: c["cdmo"] or "",
    write=writers.candidates,
    read=readers.candidates,
    fields_map={"cdmo": "cdmo", "bulk_site": "bulk_site"},
)

SCORECARDS = Spec(
    "scorecards",
    (
        candidate(),
        member("evaluator", required=True),
        choice(
            "status",
            lambda: Scorecard.Status.values,
            "scorecard status",
            default=Scorecard.Status.DRAFT,
        ),
        Field(
            "ratings",
            "records",
            nested=Spec(
                "ratings",
                (
                    RATING[0],
                    Field("score", "rating", null=True),
                    RATING[2],
                    Field("rests_on", "evidence", null=True, what="evidence"),
                ),
                unique=("criterion",),
                unique_what="rating of criterion",
                unique_at="criterion",
                order=_by_criterion,
            ),
        ),
    ),
    unique=("candidate", "evaluator"),
    unique_what="scorecard for",
    unique_at="",
    check=checks.scorecard,
    order=lambda s, pos: (s["candidate"] or "", s["evaluator"] or ""),
    write=writers.scorecards,
    read=readers.scorecards,
)

EVIDENCE_RATINGS = Spec(
    "ratings",
    RATING,
    unique=("criterion",),
    unique_what="rating of criterion",
    unique_at="criterion",
    order=_by_criterion,
)

INTERVIEWS = Spec(
    INTERVIEW.bundle_list,
    (
        Field("key", "key", required=True),
        candidate(),
        Field("date", "date", required=True),
        Field("site", "ref", to="sites", what="site", null=True),
        Field("interviewees", "refs", to="contacts", what="contact"),
        Field("interviewers", "refs", to="users", what="user", hint=NOT_A_MEMBER),
        Field("answers", "answers", keys=ANSWERS),
        text("strengths"),
        text("weaknesses"),
        text("gaps"),
        text("notes"),
        Field("ratings", "records", nested=EVIDENCE_RATINGS),
    ),
    unique=("key",),
    check=checks.evidence_record(INTERVIEW),
    order=lambda x, pos: x["key"] or "",
    write=writers.evidence(INTERVIEW, contacts="interviewees", members="interviewers"),
    read=readers.evidence(INTERVIEW, contacts="interviewees", members="interviewers"),
)

SITE_VISITS = Spec(
    SITE_VISIT.bundle_list,
    (
        Field("key", "key", required=True),
        candidate(),
        Field("site", "ref", to="sites", what="site", required=True),
        Field("date", "date", required=True),
        Field("attendees", "refs", to="users", what="user", hint=NOT_A_MEMBER),
        Field("contacts", "refs", to="contacts", what="contact"),
        text("agenda"),
        text("observations"),
        Field("ratings", "records", nested=EVIDENCE_RATINGS),
    ),
    unique=("key",),
    check=checks.evidence_record(SITE_VISIT),
    order=lambda x, pos: x["key"] or "",
    write=writers.evidence(SITE_VISIT, contacts="contacts", members="attendees"),
    read=readers.evidence(SITE_VISIT, contacts="contacts", members="attendees"),
)

FINDINGS = Spec(
    "findings",
    (
        candidate(),
        choice("kind", lambda: Finding.Kind.values, "finding kind", required=True),
        text("text", required=True, blank=False),
        Field(
            "source",
            "evidence",
            required=True,
            choices=lambda: [Finding.Source.NEGOTIATION, Finding.Source.OTHER],
            what="a finding source",
        ),
        text("source_note", 300),
        text("bridging_plan"),
        member("owner", null=True),
        Field("carry_to_msa", "bool", default=False),
        choice(
            "status",
            lambda: Finding.Status.values,
            "finding status",
            default=Finding.Status.OPEN,
        ),
    ),
    order=lambda f, pos: (f["candidate"] or "", f["kind"] or "", f["text"] or ""),
    write=writers.findings,
    read=readers.findings,
    fields_map={k.name: "source" for k in EVIDENCE_KINDS},
)

MILESTONES = Spec(
    "milestones",
    (
        candidate(),
        choice("kind", lambda: Milestone.Kind.values, "milestone kind", required=True),
        Field("date", "date", required=True),
    ),
    unique=("candidate", "kind"),
    unique_what="milestone",
    unique_at="kind",
    order=lambda m, pos: (m["candidate"] or "", pos["milestones"].get(m["kind"], 0)),
    write=writers.milestones,
    read=readers.milestones,
)

INFORMATION_REQUESTS = Spec(
    "information_requests",
    (
        candidate(),
        text("subject", 300, required=True, blank=False),
        Field("sent", "date", required=True),
        Field("due", "date", null=True),
        Field("answered", "date", null=True),
        Field("complete", "bool", default=True),
        member("owner", null=True),
    ),
    order=lambda x, pos: (x["candidate"] or "", str(x["sent"]), x["subject"] or ""),
    write=writers.requests,
    read=readers.requests,
)

ROUNDS = Spec(
    "rounds",
    (
        Field("number", "int", required=True, minimum=1, maximum=SMALL),
        choice(
            "sent_by",
            lambda: AmendmentRound.SentBy.values,
            "sender",
            default=AmendmentRound.SentBy.SPONSOR,
        ),
        Field("sent", "date", required=True),
        Field("returned", "date", null=True),
        count("reviewers"),
        count("comments", MAX_INT),
        count("actionable_comments", MAX_INT),
    ),
    order=lambda x, pos: x["number"] or 0,
)

AGREEMENTS = Spec(
    "agreements",
    (
        candidate(),
        choice("kind", lambda: Agreement.Kind.values, "agreement kind", required=True),
        Field("rounds", "records", nested=ROUNDS),
    ),
    unique=("candidate", "kind"),
    unique_what="agreement",
    unique_at="kind",
    check=checks.agreement,
    order=lambda a, pos: (a["candidate"] or "", pos["agreements"].get(a["kind"], 0)),
    write=writers.agreements,
    read=readers.agreements,
)

ESCALATIONS = Spec(
    "escalations",
    (
        candidate(),
        text("question", required=True, blank=False),
        Field("raised", "date", required=True),
        Field("decided", "date", null=True),
        count("stakeholders"),
        member("owner", null=True),
    ),
    order=lambda x, pos: (x["candidate"] or "", str(x["raised"]), x["question"] or ""),
    write=writers.escalations,
    read=readers.escalations,
)

STEERING_MEETINGS = Spec(
    "steering_meetings",
    (
        candidate(),
        Field("planned", "date", required=True),
        Field("held", "date", null=True),
        text("attendees"),
        text("outcome"),
    ),
    order=lambda x, pos: (x["candidate"] or "", str(x["planned"])),
    write=writers.meetings,
    read=readers.meetings,
)

CONFLICTS = Spec(
    "conflicts",
    (
        member("evaluator", required=True),
        Field("candidate", "ref", to="candidates", what="candidate", null=True),
        text("text"),
        text("override_reason"),
        member("overridden_by", null=True),
    ),
    unique=("evaluator", "candidate"),
    unique_what="conflict declaration by",
    unique_at="",
    check=checks.conflict,
    order=lambda c, pos: (c["evaluator"] or "", c["candidate"] or ""),
    write=writers.conflicts,
    read=readers.conflicts,
    fields_map={"reason": "override_reason", "candidates": "candidate"},
)

CONSENSUS = Spec(
    "consensus",
    (
        candidate(),
        Field("criterion", "ref", to="criteria", what="criterion", required=True),
        Field("score", "rating", required=True),
        text("reason"),
        member("by", required=True),
    ),
    unique=("candidate", "criterion"),
    unique_what="consensus on",
    unique_at="",
    order=lambda c, pos: (c["candidate"] or "", pos["criteria"].get(c["criterion"], 0)),
    write=writers.consensus,
    read=readers.consensus,
)

SPECS: tuple[Spec, ...] = (
    EVALUATION,
    BANDS,
    CATEGORIES,
    CRITERIA,
    USERS,
    CDMOS,
    CANDIDATES,
    SCORECARDS,
    INTERVIEWS,
    SITE_VISITS,
    FINDINGS,
    MILESTONES,
    INFORMATION_REQUESTS,
    AGREEMENTS,
    ESCALATIONS,
    STEERING_MEETINGS,
    CONFLICTS,
    CONSENSUS,
    STAGE_HISTORY,
    DECISION,
)
"""In the order of the document (BUNDLE.md)."""
BY_NAME = {s.name: s for s in SPECS}
LISTS = tuple(s.name for s in SPECS if not s.single)
TOP_LEVEL = ("format", *(s.name for s in SPECS))

# A record is read after what it refers to: ratings rest on evidence.
READ_ORDER = tuple(
    BY_NAME[n]
    for n in (
        "evaluation",
        "bands",
        "categories",
        "criteria",
        "users",
        "cdmos",
        "candidates",
        "interviews",
        "site_visits",
        "scorecards",
        "findings",
        "milestones",
        "information_requests",
        "agreements",
        "escalations",
        "steering_meetings",
        "conflicts",
        "consensus",
        "stage_history",
        "decision",
    )
)
# The criteria and bands are written by the plan; conflicts before scorecards.
WRITE_ORDER = tuple(
    BY_NAME[n]
    for n in (
        "evaluation",
        "criteria",
        "users",
        "cdmos",
        "candidates",
        "interviews",
        "site_visits",
        "findings",
        "conflicts",
        "scorecards",
        "consensus",
        "milestones",
        "information_requests",
        "agreements",
        "escalations",
        "steering_meetings",
        "stage_history",
        "decision",
    )
)
