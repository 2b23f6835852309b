"""The demo a new user explores right after `make run`: two evaluations imported
from their bundles through the same importer as any other (ABX-101 from
docs/examples/abx101-ds.json, ZX-220 from docs/examples/zx220-ff.json), and the
people who sign in to them.

Loading is idempotent: an evaluation whose key exists is left as it is and an
existing account keeps its password, so running it twice changes nothing.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from partners.models import Evaluation
from partners.services import user_ensure

from .importer import import_bundle

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
CREATES_EVALUATIONS = {"lead"}
"""Who may start new evaluations from the app (besides staff)."""

BUNDLES = [
    Path(settings.BASE_DIR) / "docs" / "examples" / "abx101-ds.json",
    Path(settings.BASE_DIR) / "docs" / "examples" / "zx220-ff.json",
]


@transaction.atomic
def load_demo() -> list[Evaluation]:
    """The demo evaluations, imported if missing, and their users."""
    for username, first, last, email, staff in USERS:
        user_ensure(
            username=username,
            first_name=first,
            last_name=last,
            email=email,
            password=DEMO_PASSWORD,
            is_staff=staff,
            creates_evaluations=username in CREATES_EVALUATIONS,
        )
    evaluations = []
    for path in BUNDLES:
        doc = json.loads(path.read_text(encoding="utf-8"))
        existing = Evaluation.objects.filter(key=doc["evaluation"]["key"]).first()
        evaluations.append(existing or import_bundle(doc))
    return evaluations
