"""Who is evaluated, by whom, and the evidence gathered about them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdmo_eval.dates import plausible_date, shown
from cdmo_eval.models import Record, exactly_one_of

from .evidence import BY_KEY, EVIDENCE_KINDS
from .uploads import RandomPath

# Keys a URL already uses in the place a key goes: /evaluations/new/,
# /evaluations/import/, /cdmos/new/. A record keyed so could be created but never
# opened. The bundle schema refuses the same keys.
RESERVED_KEYS = frozenset({"new", "import"})


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_KEYS:
        raise ValidationError(
            _("“%(value)s” is used by the site's own links; choose another key."),
            code="reserved",
            params={"value": value},
        )


class Role(models.TextChoices):
    LEAD = "lead", _("Evaluation lead")
    EVALUATOR = "evaluator", _("Evaluator")
    PROCUREMENT = "procurement", _("Procurement")
    OBSERVER = "observer", _("Observer")


class Evaluation(Record):
    class Status(models.TextChoices):
        SETUP = "setup", _("Setting up")
        SCORING = "scoring", _("Scoring open")
        CLOSED = "closed", _("Scoring closed")
        DECIDED = "decided", _("Decided")

    key = models.SlugField(
        _("key"),
        max_length=64,
        unique=True,
        validators=[validate_not_reserved],
        error_messages={
            "unique": _("An evaluation with this key already exists; choose another.")
        },
    )
    name = models.CharField(_("name"), max_length=200)
    program = models.CharField(_("program"), max_length=100)
    modality = models.CharField(_("modality"), max_length=100, blank=True)
    phase = models.CharField(_("phase"), max_length=50, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SETUP
    )
    as_of = models.DateField(
        _("as of"),
        null=True,
        blank=True,
        help_text=_("Date the signals are measured at; empty means today."),
        validators=[plausible_date],
    )
    response_target_days = models.PositiveSmallIntegerField(
        _("response target (days)"), default=5, validators=[MinValueValidator(1)]
    )
    sensitivity_delta = models.DecimalField(
        _("sensitivity δ"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.2"),
        validators=[MinValueValidator(0), MaxValueValidator(0.9)],
    )
    # Created from the command line (a bundle import, the demo) it may have no one.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        through_fields=("evaluation", "user"),
        related_name="evaluations",
    )

    class Meta:
        ordering = ["-created_at", "name"]
        verbose_name = _("evaluation")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation_detail", kwargs={"key": self.key})


class Membership(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["evaluation", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "user"], name="membership_unique_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.evaluation}"


class ContactLevel(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership")
    BUSINESS_DEVELOPMENT = "business_development", _("Business development")
    PROJECT_TEAM = "project_team", _("Project team")
    OPERATIONS = "operations", _("Operations")
    QUALITY = "quality", _("Quality")


# The people who would actually run the work, as opposed to those who sell it.
DELIVERY_LEVELS = frozenset(
    {ContactLevel.OPERATIONS, ContactLevel.QUALITY, ContactLevel.PROJECT_TEAM}
)


class Cdmo(models.Model):
    key = models.SlugField(
        _("key"), max_length=64, unique=True, validators=[validate_not_reserved]
    )
    name = models.CharField(_("company"), max_length=200)
    headquarters = models.CharField(_("headquarters"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    ownership = models.CharField(
        _("ownership"),
        max_length=200,
        blank=True,
        help_text=_("Public, private equity, family-owned, part of a group…"),
    )
    modalities = models.CharField(_("modalities offered"), max_length=300, blank=True)
    culture_meaning = models.TextField(_("what culture means to them"), blank=True)
    culture_how_built = models.TextField(_("how they build it internally"), blank=True)
    culture_customer_impact = models.TextField(
        _("how it shows in the customer experience"), blank=True
    )
    culture_vision = models.TextField(_("their vision"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("CDMO")
        verbose_name_plural = _("CDMOs")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cdmo_detail", kwargs={"key": self.key})


class Site(models.Model):
    class Stage(models.TextChoices):
        CLINICAL = "clinical", _("Clinical")
        COMMERCIAL = "commercial", _("Commercial")
        BOTH = "both", _("Clinical and commercial")

    cdmo = models.ForeignKey(Cdmo, on_delete=models.CASCADE, related_name="sites")
    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO code, e.g. IE")
    )
    capabilities = models.TextField(_("capabilities and modalities"), blank=True)
    scale = models.CharField(_("scale"), max_length=200, blank=True)
    stage = models.CharField(
        _("clinical / commercial"), max_length=16, choices=Stage.choices, blank=True
    )
    last_inspection_date = models.DateField(
        _("last regulatory inspection"),
        null=True,
        blank=True,
        validators=[plausible_date],
    )
    last_inspection_outcome = models.CharField(
        _("inspection outcome"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["cdmo__name", "name"]

    def __str__(self) -> str:
        place = ", ".join(p for p in (self.city, self.country) if p)
        return f"{self.name} ({place})" if place else self.name


class Contact(models.Model):
    cdmo = models.ForeignKey(Cdmo, on_delete=models.CASCADE, related_name="contacts")
    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=24, choices=ContactLevel.choices)
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["cdmo__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"


class Candidate(models.Model):
    class Stage(models.TextChoices):
        LONG_LIST = "long_list", _("Long list")
        SHORT_LIST = "short_list", _("Short list")
        DUE_DILIGENCE = "due_diligence", _("Due diligence")
        SELECTED = "selected", _("Selected")
        DECLINED = "declined", _("Declined")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="candidates"
    )
    cdmo = models.ForeignKey(Cdmo, on_delete=models.PROTECT, related_name="candidacies")
    bulk_site = models.ForeignKey(
        Site,
        verbose_name=_("proposed bulk-manufacturing site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.LONG_LIST
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["cdmo__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "cdmo"], name="candidate_unique_cdmo"
            )
        ]

    def __str__(self) -> str:
        return str(self.cdmo)

    def get_absolute_url(self) -> str:
        return reverse("candidate_detail", kwargs={"pk": self.pk})


class StageChange(models.Model):
    """One move of a candidate between stages, kept as history."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=16, choices=Candidate.Stage.choices)
    to_stage = models.CharField(max_length=16, choices=Candidate.Stage.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.from_stage} → {self.to_stage}"


