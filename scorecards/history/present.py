"""Audit entries as a person reads them: field names, "3 → 4", the reason."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEntry
from cdmo_eval.spreadsheets import csv_safe

ACTIONS = {
    AuditEntry.Action.CREATE: gettext_lazy("created"),
    AuditEntry.Action.UPDATE: gettext_lazy("changed"),
    AuditEntry.Action.DELETE: gettext_lazy("deleted"),
}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str
    """For a list of people: ``old`` is who was removed, ``new`` who was added."""


def _label(model, name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    label = str(getattr(field, "verbose_name", name))
    return label[:1].upper() + label[1:]


def _shown(model, name: str, value) -> str:
    if value is None or value == "" or value == "None":
        return "—"
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    choices = dict(field.flatchoices) if getattr(field, "flatchoices", None) else {}
    if choices:
        key = value
        if isinstance(value, str) and value.isdigit():
            key = int(value) if int(value) in choices else value
        return str(choices.get(key, value))
    if value is True or value == "True":
        return _("yes")
    if value is False or value == "False":
        return _("no")
    if isinstance(field, models.DateTimeField):
        when = parse_datetime(str(value))
        if when is not None:
            if timezone.is_naive(when):
                when = timezone.make_aware(when, dt.UTC)
            return date_format(timezone.localtime(when), "DATETIME_FORMAT")
    elif isinstance(field, models.DateField):
        day = parse_date(str(value))
        if day is not None:
            return date_format(day)
    return str(value)


def changes(entry: AuditEntry) -> list[Change]:
    model = entry.content_type.model_class()
    out = []
    for name, value in (entry.changes or {}).items():
        if model is None:
            out.append(Change(name, "", str(value)))
        elif isinstance(value, dict) and value.get("type") == "m2m":
            names = ", ".join(value.get("objects", []))
            added = value.get("operation") == "add"
            out.append(
                Change(
                    _label(model, name), "" if added else names, names if added else ""
                )
            )
        elif isinstance(value, list | tuple) and len(value) == 2:
            old, new = value
            if entry.action == AuditEntry.Action.CREATE:
                old = None
            if entry.action == AuditEntry.Action.DELETE:
                new = None
            out.append(
                Change(
                    _label(model, name),
                    _shown(model, name, old),
                    _shown(model, name, new),
                )
            )
    return out


def kind(entry: AuditEntry) -> str:
    model = entry.content_type.model_class()
    label = str(model._meta.verbose_name) if model else entry.content_type.model
    return label[:1].upper() + label[1:]


def action(entry: AuditEntry) -> str:
    return str(ACTIONS.get(entry.action, entry.get_action_display()))


CSV_HEADER = (
    "when (UTC)",
    "who",
    "kind",
    "record",
    "action",
    "field",
    "from",
    "to",
    "reason",
    "request or job",
)


def write_csv(out, entries) -> None:
    """Write audit entries to ``out`` as CSV, one row per field changed (the
    history download, and the decision archive's trail)."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for e in entries.iterator(chunk_size=500):
        head = [
            e.timestamp.astimezone(dt.UTC).isoformat(timespec="seconds"),
            e.actor.get_username() if e.actor else "",
            kind(e),
            csv_safe(e.object_repr),
            action(e),
        ]
        tail = [csv_safe(e.reason), e.cid or ""]
        for c in changes(e) or [Change("", "", "")]:
            writer.writerow([*head, c.field, csv_safe(c.old), csv_safe(c.new), *tail])


def rows(entries, *, brief: bool = False) -> list[dict]:
    """Entries as the history tables show them; ``brief`` lists the fields of
    changes only (a created record is named by its description)."""
    return [
        {
            "entry": e,
            "kind": kind(e),
            "action": action(e),
            "changes": changes(e)
            if not brief or e.action == AuditEntry.Action.UPDATE
            else [],
        }
        for e in entries
    ]
