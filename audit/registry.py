"""Which models are audited, and how their entries are scoped and named.

Each app registers its own models in its `AppConfig.ready()` with `track`; the
audit app knows no app. ``scope`` says whose history a record belongs to
(evaluation id, candidate id); ``name`` how the trail names it (by default its
``str()``; a contact by its key, so no personal data is kept: see ``erasable``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from auditlog.registry import auditlog

ERASED = "(personal data, not kept in the trail)"


@dataclass(frozen=True)
class Tracked:
    model: type
    scope: Callable
    name: Callable | None
    erasable: tuple[str, ...]
    m2m: tuple[str, ...]


TRACKED: dict[type, Tracked] = {}


def track(
    model,
    *,
    scope: Callable = lambda obj: (None, None),
    name: Callable | None = None,
    exclude: Sequence[str] = (),
    m2m: Sequence[str] = (),
    erasable: Sequence[str] = (),
) -> None:
    """Audit every create, update and delete of ``model``.

    ``erasable`` fields hold personal data: their changes are recorded as
    changes without their values, so an erasure request can be honoured by
    clearing the record alone.
    """
    auditlog.register(
        model,
        exclude_fields=["created_at", "updated_at", *exclude],
        m2m_fields=set(m2m),
        mask_fields=list(erasable),
        mask_callable="audit.registry.erase_value",
    )
    TRACKED[model] = Tracked(model, scope, name, tuple(erasable), tuple(m2m))


def erase_value(value) -> str:
    return ERASED


def _tracked(obj) -> Tracked | None:
    return TRACKED.get(type(obj)) or TRACKED.get(obj._meta.concrete_model)


def scope_of(obj) -> tuple[int | None, int | None]:
    tracked = _tracked(obj)
    return tracked.scope(obj) if tracked else (None, None)


def describe(obj) -> str:
    tracked = _tracked(obj)
    if tracked and tracked.name:
        return tracked.name(obj)
    return str(obj)
