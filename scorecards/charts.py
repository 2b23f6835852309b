"""Charts as inline SVG, the same markup for browser pages and report PDFs.

Pure functions over plain data (no ORM). The SVG uses presentation attributes only
(no ``style=""`` and no ``<style>``: the site's CSP forbids inline styles), carries
``role="img"``, a ``<title>`` and a ``<desc>`` that reads the data out, and has an
explicit width, height and viewBox so WeasyPrint and browsers lay it out alone.
Colour is never the only cue: each series has a letter (A, B, …) shown in the
legend and at the end of each of its bars, next to the value. Every colour has at
least 3:1 contrast against white (WCAG 1.4.11); all text is dark on white.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# Okabe–Ito and Paul Tol colours, darkened where needed to reach 3:1 on white.
SERIES_COLOURS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#332288",
    "#999933",
    "#882255",
    "#4D4D4D",
    "#8C510A",
    "#AA4499",
    "#01665E",
    "#B2182B",
)
TEXT = "#1f2933"
MUTED_TEXT = "#52606d"
GRID = "#cbd2d9"
TRACK = "#eef1f4"
FONT = "Report Sans, Liberation Sans, DejaVu Sans, Arial, sans-serif"
GRIDLINES = (0, 25, 50, 75, 100)

# Layout of the category chart, in SVG user units (CSS px at 100 %).
WIDTH = 660
LABEL_WIDTH = 168
PLOT_LEFT = LABEL_WIDTH + 12
PLOT_RIGHT = PLOT_LEFT + 400  # leaves 80 for "A 100" after the longest bar
PLOT_WIDTH = PLOT_RIGHT - PLOT_LEFT
TITLE_HEIGHT = 26
LEGEND_ROW = 18
LEGEND_COLUMNS = 3
AXIS_HEIGHT = 18
GROUP_GAP = 8
MIN_GROUP = 26  # room for a category label on two lines
# Bars shrink (down to MIN_BAR) so that the plot fits PLOT_MAX_HEIGHT: with the
# legend and axes, a chart then fits one A4 page, where an SVG cannot break.
PLOT_MAX_HEIGHT = 800
MIN_BAR = 6
LABEL_CHARS = 26  # per line of a category label at 11px


def category_chart_svg(
    categories: Sequence[tuple[str, str]],
    series: Sequence[tuple[str, Mapping[str, float | None]]],
    *,
    title: str,
) -> SafeString:
    """Grouped horizontal bars: one group per category, one bar per series.

    ``categories`` are ``(key, label)`` pairs in display order; ``series`` are
    ``(name, {category_key: score or None})`` pairs, typically one per candidate. A
    score is drawn on a 0–100 axis; a missing or None score is written "no score"
    instead of drawing a zero-length bar. Made for 1–12 series and up to 12
    categories; more still render, with colours repeating (the letters do not).
    """
    if not categories or not series:
        return _empty_chart(title)

    bar = _bar_height(len(series), len(categories))
    bars_height = len(series) * bar
    group = max(bars_height, MIN_GROUP) + GROUP_GAP
    bar_font = min(9, bar + 1)
    legend_rows = -(-len(series) // LEGEND_COLUMNS)
    legend_top = TITLE_HEIGHT
    axis_top = legend_top + legend_rows * LEGEND_ROW + 8
    plot_top = axis_top + AXIS_HEIGHT
    plot_bottom = plot_top + len(categories) * group - GROUP_GAP + 4
    height = plot_bottom + AXIS_HEIGHT

    parts = [
        _svg_open(WIDTH, height, "chart"),
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(_describe(categories, series))}</desc>",
        f'<text x="0" y="16" font-size="13" font-weight="700" fill="{TEXT}">'
        f"{escape(title)}</text>",
    ]
    parts += _legend(series, legend_top)
    parts += _axis(axis_top, plot_top, plot_bottom)
    for index, (key, label) in enumerate(categories):
        top = plot_top + index * group
        parts += _category_label(label, top, group - GROUP_GAP)
        top += (group - GROUP_GAP - bars_height) / 2
        for number, (name, scores) in enumerate(series):
            parts += _bar(
                _series_key(number),
                name,
                label,
                scores.get(key),
                colour=SERIES_COLOURS[number % len(SERIES_COLOURS)],
                top=top + number * bar,
                height=bar,
                font_size=bar_font,
            )
    parts.append("</svg>")
    # Safe: every name and label in parts went through escape() (_legend,
    # _category_label, _bar, _describe); the rest are numbers and constants.
    return mark_safe("".join(parts))  # nosec B308 B703


def score_bar_svg(score: float | None, *, label: str) -> SafeString:
    """A small 0–100 bar for a score in a table cell; None shows "no score"."""
    width, height = 100, 12
    parts = [_svg_open(width, height, "score-bar")]
    if score is None:
        text = gettext("%(label)s: no score") % {"label": label}
        parts += [
            f"<title>{escape(text)}</title>",
            f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" '
            f'fill="#ffffff" stroke="{MUTED_TEXT}" stroke-width="1" '
            f'stroke-dasharray="3 2"/>',
            f'<text x="{width / 2:g}" y="9" font-size="8" text-anchor="middle" '
            f'fill="{MUTED_TEXT}">{escape(gettext("no score"))}</text>',
        ]
    else:
        value = _format_score(score)
        text = gettext("%(label)s: %(score)s out of 100") % {
            "label": label,
            "score": value,
        }
        filled = _clamp(score) / 100 * (width - 2)
        parts += [
            f"<title>{escape(text)}</title>",
            f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" '
            f'fill="{TRACK}" stroke="{GRID}" stroke-width="1"/>',
            f'<rect x="1" y="1" width="{filled:.1f}" height="{height - 2}" '
            f'fill="{SERIES_COLOURS[0]}"/>',
        ]
    parts.append("</svg>")
    # Safe: the label is escaped into the title; the rest are numbers and constants.
    return mark_safe("".join(parts))  # nosec B308 B703


def _svg_open(width: float, height: float, css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" '
        f'width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}" '
        f'font-family="{FONT}">'
    )


def _empty_chart(title: str) -> SafeString:
    message = gettext("No scores yet.")
    # Safe: the title and the message are escaped; the rest are constants.
    return mark_safe(  # nosec B308 B703
        _svg_open(WIDTH, 60, "chart")
        + f"<title>{escape(title)}</title><desc>{escape(message)}</desc>"
        + f'<text x="0" y="16" font-size="13" font-weight="700" fill="{TEXT}">'
        f"{escape(title)}</text>"
        + f'<text x="0" y="44" font-size="11" fill="{MUTED_TEXT}">'
        f"{escape(message)}</text></svg>"
    )


def _bar_height(series_count: int, category_count: int) -> int:
    # 12 units for a few candidates, thinner for many; the label at the end of
    # each bar is one unit taller than the bar, at most 9.
    per_group = min(48, (PLOT_MAX_HEIGHT // category_count) - GROUP_GAP)
    return max(MIN_BAR, min(12, per_group // series_count))


def _legend(series, top: float) -> list[str]:
    parts = []
    column_width = WIDTH / LEGEND_COLUMNS
    for number, (name, _scores) in enumerate(series):
        row, column = divmod(number, LEGEND_COLUMNS)
        x = column * column_width
        y = top + row * LEGEND_ROW
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        parts += [
            f'<rect x="{x:g}" y="{y + 3:g}" width="18" height="12" fill="{colour}"/>',
            f'<text x="{x + 9:g}" y="{y + 12.5:g}" font-size="9" font-weight="700" '
            f'text-anchor="middle" fill="#ffffff">{_series_key(number)}</text>',
            f"<g><title>{escape(name)}</title>"
            f'<text x="{x + 24:g}" y="{y + 13:g}" font-size="11" fill="{TEXT}">'
            f"{escape(_truncate(name, 30))}</text></g>",
        ]
    return parts


def _axis(axis_top: float, plot_top: float, plot_bottom: float) -> list[str]:
    parts = []
    for value in GRIDLINES:
        x = PLOT_LEFT + value / 100 * PLOT_WIDTH
        parts += [
            f'<line x1="{x:g}" y1="{plot_top - 4:g}" x2="{x:g}" y2="{plot_bottom:g}" '
            f'stroke="{GRID}" stroke-width="1"/>',
            f'<text x="{x:g}" y="{axis_top + 10:g}" font-size="9" '
            f'text-anchor="middle" fill="{MUTED_TEXT}">{value}</text>',
            f'<text x="{x:g}" y="{plot_bottom + 12:g}" font-size="9" '
            f'text-anchor="middle" fill="{MUTED_TEXT}">{value}</text>',
        ]
    return parts


def _category_label(label: str, top: float, group_height: float) -> list[str]:
    lines = _wrap(label, LABEL_CHARS, max_lines=2)
    line_height = 12
    first = top + group_height / 2 - (len(lines) - 1) * line_height / 2 + 4
    tspans = "".join(
        f'<tspan x="{LABEL_WIDTH}" y="{first + i * line_height:g}">{escape(line)}'
        "</tspan>"
        for i, line in enumerate(lines)
    )
    return [
        f"<g><title>{escape(label)}</title>"
        f'<text font-size="11" text-anchor="end" fill="{TEXT}">{tspans}</text></g>'
    ]


def _bar(key, name, category, score, *, colour, top, height, font_size) -> list[str]:
    text_y = top + height / 2 + font_size * 0.35
    if score is None:
        description = gettext("%(name)s, %(category)s: no score") % {
            "name": name,
            "category": category,
        }
        return [
            f"<g><title>{escape(description)}</title>"
            f'<text x="{PLOT_LEFT + 3}" y="{text_y:g}" font-size="{font_size}" '
            f'fill="{MUTED_TEXT}" font-style="italic">'
            f"{key} {escape(gettext('no score'))}</text></g>"
        ]
    value = _format_score(score)
    description = gettext("%(name)s, %(category)s: %(score)s") % {
        "name": name,
        "category": category,
        "score": value,
    }
    length = _clamp(score) / 100 * PLOT_WIDTH
    return [
        f'<rect x="{PLOT_LEFT}" y="{top + 1:g}" width="{length:.1f}" '
        f'height="{height - 2:g}" fill="{colour}">'
        f"<title>{escape(description)}</title></rect>",
        f'<text x="{PLOT_LEFT + length + 3:.1f}" y="{text_y:g}" '
        f'font-size="{font_size}" '
        f'fill="{TEXT}"><tspan font-weight="700">{key}</tspan> {value}</text>',
    ]


def _describe(categories, series) -> str:
    names = ", ".join(
        f"{_series_key(number)} = {name}" for number, (name, _) in enumerate(series)
    )
    rows = []
    for key, label in categories:
        values = ", ".join(
            f"{_series_key(number)} "
            + (
                gettext("no score")
                if scores.get(key) is None
                else _format_score(scores[key])
            )
            for number, (_name, scores) in enumerate(series)
        )
        rows.append(f"{label}: {values}.")
    intro = gettext("Scores from 0 to 100 by category. Series: %(names)s.") % {
        "names": names
    }
    return " ".join([intro, *rows])


def _series_key(number: int) -> str:
    """A, B, …, Z, AA, AB, … like spreadsheet columns."""
    key = ""
    number += 1
    while number:
        number, remainder = divmod(number - 1, 26)
        key = chr(ord("A") + remainder) + key
    return key


def _format_score(score: float) -> str:
    return f"{score:.1f}".removesuffix(".0")


def _clamp(score: float) -> float:
    return max(0.0, min(100.0, float(score)))


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, width: int, *, max_lines: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _truncate(lines[-1] + " …", width)
    return [_truncate(line, width) for line in lines] or [""]
