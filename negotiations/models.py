"""How the deal is being made: the dated records negotiation signals are read from.

Each record belongs to a candidate. Date-order rules that concern one record live in
``clean()`` (so forms show them next to the field) and in database constraints;
rules that span records (amendment rounds follow each other) live in the services.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdmo_eval.dates import plausible_date, shown
from cdmo_eval.models import Record
from partners.models import Candidate
from partners.uploads import RandomPath


class Milestone(models.Model):
    class Kind(models.TextChoices):
        FIRST_ENGAGEMENT = "first_engagement", _("First engagement")
        CDA_SIGNED = "cda_signed", _("CDA signed")
        RFP_ISSUED = "rfp_issued", _("RFP issued")
        PROPOSAL_RECEIVED = "proposal_received", _("Proposal received")
        MSA_DRAFT = "msa_draft", _("MSA draft received")
        QUALITY_AGREEMENT_SIGNED = (
            "quality_agreement_signed",
            _("Quality agreement signed"),
        )
        MSA_SIGNED = "msa_signed", _("MSA signed")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("milestone"), max_length=32, choices=Kind.choices)
    date = models.DateField(_("date"), validators=[plausible_date])

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "kind"], name="milestone_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({shown(self.date)})"


def _not_before(errors: dict, field: str, later, earlier, message) -> None:
    if later is not None and earlier is not None and later < earlier:
        errors[field] = message


class InformationRequest(Record):
    """Information the sponsor asked the CDMO for, and when it came back."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="information_requests"
    )
    subject = models.CharField(_("subject"), max_length=300)
    sent = models.DateField(_("sent"), validators=[plausible_date])
    due = models.DateField(
        _("due"),
        null=True,
        blank=True,
        help_text=_("Empty: the sent date plus the evaluation's response target."),
        validators=[plausible_date],
    )
    answered = models.DateField(
        _("answered"), null=True, blank=True, validators=[plausible_date]
    )
    complete = models.BooleanField(
        _("answer complete"),
        default=True,
        help_text=_("Untick when the answer was only partial."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsor owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Gets the reminder when the request becomes overdue."),
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["sent", "pk"]
        verbose_name = _("information request")
        constraints = [
            models.CheckConstraint(
                condition=Q(answered__isnull=True) | Q(answered__gte=F("sent")),
                name="request_answered_after_sent",
                violation_error_message=_("The answer cannot come before the request."),
            ),
            models.CheckConstraint(
                condition=Q(due__isnull=True) | Q(due__gte=F("sent")),
                name="request_due_after_sent",
                violation_error_message=_("The due date cannot be before it was sent."),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("request_edit", kwargs={"pk": self.pk})

    def clean(self):
        errors: dict = {}
        _not_before(
            errors,
            "answered",
            self.answered,
            self.sent,
            _("Answered before it was sent: the answer date must be on or after %(d)s.")
            % {"d": self.sent},
        )
        _not_before(
            errors,
            "due",
            self.due,
            self.sent,
            _("Due before it was sent: the due date must be on or after %(d)s.")
            % {"d": self.sent},
        )
        if errors:
            raise ValidationError(errors)


class Agreement(models.Model):
    class Kind(models.TextChoices):
        MSA = "msa", _("MSA")
        QUALITY_AGREEMENT = "quality_agreement", _("Quality agreement")
        SOW = "sow", _("SOW")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="agreements"
    )
    kind = models.CharField(_("agreement"), max_length=24, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "kind"], name="agreement_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


# The name migration 0001 refers to.
redline_path = RandomPath("redlines")


class AmendmentRound(Record):
    """One turn of an agreement draft: sent to the other side, returned with changes."""

    class SentBy(models.TextChoices):
        SPONSOR = "sponsor", _("Sponsor")
        CDMO = "cdmo", _("CDMO")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    sent_by = models.CharField(
        _("sent by"), max_length=8, choices=SentBy.choices, default=SentBy.SPONSOR
    )
    sent = models.DateField(_("sent"), validators=[plausible_date])
    returned = models.DateField(
        _("returned"), null=True, blank=True, validators=[plausible_date]
    )
    reviewers = models.PositiveSmallIntegerField(
        _("reviewers on the CDMO's side"),
        default=0,
        help_text=_("How many people weighed in on the CDMO's side in this round."),
    )
    comments = models.PositiveIntegerField(_("comments"), default=0)
    actionable_comments = models.PositiveIntegerField(
        _("actionable comments"), default=0
    )
    redline = models.FileField(
        _("redline"), upload_to=redline_path, max_length=200, blank=True
    )
    redline_name = models.CharField(max_length=255, blank=True)
    redline_content_type = models.CharField(max_length=100, blank=True)
    redline_size = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("amendment round")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="round_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(returned__isnull=True) | Q(returned__gte=F("sent")),
                name="round_returned_after_sent",
                violation_error_message=_("A round cannot return before it was sent."),
            ),
            models.CheckConstraint(
                condition=Q(actionable_comments__lte=F("comments")),
                name="round_actionable_within_comments",
                violation_error_message=_(
                    "Actionable comments cannot outnumber the comments."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("%(agreement)s round %(number)s") % {
            "agreement": self.agreement,
            "number": self.number,
        }

    def get_absolute_url(self) -> str:
        return reverse("round_edit", kwargs={"pk": self.pk})

    def clean(self):
        errors: dict = {}
        _not_before(
            errors,
            "returned",
            self.returned,
            self.sent,
            _("Returned before it was sent: the return date must be on or after %(d)s.")
            % {"d": self.sent},
        )
        if (
            self.comments is not None
            and self.actionable_comments is not None
            and self.actionable_comments > self.comments
        ):
            errors["actionable_comments"] = _(
                "Actionable comments (%(a)s) cannot outnumber the comments (%(c)s)."
            ) % {"a": self.actionable_comments, "c": self.comments}
        if errors:
            raise ValidationError(errors)


class Escalation(Record):
    """A question the CDMO's project team could not decide alone."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="escalations"
    )
    question = models.TextField(_("question"))
    raised = models.DateField(_("raised"), validators=[plausible_date])
    decided = models.DateField(
        _("decided"), null=True, blank=True, validators=[plausible_date]
    )
    stakeholders = models.PositiveSmallIntegerField(
        _("stakeholders consulted"), default=0
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsor owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["raised", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided__isnull=True) | Q(decided__gte=F("raised")),
                name="escalation_decided_after_raised",
                violation_error_message=_(
                    "A decision cannot come before the question was raised."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.question[:60]

    def get_absolute_url(self) -> str:
        return reverse("escalation_edit", kwargs={"pk": self.pk})

    def clean(self):
        errors: dict = {}
        _not_before(
            errors,
            "decided",
            self.decided,
            self.raised,
            _(
                "Decided before it was raised: the decision date must be on or "
                "after %(d)s."
            )
            % {"d": self.raised},
        )
        if errors:
            raise ValidationError(errors)


class SteeringMeeting(Record):
    """A steering-committee touchpoint, planned and (later) held."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="steering_meetings"
    )
    planned = models.DateField(_("planned for"), validators=[plausible_date])
    held = models.DateField(
        _("held on"), null=True, blank=True, validators=[plausible_date]
    )
    attendees = models.TextField(_("attendees"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["planned", "pk"]
        verbose_name = _("steering-committee meeting")

    def __str__(self) -> str:
        return _("Steering committee, %(date)s") % {
            "date": shown(self.held or self.planned)
        }

    def get_absolute_url(self) -> str:
        return reverse("meeting_edit", kwargs={"pk": self.pk})
