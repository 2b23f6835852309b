"""Writes for negotiation records: one path per change, each re-checking its rules.

Forms check the same date rules first so the user sees them next to the field; the
services check again because they are the only way in (views, imports, jobs). Every
write tells the scoring side that the evaluation's inputs changed.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import record as audit
from audit.context import because
from cdmo_eval.service import service
from partners.events import notify_inputs_changed
from partners.models import Candidate
from partners.selectors import owner_errors
from partners.uploads import check_upload, files_removed_on_rollback

from .models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)

logger = logging.getLogger(__name__)


def _check_owner(candidate: Candidate, owner_id: int | None) -> None:
    if errors := owner_errors(candidate, owner_id):
        raise ValidationError(errors)


# --- milestones --------------------------------------------------------------------


@service
@transaction.atomic
def milestones_save(
    *,
    candidate: Candidate,
    dates: dict[str, dt.date | None],
    reason: str = "",
    by,
) -> list[Milestone]:
    """Set the candidate's milestone dates: one per kind, an empty date removes it
    (a recorded date is cleared only with a reason).

    Nothing can happen before the first engagement, so every other milestone is on
    or after it, and the MSA is not signed before its draft was received.
    """
    kinds = Milestone.Kind
    errors = {}
    first = dates.get(kinds.FIRST_ENGAGEMENT)
    for kind, date in dates.items():
        if kind not in kinds.values:
            raise ValueError(f"unknown milestone kind {kind!r}")
        if first and date and date < first:
            errors[kind] = _("Before the first engagement (%(d)s).") % {"d": first}
    draft, signed = dates.get(kinds.MSA_DRAFT), dates.get(kinds.MSA_SIGNED)
    if draft and signed and signed < draft and kinds.MSA_SIGNED not in errors:
        errors[kinds.MSA_SIGNED] = _(
            "The MSA cannot be signed before its draft was received (%(d)s)."
        ) % {"d": draft}
    recorded = set(candidate.milestones.values_list("kind", flat=True))
    if (
        any(d is None and k in recorded for k, d in dates.items())
        and not reason.strip()
    ):
        errors["reason"] = _("Say why a recorded date is cleared.")
    if errors:
        raise ValidationError(errors)
    with because(reason):
        for kind, date in dates.items():
            if date is None:
                Milestone.objects.filter(candidate=candidate, kind=kind).delete()
            else:
                Milestone.objects.update_or_create(
                    candidate=candidate, kind=kind, defaults={"date": date}
                )
    notify_inputs_changed(evaluation_id=candidate.evaluation_id, by=by)
    return list(candidate.milestones.all())


# --- information requests ----------------------------------------------------------


@service
@transaction.atomic
def request_save(
    *, info_request: InformationRequest, by, history: bool = False
) -> InformationRequest:
    """Create or update an information request.

    It is answered and due on or after the day it was sent; without a due date it is
    due after the evaluation's response target. A new request belongs to whoever
    logs it unless another member is named its owner — except in ``history`` (a
    request recorded as it was, from a bundle), which keeps the owner it states.
    """
    candidate = info_request.candidate
    if info_request.due is None:
        info_request.due = info_request.sent + dt.timedelta(
            days=candidate.evaluation.response_target_days
        )
    info_request.clean()
    _check_owner(candidate, info_request.owner_id)
    if info_request.pk is None:
        info_request.created_by = by
        if info_request.owner_id is None and not history:
            info_request.owner = by
    else:
        previous = InformationRequest.objects.get(pk=info_request.pk)
        # A new due date (or an answer withdrawn) makes a new reminder due.
        withdrawn = previous.answered and not info_request.answered
        if previous.due != info_request.due or withdrawn:
            info_request.reminder_sent_at = None
    info_request.save()
    notify_inputs_changed(evaluation_id=candidate.evaluation_id, by=by)
    return info_request


def _claim_reminder(request: InformationRequest, now: dt.datetime) -> bool:
    # Conditional UPDATE: of two workers racing, only one gets the row, and the
    # one that does records the claim.
    claimed = InformationRequest.objects.filter(
        pk=request.pk, reminder_sent_at__isnull=True
    ).update(reminder_sent_at=now)
    if claimed:
        audit.changed(request, {"reminder_sent_at": (None, now)})
    return bool(claimed)


@service
def overdue_reminders_send(*, today: dt.date) -> int:
    """Email each overdue request's sponsor owner, once per request.

    A request is overdue when it is unanswered and its due date is before ``today``.
    Each request is claimed with a conditional update before its email goes out, so
    two workers running at once send it once; if sending fails the claim is released
    so the next run tries again. Returns how many reminders were sent.
    """
    due = (
        InformationRequest.objects.filter(
            answered__isnull=True,
            due__lt=today,
            reminder_sent_at__isnull=True,
            owner__isnull=False,
        )
        .exclude(owner__email="")
        .select_related("owner", "candidate__cdmo", "candidate__evaluation")
    )
    sent = 0
    for request in due:
        now = timezone.now()
        if not _claim_reminder(request, now):
            continue
        link = settings.SITE_URL.rstrip("/") + reverse(
            "candidate_negotiations", kwargs={"pk": request.candidate_id}
        )
        context = {
            "request": request,
            "candidate": request.candidate,
            "evaluation": request.candidate.evaluation,
            "days_late": (today - request.due).days,
            "link": f"{link}#request-{request.pk}",
        }
        try:
            send_mail(
                subject=_("Overdue: “%(subject)s” from %(cdmo)s")
                % {"subject": request.subject, "cdmo": request.candidate.cdmo.name},
                message=render_to_string(
                    "negotiations/email/overdue_reminder.txt", context
                ),
                from_email=None,
                recipient_list=[request.owner.email],
            )
        except Exception:
            logger.exception("Reminder for request %s not sent", request.pk)
            InformationRequest.objects.filter(pk=request.pk).update(
                reminder_sent_at=None
            )
            audit.changed(
                request, {"reminder_sent_at": (now, None)}, reason="sending failed"
            )
            continue
        sent += 1
    return sent


# --- agreements and amendment rounds -----------------------------------------------


def _check_sequence(
    round_: AmendmentRound,
    previous: AmendmentRound | None,
    following: AmendmentRound | None,
) -> None:
    """A round is sent only once the previous one came back, and comes back no later
    than the next one is sent."""
    if previous is not None:
        if previous.returned is None:
            raise ValidationError(
                {
                    "sent": _(
                        "Round %(n)s has not been returned yet: record its return "
                        "before sending the next round."
                    )
                    % {"n": previous.number}
                }
            )
        if round_.sent < previous.returned:
            raise ValidationError(
                {
                    "sent": _(
                        "Sent before round %(n)s was returned (%(d)s): a round is "
                        "sent on or after the previous one came back."
                    )
                    % {"n": previous.number, "d": previous.returned}
                }
            )
    if following is not None:
        if round_.returned is None:
            raise ValidationError(
                {
                    "returned": _(
                        "Round %(n)s was sent on %(d)s, so this round came back by "
                        "then: give its return date."
                    )
                    % {"n": following.number, "d": following.sent}
                }
            )
        if round_.returned > following.sent:
            raise ValidationError(
                {
                    "returned": _(
                        "Returned after round %(n)s was sent (%(d)s): a round comes "
                        "back before the next one is sent."
                    )
                    % {"n": following.number, "d": following.sent}
                }
            )


def _store_redline(round_: AmendmentRound, upload) -> None:
    checked = check_upload(upload)
    round_.redline = checked.file
    round_.redline_name = checked.name
    round_.redline_content_type = checked.content_type
    round_.redline_size = checked.size


@service
def round_add(
    *, candidate: Candidate, kind: str, round_: AmendmentRound, redline=None, by
) -> AmendmentRound:
    """Add the next amendment round to the candidate's agreement of ``kind`` (created
    with its first round). The service numbers rounds 1, 2, 3... and a round is sent
    on or after the previous one was returned."""
    if redline is not None:
        _store_redline(round_, redline)
    round_.clean()
    with files_removed_on_rollback() as written, transaction.atomic():
        written.add(round_.redline)
        agreement, _created = Agreement.objects.get_or_create(
            candidate=candidate, kind=kind
        )
        # Lock the agreement so two people adding a round get numbers in turn.
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        last = agreement.rounds.order_by("-number").first()
        _check_sequence(round_, previous=last, following=None)
        round_.agreement = agreement
        round_.number = (last.number if last else 0) + 1
        round_.created_by = by
        round_.save()
        notify_inputs_changed(evaluation_id=candidate.evaluation_id, by=by)
    return round_


@service
def round_update(*, round_: AmendmentRound, redline=None, by) -> AmendmentRound:
    """Update a round; it still fits between the previous and the next round."""
    replaced = round_.redline.name if redline is not None and round_.redline else ""
    if redline is not None:
        _store_redline(round_, redline)
    round_.clean()
    with files_removed_on_rollback() as written, transaction.atomic():
        written.add(round_.redline)  # only a new one: a stored redline is kept
        Agreement.objects.select_for_update().get(pk=round_.agreement_id)
        siblings = AmendmentRound.objects.filter(agreement_id=round_.agreement_id)
        _check_sequence(
            round_,
            previous=siblings.filter(number__lt=round_.number)
            .order_by("-number")
            .first(),
            following=siblings.filter(number__gt=round_.number)
            .order_by("number")
            .first(),
        )
        round_.save()
        notify_inputs_changed(
            evaluation_id=round_.agreement.candidate.evaluation_id, by=by
        )
        if replaced:
            # The replaced redline is unreferenced once the new one is committed.
            storage = round_.redline.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    return round_


# --- escalations and governance ----------------------------------------------------


@service
@transaction.atomic
def escalation_save(*, escalation: Escalation, by, history: bool = False) -> Escalation:
    """Create or update an escalation; it is decided on or after it was raised. A new
    one belongs to whoever logs it unless another member is named its owner (in
    ``history``, recorded as it was, it keeps the owner it states)."""
    escalation.clean()
    _check_owner(escalation.candidate, escalation.owner_id)
    if escalation.pk is None:
        escalation.created_by = by
        if escalation.owner_id is None and not history:
            escalation.owner = by
    escalation.save()
    notify_inputs_changed(evaluation_id=escalation.candidate.evaluation_id, by=by)
    return escalation


@service
@transaction.atomic
def meeting_save(*, meeting: SteeringMeeting, by) -> SteeringMeeting:
    """Create or update a steering-committee meeting."""
    if meeting.pk is None:
        meeting.created_by = by
    meeting.save()
    notify_inputs_changed(evaluation_id=meeting.candidate.evaluation_id, by=by)
    return meeting