class CultureInterview(Record):
    """A conversation with the CDMO's people about culture, following the guide."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="interviews"
    )
    key = models.SlugField(
        _("key"),
        max_length=64,
        blank=True,
        help_text=_("Names the record in evaluation bundles."),
    )
    date = models.DateField(_("date"), validators=[plausible_date])
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    interviewees = models.ManyToManyField(
        Contact, verbose_name=_("interviewees"), related_name="interviews"
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("interviewers"), related_name="+"
    )
    meaning = models.TextField(_("What does culture mean to you?"), blank=True)
    how_built = models.TextField(_("How do you build it internally?"), blank=True)
    customer_impact = models.TextField(
        _("How does it show in the customer experience?"), blank=True
    )
    vision = models.TextField(_("What is your vision?"), blank=True)
    strengths = models.TextField(_("Strengths"), blank=True)
    weaknesses = models.TextField(_("Weaknesses"), blank=True)
    gaps = models.TextField(
        _("Where gaps may exist and how to bridge them"), blank=True
    )
    notes = models.TextField(_("raw notes"), blank=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return _("Interview on %(date)s") % {"date": shown(self.date)}

    def get_absolute_url(self) -> str:
        return reverse("interview_detail", kwargs={"pk": self.pk})


class SiteVisit(Record):
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="visits"
    )
    key = models.SlugField(
        _("key"),
        max_length=64,
        blank=True,
        help_text=_("Names the record in evaluation bundles."),
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField(_("date"), validators=[plausible_date])
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("sponsor attendees"), related_name="+"
    )
    contact_attendees = models.ManyToManyField(
        Contact, verbose_name=_("CDMO attendees"), blank=True, related_name="visits"
    )
    agenda = models.TextField(_("agenda"), blank=True)
    observations = models.TextField(_("observations"), blank=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return _("Visit to %(site)s on %(date)s") % {
            "site": self.site.name,
            "date": shown(self.date),
        }

    def get_absolute_url(self) -> str:
        return reverse("visit_detail", kwargs={"pk": self.pk})


class Finding(Record):
    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        WEAKNESS = "weakness", _("Weakness")
        SHARED_GAP = "shared_gap", _("Shared gap")

    # Where it came from: an evidence record of some kind, or elsewhere.
    Source = models.TextChoices(
        "Source",
        [(k.key.upper(), (k.key, k.label)) for k in EVIDENCE_KINDS]
        + [
            ("NEGOTIATION", ("negotiation", _("Negotiations"))),
            ("OTHER", ("other", _("Other"))),
        ],
    )

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        BRIDGED = "bridged", _("Bridged")
        ACCEPTED_RISK = "accepted_risk", _("Accepted risk")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="findings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("finding"))
    source = models.CharField(
        _("where it came from"), max_length=16, choices=Source.choices
    )
    # One link per evidence kind (``interview``, ``visit``…), generated below.
    source_note = models.CharField(_("source details"), max_length=300, blank=True)
    bridging_plan = models.TextField(_("bridging plan"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    carry_to_msa = models.BooleanField(
        _("carry into the MSA / quality agreement"), default=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        ordering = ["candidate__cdmo__name", "kind", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def source_record(self):
        """The evidence record it came from, when its source is a kind of evidence."""
        kind = BY_KEY.get(self.source)
        return getattr(self, kind.name) if kind else None


# The name migration 0002 refers to.
attachment_path = RandomPath("attachments")


class Attachment(models.Model):
    """A file on an interview or a visit, served only through an access check."""

    # Its parent: one link per evidence kind, generated below; exactly one is set.
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_of([k.name for k in EVIDENCE_KINDS]),
                name="attachment_one_parent",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("attachment_download", kwargs={"pk": self.pk})

    @property
    def parent(self):
        """The evidence record the file is attached to."""
        for kind in EVIDENCE_KINDS:
            record = getattr(self, kind.name)
            if record is not None:
                return record
        return None


# --- links to evidence, one per kind (partners.evidence) -----------------------------


def _evidence_link(kind, *, on_delete, related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        kind.model_label,
        verbose_name=kind.label,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
    )


for _kind in EVIDENCE_KINDS:
    Finding.add_to_class(
        _kind.name,
        _evidence_link(_kind, on_delete=models.SET_NULL, related_name="findings"),
    )
    Attachment.add_to_class(
        _kind.name,
        _evidence_link(_kind, on_delete=models.CASCADE, related_name="attachments"),
    )
