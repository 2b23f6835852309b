"""Cells for files people open in a spreadsheet program."""

import datetime as dt

from .dates import shown

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Spreadsheets run a cell that starts with one of these as a formula."""


def csv_safe(value):
    """A CSV cell that stays text: a leading formula character gets a quote
    prefix, None becomes an empty cell, and a day or a moment reads as on the
    pages (`cdmo_eval.dates.shown`)."""
    if isinstance(value, dt.date):
        return shown(value)
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value
