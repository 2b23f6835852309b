"""Scorecards, ratings and the team's consensus."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Candidate, CultureInterview, Evaluation, Finding, SiteVisit

from ..library.models import SCORE_CHOICES, Source
from ..setup.models import EvaluationCriterion

RATIONALE_REQUIRED = (1, 2, 5)
"""The extremes need a reason: ratings of 1, 2 and 5 carry a rationale."""


class Scorecard(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scorecards"
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
                fields=["candidate", "evaluator"], name="scorecard_unique_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.candidate}"

    def get_absolute_url(self) -> str:
        return reverse("scorecard", kwargs={"pk": self.candidate_id})

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Rating(models.Model):
    """One 1–5 rating (or "not applicable") of one criterion for one candidate.

    It comes from exactly one source: a scorecard, a culture interview or a site visit.
    ``candidate`` and ``counts`` are kept on the row so the alignment job aggregates
    the whole table with one GROUP BY and no join: ``counts`` is true for interview
    and visit ratings and for ratings of submitted scorecards (services keep it so).
    ``version`` grows with every change, so two tabs editing one draft cannot
    overwrite each other silently.
    """

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="ratings"
    )
    criterion = models.ForeignKey(
        EvaluationCriterion, on_delete=models.CASCADE, related_name="ratings"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    scorecard = models.ForeignKey(
        Scorecard,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ratings",
    )
    interview = models.ForeignKey(
        CultureInterview,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ratings",
    )
    visit = models.ForeignKey(
        SiteVisit,
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
    rests_on_interview = models.ForeignKey(
        CultureInterview,
        verbose_name=_("rests on interview"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rests_on_visit = models.ForeignKey(
        SiteVisit,
        verbose_name=_("rests on visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
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
            models.CheckConstraint(
                condition=(
                    Q(
                        source="scorecard",
                        scorecard__isnull=False,
                        interview__isnull=True,
                        visit__isnull=True,
                    )
                    | Q(
                        source="interview",
                        scorecard__isnull=True,
                        interview__isnull=False,
                        visit__isnull=True,
                    )
                    | Q(
                        source="site_visit",
                        scorecard__isnull=True,
                        interview__isnull=True,
                        visit__isnull=False,
                    )
                ),
                name="rating_one_source",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="rating_score_range",
            ),
            models.UniqueConstraint(
                fields=["scorecard", "criterion"], name="rating_unique_scorecard"
            ),
            models.UniqueConstraint(
                fields=["interview", "criterion"], name="rating_unique_interview"
            ),
            models.UniqueConstraint(
                fields=["visit", "criterion"], name="rating_unique_visit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score or 'n/a'}"

    @property
    def rests_on(self):
        return self.rests_on_interview or self.rests_on_visit or self.rests_on_finding


class ConsensusRating(models.Model):
    """The team's agreed rating after discussion; replaces the mean (rule 1)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="consensus"
    )
    criterion = models.ForeignKey(
        EvaluationCriterion, on_delete=models.CASCADE, related_name="consensus"
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
