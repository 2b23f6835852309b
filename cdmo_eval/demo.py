"""Demo data: a realistic evaluation a new user can explore right after `make run`.

Loading is idempotent: every record is matched by a natural key and updated in place,
so running it twice changes nothing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from negotiations.demo import load_negotiations
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
from scorecards import demo as scoring_demo

User = get_user_model()

DEMO_PASSWORD = "demo-cdmo-2026"

USERS = [
    # username, first, last, email, staff
    ("admin", "Ada", "Admin", "admin@sponsor.example", True),
    ("lead", "Laura", "Lindqvist", "lead@sponsor.example", False),
    ("evaluator", "Evan", "Okafor", "evaluator@sponsor.example", False),
    ("evaluator2", "Priya", "Raman", "evaluator2@sponsor.example", False),
    ("procurement", "Paul", "Moreau", "procurement@sponsor.example", False),
    ("observer", "Olivia", "Chen", "observer@sponsor.example", False),
    ("outsider", "Oscar", "Brandt", "outsider@sponsor.example", False),
]

CDMOS = [
    {
        "key": "northbridge",
        "name": "Northbridge Biologics",
        "headquarters": "Dublin, Ireland",
        "website": "https://northbridge.example",
        "ownership": "Private, founder-led",
        "modalities": "Monoclonal antibodies, bispecifics",
        "culture_meaning": "Doing what we said we would, visibly, for every batch.",
        "culture_how_built": "Operators co-own batch-record design; quarterly town "
        "halls where sites present their misses as well as their wins.",
        "culture_customer_impact": "A named project lead with authority to decide, "
        "and weekly open-book schedule reviews.",
        "culture_vision": "The partner clinical-stage biotechs stay with into launch.",
        "sites": [
            (
                "nb-dublin",
                "Dublin bulk plant",
                "Dublin",
                "IE",
                "2×2,000 L single-use bioreactors",
                "commercial",
                "2025-09-18",
                "No observations (FDA PAI)",
            ),
            (
                "nb-cork",
                "Cork clinical suite",
                "Cork",
                "IE",
                "200–500 L clinical trains",
                "clinical",
                "2024-03-05",
                "Two minor observations, closed",
            ),
        ],
        "contacts": [
            ("nb-ceo", "Siobhán Byrne", "Chief Executive", "leadership", "nb-dublin"),
            (
                "nb-bd",
                "Mark Doyle",
                "VP Business Development",
                "business_development",
                None,
            ),
            (
                "nb-ops",
                "Ruairí Kelly",
                "Head of Upstream Operations",
                "operations",
                "nb-dublin",
            ),
            ("nb-qa", "Aoife Walsh", "QA Director", "quality", "nb-dublin"),
        ],
    },
    {
        "key": "helvetica",
        "name": "Helvetica BioManufacturing",
        "headquarters": "Basel, Switzerland",
        "website": "https://helvetica-bio.example",
        "ownership": "Part of a listed life-science group",
        "modalities": "Monoclonal antibodies, ADCs, fill-finish",
        "culture_meaning": "Precision and reliability at scale.",
        "culture_how_built": "Global values programme rolled out by corporate HR.",
        "culture_customer_impact": "Customer steering committees at executive level.",
        "culture_vision": "The world's most trusted biologics network.",
        "sites": [
            (
                "hv-visp",
                "Visp large-scale plant",
                "Visp",
                "CH",
                "6×15,000 L stainless steel",
                "commercial",
                "2025-05-22",
                "Three observations, CAPA in progress",
            ),
            (
                "hv-basel",
                "Basel development centre",
                "Basel",
                "CH",
                "Process development, 50–200 L",
                "clinical",
                "2023-11-14",
                "No observations",
            ),
        ],
        "contacts": [
            ("hv-svp", "Dr. Lukas Meier", "SVP Commercial", "leadership", None),
            (
                "hv-bd",
                "Chiara Rossi",
                "Director Business Development",
                "business_development",
                None,
            ),
            ("hv-pm", "Jonas Weber", "Project Manager", "project_team", "hv-basel"),
        ],
    },
    {
        "key": "cascadia",
        "name": "Cascadia Contract Manufacturing",
        "headquarters": "Seattle, USA",
        "website": "https://cascadia-cm.example",
        "ownership": "Private-equity backed",
        "modalities": "Monoclonal antibodies, fusion proteins",
        "culture_meaning": "Speed without shortcuts.",
        "culture_how_built": "Small cross-functional pods per customer program.",
        "culture_customer_impact": "Daily stand-ups with the sponsor during tech "
        "transfer.",
        "culture_vision": "Fastest path from IND to BLA for small biotechs.",
        "sites": [
            (
                "cc-bothell",
                "Bothell plant",
                "Bothell",
                "US",
                "4×2,000 L single-use",
                "both",
                "2024-12-02",
                "One minor observation, closed",
            ),
        ],
        "contacts": [
            (
                "cc-coo",
                "Megan Hart",
                "Chief Operating Officer",
                "leadership",
                "cc-bothell",
            ),
            ("cc-bd", "Tyler Brooks", "Account Director", "business_development", None),
            (
                "cc-ops",
                "Luis Ortega",
                "Manufacturing Supervisor",
                "operations",
                "cc-bothell",
            ),
            ("cc-pm", "Grace Kim", "Program Manager", "project_team", "cc-bothell"),
        ],
    },
    {
        "key": "sakura",
        "name": "Sakura Pharma Services",
        "headquarters": "Osaka, Japan",
        "website": "https://sakura-ps.example",
        "ownership": "Subsidiary of a pharmaceutical company",
        "modalities": "Monoclonal antibodies, small molecules",
        "culture_meaning": "Monozukuri: craftsmanship in every step.",
        "culture_how_built": "Long tenure, apprenticeship on the plant floor.",
        "culture_customer_impact": "Thorough answers, sometimes slower than asked.",
        "culture_vision": "A bridge for Western biotechs into Asian supply.",
        "sites": [
            (
                "sk-osaka",
                "Osaka biologics plant",
                "Osaka",
                "JP",
                "3×5,000 L stainless",
                "commercial",
                "2025-02-10",
                "No observations (PMDA)",
            ),
        ],
        "contacts": [
            ("sk-gm", "Hiroshi Tanaka", "General Manager", "leadership", "sk-osaka"),
            (
                "sk-bd",
                "Yuki Sato",
                "Business Development Manager",
                "business_development",
                None,
            ),
        ],
    },
    {
        "key": "rheinwerk",
        "name": "Rheinwerk Sterile Solutions",
        "headquarters": "Cologne, Germany",
        "website": "https://rheinwerk.example",
        "ownership": "Family-owned",
        "modalities": "Aseptic fill-finish, lyophilisation",
        "culture_meaning": "Sterility is a promise, not a procedure.",
        "culture_how_built": "Every employee spends a week on the filling line.",
        "culture_customer_impact": "Direct line to the QP releasing the batch.",
        "culture_vision": "Europe's independent fill-finish specialist.",
        "sites": [
            (
                "rw-koeln",
                "Cologne fill-finish",
                "Cologne",
                "DE",
                "Vials and syringes, 40,000 units/h",
                "commercial",
                "2025-07-01",
                "No observations",
            ),
        ],
        "contacts": [
            ("rw-md", "Katrin Vogel", "Managing Director", "leadership", "rw-koeln"),
        ],
    },
]

SITE_SCALE = {
    "nb-dublin": "Commercial, 4,000 L single-use",
    "nb-cork": "Clinical, up to 500 L",
    "hv-visp": "Large commercial, 90,000 L",
    "hv-basel": "Development, up to 200 L",
    "cc-bothell": "Clinical and commercial, 8,000 L",
    "sk-osaka": "Commercial, 15,000 L",
    "rw-koeln": "40,000 units/h",
}

EVALUATIONS = [
    {
        "key": "abx101-ds",
        "name": "ABX-101 drug substance",
        "program": "ABX-101",
        "modality": "monoclonal antibody",
        "phase": "Phase 2",
        "scope": "Drug substance manufacturing for Phase 2b/3 clinical supply with a "
        "path to commercial launch; bulk manufacturing at 2,000 L scale or above.",
        "status": Evaluation.Status.SCORING,
        "as_of": "2026-06-30",
        "response_target_days": 5,
        "members": [
            ("lead", "lead"),
            ("evaluator", "evaluator"),
            ("evaluator2", "evaluator"),
            ("procurement", "procurement"),
            ("observer", "observer"),
        ],
        "candidates": [
            ("northbridge", "nb-dublin", Candidate.Stage.DUE_DILIGENCE),
            ("helvetica", "hv-visp", Candidate.Stage.DUE_DILIGENCE),
            ("cascadia", "cc-bothell", Candidate.Stage.DUE_DILIGENCE),
            ("sakura", "sk-osaka", Candidate.Stage.SHORT_LIST),
        ],
    },
    {
        "key": "zx220-ff",
        "name": "ZX-220 fill-finish",
        "program": "ZX-220",
        "modality": "small molecule (sterile injectable)",
        "phase": "Phase 1",
        "scope": "Aseptic fill-finish of a lyophilised small-molecule injectable.",
        "status": Evaluation.Status.SETUP,
        "as_of": None,
        "response_target_days": 7,
        "members": [("outsider", "lead"), ("lead", "observer")],
        "candidates": [("rheinwerk", "rw-koeln", Candidate.Stage.LONG_LIST)],
    },
]


def _users() -> dict[str, "User"]:
    users = {}
    for username, first, last, email, staff in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": email,
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[username] = user
    # The demo lead may start new evaluations from the app.
    users["lead"].user_permissions.add(
        Permission.objects.get(
            codename="add_evaluation", content_type__app_label="partners"
        )
    )
    return users


def _directory() -> None:
    for data in CDMOS:
        data = dict(data)
        sites, contacts = data.pop("sites"), data.pop("contacts")
        cdmo, _ = Cdmo.objects.update_or_create(key=data.pop("key"), defaults=data)
        for key, name, city, country, caps, stage, inspected, outcome in sites:
            Site.objects.update_or_create(
                key=key,
                defaults={
                    "cdmo": cdmo,
                    "name": name,
                    "city": city,
                    "country": country,
                    "capabilities": caps,
                    "scale": SITE_SCALE.get(key, ""),
                    "stage": stage,
                    "last_inspection_date": inspected,
                    "last_inspection_outcome": outcome,
                },
            )
        for key, name, title, level, site_key in contacts:
            Contact.objects.update_or_create(
                key=key,
                defaults={
                    "cdmo": cdmo,
                    "name": name,
                    "title": title,
                    "level": level,
                    "site": Site.objects.get(key=site_key) if site_key else None,
                    "email": f"{key}@{cdmo.key}.example",
                },
            )


def _evaluations(users) -> list[Evaluation]:
    evaluations = []
    for data in EVALUATIONS:
        data = dict(data)
        members, candidates = data.pop("members"), data.pop("candidates")
        evaluation, _ = Evaluation.objects.update_or_create(
            key=data.pop("key"), defaults={**data, "created_by": users["admin"]}
        )
        for username, role in members:
            Membership.objects.update_or_create(
                evaluation=evaluation, user=users[username], defaults={"role": role}
            )
        for cdmo_key, site_key, stage in candidates:
            Candidate.objects.update_or_create(
                evaluation=evaluation,
                cdmo=Cdmo.objects.get(key=cdmo_key),
                defaults={"bulk_site": Site.objects.get(key=site_key), "stage": stage},
            )
        evaluations.append(evaluation)
    return evaluations


# Interviews: Northbridge's culture pulls through from leadership to operations;
# Helvetica's does not (leadership says one thing, the project team another);
# Cascadia's people who run the work were met; Sakura only through BD.
INTERVIEWS = [
    # key, cdmo, date, site, interviewees, interviewers, answers, notes
    (
        "nb-i1",
        "northbridge",
        "2026-02-10",
        "nb-dublin",
        ["nb-ceo"],
        ["lead"],
        (
            "Keeping promises visibly.",
            "Operators co-design batch records.",
            "One named lead who can decide.",
            "Partner into launch.",
        ),
        "CEO gave concrete examples of missed batches disclosed to clients.",
    ),
    (
        "nb-i2",
        "northbridge",
        "2026-03-04",
        "nb-dublin",
        ["nb-ops", "nb-qa"],
        ["evaluator", "evaluator2"],
        (
            "Same words as the CEO: say what you do, do what you say.",
            "Shift leads run the weekly 'misses' review.",
            "Operators join sponsor calls during campaigns.",
            "Wants our product to be their reference launch.",
        ),
        "Operators described deviations openly; QA director walked us through CAPA "
        "trending without being asked.",
    ),
    (
        "hv-i1",
        "helvetica",
        "2026-02-18",
        "hv-basel",
        ["hv-svp", "hv-bd"],
        ["lead"],
        (
            "Precision and reliability at scale.",
            "Global values programme.",
            "Executive steering committees.",
            "Most trusted network.",
        ),
        "Polished presentation; little about how teams actually work.",
    ),
    (
        "hv-i2",
        "helvetica",
        "2026-03-20",
        "hv-basel",
        ["hv-pm"],
        ["evaluator", "procurement"],
        (
            "Hard to say; corporate sends the slides.",
            "Not really built locally; targets come from the group.",
            "Changes need sign-off from Visp and the group legal team.",
            "Survive the next reorganisation.",
        ),
        "Project manager could not commit to timelines without escalating; the "
        "culture described by leadership did not pull through to the project team.",
    ),
    (
        "cc-i1",
        "cascadia",
        "2026-02-25",
        "cc-bothell",
        ["cc-ops", "cc-pm"],
        ["evaluator2"],
        (
            "Speed without shortcuts.",
            "Pods per program.",
            "Daily stand-ups during transfer.",
            "IND to BLA fast.",
        ),
        "Pods are real; supervisor knew the sponsor programs by name.",
    ),
    (
        "sk-i1",
        "sakura",
        "2026-04-02",
        None,
        ["sk-bd"],
        ["procurement"],
        ("Craftsmanship.", "Long tenure.", "Thorough answers.", "Bridge to Asia."),
        "Remote call with business development only.",
    ),
]

VISITS = [
    # key, cdmo, site, date, attendees, contacts, agenda, observations
    (
        "nb-v1",
        "northbridge",
        "nb-dublin",
        "2026-03-04",
        ["evaluator", "evaluator2"],
        ["nb-ops", "nb-qa"],
        "Plant tour, QA systems review, batch-record walkthrough.",
        "Clean, well-run single-use suites; line clearance observed; good "
        "housekeeping; data-integrity controls on the MES.",
    ),
    (
        "hv-v1",
        "helvetica",
        "hv-basel",
        "2026-03-20",
        ["evaluator", "procurement"],
        ["hv-pm"],
        "Development centre tour.",
        "Visited the development centre only; the Visp bulk plant was not offered.",
    ),
    (
        "cc-v1",
        "cascadia",
        "cc-bothell",
        "2026-02-25",
        ["evaluator2", "lead"],
        ["cc-ops", "cc-pm"],
        "Full plant tour and tech-transfer workshop.",
        "Capacity tight in Q3; warehouse space limited; strong operator training.",
    ),
]

FINDINGS = [
    # cdmo, kind, text, source (kind, key), bridging plan, owner, carry, status
    (
        "northbridge",
        "strength",
        "Operators and QA describe the same culture as the "
        "CEO; deviations discussed openly.",
        ("interview", "nb-i2"),
        "",
        "evaluator",
        False,
        "open",
    ),
    (
        "northbridge",
        "shared_gap",
        "Neither side has a defined path for "
        "commercial-scale process validation timing.",
        ("interview", "nb-i1"),
        "Joint PPQ planning workshop before MSA signature; add timeline to SOW.",
        "lead",
        True,
        "open",
    ),
    (
        "northbridge",
        "weakness",
        "Single bulk site; no backup train for ABX-101.",
        ("site_visit", "nb-v1"),
        "Add business-continuity clause and capacity reservation in the MSA.",
        "procurement",
        True,
        "open",
    ),
    (
        "helvetica",
        "weakness",
        "Project team cannot decide without escalation to group; decisions take weeks.",
        ("interview", "hv-i2"),
        "Steering committee with decision rights named in the governance plan.",
        "lead",
        True,
        "open",
    ),
    (
        "helvetica",
        "weakness",
        "Bulk site Visp not shown; CAPA from 2025 inspection still open.",
        ("site_visit", "hv-v1"),
        "Visit Visp before short-listing; request CAPA closure evidence.",
        "evaluator",
        True,
        "open",
    ),
    (
        "helvetica",
        "strength",
        "Large-scale stainless capacity secures commercial supply.",
        ("other", ""),
        "",
        None,
        False,
        "accepted_risk",
    ),
    (
        "cascadia",
        "strength",
        "Tech-transfer pods with daily stand-ups.",
        ("site_visit", "cc-v1"),
        "",
        "evaluator2",
        False,
        "open",
    ),
    (
        "cascadia",
        "shared_gap",
        "Warehouse space limited for our raw-material safety stock.",
        ("site_visit", "cc-v1"),
        "Sponsor-held safety stock at a 3PL; named in the quality agreement.",
        "procurement",
        True,
        "bridged",
    ),
    (
        "cascadia",
        "weakness",
        "Q3 capacity is tight.",
        ("negotiation", ""),
        "Reserve slots in the SOW with a 6-month firm window.",
        "procurement",
        True,
        "open",
    ),
    (
        "sakura",
        "weakness",
        "Only business development met so far.",
        ("interview", "sk-i1"),
        "Request interviews with operations and QA at Osaka.",
        "evaluator",
        False,
        "open",
    ),
    (
        "sakura",
        "shared_gap",
        "Time-zone gap for batch disposition calls.",
        ("other", ""),
        "Agree an overlap window and deputy QPs in the quality agreement.",
        "lead",
        True,
        "open",
    ),
]


def _evidence(evaluation: Evaluation, users) -> None:
    candidates = {c.cdmo.key: c for c in evaluation.candidates.select_related("cdmo")}
    records = {}
    for key, cdmo, date, site, people, team, answers, notes in INTERVIEWS:
        interview, _ = CultureInterview.objects.update_or_create(
            candidate=candidates[cdmo],
            key=key,
            defaults={
                "date": date,
                "site": Site.objects.get(key=site) if site else None,
                "meaning": answers[0],
                "how_built": answers[1],
                "customer_impact": answers[2],
                "vision": answers[3],
                "notes": notes,
                "created_by": users[team[0]],
            },
        )
        interview.interviewees.set(Contact.objects.filter(key__in=people))
        interview.interviewers.set([users[u] for u in team])
        records[key] = interview
    for key, cdmo, site, date, team, contacts, agenda, observations in VISITS:
        visit, _ = SiteVisit.objects.update_or_create(
            candidate=candidates[cdmo],
            key=key,
            defaults={
                "site": Site.objects.get(key=site),
                "date": date,
                "agenda": agenda,
                "observations": observations,
                "created_by": users[team[0]],
            },
        )
        visit.attendees.set([users[u] for u in team])
        visit.contact_attendees.set(Contact.objects.filter(key__in=contacts))
        records[key] = visit
    for cdmo, kind, text, (source, ref), plan, owner, carry, status in FINDINGS:
        Finding.objects.update_or_create(
            candidate=candidates[cdmo],
            text=text,
            defaults={
                "kind": kind,
                "source": source,
                "interview": records[ref] if source == "interview" else None,
                "visit": records[ref] if source == "site_visit" else None,
                "bridging_plan": plan,
                "owner": users[owner] if owner else None,
                "carry_to_msa": carry,
                "status": status,
                "created_by": users["lead"],
            },
        )


@transaction.atomic
def load_demo() -> list[Evaluation]:
    users = _users()
    _directory()
    evaluations = _evaluations(users)
    _evidence(evaluations[0], users)
    scoring_demo.load(evaluations[0], users)
    load_negotiations(evaluations[0], users)
    return evaluations
