"""The shape of a bundle, read from its table of record types (`records.SPECS`).

A `Spec` says what one record type looks like: its fields (`Field`), which keys
name it for later references, which fields make it unique, how the canonical
form orders it, and the functions that write it through the services (import)
and read it back (export). The shape check below walks a document with the specs
and collects every problem with its JSON path; domain rules (date order, what a
submitted scorecard holds…) are the services' and are reported when the import
calls them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cdmo_eval.dates import implausible

from .errors import BundleError, show

SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
MAX_INT = 2_147_483_647  # PositiveIntegerField
UNSET = object()


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _a(what: str) -> str:
    return ("an " if what[0] in "aeiou" else "a ") + what


@dataclass(frozen=True)
class Field:
    """One field of a record type.

    ``kind``: text, key, int, number, bool, date, datetime, sha256, choice, ref,
    refs, rating, answers (an object of fixed text fields), anchors, points (a
    curve), values
    (a list of choices), evidence (``interview:KEY``), records (a nested list).
    """

    name: str
    kind: str
    required: bool = False
    null: bool = False
    blank: bool = True
    default: Any = UNSET
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    places: int | None = None
    choices: Callable[[], Sequence[str]] | None = None
    what: str = ""
    """How a value is named in messages: "stage", "user", "rating (1–5)"."""
    to: str = ""
    """For references: the namespace of keys they name (`Context.known`)."""
    hint: str = ""
    nested: Spec | None = None
    keys: tuple[str, ...] = ()
    """For answers: its fixed keys."""


@dataclass(frozen=True)
class Spec:
    name: str
    """The bundle's list (``information_requests``) or nested list (``sites``)."""
    fields: tuple[Field, ...]
    unique: tuple[str, ...] = ()
    """Fields no two records of the list share (an empty value after the first
    counts: one "no conflict" declaration per evaluator)."""
    unique_what: str = "key"
    unique_at: str = "key"
    """The field a duplicate is reported at; empty: the record."""
    defines: str = ""
    """The namespace its records' ``key`` (or ``defines_by``) enters."""
    defines_by: str = "key"
    defines_value: str = ""
    """Which field's value the namespace keeps for each key (else True)."""
    order: Callable[[dict], Any] | None = None
    check: Callable[[Reader, dict, dict, str, Context], None] | None = None
    """Checks of the record's shape that span its fields."""
    write: Callable | None = None
    read: Callable | None = None
    fields_map: dict[str, str] = field(default_factory=dict)
    """A service's field names mapped to this record's, for its messages."""
    single: bool = False
    """One object (``$.evaluation``, ``$.decision``), not a list; an optional one
    may be absent or null."""

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


class Context:
    """The keys later parts of the bundle may refer to, as they are read."""

    def __init__(self) -> None:
        self.known: dict[str, dict[str, Any]] = {}

    def keys(self, namespace: str) -> dict[str, Any]:
        return self.known.setdefault(namespace, {})


