"""Scorecards, ratings and the team's consensus."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from partners.evidence import EVIDENCE_KINDS, RATING_KINDS
from partners.models import Candidate, Finding

from ..library.models import SCORE_CHOICES, Source
from ..setup.models import PlanCriterion, ScoringPlan

RATIONALE_REQUIRED = (1, 2, 5)
"""The extremes need a reason: ratings of 1, 2 and 5 carry a rationale."""


class Scorecard(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    plan = models.ForeignKey(
        ScoringPlan, on_delete=models.CASCADE, related_name="scorecards"
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="scorecards"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reopened_reason = models.TextField(_("reopened because"), blank=True)

    class Meta:
        ordering = ["candidate__cdmo__name", "evaluator__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "candidate", "evaluator"],
                name="scorecard_unique_evaluator",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.candidate}"

    def get_absolute_url(self) -> str:
        return reverse("scorecard", kwargs={"pk": self.candidate_id})

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


def _one_source() -> Q:
    """A rating comes from exactly one source, and says which."""
    owners = ["scorecard", *(k.name for k in RATING_KINDS)]
    condition = Q()
    for source, owner in zip(Source.values, owners, strict=True):
        condition |= Q(source=source, **{f"{o}__isnull": o != owner for o in owners})
    return condition


class Rating(models.Model):
    """One 1–5 rating (or "not applicable") of one criterion for one candidate.

    It comes from exactly one source: a scorecard, or an evidence record of a kind
    that rates (a culture interview, a site visit); one link per kind is generated
    from `partners.evidence` below, as is the link to the evidence a scorecard
    rating rests on (``rests_on_<kind>``, or ``rests_on_finding``).
    ``candidate`` and ``counts`` are kept on the row so the alignment job aggregates
    the whole table with one GROUP BY and no join: ``counts`` is true for evidence
    ratings and for ratings of submitted scorecards (services keep it so).
    ``version`` grows with every change, so two tabs editing one draft cannot
    overwrite each other silently.
    """

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="ratings"
    )
    criterion = models.ForeignKey(
        PlanCriterion, on_delete=models.CASCADE, related_name="ratings"
    )
    # Room for any evidence kind's key (`partners.evidence`), not only today's.
    source = models.CharField(_("source"), max_length=32, choices=Source.choices)
    scorecard = models.ForeignKey(
        Scorecard,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ratings",
    )
    score = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        choices=SCORE_CHOICES,
        help_text=_("Empty means not applicable."),
    )
    rationale = models.TextField(_("rationale"), blank=True)
    rests_on_finding = models.ForeignKey(
        Finding,
        verbose_name=_("rests on finding"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    counts = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated"), auto_now=True)

    class Meta:
        ordering = ["criterion__category__order", "criterion__order"]
        indexes = [models.Index(fields=["candidate", "criterion"])]
        constraints = [
            models.CheckConstraint(condition=_one_source(), name="rating_one_source"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="rating_score_range",
            ),
            models.UniqueConstraint(
                fields=["scorecard", "criterion"], name="rating_unique_scorecard"
            ),
            *(
                models.UniqueConstraint(
                    fields=[k.name, "criterion"], name=f"rating_unique_{k.name}"
                )
                for k in RATING_KINDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score or 'n/a'}"

    @property
    def rests_on(self):
        """The interview, visit or finding the rating rests on, if any."""
        for name in REST_FIELDS:
            record = getattr(self, name)
            if record is not None:
                return record
        return None

    @property
    def evidence(self):
        """The interview or visit an evidence rating comes from (None for a
        scorecard rating)."""
        for kind in RATING_KINDS:
            record = getattr(self, kind.name)
            if record is not None:
                return record
        return None


# --- links to evidence, one per kind (partners.evidence) -----------------------------

for _kind in RATING_KINDS:
    Rating.add_to_class(
        _kind.name,
        models.ForeignKey(
            _kind.model_label,
            verbose_name=_kind.label,
            on_delete=models.CASCADE,
            null=True,
            blank=True,
            related_name="ratings",
        ),
    )
for _kind in EVIDENCE_KINDS:
    Rating.add_to_class(
        f"rests_on_{_kind.name}",
        models.ForeignKey(
            _kind.model_label,
            verbose_name=format_lazy(_("rests on {kind}"), kind=_kind.name),
            on_delete=models.SET_NULL,
            null=True,
            blank=True,
            related_name="+",
        ),
    )
REST_FIELDS = (*(f"rests_on_{k.name}" for k in EVIDENCE_KINDS), "rests_on_finding")
EVIDENCE_FIELDS = {k.key: f"{k.name}_id" for k in RATING_KINDS}


def rating_evidence_id(rating: Rating) -> int | None:
    """The id of the evidence record an evidence rating comes from (no query)."""
    field = EVIDENCE_FIELDS.get(rating.source)
    return getattr(rating, field) if field else None


"""The links to what a scorecard rating may rest on: any evidence, or a finding."""


class ConsensusRating(models.Model):
    """The team's agreed rating after discussion; replaces the mean (rule 1)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="consensus"
    )
    criterion = models.ForeignKey(
        PlanCriterion, on_delete=models.CASCADE, related_name="consensus"
    )
    score = models.PositiveSmallIntegerField(
        _("consensus rating"),
        choices=SCORE_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "criterion"], name="consensus_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.criterion}: {self.score}"
