"""The evaluation's decision: which candidate was selected (or none), why, why
each other candidate was declined, the report it rests on, and its electronic
signatures (21 CFR Part 11 §11.50, §11.70, §11.200)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdmo_eval.dates import plausible_date, shown
from partners.models import Candidate, Evaluation

from ..reports.models import ReportJob


def decision_path(instance, filename: str) -> str:
    # A random name: the files are reached only through the download views.
    return f"decisions/{uuid.uuid4().hex}.pdf"


class Decision(models.Model):
    """The lead's decision of an evaluation, recorded once scoring is closed.

    ``original`` is a copy of the report PDF as rendered before anyone signed and
    ``report_sha256`` its SHA-256; every signature is over that hash.
    ``signed_copy`` is the separate PDF/A-3b file that prints the decision and
    the signature block and carries the original as an attachment (it is
    rendered again after each signature, so it never contains its own hash).
    ``record_sha256`` is the hash of what was decided (`services.record_digest`:
    the selection, rationale, declined candidates and reasons, the day and the
    report's hash); signatures are given over it and the report's hash together.
    ``standings`` keeps the results the decision was taken on (candidate, score,
    rank), and ``fingerprint`` the alignment input fingerprint they were computed
    from: a later change to those inputs is shown against the decision.
    """

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="decision"
    )
    selected = models.ForeignKey(
        Candidate,
        verbose_name=_("selected candidate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: none selected."),
    )
    rationale = models.TextField(_("rationale"))
    decided_on = models.DateField(_("decided on"), validators=[plausible_date])
    report = models.ForeignKey(
        ReportJob,
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    report_name = models.CharField(_("report file"), max_length=200, blank=True)
    report_pages = models.PositiveIntegerField(null=True, blank=True)
    report_sha256 = models.CharField(_("SHA-256 of the report"), max_length=64)
    original = models.FileField(upload_to=decision_path, max_length=200, blank=True)
    signed_copy = models.FileField(upload_to=decision_path, max_length=200, blank=True)
    signed_copy_sha256 = models.CharField(max_length=64, blank=True)
    earlier_copies = models.JSONField(
        _("earlier signed copies"),
        default=list,
        blank=True,
        help_text=_("SHA-256 and time of each signed copy a later signature replaced"),
    )
    record_sha256 = models.CharField(
        _("SHA-256 of the decision record"), max_length=64, blank=True
    )
    fingerprint = models.CharField(_("input fingerprint"), max_length=64, blank=True)
    standings = models.JSONField(_("results decided on"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")

    def __str__(self) -> str:
        chosen = self.selected or _("none selected")
        return f"{self.evaluation}: {chosen}"

    def get_absolute_url(self) -> str:
        return reverse("decision", kwargs={"key": self.evaluation.key})

    @property
    def verifiable(self) -> bool:
        """Whether the report it rests on is here (not for an imported one)."""
        return bool(self.original)


class Declined(models.Model):
    """A candidate the decision declined, with its reason."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="declined"
    )
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["candidate__cdmo__name"]
        verbose_name = _("declined candidate")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "candidate"], name="declined_unique_candidate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.reason}"


class Signature(models.Model):
    """One electronic signature of a decision, asked for by the lead (the lead's
    own is asked for when the decision is recorded) and given by its signer
    after signing in again.

    ``sha256`` is the hash of the report the signer signed; ``verifiable`` is
    false for a signature imported from a bundle without its PDF ("signed
    elsewhere, not verifiable here").
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="signatures"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    meaning = models.CharField(_("meaning"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    printed_name = models.CharField(_("printed name"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 signed"), max_length=64, blank=True)
    verifiable = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("signature")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "signer"], name="signature_unique_signer"
            )
        ]

    def __str__(self) -> str:
        state = shown(self.signed_at) if self.signed_at else "awaiting"
        return f"{self.signer} — {self.meaning} ({state})"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
