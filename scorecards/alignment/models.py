"""Computed alignment: a plan's state, its runs and their result rows
(written only by the recompute job)."""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property

from cdmo_eval.dates import shown
from partners.models import Candidate

from ..scoring.sensitivity import ROBUST_P_FIRST
from ..setup.models import PlanCriterion, ScoringPlan


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
        return f"{self.plan} @ {shown(self.computed_at)}"

    @property
    def results(self) -> dict:
        """The BUNDLE.md "Results" document of this run, from its rows (two queries).

        Not stored whole: the rows already hold every number, and writing the
        document twice doubled the cost of a recompute at 200 candidates.
        """
        rows = list(self.rows.select_related("candidate__cdmo").order_by("rank"))
        for row in rows:
            row.run = self
        attach_criteria(rows)
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
        """Per criterion key, in the plan's order: score, mean, n, spread (rounded
        as in the results) and whether a consensus decided it. One query, unless
        `alignment.read.attach_criteria` already read the rows of many results."""
        if not hasattr(self, "_criteria"):
            attach_criteria([self])
        return self._criteria

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


class CriterionResult(models.Model):
    """One criterion's result for one candidate in one run (rule 1), as the results
    show it: a row a person can read in the database."""

    # Written only by the recompute, from ids of the same transaction, 12,000 at a
    # time: the links are not checked by the database (its deferred checks cost a
    # third of a recompute), and the (result, criterion) key is the one index,
    # which serves lookups by result. Deletes still cascade, through the ORM.
    pk = models.CompositePrimaryKey("result", "criterion")
    result = models.ForeignKey(
        AlignmentResult,
        on_delete=models.CASCADE,
        related_name="criterion_results",
        db_index=False,
        db_constraint=False,
    )
    criterion = models.ForeignKey(
        PlanCriterion,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    score = models.FloatField(null=True, help_text="0–100; empty: no score")
    mean = models.FloatField(null=True, help_text="Mean of the ratings (1–5)")
    n = models.PositiveIntegerField(default=0, help_text="Ratings behind the mean")
    spread = models.FloatField(
        null=True, help_text="Population σ of the submitted scorecard ratings"
    )
    consensus = models.BooleanField(
        default=False, help_text="A consensus rating replaced the mean"
    )

    def __str__(self) -> str:
        return f"{self.result.candidate} · {self.criterion}: {self.score}"


CRITERION_COLUMNS = ("score", "mean", "n", "spread", "consensus")


def attach_criteria(results) -> None:
    """Read the criterion rows of ``results`` in one query and give each its
    ``criteria`` dict (criteria in the plan's order)."""
    by_result: dict[int, dict] = {r.pk: {} for r in results}
    rows = (
        CriterionResult.objects.filter(result__in=list(by_result))
        .order_by(
            "result_id",
            "criterion__category__order",
            "criterion__order",
            "criterion__name",
        )
        .values_list("result_id", "criterion__key", *CRITERION_COLUMNS)
    )
    for result_id, key, *values in rows:
        by_result[result_id][key] = dict(zip(CRITERION_COLUMNS, values, strict=True))
    for result in results:
        result._criteria = by_result[result.pk]
