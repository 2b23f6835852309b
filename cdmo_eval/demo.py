"""Demo data: a realistic evaluation a new user can explore right after `make run`.

Loading is idempotent: every record is matched by a natural key and updated in place,
so running it twice changes nothing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from partners.models import Candidate, Cdmo, Contact, Evaluation, Membership, Site

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
                    "scale": caps.split(" ", 1)[0],
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


@transaction.atomic
def load_demo() -> list[Evaluation]:
    users = _users()
    _directory()
    return _evaluations(users)
