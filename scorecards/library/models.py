"""The criteria library admins configure: categories, criteria with their anchored
scales or curves, templates and standing bands. `CriterionRules` is what a
criterion is, shared by the library and each evaluation's snapshot."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.evidence import RATING_KINDS

from ..scoring.curves import validate_curve
from ..scoring.inputs import KNOWN_SIGNALS, SCORECARD

SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]
SIGNAL_LABELS = {
    "median_response_days": _("Median days to answer an information request"),
    "overdue_request_share": _("Share of information requests overdue"),
    "max_amendment_rounds": _("Most amendment rounds of one agreement"),
    "median_reviewers_per_round": _("Median reviewers weighing in per round"),
    "median_decision_days": _("Median days to decide an escalation"),
    "months_to_signature": _("Months from first engagement to signature"),
}
"""How pages name the signals a derived criterion reads (BUNDLE.md "Signals")."""
SIGNAL_CHOICES = [(name, SIGNAL_LABELS[name]) for name in KNOWN_SIGNALS]


class Kind(models.TextChoices):
    RATED = "rated", _("Rated on the anchored 1–5 scale")
    DERIVED = "derived", _("Derived from a negotiation signal")


# Where a rating comes from: a scorecard, or an evidence record of a kind that rates
# (partners.evidence); a criterion names the sources that may rate it.
Source = models.TextChoices(
    "Source",
    [("SCORECARD", (SCORECARD, _("Scorecard")))]
    + [(k.key.upper(), (k.key, k.label)) for k in RATING_KINDS],
)


def _check_sources(sources) -> list[str]:
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        return [_("Enter a list of sources.")]
    unknown = [s for s in sources if s not in Source.values]
    if unknown:
        return [
            _("“%(s)s” is not a source (%(known)s).")
            % {"s": s, "known": ", ".join(Source.values)}
            for s in unknown
        ]
    if len(set(sources)) != len(sources):
        return [_("A source is listed twice.")]
    return []


def _check_curve(curve) -> None:
    if not isinstance(curve, list):
        raise ValidationError({"curve": _("Enter a list of [x, score] points.")})
    errors = validate_curve(curve)
    if errors:
        raise ValidationError({"curve": errors})


class CriterionQuerySet(models.QuerySet):
    def rated_from(self, source: str):
        """Rated criteria that ``source`` (scorecard, or an evidence kind) may rate."""
        # ``sources`` is a JSON list; its text holds each source quoted, which both
        # SQLite and PostgreSQL can match (a JSON containment lookup SQLite lacks).
        return self.filter(kind=Kind.RATED, sources__icontains=f'"{source}"')


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
    sources = models.JSONField(
        _("rated from"),
        default=list,
        blank=True,
        help_text=_(
            "Who may rate it: scorecard, and the kinds of evidence that rate "
            "(interview, site_visit). Empty for derived criteria."
        ),
    )
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

    objects = CriterionQuerySet.as_manager()

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
            if self.sources:
                errors["sources"] = _(
                    "A derived criterion is computed, not rated: it has no sources."
                )
        else:
            if self.signal or self.curve:
                errors["signal"] = _(
                    "Only derived criteria have a signal and a curve; clear them or "
                    "make the criterion derived."
                )
            problems = _check_sources(self.sources)
            if problems:
                errors["sources"] = problems
            elif not self.sources:
                errors["sources"] = _(
                    "A rated criterion needs at least one source that may rate it."
                )
        if errors:
            raise ValidationError(errors)

    def rated_from(self, source: str) -> bool:
        """May ``source`` (scorecard, or an evidence kind's key) rate it?"""
        return self.kind == Kind.RATED and source in self.sources

    @property
    def is_rated(self) -> bool:
        return self.kind == Kind.RATED


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
