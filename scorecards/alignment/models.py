"""Computed alignment: a plan's state, its runs and their result rows
(written only by the recompute job)."""

import math
from array import array

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property

from partners.models import Candidate

from ..scoring.results import round_half_up
from ..scoring.sensitivity import ROBUST_P_FIRST
from ..setup.models import ScoringPlan


class AlignmentState(models.Model):
    """Whether a plan's results are current.

    ``changed_at``: the last time its inputs changed. ``queued_at``: a recompute is
    queued or running (it coalesces bursts: one claim, one run). ``fresh_as_of``: when
    the inputs behind ``current_run`` were read. Results are stale while a change is
    newer than that.
    """

    plan = models.OneToOneField(
        ScoringPlan, on_delete=models.CASCADE, related_name="alignment_state"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose change made the results stale last.",
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    fresh_as_of = models.DateTimeField(null=True, blank=True)
    current_run = models.ForeignKey(
        "AlignmentRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.plan} alignment"

    @property
    def is_stale(self) -> bool:
        if self.current_run_id is None:
            return True
        return bool(
            self.queued_at
            or (
                self.changed_at
                and self.fresh_as_of
                and self.changed_at > self.fresh_as_of
            )
        )


class AlignmentRun(models.Model):
    """One recompute of a plan: its input fingerprint and the results
    document (BUNDLE.md "Results"). Written with its `AlignmentResult` rows in one
    transaction, and only then made current."""

    plan = models.ForeignKey(
        ScoringPlan, on_delete=models.CASCADE, related_name="alignment_runs"
    )
    fingerprint = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField(auto_now_add=True)
    duration_ms = models.PositiveIntegerField(default=0)
    robust = models.BooleanField(default=False)
    draws = models.PositiveIntegerField(default=0)
    delta = models.FloatField(default=0.2)
    as_of = models.DateField(null=True)
    criterion_keys = models.JSONField(default=list)
    caused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The user whose change this recompute answers (None: a schedule).",
    )

    class Meta:
        ordering = ["-computed_at"]
        indexes = [
            models.Index(fields=["plan", "fingerprint"], name="scorecards_plan_fp_idx")
        ]

    def __str__(self) -> str:
        return f"{self.plan} @ {self.computed_at:%Y-%m-%d %H:%M}"

    @property
    def results(self) -> dict:
        """The BUNDLE.md "Results" document of this run, from its rows (one query).

        Not stored whole: the rows already hold every number, and writing the
        document twice doubled the cost of a recompute at 200 candidates.
        """
        rows = list(self.rows.select_related("candidate__cdmo").order_by("rank"))
        for row in rows:
            row.run = self
        return {
            "evaluation": self.plan.evaluation.key,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "candidates": [row.as_result() for row in rows],
        }


class AlignmentResult(models.Model):
    """One candidate's alignment in one run."""

    run = models.ForeignKey(AlignmentRun, on_delete=models.CASCADE, related_name="rows")
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="alignment_results"
    )
    rank = models.PositiveIntegerField()
    qualified = models.BooleanField(default=True)
    overall = models.FloatField(null=True)
    standing = models.CharField(max_length=60, blank=True)
    coverage = models.FloatField(default=0)
    confidence = models.CharField(max_length=8)
    consistency = models.FloatField(null=True)
    categories = models.JSONField(default=dict)
    cells = models.BinaryField(
        default=b"",
        help_text="float64 (score, mean, n, spread, consensus) per criterion, NaN "
        "for none, in run.criterion_keys order",
    )
    signals = models.JSONField(default=dict)
    p_first = models.FloatField(null=True)
    rank_low = models.PositiveIntegerField()
    rank_high = models.PositiveIntegerField()
    flags = models.JSONField(default=list)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "candidate"], name="alignment_result_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.overall}"

    @property
    def robust(self) -> bool:
        return self.p_first is not None and self.p_first >= ROBUST_P_FIRST

    @cached_property
    def criteria(self) -> dict[str, dict]:
        """Per criterion key: score, mean, n, spread (rounded as in the results)
        and whether a consensus decided it. Reads ``run.criterion_keys``."""
        r1 = round_half_up
        cells = unpack_cells(bytes(self.cells))
        return {
            key: {
                "score": r1(score),
                "mean": r1(mean),
                "n": int(n),
                "spread": r1(spread),
                "consensus": bool(consensus),
            }
            for key, (score, mean, n, spread, consensus) in zip(
                self.run.criterion_keys, cells, strict=True
            )
        }

    def as_result(self) -> dict:
        """This row in the BUNDLE.md "Results" shape."""
        return {
            "cdmo": self.candidate.cdmo.key,
            "rank": self.rank,
            "qualified": self.qualified,
            "overall": self.overall,
            "coverage": self.coverage,
            "confidence": self.confidence,
            "consistency": self.consistency,
            "categories": self.categories,
            "criteria": {
                key: {k: v for k, v in data.items() if k != "consensus"}
                for key, data in self.criteria.items()
            },
            "signals": self.signals,
            "p_first": self.p_first,
            "rank_range": [self.rank_low, self.rank_high],
            "flags": [f["code"] for f in self.flags],
        }


def pack_cells(rows) -> bytes:
    """(score, mean, n, spread, consensus) tuples as float64 bytes, None as NaN.

    Binary rather than JSON: at 200 candidates x 60 criteria, quoting and parsing
    JSON cost more than the rest of the recompute together.
    """
    nan = math.nan
    return array("d", [nan if v is None else v for row in rows for v in row]).tobytes()


def unpack_cells(data: bytes) -> list[tuple]:
    values = array("d")
    values.frombytes(data)
    cells = [None if math.isnan(v) else v for v in values]
    return [tuple(cells[i : i + 5]) for i in range(0, len(cells), 5)]
