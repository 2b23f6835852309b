"""Demo negotiation records for the ABX-101 evaluation (as of 2026-06-30, target 5).

Northbridge answers in two days and signed its MSA six months after first engagement;
Cascadia is on its ninth MSA round with eleven reviewers a round and slow decisions;
Helvetica lets requests go overdue and is past nine months without signature; Sakura
has only started. Records are matched by their content, so loading twice changes
nothing.
"""

import datetime as dt

from partners.models import Evaluation

from .models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)


def d(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


MILESTONES = {
    "northbridge": [
        ("first_engagement", "2025-09-01"),
        ("cda_signed", "2025-09-12"),
        ("rfp_issued", "2025-10-01"),
        ("proposal_received", "2025-10-20"),
        ("msa_draft", "2025-12-01"),
        ("quality_agreement_signed", "2026-02-16"),
        ("msa_signed", "2026-03-03"),
    ],
    "helvetica": [
        ("first_engagement", "2025-08-18"),
        ("cda_signed", "2025-09-22"),
        ("rfp_issued", "2025-10-20"),
        ("proposal_received", "2025-12-22"),
        ("msa_draft", "2026-03-30"),
    ],
    "cascadia": [
        ("first_engagement", "2025-10-06"),
        ("cda_signed", "2025-10-27"),
        ("rfp_issued", "2025-11-17"),
        ("proposal_received", "2025-12-15"),
        ("msa_draft", "2026-01-12"),
    ],
    "sakura": [
        ("first_engagement", "2026-01-20"),
        ("cda_signed", "2026-02-16"),
        ("rfp_issued", "2026-03-16"),
    ],
}

# cdmo, subject, sent, due, answered, complete, owner
REQUESTS = [
    (
        "northbridge",
        "Batch record template",
        "2025-10-06",
        "2025-10-13",
        "2025-10-08",
        True,
        "procurement",
    ),
    (
        "northbridge",
        "Deviation and CAPA trend, last 24 months",
        "2025-11-03",
        "2025-11-10",
        "2025-11-05",
        True,
        "evaluator",
    ),
    (
        "northbridge",
        "Single-use supplier qualification",
        "2025-12-08",
        "2025-12-15",
        "2025-12-10",
        True,
        "procurement",
    ),
    (
        "northbridge",
        "Capacity reservation terms",
        "2026-01-12",
        "2026-01-19",
        "2026-01-14",
        True,
        "procurement",
    ),
    (
        "helvetica",
        "Batch record template",
        "2025-10-27",
        "2025-11-03",
        "2025-11-14",
        False,
        "procurement",
    ),
    (
        "helvetica",
        "Visp inspection CAPA closure evidence",
        "2026-01-12",
        "2026-01-19",
        "2026-02-20",
        False,
        "evaluator",
    ),
    (
        "helvetica",
        "Tech-transfer team names and roles",
        "2026-03-02",
        "2026-03-09",
        None,
        True,
        "procurement",
    ),
    (
        "helvetica",
        "Raw-material change-control notice period",
        "2026-04-13",
        "2026-04-20",
        None,
        True,
        "evaluator",
    ),
    (
        "helvetica",
        "Pricing for 2 × 2,000 L campaigns",
        "2026-05-18",
        "2026-05-25",
        None,
        True,
        "procurement",
    ),
    (
        "cascadia",
        "Batch record template",
        "2025-11-03",
        "2025-11-10",
        "2025-11-07",
        True,
        "procurement",
    ),
    (
        "cascadia",
        "Warehouse capacity plan",
        "2025-12-01",
        "2025-12-08",
        "2025-12-05",
        False,
        "evaluator2",
    ),
    (
        "cascadia",
        "Q3 slot availability",
        "2026-02-02",
        "2026-02-09",
        "2026-02-06",
        True,
        "procurement",
    ),
    (
        "sakura",
        "Site master file",
        "2026-03-23",
        "2026-03-30",
        "2026-04-01",
        True,
        "procurement",
    ),
    (
        "sakura",
        "Operations and QA interview slots",
        "2026-04-20",
        "2026-04-27",
        "2026-04-28",
        False,
        "evaluator",
    ),
]


def _cascadia_msa_rounds() -> list[tuple]:
    # Nine rounds: out ten days, back, next sent three days later; the ninth is out.
    rounds, sent = [], d("2026-01-19")
    for number in range(1, 10):
        returned = sent + dt.timedelta(days=10) if number < 9 else None
        comments = 60 - 4 * number
        rounds.append((number, "sponsor", sent, returned, 11, comments, comments // 3))
        sent = sent + dt.timedelta(days=13)
    return rounds


# cdmo, kind, rounds: (number, sent_by, sent, returned, reviewers, comments, actionable)
AGREEMENTS = [
    (
        "northbridge",
        "msa",
        [
            (1, "sponsor", d("2025-12-01"), d("2025-12-12"), 3, 22, 18),
            (2, "sponsor", d("2026-01-20"), d("2026-02-02"), 3, 6, 6),
        ],
    ),
    (
        "northbridge",
        "quality_agreement",
        [
            (1, "sponsor", d("2026-01-05"), d("2026-01-16"), 2, 9, 8),
        ],
    ),
    (
        "helvetica",
        "msa",
        [
            (1, "sponsor", d("2026-03-30"), d("2026-04-24"), 7, 48, 20),
            (2, "cdmo", d("2026-05-04"), d("2026-05-29"), 8, 35, 12),
            (3, "sponsor", d("2026-06-08"), None, 7, 0, 0),
        ],
    ),
    ("cascadia", "msa", _cascadia_msa_rounds()),
    (
        "cascadia",
        "sow",
        [
            (1, "sponsor", d("2026-02-16"), d("2026-02-27"), 4, 12, 9),
        ],
    ),
]

# cdmo, question, raised, decided, stakeholders, owner
ESCALATIONS = [
    (
        "northbridge",
        "Capacity reservation fee refundable if the program slips?",
        "2026-01-14",
        "2026-01-16",
        2,
        "procurement",
    ),
    (
        "helvetica",
        "Can the Basel team commit to the tech-transfer timeline?",
        "2026-03-23",
        "2026-04-20",
        6,
        "evaluator",
    ),
    ("helvetica", "Visp visit before short-listing", "2026-05-04", None, 5, "lead"),
    (
        "cascadia",
        "Liability cap for batch failure",
        "2026-02-09",
        "2026-03-16",
        9,
        "procurement",
    ),
    (
        "cascadia",
        "Right to audit sub-suppliers",
        "2026-03-02",
        "2026-04-01",
        8,
        "procurement",
    ),
    (
        "cascadia",
        "Change-control notice period in the MSA",
        "2026-05-25",
        None,
        11,
        "procurement",
    ),
]

# cdmo, planned, held, attendees, outcome
MEETINGS = [
    (
        "helvetica",
        "2026-05-15",
        "2026-05-15",
        "L. Lindqvist, P. Moreau; Dr. L. Meier, C. Rossi, J. Weber",
        "Named J. Weber as decision owner for tech-transfer questions; monthly "
        "cadence agreed.",
    ),
    ("helvetica", "2026-07-10", None, "Same core team", ""),
]


def load_negotiations(evaluation: Evaluation, users) -> None:
    candidates = {c.cdmo.key: c for c in evaluation.candidates.select_related("cdmo")}
    procurement = users["procurement"]
    for cdmo, milestones in MILESTONES.items():
        for kind, date in milestones:
            Milestone.objects.update_or_create(
                candidate=candidates[cdmo], kind=kind, defaults={"date": date}
            )
    for cdmo, subject, sent, due, answered, complete, owner in REQUESTS:
        InformationRequest.objects.update_or_create(
            candidate=candidates[cdmo],
            subject=subject,
            defaults={
                "sent": sent,
                "due": due,
                "answered": answered,
                "complete": complete,
                "owner": users[owner],
                "created_by": users[owner],
            },
        )
    for cdmo, kind, rounds in AGREEMENTS:
        agreement, _ = Agreement.objects.get_or_create(
            candidate=candidates[cdmo], kind=kind
        )
        for number, sent_by, sent, returned, reviewers, comments, actionable in rounds:
            AmendmentRound.objects.update_or_create(
                agreement=agreement,
                number=number,
                defaults={
                    "sent_by": sent_by,
                    "sent": sent,
                    "returned": returned,
                    "reviewers": reviewers,
                    "comments": comments,
                    "actionable_comments": actionable,
                    "created_by": procurement,
                },
            )
    for cdmo, question, raised, decided, stakeholders, owner in ESCALATIONS:
        Escalation.objects.update_or_create(
            candidate=candidates[cdmo],
            question=question,
            defaults={
                "raised": raised,
                "decided": decided,
                "stakeholders": stakeholders,
                "owner": users[owner],
                "created_by": users[owner],
            },
        )
    for cdmo, planned, held, attendees, outcome in MEETINGS:
        SteeringMeeting.objects.update_or_create(
            candidate=candidates[cdmo],
            planned=planned,
            defaults={
                "held": held,
                "attendees": attendees,
                "outcome": outcome,
                "created_by": users["lead"],
            },
        )
