"""Write an evaluation out as a bundle (BUNDLE.md) in canonical form: each
record type read by its spec's reader (`readers`), its fields in the spec's
order, its list in the spec's order."""

from __future__ import annotations

import datetime as dt
import json

from negotiations.models import Agreement, Milestone
from partners.models import Evaluation

from .errors import FORMAT
from .readers import Export
from .records import SPECS
from .spec import Spec


def export_bundle(evaluation: Evaluation) -> dict:
    """The evaluation as a bundle in canonical form (`to_document`).

    A fixed number of queries whatever the number of candidates and records. CDMOs
    are those of the candidates, with all their sites and contacts. Interviews and
    visits recorded without a key get one (``i1``, ``v1``…, in date order) so that
    findings and ratings can name them.
    """
    x = Export(evaluation)
    return to_document({spec.name: spec.read(x, spec) for spec in SPECS})


def dumps(doc: dict) -> str:
    """A bundle as the text of a file: indented, UTF-8, ending with a newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_document(records: dict) -> dict:
    """The canonical JSON form of a bundle's records (each list by its spec).

    Order is kept where it means something: categories, criteria within their
    category (criteria are grouped by category, in category order), amendment
    rounds. Everything else is sorted by its natural key (`Spec.order`) so that
    two bundles with the same content are equal; people listed on a record are
    sorted alphabetically and a list of choices follows the choices' order.
    """
    pos = _positions(records)
    doc: dict = {"format": FORMAT}
    for spec in SPECS:
        value = records[spec.name]
        if spec.single:
            doc[spec.name] = None if value is None else _project(spec, value, pos)
        else:
            doc[spec.name] = _arrange(spec, value or [], pos)
    return doc


def _positions(records: dict) -> dict[str, dict]:
    categories = {c["key"]: i for i, c in enumerate(records["categories"])}
    criteria = sorted(
        enumerate(records["criteria"]),
        key=lambda ic: (categories.get(ic[1]["category"], 0), ic[0]),
    )
    return {
        "categories": categories,
        "criteria": {c["key"]: i for i, (_j, c) in enumerate(criteria)},
        "milestones": {k: i for i, k in enumerate(Milestone.Kind.values)},
        "agreements": {k: i for i, k in enumerate(Agreement.Kind.values)},
    }


def _arrange(spec: Spec, records: list[dict], pos: dict) -> list[dict]:
    rows = [_project(spec, r, pos) for r in records]
    if spec.order is None:
        return rows
    # Records of a list without unique fields may tie on their order; their
    # content breaks the tie. A tie otherwise keeps the given order.
    return [
        row
        for _key, _content, _i, row in sorted(
            (
                spec.order(row, pos),
                "" if spec.unique else _dump(row),
                i,
                row,
            )
            for i, row in enumerate(rows)
        )
    ]


def _project(spec: Spec, record: dict, pos: dict) -> dict:
    return {f.name: _value(f, record.get(f.name), pos) for f in spec.fields}


def _value(f, v, pos):
    if f.kind == "records":
        return _arrange(f.nested, v or [], pos)
    if f.kind == "refs":
        return sorted(v or [])
    if f.kind == "values":
        return [c for c in f.choices() if c in (v or [])]
    if f.kind == "anchors":
        return dict(sorted((v or {}).items()))
    if f.kind == "answers":
        return {k: (v or {}).get(k, "") for k in f.keys}
    if f.kind == "points":
        return [list(p) for p in v or []]
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _dump(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
