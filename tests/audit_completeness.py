"""The audit trail's completeness, watched over the whole suite.

Every outermost service call is observed (`cdmo_eval.service.OBSERVERS`): the SQL
it runs (rows inserted, updated and deleted per table, and the audit entries it
inserts per kind of record), and which of those rows went through a model's
save() or delete() — where auditlog's signals see them — or through a tracked
many-to-many field. What a service writes any other way (bulk_create, a queryset
update or delete) must come with entries of its own, one per row. The test that
runs last (`tests/platform/test_audit.py`) checks every call against the tables
the audit trail tracks, once the content types can be looked up.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, pre_save

AUDIT_TABLE = "audit_auditentry"
_WRITE = re.compile(
    r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE
)
_COLUMNS = re.compile(
    r'INSERT\s+INTO\s+"?\w+"?\s*\((.*?)\)\s*(VALUES|SELECT)', re.I | re.S
)


@dataclass
class Call:
    service: str
    rows: Counter = field(default_factory=Counter)
    """table → rows written by SQL."""
    through_models: Counter = field(default_factory=Counter)
    """table → rows written by save()/delete() (auditlog's signals see them)."""
    m2m: set = field(default_factory=set)
    """through tables changed through a model's m2m manager (signals see them)."""
    entries: Counter = field(default_factory=Counter)
    """table of the record → audit entries inserted."""


CALLS: list[Call] = []
_current: ContextVar[Call | None] = ContextVar("audited_call", default=None)


def _entries(sql: str, params) -> Counter:
    """The tables of the records an INSERT of audit entries is about. Content types
    are looked up as the entries are written (from the cache the entries were
    built with): a flush between tests may give a model another id."""
    match = _COLUMNS.search(sql)
    if not match:
        return Counter()
    columns = [c.strip().strip('"') for c in match.group(1).split(",")]
    at = columns.index("content_type_id")
    if match.group(2).upper() == "SELECT":  # PostgreSQL's UNNEST bulk insert
        ids = params[at]
    else:
        ids = [params[i + at] for i in range(0, len(params), len(columns))]
    return Counter(_table(ct) for ct in ids)


def _table(content_type_id) -> str:
    from django.contrib.contenttypes.models import ContentType

    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return model._meta.db_table if model else f"content type {content_type_id}"


def _wrapper(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    call = _current.get()
    match = _WRITE.match(sql) if call is not None else None
    if match:
        table = match.group(2)
        rows = max(context["cursor"].rowcount, 0)
        if table == AUDIT_TABLE:
            for p in params if many else [params]:
                call.entries.update(_entries(sql, list(p)))
        else:
            call.rows[table] += rows
    return result


def _saved(sender, instance, raw=False, **kwargs):
    call = _current.get()
    if call is not None:
        call.through_models[sender._meta.db_table] += 1


def _m2m(sender, action, **kwargs):
    call = _current.get()
    if call is not None and action.startswith("post_"):
        call.m2m.add(sender._meta.db_table)


@contextlib.contextmanager
def observe(name: str, kwargs: dict):
    call = Call(name)
    token = _current.set(call)
    try:
        with contextlib.ExitStack() as stack:
            for alias in connections:
                if alias in connections.settings:
                    stack.enter_context(connections[alias].execute_wrapper(_wrapper))
            yield
    finally:
        _current.reset(token)
        if call.rows or call.entries:
            CALLS.append(call)


def install() -> None:
    from cdmo_eval.service import OBSERVERS

    pre_save.connect(_saved, dispatch_uid="audit-completeness-save", weak=False)
    post_delete.connect(_saved, dispatch_uid="audit-completeness-delete", weak=False)
    m2m_changed.connect(_m2m, dispatch_uid="audit-completeness-m2m", weak=False)
    OBSERVERS.append(observe)
