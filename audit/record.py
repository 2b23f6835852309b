"""Entries written by a service itself, where the ORM's signals do not fire:
rows written in bulk, queryset updates (an optimistic-lock update, ratings that
start counting when their scorecard is submitted), and events of a record that
are not a field change."""

from __future__ import annotations

from collections.abc import Iterable

from auditlog.diff import model_instance_diff
from django.contrib.contenttypes.models import ContentType

from . import context
from .models import AuditEntry
from .registry import describe, scope_of

CREATE, UPDATE, DELETE = (
    AuditEntry.Action.CREATE,
    AuditEntry.Action.UPDATE,
    AuditEntry.Action.DELETE,
)


def _entry(obj, action: int, changes: dict, reason: str = "") -> AuditEntry:
    evaluation_id, candidate_id = scope_of(obj)
    entry = AuditEntry(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        object_id=obj.pk,
        object_repr=describe(obj),
        action=action,
        changes=changes,
        reason=reason,
        evaluation_id=evaluation_id,
        candidate_id=candidate_id,
    )
    context.fill(entry)
    return entry


def created(objs: Iterable) -> None:
    """Records created in bulk (``bulk_create``), one entry each."""
    entries = [
        _entry(obj, CREATE, model_instance_diff(None, obj, use_json_for_changes=True))
        for obj in objs
    ]
    AuditEntry.objects.bulk_create(entries)


def changed(obj, changes: dict[str, tuple], *, reason: str = "") -> None:
    """A change made by a queryset update: ``changes`` maps each field to its
    (old, new) value."""
    changed_many([(obj, changes)], reason=reason)


def changed_many(
    items: Iterable[tuple[object, dict[str, tuple]]], *, reason=""
) -> None:
    entries = [
        _entry(
            obj,
            UPDATE,
            {name: [_plain(old), _plain(new)] for name, (old, new) in changes.items()},
            reason,
        )
        for obj, changes in items
        if changes
    ]
    AuditEntry.objects.bulk_create(entries)


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
