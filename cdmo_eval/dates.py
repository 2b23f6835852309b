"""Plausible dates: what forms and bundle import accept for the dates records keep.

A year 0001 or 9999 is a typing slip, not a negotiation; left in, it breaks the
arithmetic of charts and signals. Forms and the bundle importer refuse a date
before 1 January 1990 or more than ten years after today; pages, charts and reports
still survive any date already stored (`clamp`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext as _

EARLIEST = dt.date(1990, 1, 1)
YEARS_AHEAD = 10


def latest(today: dt.date | None = None) -> dt.date:
    """Ten years after ``today`` (28 February for a 29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def implausible(value: dt.date, today: dt.date | None = None) -> str | None:
    """Why ``value`` is not a plausible date, or None when it is."""
    last = latest(today)
    if EARLIEST <= value <= last:
        return None
    return _("Enter a date between %(first)s and %(last)s.") % {
        "first": date_format(EARLIEST),
        "last": date_format(last),
    }


@deconstructible
class PlausibleDate:
    """A model field validator: forms show its message next to the field."""

    def __call__(self, value):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date) and (message := implausible(value)):
            raise ValidationError(message, code="implausible_date")

    def __eq__(self, other):
        return isinstance(other, PlausibleDate)


plausible_date = PlausibleDate()


def clamp(value: dt.date, low: dt.date = dt.date(1900, 1, 1)) -> dt.date:
    """A stored date brought into a range where date arithmetic cannot overflow:
    charts place implausible dates at the edge instead of failing."""
    high = dt.date(2200, 12, 31)
    return min(max(value, low), high)


def shown(value: dt.date | dt.datetime | None) -> str:
    """A day or a moment as people read it everywhere (`cdmo_eval.formats`): "2 Dec
    2026", or "2 Dec 2026, 14:05 CET" in the reader's time zone; "" for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    return date_format(value)
