"""The evaluation's snapshot of a template (criteria, weights, anchors, bands),
taken when it starts so a later library edit never changes it, and the
evaluators' conflict-of-interest declarations."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import Candidate, Evaluation

from ..library.models import CriterionRules


class EvaluationSetup(models.Model):
    """Which template an evaluation started from, and its standing bands, frozen."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="setup"
    )
    template_name = models.CharField(_("template"), max_length=200)
    bands = models.JSONField(_("standing bands"), default=list)
    snapshot_at = models.DateTimeField(_("snapshot taken"), auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.evaluation} ← {self.template_name}"


class EvaluationCategory(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="categories"
    )
    key = models.SlugField(_("key"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = _("evaluation categories")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "key"], name="evaluation_category_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationCriterion(CriterionRules):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="criteria"
    )
    category = models.ForeignKey(
        EvaluationCategory, on_delete=models.CASCADE, related_name="criteria"
    )
    anchors = models.JSONField(
        _("anchors"), default=dict, blank=True, help_text=_('{"1": "…", …, "5": "…"}')
    )

    class Meta:
        ordering = ["category__order", "order", "name"]
        verbose_name_plural = _("evaluation criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "key"], name="evaluation_criterion_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def anchor_list(self) -> list[tuple[int, str]]:
        return [(i, self.anchors.get(str(i), "")) for i in range(1, 6)]


class ConflictDeclaration(models.Model):
    """An evaluator's conflict-of-interest declaration for one evaluation.

    ``candidate`` empty means "no conflict"; one naming a candidate blocks scoring it
    until the lead overrides with a reason.
    """

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="conflicts"
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
                fields=["evaluation", "evaluator", "candidate"],
                name="conflict_unique_candidate",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "evaluator"],
                condition=Q(candidate__isnull=True),
                name="conflict_unique_none",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator}: {self.candidate or 'none'}"

    @property
    def blocks(self) -> bool:
        return self.candidate_id is not None and not self.overridden_at
