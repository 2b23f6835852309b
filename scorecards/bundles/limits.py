"""Reading a bundle file within stated limits, before its shape is checked.

A hostile file must not cost more than a refusal: brackets nested 100,000 deep
(which would exhaust the parser's recursion), a 100,000-digit number (which
Python refuses to convert), NUL bytes and control characters in text, strings or
lists longer than any real bundle holds. Each limit is a setting
(``BUNDLE_MAX_*``, documented in ``.env.example``); each refusal names the JSON
path where the limit was passed, as the shape check's errors do.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .errors import BundleError, InvalidBundle

TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]', re.S)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters other than tab, line feed and carriage return."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_depth: int
    max_int_digits: int
    max_string: int
    max_items: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.BUNDLE_MAX_BYTES,
            max_depth=settings.BUNDLE_MAX_DEPTH,
            max_int_digits=settings.BUNDLE_MAX_INT_DIGITS,
            max_string=settings.BUNDLE_MAX_STRING,
            max_items=settings.BUNDLE_MAX_ITEMS,
        )


class _Refused:
    """A number the parser met that the limits refuse (kept with its text)."""

    def __init__(self, text: str, why: str) -> None:
        self.text, self.why = text, why


def read_bundle(data: bytes | str, limits: Limits | None = None) -> Any:
    """The JSON document in ``data``, or `InvalidBundle` naming where it passes a
    limit or is not JSON."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        mb = limits.max_bytes / 1024 / 1024
        raise InvalidBundle([BundleError("$", f"the file is larger than {mb:g} MB")])
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidBundle(
                [BundleError("$", f"not UTF-8 text (byte {exc.start + 1})")]
            ) from exc
    else:
        text = data
    _check_depth(text, limits.max_depth)
    digits = limits.max_int_digits

    def number(s: str):
        if len(s.lstrip("-")) > digits:
            return _Refused(s, f"a number longer than {digits} digits")
        return int(s)

    def constant(s: str):
        return _Refused(s, f"{s} is not a number JSON allows")

    try:
        doc = json.loads(text, parse_int=number, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise InvalidBundle(
            [
                BundleError(
                    "$",
                    f"not valid JSON: {exc.msg} (line {exc.lineno}, column "
                    f"{exc.colno})",
                )
            ]
        ) from exc
    errors: list[BundleError] = []
    _walk(doc, "$", limits, errors)
    if errors:
        raise InvalidBundle(errors[:50])
    return doc


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse nesting deeper than ``max_depth`` before parsing (the parser would
    recurse that deep), naming the path where it is passed."""
    stack: list[list] = []  # per open container: [kind, index or key, awaiting key]
    last_string = ""
    for match in TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            last_string = token
            continue
        if token in "[{":
            if len(stack) >= max_depth:
                path = _path(stack)
                raise InvalidBundle(
                    [BundleError(path, f"nested deeper than {max_depth} levels")]
                )
            stack.append(["[", 0] if token == "[" else ["{", ""])
        elif token in "]}":
            if stack:
                stack.pop()
        elif token == ":" and stack and stack[-1][0] == "{":
            try:
                stack[-1][1] = json.loads(last_string)
            except ValueError:
                stack[-1][1] = "?"
        elif token == "," and stack and stack[-1][0] == "[":
            stack[-1][1] += 1


def _path(stack: list[list]) -> str:
    out = "$"
    for kind, where in stack:
        out += f"[{where}]" if kind == "[" else f".{where}"
    return out


def _walk(value: Any, path: str, limits: Limits, errors: list[BundleError]) -> None:
    if isinstance(value, _Refused):
        errors.append(BundleError(path, value.why))
    elif isinstance(value, str):
        _check_text(value, path, limits, errors)
    elif isinstance(value, list):
        if len(value) > limits.max_items:
            errors.append(
                BundleError(path, f"more than {limits.max_items} items ({len(value)})")
            )
            return
        for i, item in enumerate(value):
            _walk(item, f"{path}[{i}]", limits, errors)
    elif isinstance(value, dict):
        if len(value) > limits.max_items:
            errors.append(BundleError(path, f"more than {limits.max_items} fields"))
            return
        for key, item in value.items():
            here = f"{path}.{key}"
            _check_text(key, here, limits, errors, what="field name")
            _walk(item, here, limits, errors)


def _check_text(
    text: str, path: str, limits: Limits, errors: list[BundleError], what="text"
) -> None:
    if len(text) > limits.max_string:
        errors.append(
            BundleError(path, f"{what} longer than {limits.max_string} characters")
        )
    elif found := CONTROL.search(text):
        code = f"U+{ord(found.group()):04X}"
        errors.append(
            BundleError(
                path,
                f"{what} holds a control character ({code} at position "
                f"{found.start() + 1}); remove it",
            )
        )