class Reader:
    """Collects errors while reading records out of the document."""

    def __init__(self) -> None:
        self.errors: list[BundleError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(BundleError(path, message))

    # --- lists and records

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

    def records(self, spec: Spec, d: dict, path: str, ctx: Context) -> list[dict]:
        """The clean records of ``spec`` listed in ``d[spec.name]``, each with its
        place (``_path``) and index (``_index``)."""
        out, seen = [], set()
        for i, item in enumerate(self.items(d, spec.name, path)):
            here = f"{path}.{spec.name}[{i}]"
            clean = self.record(spec, item, here, ctx)
            if clean is None:
                continue
            clean["_path"], clean["_index"], clean["_raw"] = here, i, item
            if spec.unique:
                value = tuple(clean.get(f) for f in spec.unique)
                where = f"{here}.{spec.unique_at}" if spec.unique_at else here
                shown = value[0] if len(value) == 1 else list(value)
                if value[0] is not None and value in seen:
                    self.error(where, f"duplicate {spec.unique_what} {show(shown)}")
                seen.add(value)
            out.append(clean)
        return out

    def record(self, spec: Spec, value, path: str, ctx: Context) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, f"expected an object, got {show(value)}")
            return None
        names = {f.name for f in spec.fields}
        for name in value:
            if name not in names:
                self.error(f"{path}.{name}", "unknown field")
        clean = {f.name: self.value(f, value, path, ctx) for f in spec.fields}
        if spec.check is not None:
            spec.check(self, clean, value, path, ctx)
        if spec.defines:
            key = clean.get(spec.defines_by)
            if key is not None:
                ctx.keys(spec.defines)[key] = (
                    clean.get(spec.defines_value) if spec.defines_value else True
                )
        return clean

    # --- values

    def value(self, f: Field, d: dict, path: str, ctx: Context):
        here = f"{path}.{f.name}"
        if f.kind == "records":
            return self.records(f.nested, d, path, ctx)
        v = d.get(f.name)
        if v is None:
            if f.name in d and f.null:
                return None
            if f.required:
                self.error(here, "required")
                return None
            if f.default is not UNSET:
                return f.default() if callable(f.default) else f.default
            return self._empty(f)
        return getattr(self, f"_{f.kind}")(f, v, here, ctx)

    @staticmethod
    def _empty(f: Field):
        return {
            "text": "",
            "refs": [],
            "values": [],
            "anchors": {},
            "points": [],
            "bool": False,
        }.get(f.kind, None if f.kind != "answers" else dict.fromkeys(f.keys, ""))

    def _text(self, f, v, here, ctx):
        if not isinstance(v, str):
            self.error(here, f"expected text, got {show(v)}")
            return None
        if not f.blank and not v.strip():
            self.error(here, "may not be empty")
            return None
        if f.max_length is not None and len(v) > f.max_length:
            self.error(here, f"longer than {f.max_length} characters")
            return None
        return v

    def _key(self, f, v, here, ctx):
        if not isinstance(v, str) or not SLUG.match(v) or len(v) > 64:
            self.error(
                here,
                f"{show(v)} is not a key (letters, digits, - and _; "
                "at most 64 characters)",
            )
            return None
        return v

    def _int(self, f, v, here, ctx):
        if not _is_int(v):
            self.error(here, f"{show(v)} is not a whole number")
            return None
        if f.minimum is not None and v < f.minimum:
            self.error(here, f"{v} is below {f.minimum:g}")
            return None
        if f.maximum is not None and v > f.maximum:
            self.error(here, f"{v} is above {f.maximum:g}")
            return None
        return v

    def _number(self, f, v, here, ctx):
        ok = _is_number(v) and (f.minimum is None or v >= f.minimum)
        ok = ok and (f.maximum is None or v <= f.maximum)
        if not ok:
            self.error(here, f"{show(v)} is not {f.what}")
            return None
        if f.places is not None and Decimal(str(v)).as_tuple().exponent < -f.places:
            self.error(here, f"{show(v)} is not {f.what}")
            return None
        return float(v)

    def _bool(self, f, v, here, ctx):
        if not isinstance(v, bool):
            self.error(here, f"{show(v)} is not true or false")
            return None
        return v

    def _date(self, f, v, here, ctx):
        try:
            if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                raise ValueError
            value = dt.date.fromisoformat(v)
        except ValueError:
            self.error(here, f"{show(v)} is not a date (YYYY-MM-DD)")
            return None
        if problem := implausible(value):
            self.error(here, f"{show(v)}: {problem}")
            return None
        return value

    def _datetime(self, f, v, here, ctx):
        """A moment with its zone: ``2026-07-15T10:02:00Z`` or ``…+02:00``."""
        value = None
        if isinstance(v, str) and re.fullmatch(
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})", v
        ):
            try:
                value = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
            except ValueError:
                value = None
        if value is None:
            self.error(
                here, f"{show(v)} is not a time with its zone (YYYY-MM-DDTHH:MM:SSZ)"
            )
            return None
        if problem := implausible(value.date()):
            self.error(here, f"{show(v)}: {problem}")
            return None
        return value

    def _sha256(self, f, v, here, ctx):
        if not isinstance(v, str) or not re.fullmatch(r"[0-9a-f]{64}", v):
            self.error(here, f"{show(v)} is not a SHA-256 (64 hexadecimal digits)")
            return None
        return v

    def _choice(self, f, v, here, ctx):
        choices = list(f.choices())
        if v not in choices:
            self.error(here, f"{show(v)} is not {_a(f.what)} ({', '.join(choices)})")
            return None
        return v

    def _values(self, f, v, here, ctx):
        if not isinstance(v, list):
            self.error(here, f"expected a list, got {show(v)}")
            return []
        choices = list(f.choices())
        out = []
        for i, item in enumerate(v):
            if item not in choices:
                self.error(
                    f"{here}[{i}]",
                    f"{show(item)} is not {_a(f.what)} ({', '.join(choices)})",
                )
            elif item not in out:
                out.append(item)
        return [c for c in choices if c in out]

    def _ref(self, f, v, here, ctx):
        if not isinstance(v, str) or v not in ctx.keys(f.to):
            self.error(here, f"unknown {f.what} {show(v)}{f.hint}")
            return None
        return v

    def _refs(self, f, v, here, ctx):
        if not isinstance(v, list):
            self.error(here, f"expected a list, got {show(v)}")
            return []
        found: list[str] = []
        for i, item in enumerate(v):
            if not isinstance(item, str) or item not in ctx.keys(f.to):
                self.error(f"{here}[{i}]", f"unknown {f.what} {show(item)}{f.hint}")
            elif item in found:
                self.error(f"{here}[{i}]", f"{f.what} {show(item)} listed twice")
            else:
                found.append(item)
        return found

    def _rating(self, f, v, here, ctx):
        if not (_is_int(v) and 1 <= v <= 5):
            scale = "1–5 or null" if f.null else "1–5"
            self.error(here, f"{show(v)} is not a rating ({scale})")
            return None
        return v

    def _answers(self, f, v, here, ctx):
        out = dict.fromkeys(f.keys, "")
        if not isinstance(v, dict):
            self.error(here, f"expected an object, got {show(v)}")
            return out
        for name, text in v.items():
            if name not in f.keys:
                self.error(f"{here}.{name}", "unknown field")
            elif not isinstance(text, str):
                self.error(f"{here}.{name}", f"expected text, got {show(text)}")
            else:
                out[name] = text
        return out

    def _anchors(self, f, v, here, ctx):
        if not isinstance(v, dict):
            self.error(here, f"expected an object, got {show(v)}")
            return {}
        out = {}
        for k, text in v.items():
            if k not in ("1", "2", "3", "4", "5"):
                self.error(f"{here}.{k}", f"{show(k)} is not a rating (1–5)")
            elif not isinstance(text, str) or len(text) > 300:
                self.error(f"{here}.{k}", "expected text of at most 300 characters")
            else:
                out[k] = text
        return dict(sorted(out.items()))

    def _points(self, f, v, here, ctx):
        ok = isinstance(v, list) and all(
            isinstance(p, list | tuple)
            and len(p) == 2
            and all(_is_number(x) for x in p)
            for p in v
        )
        if not ok:
            self.error(here, "expected a list of [x, score] points")
            return []
        return [list(p) for p in v]

    def _evidence(self, f, v, here, ctx):
        """``KIND:KEY`` naming an evidence record of the bundle (or, where the
        field allows them, one of ``choices``: ``negotiation``, ``other``)."""
        plain = list(f.choices()) if f.choices else []
        if v in plain:
            return v
        known = ctx.keys("evidence")
        if isinstance(v, str) and v in known:
            return v
        kinds = ", ".join([*(f"{k}:KEY" for k in ctx.keys("evidence kinds")), *plain])
        if isinstance(v, str) and v.partition(":")[0] in ctx.keys("evidence kinds"):
            kind, _sep, key = v.partition(":")
            self.error(here, f"unknown {kind.replace('_', ' ')} {show(key)}")
        else:
            self.error(here, f"{show(v)} is not {f.what} ({kinds})")
        return None
