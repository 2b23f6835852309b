"""Report PDFs (written only by the report job)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Candidate, Evaluation


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
