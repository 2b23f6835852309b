"""The negotiation timeline as an SVG, for the browser and the PDF report alike.

Pure: plain milestone facts in, markup out, no database. The SVG stands alone (size,
viewBox and colours are attributes; no style attributes, which the CSP forbids and a
PDF renderer does not need), carries a title and a description for screen readers,
and escapes every piece of text.
"""

import datetime as dt
from collections.abc import Iterable

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cdmo_eval.dates import clamp

from .models import Milestone
from .signals import (
    DAYS_PER_MONTH,
    USUAL_MONTHS_TO_SIGNATURE,
    MilestoneFacts,
    is_signed,
    months_to_signature,
)

WIDTH, HEIGHT = 880, 230
# The right margin leaves room for the axis unit after the last tick label.
LEFT, RIGHT = 40, 72
AXIS_Y = 130
# Label rows, cycled through in date order so neighbouring labels do not collide.
LABEL_ROWS = (100, 168, 76, 192)

INK = "#212529"
MUTED = "#495057"
BRAND = "#12395b"
LATE = "#b02a37"
SIGNED = "#146c43"
BAND = "#d1e7dd"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def _day(value: dt.date) -> str:
    return date_format(value)


def _text(x: float, y: float, text: str, *, anchor="middle", cls="", fill=INK, size=12):
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" class="{}" fill="{}" font-size="{}" '
        'font-family="{}">{}</text>',
        f"{x:.1f}",
        f"{y:.1f}",
        anchor,
        cls,
        fill,
        size,
        FONT,
        text,
    )


def _line(x1, y1, x2, y2, *, stroke=MUTED, width=1, dash="", cls=""):
    dash_attr = format_html(' stroke-dasharray="{}"', dash) if dash else ""
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" '
        'class="{}"{}/>',
        f"{x1:.1f}",
        f"{y1:.1f}",
        f"{x2:.1f}",
        f"{y2:.1f}",
        stroke,
        width,
        cls,
        dash_attr,
    )


def elapsed_text(milestones: Iterable[MilestoneFacts], as_of: dt.date) -> str:
    """ "7.2 months since first engagement", or how long signing took; "" without a
    first engagement."""
    milestones = list(milestones)
    months = months_to_signature(milestones, as_of)
    if months is None:
        return ""
    if is_signed(milestones, as_of):
        return _("MSA signed %(months).1f months after first engagement") % {
            "months": months
        }
    return _("%(months).1f months since first engagement") % {"months": months}


