"""Tables procurement takes into spreadsheets: the ranking, the criterion scores per
candidate and the findings register, as CSV or XLSX.

Blind scoring applies: ``sight`` (`scorecards.access.results_sight`) limits the
ranking and the criterion scores to the candidates whose ratings the reader may
see; a reader who may not see the ranking yet gets the candidates by name, without
rank, standing, P(first) or rank range columns. Findings are evidence, not
ratings, and every member reads them on the findings register already.

Text cells are formula-safe: a CSV cell starting with ``= + - @`` (or a tab or a
carriage return) is prefixed with an apostrophe, as the findings register does; an
XLSX cell holding text is always stored as text, never as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cdmo_eval.dates import shown
from cdmo_eval.spreadsheets import csv_safe
from partners.models import Evaluation
from partners.selectors import evaluation_findings

from ..access import Sight
from ..alignment.models import attach_criteria
from ..alignment.read import by_name
from ..setup.selectors import plan_categories, selection_plan
from .context import current_alignment


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[list]


def _visible(rows, sight: Sight) -> list:
    shown = [r for r in rows if sight.shows(r.candidate_id)]
    if sight.ranking:
        return shown
    return sorted(shown, key=by_name)


RANKING_COLUMNS = {
    "rank": lambda r: r.rank,
    "cdmo": lambda r: r.candidate.cdmo.key,
    "candidate": lambda r: r.candidate.cdmo.name,
    "qualified": lambda r: "yes" if r.qualified else "no",
    "overall": lambda r: r.overall,
    "standing": lambda r: r.standing,
    "confidence": lambda r: r.confidence,
    "coverage": lambda r: r.coverage,
    "consistency": lambda r: r.consistency,
    "p_first": lambda r: r.p_first,
    "rank_low": lambda r: r.rank_low,
    "rank_high": lambda r: r.rank_high,
    "flags": lambda r: "; ".join(f["code"] for f in r.flags),
}
PLACE_COLUMNS = {"rank", "standing", "p_first", "rank_low", "rank_high"}
"""What a reader who may not see the ranking yet does not get."""


def ranking_table(evaluation: Evaluation, sight: Sight) -> Table:
    alignment = current_alignment(evaluation)
    computed = alignment.run.computed_at if alignment.run else None
    columns = {
        name: get
        for name, get in RANKING_COLUMNS.items()
        if sight.ranking or name not in PLACE_COLUMNS
    }
    rows = [
        [get(r) for get in columns.values()] + [alignment.fingerprint, computed]
        for r in _visible(alignment.rows, sight)
    ]
    headers = [*columns, "input_fingerprint", "computed_at"]
    return Table("ranking", headers, rows)


def criteria_table(evaluation: Evaluation, sight: Sight) -> Table:
    alignment = current_alignment(evaluation)
    categories = plan_categories(selection_plan(evaluation))
    rows = []
    shown = _visible(alignment.rows, sight)
    attach_criteria(shown)
    for r in shown:
        for category in categories:
            for criterion in category.criteria.all():
                stored = r.criteria.get(criterion.key, {})
                rows.append(
                    [
                        r.candidate.cdmo.key,
                        r.candidate.cdmo.name,
                        category.key,
                        criterion.key,
                        criterion.name,
                        criterion.kind,
                        stored.get("score"),
                        stored.get("mean"),
                        stored.get("n"),
                        stored.get("spread"),
                    ]
                )
    headers = [
        "cdmo",
        "candidate",
        "category",
        "criterion",
        "criterion_name",
        "kind",
        "score",
        "mean",
        "n",
        "spread",
    ]
    return Table("criteria", headers, rows)


def findings_table(evaluation: Evaluation, sight: Sight) -> Table:
    # The findings register's columns, so both exports read alike.
    from partners.views.evidence import CSV_COLUMNS

    return Table(
        "findings",
        [name for name, _get in CSV_COLUMNS],
        [
            [get(finding) for _name, get in CSV_COLUMNS]
            for finding in evaluation_findings(evaluation)
        ],
    )


TABLES: dict[str, tuple[Callable[..., Table], str]] = {
    "ranking": (ranking_table, _("Ranking")),
    "criteria": (criteria_table, _("Criterion scores")),
    "findings": (findings_table, _("Findings register")),
}


def table_labels(sight: Sight) -> list[tuple[str, str]]:
    """The export tables as a reader is offered them: before they may see the
    ranking, the ranking table is their scores by candidate name."""
    return [
        (name, label if sight.ranking or name != "ranking" else _("Scores by name"))
        for name, (_build, label) in TABLES.items()
    ]


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([csv_safe(value) for value in row])
    # A byte-order mark, so spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


def _text_cells(sheet, values: Sequence, *, bold: bool = False) -> Iterable:
    for value in values:
        if isinstance(value, dt.datetime):
            # A spreadsheet's date-time has no zone: the moment reads as on the pages.
            value = shown(value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, dt.date):
            cell.number_format = "d mmm yyyy"
        elif isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        if bold:
            cell.font = Font(bold=True)
        yield cell


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.name)
    sheet.freeze_panes = "A2"
    sheet.append(list(_text_cells(sheet, table.headers, bold=True)))
    for row in table.rows:
        sheet.append(list(_text_cells(sheet, row)))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
