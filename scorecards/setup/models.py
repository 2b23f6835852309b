"""Scoring plans (the snapshot of a template's criteria, weights, anchors and
bands that scorecards are scored against) and the evaluators'
conflict-of-interest declarations."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import Candidate, Evaluation

from ..library.models import CriterionRules


class ScoringPlan(models.Model):
    """What a set of scorecards is scored against: a snapshot of a template's
    categories, criteria, weights, anchors and standing bands, frozen when it is
    taken so a later library edit never changes it.

    A plan belongs to an evaluation (whose members score it). Today each
    evaluation owns one, for choosing a partner (``purpose`` selection); reviews of
    the partnership after signing own plans of their own. Scorecards, conflict
    declarations and computed results belong to a plan, so the same rating models
    and engine serve both.
    """

    class Purpose(models.TextChoices):
        SELECTION = "selection", _("Partner selection")
        REVIEW = "review", _("Partnership review")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="plans"
    )
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.SELECTION
    )
    template_name = models.CharField(_("template"), max_length=200, blank=True)
    bands = models.JSONField(_("standing bands"), default=list)
    snapshot_at = models.DateTimeField(_("snapshot taken"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(purpose="selection"),
                name="plan_one_selection",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.get_purpose_display()}"

    @property
    def has_criteria(self) -> bool:
        """Whether the snapshot of a template has been taken."""
        return self.snapshot_at is not None

    @property
    def phase(self) -> str:
        """Where scoring stands (an `Evaluation.Status` value): for the selection,
        the evaluation's status."""
        return self.evaluation.status


class PlanCategory(models.Model):
    plan = models.ForeignKey(
        ScoringPlan, on_delete=models.CASCADE, related_name="categories"
    )
    key = models.SlugField(_("key"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category of a plan")
        verbose_name_plural = _("categories of plans")
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plan_category_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PlanCriterion(CriterionRules):
    plan = models.ForeignKey(
        ScoringPlan, on_delete=models.CASCADE, related_name="criteria"
    )
    category = models.ForeignKey(
        PlanCategory, on_delete=models.CASCADE, related_name="criteria"
    )
    anchors = models.JSONField(
        _("anchors"), default=dict, blank=True, help_text=_('{"1": "…", …, "5": "…"}')
    )

    class Meta:
        ordering = ["category__order", "order", "name"]
        verbose_name = _("criterion of a plan")
        verbose_name_plural = _("criteria of plans")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "key"], name="plan_criterion_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def anchor_list(self) -> list[tuple[int, str]]:
        return [(i, self.anchors.get(str(i), "")) for i in range(1, 6)]


class ConflictDeclaration(models.Model):
    """An evaluator's conflict-of-interest declaration before scoring a plan.

    ``candidate`` empty means "no conflict"; one naming a candidate blocks scoring it
    until the lead overrides with a reason.
    """

    plan = models.ForeignKey(
        ScoringPlan, on_delete=models.CASCADE, related_name="conflicts"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("conflict with"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
    )
    text = models.TextField(_("declaration"), blank=True)
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)
    override_reason = models.TextField(_("override reason"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "evaluator", "candidate"],
                name="conflict_unique_candidate",
            ),
            models.UniqueConstraint(
                fields=["plan", "evaluator"],
                condition=Q(candidate__isnull=True),
                name="conflict_unique_none",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator}: {self.candidate or 'none'}"

    @property
    def blocks(self) -> bool:
        return self.candidate_id is not None and not self.overridden_at
