"""Criteria, ratings and what is computed from them.

Three layers:

- the **library** admins configure (categories, criteria with their anchored scales or
  curves, templates, standing bands);
- the **snapshot** an evaluation takes of a template when it starts, so a later library
  edit never changes a running or past evaluation;
- the **ratings** evaluators, interviewers and the lead record against that snapshot.
"""

import math
import uuid
from array import array

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from partners.models import Candidate, CultureInterview, Evaluation, Finding, SiteVisit

from .scoring.curves import validate_curve
from .scoring.inputs import KNOWN_SIGNALS
from .scoring.results import round_half_up

SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]
SIGNAL_CHOICES = [(name, name.replace("_", " ")) for name in KNOWN_SIGNALS]


class Kind(models.TextChoices):
    RATED = "rated", _("Rated on the anchored 1–5 scale")
    DERIVED = "derived", _("Derived from a negotiation signal")


class Source(models.TextChoices):
    SCORECARD = "scorecard", _("Scorecard")
    INTERVIEW = "interview", _("Culture interview")
    SITE_VISIT = "site_visit", _("Site visit")


def _check_curve(curve) -> None:
    if not isinstance(curve, list):
        raise ValidationError({"curve": _("Enter a list of [x, score] points.")})
    errors = validate_curve(curve)
    if errors:
        raise ValidationError({"curve": errors})


