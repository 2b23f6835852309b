"""Piecewise-linear curves of derived criteria, and the score bands of standings."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .inputs import Band

Point = tuple[float, float]


def validate_curve(points: Sequence[Sequence[float]]) -> list[str]:
    """Errors of a derived criterion's curve, as the admin entered it; [] when valid.

    A curve needs at least two points, x strictly increasing (so no duplicate x) and
    every score y within 0-100.
    """
    errors: list[str] = []
    if len(points) < 2:
        errors.append("A curve needs at least two points.")
    pts: list[Point] = []
    for i, p in enumerate(points, start=1):
        if len(p) != 2 or not all(_is_number(v) for v in p):
            errors.append(f"Point {i} must be a pair of numbers (x, score).")
            continue
        pts.append((float(p[0]), float(p[1])))
    for (x0, _), (x1, _) in zip(pts, pts[1:], strict=False):
        if x1 == x0:
            errors.append(f"x = {x1:g} appears twice; each x must be unique.")
        elif x1 < x0:
            errors.append(f"x must increase from point to point ({x0:g} then {x1:g}).")
    errors.extend(
        f"Score {y:g} at x = {x:g} is outside 0-100."
        for x, y in pts
        if not 0 <= y <= 100
    )
    return errors


def interpolate(curve: Sequence[Sequence[float]], x: float) -> float:
    """The curve's value at `x` (scoring rule 1, derived criteria).

    Points are sorted by x; between two points the value is linear, and beyond the
    first or last point it is clamped to that point's value.
    """
    if not curve:
        raise ValueError("cannot interpolate an empty curve")
    pts = sorted((float(px), float(py)) for px, py in curve)
    if x <= pts[0][0]:
        return pts[0][1]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return pts[-1][1]


def validate_bands(bands: Sequence[Band]) -> list[str]:
    """Errors of a set of standings; [] when valid.

    Bands must cover 0-100 with no gap and no overlap; each is `low <= s < high`, and
    the top one also holds 100.
    """
    if not bands:
        return ["Define at least one band."]
    errors: list[str] = []
    for b in bands:
        if not b.label.strip():
            errors.append(f"The band {b.low:g}-{b.high:g} needs a label.")
        if not (_is_number(b.low) and _is_number(b.high)) or not b.low < b.high:
            errors.append(f"Band {b.label!r}: low must be below high.")
    if errors:
        return errors
    ordered = sorted(bands, key=lambda b: (b.low, b.high))
    if ordered[0].low != 0:
        errors.append(f"Scores from 0 to {ordered[0].low:g} have no band.")
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.low > a.high:
            errors.append(f"Scores from {a.high:g} to {b.low:g} have no band.")
        elif b.low < a.high:
            errors.append(f"Bands {a.label!r} and {b.label!r} overlap.")
    if ordered[-1].high != 100:
        top = ordered[-1].high
        errors.append(
            f"Scores from {top:g} to 100 have no band."
            if top < 100
            else f"Band {ordered[-1].label!r} goes past 100."
        )
    return errors


def standing_for(bands: Sequence[Band], score: float | None) -> str | None:
    """The label of the band holding `score`; None without a score or bands."""
    if score is None or not bands:
        return None
    top = max(bands, key=lambda b: b.high)
    for b in bands:
        if b.low <= score < b.high or (b is top and score == b.high):
            return b.label
    return None


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
