"""Shorthands for the fields the record types of `records` share."""

from __future__ import annotations

from .spec import Field

ANSWERS = ("meaning", "how_built", "customer_impact", "vision")
NOT_A_MEMBER = " (not in $.users)"
SMALL = 32767


def text(name, max_length=None, **kw) -> Field:
    return Field(name, "text", max_length=max_length, **kw)


def member(name, **kw) -> Field:
    return Field(name, "ref", to="users", what="user", hint=NOT_A_MEMBER, **kw)


def candidate(name="candidate", **kw) -> Field:
    return Field(name, "ref", to="candidates", what="candidate", required=True, **kw)


def choice(name, choices, what, **kw) -> Field:
    return Field(name, "choice", choices=choices, what=what, **kw)


def count(name, maximum=SMALL, **kw) -> Field:
    return Field(name, "int", default=0, minimum=0, maximum=maximum, **kw)
