"""A derived criterion's curve in the admin: a table of points and a preview,
instead of raw JSON."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

ROWS = 8
"""Rows offered; the default library's curves have four or five points."""
WIDTH, HEIGHT, PAD = 360, 180, 34


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def preview_svg(points) -> str:
    """The curve as a small line chart: signal value across, score 0–100 up,
    clamped flat beyond the first and last point, as the engine reads it."""
    pts = sorted(
        (float(x), float(y))
        for x, y in (points or [])
        if isinstance(x, int | float) and isinstance(y, int | float)
    )
    if len(pts) < 2 or pts[0][0] == pts[-1][0]:
        return format_html(
            '<p class="curve-preview-empty">{}</p>',
            _(
                "The preview appears once two points with different signal values "
                "are saved."
            ),
        )
    low, high = pts[0][0], pts[-1][0]
    margin = (high - low) * 0.1
    x0, x1 = low - margin, high + margin

    def sx(x):
        return PAD + (x - x0) / (x1 - x0) * (WIDTH - 2 * PAD)

    def sy(y):
        return HEIGHT - PAD + (0 - y) / 100 * (HEIGHT - 2 * PAD)

    line = [(x0, pts[0][1]), *pts, (x1, pts[-1][1])]
    polyline = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in line)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3.5"><title>{}: {}</title></circle>',
        ((f"{sx(x):.1f}", f"{sy(y):.1f}", _number(x), _number(y)) for x, y in pts),
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle">{}</text>',
        ((f"{sx(x):.1f}", HEIGHT - PAD + 16, _number(x)) for x, _y in pts),
    )
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc"/>'
        '<text x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (
                PAD,
                WIDTH - PAD,
                f"{sy(v):.1f}",
                f"{sy(v):.1f}",
                PAD - 4,
                f"{sy(v) + 4:.1f}",
                v,
            )
            for v in (0, 50, 100)
        ),
    )
    summary = ", ".join(f"{_number(x)} → {_number(y)}" for x, y in pts)
    return format_html(
        '<svg class="curve-preview" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-label="{label}">{grid}'
        '<polyline points="{line}" fill="none" stroke="#0b5394" stroke-width="2"/>'
        '{dots}{ticks}<text x="{mid}" y="{h}" text-anchor="middle">{xlabel}</text>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT,
        label=_("Curve: signal value → score: %(points)s") % {"points": summary},
        grid=grid,
        line=polyline,
        dots=dots,
        ticks=ticks,
        mid=WIDTH // 2,
        xlabel=_("signal value (score beyond the ends stays flat)"),
    )


class CurveWidget(forms.MultiWidget):
    # In the app's own templates: form widgets are rendered by the form renderer,
    # which reads app directories, not the project's.
    template_name = "scorecards/widgets/curve.html"

    def __init__(self, attrs=None):
        number = {"step": "any", "class": "vIntegerField"}
        super().__init__(
            [forms.NumberInput(attrs=number) for _ in range(2 * ROWS)], attrs
        )

    def decompress(self, value):
        flat: list = []
        for point in (value or [])[:ROWS]:
            flat.extend(point if len(point) == 2 else ["", ""])
        return flat + [None] * (2 * ROWS - len(flat))

    def get_context(self, name, value, attrs):
        # The saved curve is a list of [x, score] pairs; a form shown again with
        # errors holds the posted row values, flat.
        if isinstance(value, list) and all(isinstance(p, list | tuple) for p in value):
            points, value = value, self.decompress(value)
        else:
            points = self._pairs(value)
        context = super().get_context(name, value, attrs)
        subs = context["widget"]["subwidgets"]
        context["rows"] = [(i + 1, subs[2 * i], subs[2 * i + 1]) for i in range(ROWS)]
        context["preview"] = preview_svg(points)
        return context

    @staticmethod
    def _pairs(flat):
        """Points from the posted row values (a form shown again with errors)."""
        out = []
        flat = list(flat or [])
        for i in range(0, len(flat) - 1, 2):
            try:
                out.append([float(flat[i]), float(flat[i + 1])])
            except (TypeError, ValueError):
                continue
        return out


class CurveField(forms.MultiValueField):
    """Rows of (signal value, score); empty rows are left out. A row with one of
    the two is an error naming it; the model checks the curve itself (two points
    at least, increasing signal values, scores within 0–100)."""

    widget = CurveWidget

    def __init__(self, **kwargs):
        fields = [forms.FloatField(required=False) for _ in range(2 * ROWS)]
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        points, errors = [], []
        for i in range(0, len(data_list or []), 2):
            x, y = data_list[i], data_list[i + 1]
            if x is None and y is None:
                continue
            if x is None or y is None:
                errors.append(
                    _("Point %(n)s needs both a signal value and a score.")
                    % {"n": i // 2 + 1}
                )
                continue
            points.append([_plain(x), _plain(y)])
        if errors:
            raise ValidationError(errors)
        return points


def _plain(value: float):
    """2.0 is stored as 2, as the default library writes its curves."""
    return int(value) if float(value).is_integer() else value
