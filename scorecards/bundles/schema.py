"""Check a whole evaluation bundle (BUNDLE.md) before anything is written.

`parse_bundle` walks the document once and collects every problem with its JSON path
(``$.scorecards[2].ratings[0].score: 7 is not a rating (1–5 or null)``); it also
returns the *clean* bundle: the same shape with every default filled and dates as
`datetime.date`, which is what the importer writes and what the exporter produces.
`check_database` adds the problems that depend on what is already stored (the
evaluation key is taken, a site key belongs to another CDMO).

The rules here are the ones the services enforce on content (date order, who may be
named where, amendment-round sequence, what a submitted scorecard holds…), so that the
importer may write historical records directly and still never store anything the
services would refuse.

`to_document` turns a clean bundle into its canonical JSON form: fixed key order,
lists that have no meaningful order sorted by their natural key. Import → export
gives back `canonical(input)`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from negotiations.models import Agreement, AmendmentRound, Milestone
from partners.access import Can, role_can
from partners.models import (
    RESERVED_KEYS,
    Candidate,
    ContactLevel,
    Evaluation,
    Finding,
    Role,
    Site,
)

from ..library.selectors import default_bands as stored_default_bands
from ..models import Kind, Scorecard, Source
from ..rating.models import RATIONALE_REQUIRED
from ..scoring import KNOWN_SIGNALS, Band, validate_bands, validate_curve

FORMAT = "cdmo-eval/1"

ANSWERS = ("meaning", "how_built", "customer_impact", "vision")
LISTS = (
    "users",
    "cdmos",
    "candidates",
    "scorecards",
    "interviews",
    "site_visits",
    "findings",
    "milestones",
    "information_requests",
    "agreements",
    "escalations",
    "steering_meetings",
    "conflicts",
    "consensus",
)
TOP_LEVEL = ("format", "evaluation", "bands", "categories", "criteria", *LISTS)
FINDING_PLAIN_SOURCES = (Finding.Source.NEGOTIATION, Finding.Source.OTHER)
MAX_INT = 2_147_483_647  # PositiveIntegerField
NOT_A_MEMBER = " (not in $.users)"
SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")


@dataclass(frozen=True)
class BundleError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidBundle(Exception):
    """The bundle cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[BundleError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def show(value: Any) -> str:
    """A value as it appears in the document (strings quoted)."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _a(what: str) -> str:
    return ("an " if what[0] in "aeiou" else "a ") + what


def _decimals_ok(v, places: int) -> bool:
    return Decimal(str(v)).as_tuple().exponent >= -places


class _Reader:
    """Collects errors while reading typed fields out of the document."""

    def __init__(self) -> None:
        self.errors: list[BundleError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(BundleError(path, message))

    def record(
        self, value, path: str, fields: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, f"expected an object, got {show(value)}")
            return None
        for name in value:
            if name not in fields:
                self.error(f"{path}.{name}", "unknown field")
        for name in required:
            if name not in value:
                self.error(f"{path}.{name}", "required")
        return value

    def items(self, d: dict, name: str, path: str, *, required=False) -> list:
        if name not in d:
            if required:
                self.error(f"{path}.{name}", "required")
            return []
        value = d[name]
        if not isinstance(value, list):
            self.error(f"{path}.{name}", f"expected a list, got {show(value)}")
            return []
        return value

    def text(
        self,
        d: dict,
        name: str,
        path: str,
        *,
        max_length: int | None = None,
        blank: bool = True,
        null: bool = False,
    ) -> str | None:
        value = d.get(name, None if null else "")
        here = f"{path}.{name}"
        if value is None and null:
            return None
        if not isinstance(value, str):
            self.error(here, f"expected text, got {show(value)}")
            return None
        if not blank and not value.strip():
            self.error(here, "may not be empty")
            return None
        if max_length is not None and len(value) > max_length:
            self.error(here, f"longer than {max_length} characters")
            return None
        return value

    def key(self, d: dict, name: str, path: str, *, null=False) -> str | None:
        value = d.get(name)
        here = f"{path}.{name}"
        if value is None:
            if not null:
                self.error(here, "required")
            return None
        if not isinstance(value, str) or not SLUG.match(value) or len(value) > 64:
            self.error(
                here,
                f"{show(value)} is not a key (letters, digits, - and _; "
                "at most 64 characters)",
            )
            return None
        return value

    def ref(
        self, d: dict, name: str, path: str, known, what: str, *, null=False, hint=""
    ):
        """A reference by key to a record listed elsewhere in the bundle."""
        value = d.get(name)
        here = f"{path}.{name}"
        if value is None:
            if not null:
                self.error(here, "required")
            return None
        if not isinstance(value, str) or value not in known:
            self.error(here, f"unknown {what} {show(value)}{hint}")
            return None
        return value

    def refs(
        self, d: dict, name: str, path: str, known, what: str, hint=""
    ) -> list[str]:
        values = self.items(d, name, path)
        found: list[str] = []
        for i, value in enumerate(values):
            if not isinstance(value, str) or value not in known:
                self.error(f"{path}.{name}[{i}]", f"unknown {what} {show(value)}{hint}")
            elif value in found:
                self.error(f"{path}.{name}[{i}]", f"{what} {show(value)} listed twice")
            else:
                found.append(value)
        return found

    def choice(
        self, d: dict, name: str, path: str, choices, what: str, *, default=None
    ) -> str | None:
        here = f"{path}.{name}"
        if name not in d and default is not None:
            return default
        value = d.get(name)
        if value is None:
            self.error(here, "required")
            return None
        if value not in list(choices):
            self.error(
                here,
                f"{show(value)} is not {_a(what)} ({', '.join(map(str, choices))})",
            )
            return None
        return value

    def integer(
        self,
        d: dict,
        name: str,
        path: str,
        *,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        here = f"{path}.{name}"
        if name not in d:
            if default is None:
                self.error(here, "required")
            return default
        value = d[name]
        if not _is_int(value):
            self.error(here, f"{show(value)} is not a whole number")
            return None
        if minimum is not None and value < minimum:
            self.error(here, f"{value} is below {minimum}")
            return None
        if maximum is not None and value > maximum:
            self.error(here, f"{value} is above {maximum}")
            return None
        return value

    def boolean(self, d: dict, name: str, path: str, *, default: bool) -> bool | None:
        value = d.get(name, default)
        if not isinstance(value, bool):
            self.error(f"{path}.{name}", f"{show(value)} is not true or false")
            return None
        return value

    def date(
        self, d: dict, name: str, path: str, *, null: bool = False
    ) -> dt.date | None:
        here = f"{path}.{name}"
        value = d.get(name)
        if value is None:
            if not null:
                self.error(here, "required")
            return None
        try:
            if not isinstance(value, str) or not re.fullmatch(
                r"\d{4}-\d{2}-\d{2}", value
            ):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(here, f"{show(value)} is not a date (YYYY-MM-DD)")
            return None

    def unique(self, seen: set, value, path: str, what: str = "key") -> None:
        if value is None:
            return
        if value in seen:
            self.error(path, f"duplicate {what} {show(value)}")
        seen.add(value)


# --- the parts of a bundle ------------------------------------------------------------


def _not_reserved(r: _Reader, key: str | None, path: str) -> None:
    # As partners.models.validate_not_reserved: /evaluations/new/, /cdmos/new/ …
    if key in RESERVED_KEYS:
        r.error(f"{path}.key", f"{show(key)} is reserved; choose another key")


def _evaluation(r: _Reader, doc: dict) -> dict | None:
    path = "$.evaluation"
    if "evaluation" not in doc:
        r.error(path, "required")
        return None
    d = r.record(
        doc["evaluation"],
        path,
        (
            "key",
            "name",
            "program",
            "modality",
            "phase",
            "scope",
            "status",
            "as_of",
            "response_target_days",
            "sensitivity_delta",
        ),
        ("key", "name", "program"),
    )
    if d is None:
        return None
    key = r.key(d, "key", path)
    _not_reserved(r, key, path)
    delta = d.get("sensitivity_delta", 0.2)
    if not _is_number(delta) or not 0 <= delta <= 0.9 or not _decimals_ok(delta, 2):
        r.error(
            f"{path}.sensitivity_delta",
            f"{show(delta)} is not a sensitivity δ (0–0.9, two decimals at most)",
        )
        delta = None
    return {
        "key": key,
        "name": r.text(d, "name", path, max_length=200, blank=False),
        "program": r.text(d, "program", path, max_length=100, blank=False),
        "modality": r.text(d, "modality", path, max_length=100),
        "phase": r.text(d, "phase", path, max_length=50),
        "scope": r.text(d, "scope", path),
        "status": r.choice(
            d,
            "status",
            path,
            Evaluation.Status.values,
            "status",
            default=Evaluation.Status.SETUP,
        ),
        "as_of": r.date(d, "as_of", path, null=True),
        "response_target_days": r.integer(
            d, "response_target_days", path, default=5, minimum=1, maximum=32767
        ),
        "sensitivity_delta": None if delta is None else float(delta),
    }


def _bands(r: _Reader, doc: dict) -> list[dict] | None:
    if "bands" not in doc or doc["bands"] is None:
        return None  # the importer uses the default standing bands
    bands = []
    for i, item in enumerate(r.items(doc, "bands", "$")):
        path = f"$.bands[{i}]"
        d = r.record(item, path, ("label", "low", "high"), ("label", "low", "high"))
        if d is None:
            continue
        band = {"label": r.text(d, "label", path, max_length=60, blank=False)}
        for name in ("low", "high"):
            v = d.get(name)
            if not _is_number(v) or not 0 <= v <= 100 or not _decimals_ok(v, 1):
                r.error(f"{path}.{name}", f"{show(v)} is not a score (0–100)")
                v = None
            band[name] = None if v is None else float(v)
        bands.append(band)
    if bands and all(None not in b.values() for b in bands):
        for message in validate_bands([Band(**b) for b in bands]):
            r.error("$.bands", message)
    return bands


def _categories(r: _Reader, doc: dict) -> list[dict]:
    out, seen = [], set()
    for i, item in enumerate(r.items(doc, "categories", "$", required=True)):
        path = f"$.categories[{i}]"
        d = r.record(item, path, ("key", "name", "weight"), ("key", "name", "weight"))
        if d is None:
            continue
        key = r.key(d, "key", path)
        r.unique(seen, key, f"{path}.key")
        out.append(
            {
                "key": key,
                "name": r.text(d, "name", path, max_length=200, blank=False),
                "weight": r.integer(d, "weight", path, minimum=1, maximum=32767),
            }
        )
    return out


def _anchors(r: _Reader, d: dict, path: str) -> dict:
    value = d.get("anchors", {})
    if not isinstance(value, dict):
        r.error(f"{path}.anchors", f"expected an object, got {show(value)}")
        return {}
    out = {}
    for k, text in value.items():
        if k not in ("1", "2", "3", "4", "5"):
            r.error(f"{path}.anchors.{k}", f"{show(k)} is not a rating (1–5)")
        elif not isinstance(text, str) or len(text) > 300:
            r.error(f"{path}.anchors.{k}", "expected text of at most 300 characters")
        else:
            out[k] = text
    return out


def _criteria(
    r: _Reader, doc: dict, categories: set[str], *, in_setup: bool
) -> list[dict]:
    out, seen = [], set()
    fields = (
        "key",
        "category",
        "name",
        "description",
        "weight",
        "kind",
        "sources",
        "gate_threshold",
        "signal",
        "curve",
        "anchors",
    )
    # An evaluation still being set up may not have chosen its criteria yet.
    items = r.items(doc, "criteria", "$", required=not in_setup)
    if "criteria" in doc and not items and not in_setup:
        r.error("$.criteria", "an evaluation needs at least one criterion")
    for i, item in enumerate(items):
        path = f"$.criteria[{i}]"
        d = r.record(item, path, fields, ("key", "category", "name", "weight"))
        if d is None:
            continue
        key = r.key(d, "key", path)
        r.unique(seen, key, f"{path}.key")
        kind = r.choice(d, "kind", path, Kind.values, "kind", default=Kind.RATED)
        c = {
            "key": key,
            "category": r.ref(d, "category", path, categories, "category"),
            "name": r.text(d, "name", path, max_length=200, blank=False),
            "description": r.text(d, "description", path),
            "weight": r.integer(d, "weight", path, minimum=1, maximum=32767),
            "kind": kind,
            "sources": [],
            "gate_threshold": None,
            "signal": None,
            "curve": [],
            "anchors": _anchors(r, d, path),
        }
        if kind == Kind.RATED:
            default = [Source.SCORECARD] if "sources" not in d else []
            sources = r.items(d, "sources", path) or default
            for j, s in enumerate(sources):
                if s not in Source.values:
                    r.error(
                        f"{path}.sources[{j}]",
                        f"{show(s)} is not a source ({', '.join(Source.values)})",
                    )
            c["sources"] = [s for s in Source.values if s in sources]
            if not sources:
                r.error(
                    f"{path}.sources",
                    "a rated criterion needs at least one source that may rate it",
                )
            gate = d.get("gate_threshold")
            if gate is not None:
                if not _is_number(gate) or not 1 <= gate <= 5:
                    r.error(
                        f"{path}.gate_threshold",
                        f"{show(gate)} is not a gate threshold (1–5)",
                    )
                elif not _decimals_ok(gate, 1):
                    r.error(f"{path}.gate_threshold", "one decimal at most")
                else:
                    c["gate_threshold"] = float(gate)
            for name in ("signal", "curve"):
                if d.get(name):
                    r.error(
                        f"{path}.{name}",
                        "only derived criteria have a signal and a curve",
                    )
        elif kind == Kind.DERIVED:
            signal = d.get("signal")
            if signal not in KNOWN_SIGNALS:
                r.error(
                    f"{path}.signal",
                    f"unknown signal {show(signal)} ({', '.join(KNOWN_SIGNALS)})",
                )
            c["signal"] = signal
            curve = d.get("curve")
            if not isinstance(curve, list):
                r.error(f"{path}.curve", "expected a list of [x, score] points")
            else:
                ok = all(isinstance(p, list | tuple) for p in curve)
                problems = (
                    validate_curve(curve) if ok else ["points must be [x, score]"]
                )
                for message in problems:
                    r.error(f"{path}.curve", message)
                c["curve"] = [list(p) for p in curve] if ok else []
            if d.get("gate_threshold") is not None:
                r.error(
                    f"{path}.gate_threshold",
                    "gates apply to rated criteria; a derived criterion has no "
                    "1–5 rating to compare",
                )
            if d.get("sources"):
                r.error(f"{path}.sources", "a derived criterion is not rated")
        out.append(c)
    return out


def _users(r: _Reader, doc: dict) -> list[dict]:
    out, seen = [], set()
    validator = UnicodeUsernameValidator()
    for i, item in enumerate(r.items(doc, "users", "$")):
        path = f"$.users[{i}]"
        d = r.record(item, path, ("username", "role"), ("username", "role"))
        if d is None:
            continue
        username = r.text(d, "username", path, max_length=150, blank=False)
        if username:
            try:
                validator(username)
            except ValidationError:
                r.error(f"{path}.username", f"{show(username)} is not a username")
                username = None
        r.unique(seen, username, f"{path}.username", "username")
        out.append(
            {
                "username": username,
                "role": r.choice(d, "role", path, Role.values, "role"),
            }
        )
    return out


def _cdmos(r: _Reader, doc: dict) -> list[dict]:
    out, seen, site_keys, contact_keys = [], set(), set(), set()
    url = URLValidator()
    for i, item in enumerate(r.items(doc, "cdmos", "$")):
        path = f"$.cdmos[{i}]"
        d = r.record(
            item,
            path,
            (
                "key",
                "name",
                "headquarters",
                "website",
                "ownership",
                "modalities",
                "culture_statement",
                "sites",
                "contacts",
            ),
            ("key", "name"),
        )
        if d is None:
            continue
        key = r.key(d, "key", path)
        _not_reserved(r, key, path)
        r.unique(seen, key, f"{path}.key")
        website = r.text(d, "website", path, max_length=200)
        if website:
            try:
                url(website)
            except ValidationError:
                r.error(f"{path}.website", f"{show(website)} is not a web address")
        statement = {a: "" for a in ANSWERS}
        cs = d.get("culture_statement", {})
        if r.record(cs, f"{path}.culture_statement", ANSWERS) is not None:
            statement = {a: r.text(cs, a, f"{path}.culture_statement") for a in ANSWERS}
        sites = []
        for j, s in enumerate(r.items(d, "sites", path)):
            sp = f"{path}.sites[{j}]"
            sd = r.record(
                s,
                sp,
                (
                    "key",
                    "name",
                    "city",
                    "country",
                    "capabilities",
                    "scale",
                    "stage",
                    "last_inspection_date",
                    "last_inspection_outcome",
                ),
                ("key", "name"),
            )
            if sd is None:
                continue
            site_key = r.key(sd, "key", sp)
            r.unique(site_keys, site_key, f"{sp}.key")
            stage = sd.get("stage", "")
            if stage not in ("", *Site.Stage.values):
                r.error(
                    f"{sp}.stage",
                    f"{show(stage)} is not a site stage "
                    f"({', '.join(Site.Stage.values)} or empty)",
                )
            sites.append(
                {
                    "key": site_key,
                    "name": r.text(sd, "name", sp, max_length=200, blank=False),
                    "city": r.text(sd, "city", sp, max_length=100),
                    "country": r.text(sd, "country", sp, max_length=2),
                    "capabilities": r.text(sd, "capabilities", sp),
                    "scale": r.text(sd, "scale", sp, max_length=200),
                    "stage": stage,
                    "last_inspection_date": r.date(
                        sd, "last_inspection_date", sp, null=True
                    ),
                    "last_inspection_outcome": r.text(
                        sd, "last_inspection_outcome", sp, max_length=300
                    ),
                }
            )
        own_sites = {s["key"] for s in sites if s["key"]}
        contacts = []
        for j, c in enumerate(r.items(d, "contacts", path)):
            cp = f"{path}.contacts[{j}]"
            cd = r.record(
                c,
                cp,
                ("key", "name", "title", "level", "site", "email"),
                ("key", "name", "level"),
            )
            if cd is None:
                continue
            contact_key = r.key(cd, "key", cp)
            r.unique(contact_keys, contact_key, f"{cp}.key")
            email = r.text(cd, "email", cp, max_length=254)
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    r.error(f"{cp}.email", f"{show(email)} is not an email address")
            contacts.append(
                {
                    "key": contact_key,
                    "name": r.text(cd, "name", cp, max_length=200, blank=False),
                    "title": r.text(cd, "title", cp, max_length=200),
                    "level": r.choice(
                        cd, "level", cp, ContactLevel.values, "contact level"
                    ),
                    "site": r.ref(cd, "site", cp, own_sites, "site", null=True),
                    "email": email,
                }
            )
        out.append(
            {
                "key": key,
                "name": r.text(d, "name", path, max_length=200, blank=False),
                "headquarters": r.text(d, "headquarters", path, max_length=200),
                "website": website,
                "ownership": r.text(d, "ownership", path, max_length=200),
                "modalities": r.text(d, "modalities", path, max_length=300),
                "culture_statement": statement,
                "sites": sites,
                "contacts": contacts,
            }
        )
    return out


class _Context:
    """What later parts of the bundle may refer to."""

    def __init__(self, criteria, users, cdmos) -> None:
        self.criteria = {c["key"]: c for c in criteria if c["key"]}
        self.criterion_order = list(self.criteria)
        self.roles = {u["username"]: u["role"] for u in users if u["username"]}
        self.sites = {
            s["key"]: c["key"]
            for c in cdmos
            for s in c["sites"]
            if s["key"] and c["key"]
        }
        self.contacts = {
            k["key"]: c["key"]
            for c in cdmos
            for k in c["contacts"]
            if k["key"] and c["key"]
        }
        self.candidates: set[str] = set()


def _candidates(r: _Reader, doc: dict, cdmos: set[str], sites: dict) -> list[dict]:
    out, seen = [], set()
    for i, item in enumerate(r.items(doc, "candidates", "$")):
        path = f"$.candidates[{i}]"
        d = r.record(item, path, ("cdmo", "bulk_site", "stage"), ("cdmo",))
        if d is None:
            continue
        cdmo = r.ref(d, "cdmo", path, cdmos, "CDMO")
        r.unique(seen, cdmo, f"{path}.cdmo", "candidate")
        bulk = r.ref(d, "bulk_site", path, sites, "site", null=True)
        if bulk and cdmo and sites[bulk] != cdmo:
            r.error(f"{path}.bulk_site", f"site {show(bulk)} is not one of {cdmo}'s")
            bulk = None
        out.append(
            {
                "cdmo": cdmo,
                "bulk_site": bulk,
                "stage": r.choice(
                    d,
                    "stage",
                    path,
                    Candidate.Stage.values,
                    "stage",
                    default=Candidate.Stage.LONG_LIST,
                ),
            }
        )
    return out


def _member(r: _Reader, d: dict, name: str, path: str, ctx: _Context, *, null=False):
    return r.ref(d, name, path, ctx.roles, "user", null=null, hint=NOT_A_MEMBER)


def _own_site(r, d, name, path, ctx, candidate, *, null=False):
    site = r.ref(d, name, path, ctx.sites, "site", null=null)
    if site and candidate and ctx.sites[site] != candidate:
        r.error(f"{path}.{name}", f"site {show(site)} is not one of {candidate}'s")
        return None
    return site


def _own_contacts(r, d, name, path, ctx, candidate) -> list[str]:
    keys = r.refs(d, name, path, ctx.contacts, "contact")
    given = d.get(name)
    for i, key in enumerate(given if isinstance(given, list) else []):
        if key in keys and candidate and ctx.contacts[key] != candidate:
            r.error(f"{path}.{name}[{i}]", f"{show(key)} does not work for {candidate}")
    return keys


def _ratings(
    r: _Reader, d: dict, path: str, ctx: _Context, source: str, *, nullable: bool
) -> list[dict]:
    out, seen = [], set()
    fields = ("criterion", "score", "rationale")
    if source == Source.SCORECARD:
        fields += ("rests_on",)
    for i, item in enumerate(r.items(d, "ratings", path)):
        rp = f"{path}.ratings[{i}]"
        rd = r.record(item, rp, fields, ("criterion", "score"))
        if rd is None:
            continue
        key = r.ref(rd, "criterion", rp, ctx.criteria, "criterion")
        r.unique(seen, key, f"{rp}.criterion", "rating of criterion")
        if key:
            c = ctx.criteria[key]
            if c["kind"] != Kind.RATED or source not in c["sources"]:
                what = {
                    Source.SCORECARD: "on scorecards",
                    Source.INTERVIEW: "in culture interviews",
                    Source.SITE_VISIT: "on site visits",
                }[source]
                r.error(f"{rp}.criterion", f"{show(key)} is not rated {what}")
        score = rd.get("score")
        if not (_is_int(score) and 1 <= score <= 5) and not (
            nullable and score is None
        ):
            r.error(
                f"{rp}.score",
                f"{show(score)} is not a rating (1–5{' or null' if nullable else ''})",
            )
        rating = {
            "criterion": key,
            "score": score,
            "rationale": r.text(rd, "rationale", rp),
        }
        if source == Source.SCORECARD:
            rating["rests_on"] = rd.get("rests_on")
        out.append(rating)
    return out


def _scorecards(r: _Reader, doc: dict, ctx: _Context) -> list[dict]:
    out, seen = [], set()
    for i, item in enumerate(r.items(doc, "scorecards", "$")):
        path = f"$.scorecards[{i}]"
        d = r.record(
            item,
            path,
            ("candidate", "evaluator", "status", "ratings"),
            ("candidate", "evaluator"),
        )
        if d is None:
            continue
        candidate = r.ref(d, "candidate", path, ctx.candidates, "candidate")
        evaluator = _member(r, d, "evaluator", path, ctx)
        if evaluator and not role_can(ctx.roles[evaluator], Can.SCORE):
            r.error(
                f"{path}.evaluator",
                f"{evaluator} is {ctx.roles[evaluator]}; only leads and evaluators "
                "fill in scorecards",
            )
        if candidate and evaluator:
            r.unique(seen, (candidate, evaluator), path, "scorecard for")
        status = r.choice(
            d,
            "status",
            path,
            Scorecard.Status.values,
            "scorecard status",
            default=Scorecard.Status.DRAFT,
        )
        ratings = _ratings(r, d, path, ctx, Source.SCORECARD, nullable=True)
        if status == Scorecard.Status.SUBMITTED:
            _check_submitted(r, path, ctx, ratings)
        out.append(
            {
                "candidate": candidate,
                "evaluator": evaluator,
                "status": status,
                "ratings": ratings,
            }
        )
    return out


def _check_submitted(r: _Reader, path: str, ctx: _Context, ratings) -> None:
    """A submitted scorecard rates every scorecard criterion (or says n/a), and
    explains its ratings of 1, 2 and 5 (rating.selectors.missing_for_submit)."""
    rated = {x["criterion"] for x in ratings}
    missing = [
        k
        for k, c in ctx.criteria.items()
        if c["kind"] == Kind.RATED
        and Source.SCORECARD in c["sources"]
        and k not in rated
    ]
    if missing:
        r.error(
            f"{path}.ratings",
            "a submitted scorecard rates every scorecard criterion (or null for "
            f"not applicable); missing: {', '.join(missing)}",
        )
    for i, x in enumerate(ratings):
        if x["score"] in RATIONALE_REQUIRED and not (x["rationale"] or "").strip():
            r.error(
                f"{path}.ratings[{i}].rationale",
                f"a rating of {x['score']} needs a rationale",
            )


def _evidence(r: _Reader, doc: dict, ctx: _Context) -> tuple[list, list]:
    interviews, visits = [], []
    seen: set = set()
    for i, item in enumerate(r.items(doc, "interviews", "$")):
        path = f"$.interviews[{i}]"
        d = r.record(
            item,
            path,
            (
                "key",
                "candidate",
                "date",
                "site",
                "interviewees",
                "interviewers",
                "answers",
                "strengths",
                "weaknesses",
                "gaps",
                "notes",
                "ratings",
            ),
            ("key", "candidate", "date"),
        )
        if d is None:
            continue
        key = r.key(d, "key", path)
        r.unique(seen, key, f"{path}.key")
        candidate = r.ref(d, "candidate", path, ctx.candidates, "candidate")
        answers = {a: "" for a in ANSWERS}
        given = d.get("answers", {})
        if r.record(given, f"{path}.answers", ANSWERS) is not None:
            answers = {a: r.text(given, a, f"{path}.answers") for a in ANSWERS}
        interviews.append(
            {
                "key": key,
                "candidate": candidate,
                "date": r.date(d, "date", path),
                "site": _own_site(r, d, "site", path, ctx, candidate, null=True),
                "interviewees": _own_contacts(
                    r, d, "interviewees", path, ctx, candidate
                ),
                "interviewers": r.refs(
                    d, "interviewers", path, ctx.roles, "user", NOT_A_MEMBER
                ),
                "answers": answers,
                "strengths": r.text(d, "strengths", path),
                "weaknesses": r.text(d, "weaknesses", path),
                "gaps": r.text(d, "gaps", path),
                "notes": r.text(d, "notes", path),
                "ratings": _ratings(r, d, path, ctx, Source.INTERVIEW, nullable=False),
            }
        )
    seen = set()
    for i, item in enumerate(r.items(doc, "site_visits", "$")):
        path = f"$.site_visits[{i}]"
        d = r.record(
            item,
            path,
            (
                "key",
                "candidate",
                "site",
                "date",
                "attendees",
                "contacts",
                "agenda",
                "observations",
                "ratings",
            ),
            ("key", "candidate", "site", "date"),
        )
        if d is None:
            continue
        key = r.key(d, "key", path)
        r.unique(seen, key, f"{path}.key")
        candidate = r.ref(d, "candidate", path, ctx.candidates, "candidate")
        visits.append(
            {
                "key": key,
                "candidate": candidate,
                "site": _own_site(r, d, "site", path, ctx, candidate),
                "date": r.date(d, "date", path),
                "attendees": r.refs(
                    d, "attendees", path, ctx.roles, "user", NOT_A_MEMBER
                ),
                "contacts": _own_contacts(r, d, "contacts", path, ctx, candidate),
                "agenda": r.text(d, "agenda", path),
                "observations": r.text(d, "observations", path),
                "ratings": _ratings(r, d, path, ctx, Source.SITE_VISIT, nullable=False),
            }
        )
    return interviews, visits


def _evidence_ref(value, path: str, r: _Reader, records: dict, candidate) -> None:
    """``interview:KEY`` / ``site_visit:KEY`` naming a record of the same candidate."""
    kind, _sep, key = value.partition(":")
    found = records.get(kind, {}).get(key)
    if found is None:
        r.error(path, f"unknown {kind.replace('_', ' ')} {show(key)}")
    elif candidate and found != candidate:
        r.error(path, f"{kind.replace('_', ' ')} {show(key)} is about {found}")


def _link_ratings(r: _Reader, scorecards, records: dict) -> None:
    for i, sc in enumerate(scorecards):
        for j, rating in enumerate(sc["ratings"]):
            value = rating["rests_on"]
            path = f"$.scorecards[{i}].ratings[{j}].rests_on"
            if value is None:
                continue
            if not isinstance(value, str) or value.partition(":")[0] not in (
                "interview",
                "site_visit",
            ):
                r.error(
                    path,
                    f"{show(value)} is not evidence (interview:KEY or site_visit:KEY)",
                )
                continue
            _evidence_ref(value, path, r, records, sc["candidate"])


def _findings(r: _Reader, doc: dict, ctx: _Context, records: dict) -> list[dict]:
    out = []
    for i, item in enumerate(r.items(doc, "findings", "$")):
        path = f"$.findings[{i}]"
        d = r.record(
            item,
            path,
            (
                "candidate",
                "kind",
                "text",
                "source",
                "source_note",
                "bridging_plan",
                "owner",
                "carry_to_msa",
                "status",
            ),
            ("candidate", "kind", "text", "source"),
        )
        if d is None:
            continue
        candidate = r.ref(d, "candidate", path, ctx.candidates, "candidate")
        source = d.get("source")
        if isinstance(source, str) and source.partition(":")[0] in (
            "interview",
            "site_visit",
        ):
            _evidence_ref(source, f"{path}.source", r, records, candidate)
        elif source not in FINDING_PLAIN_SOURCES:
            r.error(
                f"{path}.source",
                f"{show(source)} is not a finding source (interview:KEY, "
                "site_visit:KEY, negotiation, other)",
            )
        out.append(
            {
                "candidate": candidate,
                "kind": r.choice(d, "kind", path, Finding.Kind.values, "finding kind"),
                "text": r.text(d, "text", path, blank=False),
                "source": source,
                "source_note": r.text(d, "source_note", path, max_length=300),
                "bridging_plan": r.text(d, "bridging_plan", path),
                "owner": _member(r, d, "owner", path, ctx, null=True),
                "carry_to_msa": r.boolean(d, "carry_to_msa", path, default=False),
                "status": r.choice(
                    d,
                    "status",
                    path,
                    Finding.Status.values,
                    "finding status",
                    default=Finding.Status.OPEN,
                ),
            }
        )
    return out


def _not_before(r: _Reader, path: str, later, earlier, message: str) -> None:
    if later is not None and earlier is not None and later < earlier:
        r.error(path, message)


def _milestones(r: _Reader, doc: dict, ctx: _Context) -> list[dict]:
    out, seen = [], set()
    for i, item in enumerate(r.items(doc, "milestones", "$")):
        path = f"$.milestones[{i}]"
        d = r.record(
            item, path, ("candidate", "kind", "date"), ("candidate", "kind", "date")
        )
        if d is None:
            continue
        candidate = r.ref(d, "candidate", path, ctx.candidates, "candidate")
        kind = r.choice(d, "kind", path, Milestone.Kind.values, "milestone kind")
        if candidate and kind:
            r.unique(seen, (candidate, kind), f"{path}.kind", "milestone")
        out.append(
            {"candidate": candidate, "kind": kind, "date": r.date(d, "date", path)}
        )
    # negotiations.services.milestones_save: nothing before the first engagement, and
    # the MSA is not signed before its draft was received.
    dates = {(m["candidate"], m["kind"]): m["date"] for m in out}
    for i, m in enumerate(out):
        first = dates.get((m["candidate"], Milestone.Kind.FIRST_ENGAGEMENT))
        _not_before(
            r,
            f"$.milestones[{i}].date",
            m["date"],
            first,
            f"before the first engagement ({first})",
        )
        if m["kind"] == Milestone.Kind.MSA_SIGNED:
            draft = dates.get((m["candidate"], Milestone.Kind.MSA_DRAFT))
            _not_before(
                r,
                f"$.milestones[{i}].date",
                m["date"],
                draft,
                f"the MSA cannot be signed before its draft was received ({draft})",
            )
    return out


def _requests(r: _Reader, doc: dict, ctx: _Context, target: int | None) -> list:
    out = []
    for i, item in enumerate(r.items(doc, "information_requests", "$")):
        path = f"$.information_requests[{i}]"
        d = r.record(
            item,
            path,
            ("candidate", "subject", "sent", "due", "answered", "complete", "owner"),
            ("candidate", "subject", "sent"),
        )
        if d is None:
            continue
        sent = r.date(d, "sent", path)
        due = r.date(d, "due", path, null=True)
        if d.get("due") is None:
            # request_save: without a due date it is due after the response target.
            due = sent + dt.timedelta(days=target) if sent and target else None
        answered = r.date(d, "answered", path, null=True)
        _not_before(
            r,
            f"{path}.answered",
            answered,
            sent,
            f"answered before it was sent ({sent})",
        )
        _not_before(r, f"{path}.due", due, sent, f"due before it was sent ({sent})")
        out.append(
            {
                "candidate": r.ref(d, "candidate", path, ctx.candidates, "candidate"),
                "subject": r.text(d, "subject", path, max_length=300, blank=False),
                "sent": sent,
                "due": due,
                "answered": answered,
                "complete": r.boolean(d, "complete", path, default=True),
                "owner": _member(r, d, "owner", path, ctx, null=True),
            }
        )
    return out


def _agreements(r: _Reader, doc: dict, ctx: _Context) -> list[dict]:
    out, seen = [], set()
    round_fields = (
        "number",
        "sent_by",
        "sent",
        "returned",
        "reviewers",
        "comments",
        "actionable_comments",
    )
    for i, item in enumerate(r.items(doc, "agreements", "$")):
        path = f"$.agreements[{i}]"
        d = r.record(
            item, path, ("candidate", "kind", "rounds"), ("candidate", "kind", "rounds")
        )
        if d is None:
            continue
        candidate = r.ref(d, "candidate", path, ctx.candidates, "candidate")
        kind = r.choice(d, "kind", path, Agreement.Kind.values, "agreement kind")
        if candidate and kind:
            r.unique(seen, (candidate, kind), f"{path}.kind", "agreement")
        rounds = []
        items = r.items(d, "rounds", path, required=True)
        if "rounds" in d and not items:
            r.error(f"{path}.rounds", "an agreement starts with its first round")
        for j, x in enumerate(items):
            rp = f"{path}.rounds[{j}]"
            rd = r.record(x, rp, round_fields, ("number", "sent"))
            if rd is None:
                continue
            number = r.integer(rd, "number", rp, minimum=1, maximum=32767)
            if number is not None and number != j + 1:
                r.error(
                    f"{rp}.number",
                    f"expected round {j + 1}: rounds are numbered 1, 2, 3… in order",
                )
            sent = r.date(rd, "sent", rp)
            returned = r.date(rd, "returned", rp, null=True)
            comments = r.integer(
                rd, "comments", rp, default=0, minimum=0, maximum=MAX_INT
            )
            actionable = r.integer(
                rd, "actionable_comments", rp, default=0, minimum=0, maximum=MAX_INT
            )
            _not_before(
                r,
                f"{rp}.returned",
                returned,
                sent,
                f"returned before it was sent ({sent})",
            )
            if None not in (comments, actionable) and actionable > comments:
                r.error(
                    f"{rp}.actionable_comments",
                    f"actionable comments ({actionable}) cannot outnumber the "
                    f"comments ({comments})",
                )
            if rounds and sent:
                previous = rounds[-1]
                if previous["returned"] is None and previous["sent"] is not None:
                    r.error(
                        f"{rp}.sent",
                        f"round {j} has not been returned: a round is sent only "
                        "once the previous one came back",
                    )
                _not_before(
                    r,
                    f"{rp}.sent",
                    sent,
                    previous["returned"],
                    f"sent before round {j} was returned ({previous['returned']})",
                )
            rounds.append(
                {
                    "number": number,
                    "sent_by": r.choice(
                        rd,
                        "sent_by",
                        rp,
                        AmendmentRound.SentBy.values,
                        "sender",
                        default=AmendmentRound.SentBy.SPONSOR,
                    ),
                    "sent": sent,
                    "returned": returned,
                    "reviewers": r.integer(
                        rd, "reviewers", rp, default=0, minimum=0, maximum=32767
                    ),
                    "comments": comments,
                    "actionable_comments": actionable,
                }
            )
        out.append({"candidate": candidate, "kind": kind, "rounds": rounds})
    return out


def _escalations(r: _Reader, doc: dict, ctx: _Context) -> list[dict]:
    out = []
    for i, item in enumerate(r.items(doc, "escalations", "$")):
        path = f"$.escalations[{i}]"
        d = r.record(
            item,
            path,
            ("candidate", "question", "raised", "decided", "stakeholders", "owner"),
            ("candidate", "question", "raised"),
        )
        if d is None:
            continue
        raised = r.date(d, "raised", path)
        decided = r.date(d, "decided", path, null=True)
        _not_before(
            r,
            f"{path}.decided",
            decided,
            raised,
            f"decided before it was raised ({raised})",
        )
        out.append(
            {
                "candidate": r.ref(d, "candidate", path, ctx.candidates, "candidate"),
                "question": r.text(d, "question", path, blank=False),
                "raised": raised,
                "decided": decided,
                "stakeholders": r.integer(
                    d, "stakeholders", path, default=0, minimum=0, maximum=32767
                ),
                "owner": _member(r, d, "owner", path, ctx, null=True),
            }
        )
    return out


def _meetings(r: _Reader, doc: dict, ctx: _Context) -> list[dict]:
    out = []
    for i, item in enumerate(r.items(doc, "steering_meetings", "$")):
        path = f"$.steering_meetings[{i}]"
        d = r.record(
            item,
            path,
            ("candidate", "planned", "held", "attendees", "outcome"),
            ("candidate", "planned"),
        )
        if d is None:
            continue
        out.append(
            {
                "candidate": r.ref(d, "candidate", path, ctx.candidates, "candidate"),
                "planned": r.date(d, "planned", path),
                "held": r.date(d, "held", path, null=True),
                "attendees": r.text(d, "attendees", path),
                "outcome": r.text(d, "outcome", path),
            }
        )
    return out


def _conflicts(r: _Reader, doc: dict, ctx: _Context) -> list[dict]:
    out, seen = [], set()
    for i, item in enumerate(r.items(doc, "conflicts", "$")):
        path = f"$.conflicts[{i}]"
        d = r.record(
            item,
            path,
            ("evaluator", "candidate", "text", "override_reason", "overridden_by"),
            ("evaluator",),
        )
        if d is None:
            continue
        evaluator = _member(r, d, "evaluator", path, ctx)
        candidate = r.ref(d, "candidate", path, ctx.candidates, "candidate", null=True)
        if d.get("candidate") is None:
            if evaluator:
                r.unique(seen, (evaluator, None), path, "no-conflict declaration by")
        elif evaluator and candidate:
            r.unique(seen, (evaluator, candidate), path, "conflict declaration")
        text = r.text(d, "text", path)
        if candidate and text is not None and not text.strip():
            r.error(f"{path}.text", "describe the conflict")
        by = _member(r, d, "overridden_by", path, ctx, null=True)
        reason = r.text(d, "override_reason", path)
        if by or reason:
            if d.get("candidate") is None:
                r.error(f"{path}.overridden_by", "there is no conflict to override")
            elif not by:
                r.error(f"{path}.overridden_by", "say who overrode the conflict")
            elif reason is not None and not reason.strip():
                r.error(f"{path}.override_reason", "give a reason for the override")
        out.append(
            {
                "evaluator": evaluator,
                "candidate": candidate,
                "text": text,
                "override_reason": reason,
                "overridden_by": by,
            }
        )
    return out


def _check_conflicts(r: _Reader, scorecards, conflicts) -> None:
    """A declared conflict blocks scoring that candidate unless the lead overrode it."""
    blocking = {
        (c["evaluator"], c["candidate"])
        for c in conflicts
        if c["candidate"] and not c["overridden_by"]
    }
    for i, sc in enumerate(scorecards):
        if (sc["evaluator"], sc["candidate"]) in blocking:
            r.error(
                f"$.scorecards[{i}]",
                f"{sc['evaluator']} declared a conflict with {sc['candidate']} that "
                "was not overridden, so may not score it",
            )


def _consensus(r: _Reader, doc: dict, ctx: _Context) -> list[dict]:
    out, seen = [], set()
    for i, item in enumerate(r.items(doc, "consensus", "$")):
        path = f"$.consensus[{i}]"
        d = r.record(
            item,
            path,
            ("candidate", "criterion", "score", "reason", "by"),
            ("candidate", "criterion", "score", "reason", "by"),
        )
        if d is None:
            continue
        candidate = r.ref(d, "candidate", path, ctx.candidates, "candidate")
        criterion = r.ref(d, "criterion", path, ctx.criteria, "criterion")
        if criterion and ctx.criteria[criterion]["kind"] != Kind.RATED:
            r.error(f"{path}.criterion", f"{show(criterion)} is not a rated criterion")
        if candidate and criterion:
            r.unique(seen, (candidate, criterion), path, "consensus on")
        score = d.get("score")
        if not (_is_int(score) and 1 <= score <= 5):
            r.error(f"{path}.score", f"{show(score)} is not a rating (1–5)")
        out.append(
            {
                "candidate": candidate,
                "criterion": criterion,
                "score": score,
                "reason": r.text(d, "reason", path, blank=False),
                "by": _member(r, d, "by", path, ctx),
            }
        )
    return out


# --- entry points --------------------------------------------------------------------


def parse_bundle(doc: Any, *, by=None) -> tuple[dict, list[BundleError]]:
    """The clean bundle and every problem of ``doc``, without touching the database.

    ``by`` is the importing user: when given, the bundle needs no lead of its own
    (the importer becomes one).
    """
    r = _Reader()
    if r.record(doc, "$", TOP_LEVEL, ("format", "evaluation")) is None:
        return {}, r.errors
    if "format" in doc and doc["format"] != FORMAT:
        r.error("$.format", f"{show(doc['format'])} is not {show(FORMAT)}")
    evaluation = _evaluation(r, doc)
    bands = _bands(r, doc)
    categories = _categories(r, doc)
    criteria = _criteria(
        r,
        doc,
        {c["key"] for c in categories if c["key"]},
        in_setup=(evaluation or {}).get("status") == Evaluation.Status.SETUP,
    )
    users = _users(r, doc)
    if by is None and not any(u["role"] == Role.LEAD for u in users):
        r.error("$.users", "an evaluation needs at least one lead")
    cdmos = _cdmos(r, doc)
    ctx = _Context(criteria, users, cdmos)
    candidates = _candidates(r, doc, {c["key"] for c in cdmos if c["key"]}, ctx.sites)
    ctx.candidates = {c["cdmo"] for c in candidates if c["cdmo"]}
    scorecards = _scorecards(r, doc, ctx)
    interviews, visits = _evidence(r, doc, ctx)
    records = {
        "interview": {x["key"]: x["candidate"] for x in interviews if x["key"]},
        "site_visit": {x["key"]: x["candidate"] for x in visits if x["key"]},
    }
    _link_ratings(r, scorecards, records)
    findings = _findings(r, doc, ctx, records)
    milestones = _milestones(r, doc, ctx)
    target = evaluation["response_target_days"] if evaluation else None
    requests = _requests(r, doc, ctx, target)
    agreements = _agreements(r, doc, ctx)
    escalations = _escalations(r, doc, ctx)
    meetings = _meetings(r, doc, ctx)
    conflicts = _conflicts(r, doc, ctx)
    _check_conflicts(r, scorecards, conflicts)
    consensus = _consensus(r, doc, ctx)
    clean = {
        "format": FORMAT,
        "evaluation": evaluation,
        "bands": bands,
        "categories": categories,
        "criteria": criteria,
        "users": users,
        "cdmos": cdmos,
        "candidates": candidates,
        "scorecards": scorecards,
        "interviews": interviews,
        "site_visits": visits,
        "findings": findings,
        "milestones": milestones,
        "information_requests": requests,
        "agreements": agreements,
        "escalations": escalations,
        "steering_meetings": meetings,
        "conflicts": conflicts,
        "consensus": consensus,
    }
    return clean, r.errors


def check_database(clean: dict) -> list[BundleError]:
    """Problems with what is already stored: the evaluation key is taken; a site or
    contact key of the directory belongs to another CDMO than the bundle says."""
    from partners.models import Contact

    errors: list[BundleError] = []
    key = (clean.get("evaluation") or {}).get("key")
    if key and Evaluation.objects.filter(key=key).exists():
        errors.append(
            BundleError(
                "$.evaluation.key",
                f"an evaluation with the key {show(key)} already exists; "
                "import under a new key",
            )
        )
    for model, field in ((Site, "sites"), (Contact, "contacts")):
        wanted = {
            item["key"]: (i, j, cdmo["key"])
            for i, cdmo in enumerate(clean.get("cdmos", []))
            for j, item in enumerate(cdmo[field])
        }
        stored = model.objects.filter(key__in=list(wanted)).values_list(
            "key", "cdmo__key"
        )
        for k, owner in stored:
            i, j, cdmo = wanted[k]
            if owner != cdmo:
                errors.append(
                    BundleError(
                        f"$.cdmos[{i}].{field}[{j}].key",
                        f"{show(k)} already belongs to the CDMO {show(owner)}",
                    )
                )
    return errors


def validate_bundle(doc: Any, *, by=None) -> tuple[dict, list[BundleError]]:
    """`parse_bundle`, then (when the document itself is sound) `check_database`."""
    clean, errors = parse_bundle(doc, by=by)
    if not errors:
        errors = check_database(clean)
    return clean, errors


# --- canonical form ------------------------------------------------------------


def _json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def _dump(value) -> str:
    return json.dumps(_json(value), sort_keys=True, ensure_ascii=False)


def to_document(clean: dict) -> dict:
    """The canonical JSON form of a clean bundle.

    Order is kept where it means something: categories, criteria within their
    category (criteria are grouped by category, in category order), amendment
    rounds. Everything else is sorted by its natural key so that two bundles with
    the same content are equal: users by username; CDMOs, sites, contacts,
    interviews and visits by key; records of a candidate by candidate and then by
    their kind or date; ratings by the criterion's position in the criteria;
    people listed on a record alphabetically.
    """
    cat_pos = {c["key"]: i for i, c in enumerate(clean["categories"])}
    criteria = sorted(clean["criteria"], key=lambda c: cat_pos.get(c["category"], 0))
    crit_pos = {c["key"]: i for i, c in enumerate(criteria)}
    milestone_pos = {k: i for i, k in enumerate(Milestone.Kind.values)}
    agreement_pos = {k: i for i, k in enumerate(Agreement.Kind.values)}

    def ratings(items):
        return sorted(items, key=lambda x: crit_pos.get(x["criterion"], 0))

    def by(*fields):
        return lambda x: (*[x[f] or "" for f in fields], _dump(x))

    doc = {
        "format": FORMAT,
        "evaluation": clean["evaluation"],
        "bands": sorted(clean["bands"] or [], key=lambda b: -b["low"]),
        "categories": clean["categories"],
        "criteria": [
            {
                **c,
                "sources": [s for s in Source.values if s in c["sources"]],
                "anchors": dict(sorted(c["anchors"].items())),
            }
            for c in criteria
        ],
        "users": sorted(clean["users"], key=lambda u: u["username"]),
        "cdmos": [
            {
                **c,
                "sites": sorted(c["sites"], key=lambda s: s["key"]),
                "contacts": sorted(c["contacts"], key=lambda s: s["key"]),
            }
            for c in sorted(clean["cdmos"], key=lambda c: c["key"])
        ],
        "candidates": sorted(clean["candidates"], key=lambda c: c["cdmo"]),
        "scorecards": [
            {**s, "ratings": ratings(s["ratings"])}
            for s in sorted(
                clean["scorecards"], key=lambda s: (s["candidate"], s["evaluator"])
            )
        ],
        "interviews": [
            {
                **x,
                "interviewees": sorted(x["interviewees"]),
                "interviewers": sorted(x["interviewers"]),
                "ratings": ratings(x["ratings"]),
            }
            for x in sorted(clean["interviews"], key=lambda x: x["key"])
        ],
        "site_visits": [
            {
                **x,
                "attendees": sorted(x["attendees"]),
                "contacts": sorted(x["contacts"]),
                "ratings": ratings(x["ratings"]),
            }
            for x in sorted(clean["site_visits"], key=lambda x: x["key"])
        ],
        "findings": sorted(clean["findings"], key=by("candidate", "kind", "text")),
        "milestones": sorted(
            clean["milestones"],
            key=lambda m: (m["candidate"], milestone_pos.get(m["kind"], 0)),
        ),
        "information_requests": sorted(
            clean["information_requests"], key=by("candidate", "sent", "subject")
        ),
        "agreements": [
            {**a, "rounds": sorted(a["rounds"], key=lambda x: x["number"])}
            for a in sorted(
                clean["agreements"],
                key=lambda a: (a["candidate"], agreement_pos.get(a["kind"], 0)),
            )
        ],
        "escalations": sorted(
            clean["escalations"], key=by("candidate", "raised", "question")
        ),
        "steering_meetings": sorted(
            clean["steering_meetings"], key=by("candidate", "planned")
        ),
        "conflicts": sorted(clean["conflicts"], key=by("evaluator", "candidate")),
        "consensus": sorted(
            clean["consensus"],
            key=lambda c: (c["candidate"], crit_pos.get(c["criterion"], 0)),
        ),
    }
    return _json(doc)


def canonical(doc: Any, *, default_bands: list[dict] | None = None) -> dict:
    """``doc`` in canonical form (defaults filled, lists ordered); raises
    `InvalidBundle` when it has problems of its own (the database is not consulted,
    except for the default bands when ``doc`` has none)."""
    clean, errors = parse_bundle(doc)
    if errors:
        raise InvalidBundle(errors)
    if clean["bands"] is None:
        clean["bands"] = (
            default_bands if default_bands is not None else stored_default_bands()
        )
    return to_document(clean)
