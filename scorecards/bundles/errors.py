"""How a bundle's problems are named: each with the JSON path of its place."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

FORMAT = "cdmo-eval/1"


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


def at(path: str, key: str) -> str:
    """The path of ``key`` inside ``path``: a service's field name, or a
    dotted place such as ``ratings.2.score`` (``$.x.ratings[2].score``)."""
    out = path
    for part in key.split("."):
        out += f"[{part}]" if part.isdigit() else f".{part}"
    return out


def from_validation(
    exc: ValidationError, path: str, fields: dict[str, str] | None = None
) -> list[BundleError]:
    """A service's refusal as bundle errors: its field errors at the bundle
    field they concern (``fields`` maps the service's names to the bundle's, and
    may map one to "" for the record itself, or ``__all__`` to a field), the
    others at the record."""
    fields = fields or {}
    if not hasattr(exc, "error_dict"):
        here = at(path, fields["__all__"]) if fields.get("__all__") else path
        return [BundleError(here, m) for m in exc.messages]
    errors = []
    for name, problems in exc.message_dict.items():
        mapped = fields.get(name, "" if name == "__all__" else name)
        here = at(path, mapped) if mapped else path
        errors.extend(BundleError(here, m) for m in problems)
    return errors
