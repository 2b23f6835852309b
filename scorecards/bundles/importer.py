"""Create an evaluation from a bundle (BUNDLE.md), all or nothing.

Two steps. The shape check reads the document with the table of record types
(`records.SPECS`): types, choices, keys and references, each problem with its
JSON path. Then one transaction writes every record through the services
(`writers`), in their history mode where a record is of the past; a rule a
service enforces is reported at the JSON path of the record that broke it, and
any problem rolls everything back.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from django.db import transaction

from partners.events import announced_once
from partners.evidence import EVIDENCE_KINDS
from partners.models import Evaluation, Role

from .errors import FORMAT, BundleError, InvalidBundle, show
from .exporter import export_bundle
from .records import BANDS, EVALUATION, READ_ORDER, TOP_LEVEL, WRITE_ORDER
from .spec import Context, Reader
from .writers import Import


def check_shape(doc: Any, *, by=None) -> tuple[dict, list[BundleError]]:
    """The clean records of ``doc`` and every problem of its shape, without
    touching the database.

    ``by`` is the importing user: when given, the bundle needs no lead of its own
    (the importer becomes one).
    """
    r, ctx = Reader(), Context()
    if not isinstance(doc, dict):
        r.error("$", f"expected an object, got {show(doc)}")
        return {}, r.errors
    for name in doc:
        if name not in TOP_LEVEL:
            r.error(f"$.{name}", "unknown field")
    if "format" not in doc:
        r.error("$.format", "required")
    elif doc["format"] != FORMAT:
        r.error("$.format", f"{show(doc['format'])} is not {show(FORMAT)}")
    for kind in EVIDENCE_KINDS:
        ctx.keys("evidence kinds")[kind.key] = True
    clean: dict = {}
    for spec in READ_ORDER:
        if spec is EVALUATION:
            if "evaluation" not in doc:
                r.error("$.evaluation", "required")
                clean["evaluation"] = None
            else:
                clean["evaluation"] = r.record(
                    spec, doc["evaluation"], "$.evaluation", ctx
                )
        elif spec.single:
            found = doc.get(spec.name)
            clean[spec.name] = (
                None if found is None else r.record(spec, found, f"$.{spec.name}", ctx)
            )
        elif spec is BANDS and doc.get("bands") is None:
            clean["bands"] = None  # the default template's
        else:
            clean[spec.name] = r.records(spec, doc, "$", ctx)
    status = (clean["evaluation"] or {}).get("status")
    if "categories" not in doc and status != Evaluation.Status.SETUP:
        r.error("$.categories", "required")
    if "criteria" not in doc and status != Evaluation.Status.SETUP:
        r.error("$.criteria", "required")
    if clean.get("decision") is not None and status != Evaluation.Status.DECIDED:
        r.error("$.decision", "only a decided evaluation has a decision")
    if by is None and not any(u["role"] == Role.LEAD for u in clean["users"]):
        r.error("$.users", "an evaluation needs at least one lead")
    return clean, r.errors


def import_bundle(doc: Any, *, by=None) -> Evaluation:
    """Create the evaluation a bundle describes, with everything in it.

    `InvalidBundle` lists every problem, and then nothing is written. Members
    unknown here become inactive accounts without a password; the directory's
    CDMOs, sites and contacts are matched by key (an existing one takes the fields
    the bundle states). ``by``, the importing user, becomes a lead if the bundle
    does not name them, and is who logged its records (from the command line, the
    bundle's first lead). Results are computed after the commit.
    """
    clean, errors = check_shape(doc, by=by)
    if errors:
        raise InvalidBundle(errors)
    with transaction.atomic(), announced_once():
        imp = Import(clean, by)
        for spec in WRITE_ORDER:
            spec.write(imp, clean[spec.name], spec)
            if imp.evaluation is None:
                break  # nothing can be written without it
        if imp.errors:
            raise InvalidBundle(_in_document_order(imp.errors))
    return imp.evaluation


class _TrialOnly(Exception):
    pass


def validate_bundle(doc: Any, *, by=None) -> list[BundleError]:
    """Every problem of ``doc``: its shape, and then what the services refuse
    when it is imported (in a transaction rolled back either way)."""
    try:
        with transaction.atomic():
            import_bundle(doc, by=by)
            raise _TrialOnly
    except InvalidBundle as exc:
        return exc.errors
    except _TrialOnly:
        return []


def canonical(doc: Any) -> dict:
    """``doc`` in canonical form: what exporting it would give once imported
    (defaults filled, lists ordered), found by importing it under a fresh key in
    a transaction that is rolled back. Raises `InvalidBundle` for its problems."""
    key = (doc.get("evaluation") or {}).get("key") if isinstance(doc, dict) else None
    trial = copy.deepcopy(doc)
    if isinstance(key, str):
        trial["evaluation"]["key"] = f"canonical-{uuid.uuid4().hex[:12]}"
    out: dict = {}
    try:
        with transaction.atomic():
            out = export_bundle(import_bundle(trial))
            raise _TrialOnly
    except _TrialOnly:
        pass
    out["evaluation"]["key"] = key
    return out


def _in_document_order(errors: list[BundleError]) -> list[BundleError]:
    order = {name: i for i, name in enumerate(TOP_LEVEL)}

    def place(e: BundleError):
        top = e.path[2:].split(".")[0].split("[")[0]
        return order.get(top, len(order))

    return sorted(errors, key=place)
