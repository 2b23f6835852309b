"""Cells for files people open in a spreadsheet program."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Spreadsheets run a cell that starts with one of these as a formula."""


def csv_safe(value):
    """A CSV cell that stays text: a leading formula character gets a quote
    prefix, and None becomes an empty cell."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value