class CriterionRules(models.Model):
    """What a criterion is, shared by the library and the evaluation snapshot."""

    key = models.SlugField(_("key"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight within the category"),
        default=1,
        validators=[MinValueValidator(1)],
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=Kind.choices, default=Kind.RATED
    )
    by_scorecard = models.BooleanField(_("rated on scorecards"), default=True)
    by_interview = models.BooleanField(_("rated in culture interviews"), default=False)
    by_site_visit = models.BooleanField(_("rated on site visits"), default=False)
    gate_threshold = models.DecimalField(
        _("gate threshold"),
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_(
            "Knock-out: a candidate whose rating is below this (1–5) is disqualified "
            "whatever its overall score. Leave empty for no gate."
        ),
    )
    signal = models.CharField(
        _("signal"), max_length=40, choices=SIGNAL_CHOICES, blank=True
    )
    curve = models.JSONField(
        _("curve"),
        default=list,
        blank=True,
        help_text=_(
            "Points [signal value, score 0–100] sorted by signal value, e.g. "
            "[[2, 100], [5, 75], [10, 25], [15, 0]]. Values outside are clamped."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True

    def clean(self):
        errors = {}
        if self.kind == Kind.DERIVED:
            if not self.signal:
                errors["signal"] = _("A derived criterion needs a signal.")
            elif self.signal not in KNOWN_SIGNALS:
                errors["signal"] = _("“%(s)s” is not a known signal.") % {
                    "s": self.signal
                }
            try:
                _check_curve(self.curve)
            except ValidationError as exc:
                errors.update(exc.message_dict)
            if self.gate_threshold is not None:
                errors["gate_threshold"] = _(
                    "Gates apply to rated criteria; a derived criterion has no "
                    "1–5 rating to compare."
                )
        else:
            if self.signal or self.curve:
                errors["signal"] = _(
                    "Only derived criteria have a signal and a curve; clear them or "
                    "make the criterion derived."
                )
            if not self.sources:
                errors["by_scorecard"] = _(
                    "A rated criterion needs at least one source that may rate it."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def sources(self) -> list[str]:
        if self.kind == Kind.DERIVED:
            return []
        flags = (
            (Source.SCORECARD, self.by_scorecard),
            (Source.INTERVIEW, self.by_interview),
            (Source.SITE_VISIT, self.by_site_visit),
        )
        return [str(source) for source, on in flags if on]

    @property
    def is_rated(self) -> bool:
        return self.kind == Kind.RATED


# --- library --------------------------------------------------------------------------


class Category(models.Model):
    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("default weight"),
        validators=[MinValueValidator(1)],
        help_text=_("Relative weight; a category that should not count is removed."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Criterion(CriterionRules):
    key = models.SlugField(_("key"), max_length=64, unique=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="criteria"
    )

    class Meta:
        ordering = ["category__order", "order", "name"]
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class ScaleAnchor(models.Model):
    """What a rating of ``value`` means for one criterion."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="anchors"
    )
    value = models.PositiveSmallIntegerField(_("rating"), choices=SCORE_CHOICES)
    text = models.CharField(_("means"), max_length=300)

    class Meta:
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "value"], name="anchor_unique_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.text}"


class StandingScale(models.Model):
    """Named score bands that label an overall score (preferred, acceptable, …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name

    def as_bands(self) -> list[dict]:
        return [
            {"label": b.label, "low": float(b.low), "high": float(b.high)}
            for b in self.bands.all()
        ]


class StandingBand(models.Model):
    scale = models.ForeignKey(
        StandingScale, on_delete=models.CASCADE, related_name="bands"
    )
    label = models.CharField(_("label"), max_length=60)
    low = models.DecimalField(
        _("from"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    high = models.DecimalField(
        _("up to"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Exclusive, except that the top band includes 100."),
    )

    class Meta:
        ordering = ["-low"]

    def __str__(self) -> str:
        return f"{self.label} ({self.low}–{self.high})"


class Template(models.Model):
    """A named set of criteria and weights an evaluation starts from."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    standing_scale = models.ForeignKey(
        StandingScale,
        verbose_name=_("standing bands"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(_("offered for new evaluations"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TemplateCategory(models.Model):
    template = models.ForeignKey(
        Template, on_delete=models.CASCADE, related_name="categories"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["category__order"]
        verbose_name = _("category weight")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "category"], name="template_category_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.weight}"


class TemplateCriterion(models.Model):
    template = models.ForeignKey(
        Template, on_delete=models.CASCADE, related_name="criteria"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(
        _("weight within the category"), validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["criterion__category__order", "criterion__order"]
        verbose_name = _("criterion")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "criterion"], name="template_criterion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.weight}"


# --- the evaluation's snapshot --------------------------------------------------------


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


# --- conflicts, scorecards and ratings ------------------------------------------------


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


# --- computed alignment (written only by the scoring job) -----------------------------


class AlignmentState(models.Model):
    """Whether an evaluation's results are current.

    ``changed_at``: the last time its inputs changed. ``queued_at``: a recompute is
    queued or running (it coalesces bursts: one claim, one run). ``fresh_as_of``: when
    the inputs behind ``current_run`` were read. Results are stale while a change is
    newer than that.
    """

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="alignment_state"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
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
        return f"{self.evaluation} alignment"

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
    """One recompute of an evaluation: its input fingerprint and the results
    document (BUNDLE.md "Results"). Written with its `AlignmentResult` rows in one
    transaction, and only then made current."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="alignment_runs"
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

    class Meta:
        ordering = ["-computed_at"]
        indexes = [models.Index(fields=["evaluation", "fingerprint"])]

    def __str__(self) -> str:
        return f"{self.evaluation} @ {self.computed_at:%Y-%m-%d %H:%M}"

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
            "evaluation": self.evaluation.key,
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
        return self.p_first is not None and self.p_first >= 0.8

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


# --- report PDFs (written only by the report job) ------------------------------------


def report_path(instance, filename: str) -> str:
    # A random name: the file is reached only through the download view.
    return f"reports/{uuid.uuid4().hex}.pdf"


class ReportJob(models.Model):
    """One requested report PDF: a due-diligence report (``candidate`` set) or the
    comparison report of the evaluation (``candidate`` empty).

    ``fingerprint`` is the alignment input fingerprint the report was rendered from
    and ``content_digest`` the hash of the report's content (everything but who
    asked and when), so asking again when nothing changed returns this file.
    """

    class Kind(models.TextChoices):
        DUE_DILIGENCE = "due_diligence", _("Due-diligence report")
        COMPARISON = "comparison", _("Comparison report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="report_jobs"
    )
    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)]
    )
    file = models.FileField(upload_to=report_path, max_length=200, blank=True)
    fingerprint = models.CharField(_("input fingerprint"), max_length=64, blank=True)
    template_version = models.CharField(max_length=20, blank=True)
    content_digest = models.CharField(max_length=64, blank=True, db_index=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["evaluation", "kind", "candidate", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="due_diligence", candidate__isnull=False)
                | Q(kind="comparison", candidate__isnull=True),
                name="report_kind_candidate",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_progress_range"
            ),
        ]

    def __str__(self) -> str:
        subject = self.candidate or self.evaluation
        return f"{self.get_kind_display()}: {subject} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("report_status", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def download_name(self) -> str:
        subject = self.candidate.cdmo.key if self.candidate_id else "comparison"
        stamp = self.requested_at.strftime("%Y%m%d-%H%M")
        return f"{self.evaluation.key}-{subject}-{stamp}.pdf"