def timeline_svg(
    milestones: Iterable[MilestoneFacts], *, as_of: dt.date, uid: str = "timeline"
) -> SafeString:
    """A horizontal timeline of ``milestones`` as of ``as_of``: the usual 6-9 month
    window from first engagement, the elapsed months, and each milestone labelled."""
    milestones = sorted(milestones, key=lambda m: (m.date, m.kind))
    labels = dict(Milestone.Kind.choices)
    title = _("Negotiation timeline")
    elapsed = elapsed_text(milestones, as_of)
    engaged = [m.date for m in milestones if m.kind == Milestone.Kind.FIRST_ENGAGEMENT]
    # Positions come from clamped dates, so a stored year 9999 (or 0001) lands at
    # the edge instead of overflowing; labels keep the stored dates.
    start = clamp(
        min(engaged) if engaged else (milestones[0].date if milestones else as_of)
    )
    window_end = start + dt.timedelta(days=round(10 * DAYS_PER_MONTH))
    end = max([clamp(as_of), window_end, *(clamp(m.date) for m in milestones)])
    span = max((end - start).days, 1)
    plot = WIDTH - LEFT - RIGHT

    def x(value: dt.date) -> float:
        return LEFT + (clamp(value) - start).days / span * plot

    def x_months(months: float) -> float:
        return LEFT + months * DAYS_PER_MONTH / span * plot

    parts: list[str] = []
    described = [f"{labels.get(m.kind, m.kind)} {_day(m.date)}" for m in milestones]
    description = "; ".join(described) or _("No milestones recorded yet.")
    if elapsed:
        description += ". " + elapsed + "."

    if engaged:
        # The usual window between first engagement and signature.
        low, high = (x_months(m) for m in USUAL_MONTHS_TO_SIGNATURE)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                'class="timeline-window"/>',
                f"{low:.1f}",
                40,
                f"{high - low:.1f}",
                AXIS_Y + 70 - 40,
                BAND,
            )
        )
        for months in USUAL_MONTHS_TO_SIGNATURE:
            mark = x_months(months)
            # Starts below its label, so the dashes never cross the text.
            parts.append(_line(mark, 60, mark, AXIS_Y + 70, dash="4 3", cls="mark"))
            parts.append(
                _text(
                    mark,
                    54,
                    _("%(n)s months") % {"n": months},
                    cls="timeline-mark",
                    fill=MUTED,
                    size=11,
                )
            )
        months = months_to_signature(milestones, as_of) or 0.0
        colour = (
            SIGNED
            if is_signed(milestones, as_of)
            else (LATE if months > USUAL_MONTHS_TO_SIGNATURE[1] else BRAND)
        )
        parts.append(
            _line(
                x(start),
                AXIS_Y,
                min(x_months(months), WIDTH - RIGHT),
                AXIS_Y,
                stroke=colour,
                width=6,
                cls="timeline-elapsed",
            )
        )

    # Axis with a tick per month (fewer when the span is long).
    parts.append(_line(LEFT, AXIS_Y, WIDTH - RIGHT, AXIS_Y, stroke=MUTED, cls="axis"))
    total_months = span / DAYS_PER_MONTH
    step = max(1, int(total_months // 12) + 1)
    month = 0
    while month <= total_months:
        tick = x_months(month)
        parts.append(_line(tick, AXIS_Y - 4, tick, AXIS_Y + 4, stroke=MUTED))
        if month % step == 0:
            parts.append(
                _text(tick, AXIS_Y + 18, str(month), fill=MUTED, size=10, cls="tick")
            )
        month += 1 if total_months <= 120 else step
    parts.append(
        _text(
            WIDTH - 8,
            AXIS_Y + 18,
            _("months"),
            anchor="end",
            fill=MUTED,
            size=10,
            cls="tick",
        )
    )

    # As-of marker.
    now = x(as_of)
    parts.append(_line(now, 36, now, AXIS_Y + 70, stroke=INK, dash="1 2", cls="as-of"))
    parts.append(
        _text(
            now,
            HEIGHT - 6,
            _("as of %(date)s") % {"date": _day(as_of)},
            anchor="end" if now > WIDTH - 120 else "middle",
            size=11,
        )
    )

    for index, milestone in enumerate(milestones):
        px = x(milestone.date)
        row = LABEL_ROWS[index % len(LABEL_ROWS)]
        anchor = "start" if px < LEFT + 60 else "end" if px > WIDTH - 80 else "middle"
        fill = SIGNED if milestone.kind == Milestone.Kind.MSA_SIGNED else BRAND
        parts.append(_line(px, AXIS_Y, px, row + (17 if row < AXIS_Y else -12)))
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="6" fill="{}" stroke="#ffffff" '
                'stroke-width="2" class="milestone"/>',
                f"{px:.1f}",
                AXIS_Y,
                fill,
            )
        )
        parts.append(
            _text(px, row, labels.get(milestone.kind, milestone.kind), anchor=anchor)
        )
        parts.append(
            _text(
                px, row + 13, _day(milestone.date), anchor=anchor, fill=MUTED, size=10
            )
        )

    heading = elapsed or _("No first engagement recorded yet.")
    parts.append(_text(LEFT, 22, heading, anchor="start", size=14, cls="elapsed"))

    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{uid}-title {uid}-desc" '
        'class="timeline-chart"><title id="{uid}-title">{title}</title>'
        '<desc id="{uid}-desc">{desc}</desc>'
        '<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>{body}</svg>',
        w=WIDTH,
        h=HEIGHT,
        uid=uid,
        title=title,
        desc=description,
        # Safe: every part was built by format_html, which escapes its arguments.
        body=mark_safe("".join(parts)),  # nosec B308 B703
    )
