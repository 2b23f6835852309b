"""Writes of the decision: record it, name co-signers, sign it, and record one
imported from a bundle. The only writers of `Decision`, `Declined` and
`Signature`.

Recording the decision needs scoring closed and a current report: the
due-diligence report of the selected candidate, or the comparison report when
none is selected. It moves every candidate to "selected" or "declined" with its
reason, sets the evaluation to "decided" and freezes its as-of date at the
decision date, and asks the lead for their signature. A signature asks the
signer for their password again (a wrong one counts against the sign-in
lockout) and is over the SHA-256 of the report as rendered before signing; the
signed copy (PDF/A-3b) is rendered again after each signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit import record as audit
from audit.context import because
from cdmo_eval.service import service
from partners import services as partners
from partners.events import notify_inputs_changed
from partners.models import Candidate, Evaluation, Membership, Role

from ..alignment.read import current_results
from ..models import ReportJob
from ..reports.context import report_content
from ..reports.pdf import PdfAttachment, RenderError, render_pdf
from ..setup.selectors import selection_plan
from .models import Decision, Declined, Signature
from .selectors import earlier_reasons, record_digest

LEAD_MEANING = "approved as evaluation lead"
COSIGNER_MEANINGS = {
    Role.PROCUREMENT: "approved for procurement",
    Role.OBSERVER: "approved as quality approver",
}
"""What a co-signer's signature means, by their role; the lead may word it."""
COSIGNER_ROLES = tuple(COSIGNER_MEANINGS)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _report_rule(evaluation: Evaluation, selected: Candidate | None, report):
    """The report a decision may rest on: ready, of this evaluation, of the
    selected candidate (the comparison report when none is selected), rendered
    from the inputs the results are computed from now."""
    if report is None:
        return _("Choose the report the decision rests on.")
    kind = ReportJob.Kind.DUE_DILIGENCE if selected else ReportJob.Kind.COMPARISON
    if (
        report.evaluation_id != evaluation.pk
        or report.kind != kind
        or (selected is not None and report.candidate_id != selected.pk)
    ):
        return (
            _("Choose a due-diligence report of %(c)s.") % {"c": selected}
            if selected
            else _("With none selected, the decision rests on the comparison report.")
        )
    if not report.is_ready:
        return _("That report is not ready.")
    today = timezone.localdate()
    if evaluation.as_of not in (None, today):
        return _(
            "The results are measured as of %(day)s, but a decision is taken as of "
            "today: clear the evaluation's as-of date, then request a new report."
        ) % {"day": date_format(evaluation.as_of)}
    state, run, _rows = current_results(selection_plan(evaluation))
    stale = _(
        "That report was rendered from earlier inputs than today's results; "
    ) + _("request a new one and decide on it.")
    if run is None or state.is_stale or report.fingerprint != run.fingerprint:
        return stale
    # What the report shows besides the scores (findings, plans, governance) may
    # have changed too: its content must be what a report rendered now shows.
    _context, digest = report_content(evaluation=evaluation, candidate=selected)
    if report.content_digest and digest != report.content_digest:
        return stale
    return None


def _standings(evaluation: Evaluation) -> tuple[str, list[dict]]:
    _state, run, rows = current_results(selection_plan(evaluation))
    return (run.fingerprint if run else ""), [
        {
            "candidate": r.candidate.cdmo.key,
            "name": r.candidate.cdmo.name,
            "rank": r.rank,
            "overall": None if r.overall is None else round(r.overall, 1),
            "qualified": r.qualified,
        }
        for r in rows
    ]


@service
@transaction.atomic
def decision_record(
    *,
    evaluation: Evaluation,
    selected: Candidate | None,
    rationale: str,
    declined: dict[int, str],
    report: ReportJob | None,
    cosigners: list[tuple[object, str]] = (),
    by,
) -> Decision:
    """Record the lead's decision (see the module). ``declined`` maps each other
    candidate's id to the reason it is declined (one declined before keeps the
    reason of that move unless a new one is given); ``cosigners`` are (member,
    meaning) pairs whose signature is asked for besides the lead's.

    Errors are keyed by field: ``selected``, ``rationale``, ``report``,
    ``declined-<candidate id>``, ``cosigners``.
    """
    given, evaluation = (
        evaluation,
        Evaluation.objects.select_for_update().get(pk=evaluation.pk),
    )
    if evaluation.status != Evaluation.Status.CLOSED:
        raise ValidationError(
            _("Close scoring before recording the decision.")
            if evaluation.status != Evaluation.Status.DECIDED
            else _("The decision is already recorded.")
        )
    candidates = list(
        Candidate.objects.filter(evaluation=evaluation).select_related("cdmo")
    )
    errors: dict[str, str] = {}
    if selected is not None and selected.evaluation_id != evaluation.pk:
        errors["selected"] = _("Choose one of this evaluation's candidates.")
    if not rationale.strip():
        errors["rationale"] = _("Say why: the rationale is part of the record.")
    reasons: dict[int, str] = {}
    earlier = earlier_reasons(evaluation)
    for c in candidates:
        if selected is not None and c.pk == selected.pk:
            continue
        reason = (declined.get(c.pk) or "").strip() or earlier.get(c.pk, "")
        if not reason:
            errors[f"declined-{c.pk}"] = _("Say why %(c)s is declined.") % {"c": c}
        reasons[c.pk] = reason
    problem = _report_rule(evaluation, selected, report)
    if problem:
        errors["report"] = problem
    members = _cosigner_errors(evaluation, cosigners, by)
    if members:
        errors["cosigners"] = members
    if errors:
        raise ValidationError(errors)

    try:
        with report.file.open("rb") as f:
            original = f.read()
    except OSError as exc:
        raise ValidationError(
            {"report": _("That report's file is missing; request a new one.")}
        ) from exc
    fingerprint, standings = _standings(evaluation)
    decision = Decision(
        evaluation=evaluation,
        selected=selected,
        rationale=rationale.strip(),
        decided_on=timezone.localdate(),
        report=report,
        report_name=report.download_name,
        report_pages=report.pages,
        report_sha256=_sha256(original),
        fingerprint=fingerprint,
        standings=standings,
        recorded_by=by,
    )
    decision.original.save("original.pdf", ContentFile(original), save=False)
    decision.save()
    for pk, reason in reasons.items():
        Declined.objects.create(decision=decision, candidate_id=pk, reason=reason)
    keys = {c.pk: c.cdmo.key for c in candidates}
    decision.record_sha256 = record_digest(
        decision, [(keys[pk], reason) for pk, reason in reasons.items()]
    )
    decision.save(update_fields=["record_sha256"])
    for c in candidates:
        to = (
            Candidate.Stage.SELECTED
            if selected is not None and c.pk == selected.pk
            else Candidate.Stage.DECLINED
        )
        if c.stage != to:
            partners.candidate_move(
                candidate=c,
                to_stage=to,
                reason=decision.rationale
                if to == Candidate.Stage.SELECTED
                else reasons[c.pk],
                by=by,
            )
    Signature.objects.create(
        decision=decision, signer=by, meaning=LEAD_MEANING, order=0, requested_by=by
    )
    for i, (user, meaning) in enumerate(cosigners, start=1):
        Signature.objects.create(
            decision=decision,
            signer=user,
            meaning=meaning.strip(),
            order=i,
            requested_by=by,
        )
    before = {"status": (evaluation.status, Evaluation.Status.DECIDED)}
    if evaluation.as_of != decision.decided_on:
        before["as_of"] = (evaluation.as_of, decision.decided_on)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        status=Evaluation.Status.DECIDED, as_of=decision.decided_on
    )
    given.status = evaluation.status = Evaluation.Status.DECIDED
    given.as_of = evaluation.as_of = decision.decided_on
    audit.changed(evaluation, before, reason=decision.rationale)
    notify_inputs_changed(evaluation_id=evaluation.pk, by=by)
    return decision


def _cosigner_errors(evaluation: Evaluation, cosigners, by) -> str:
    roles = dict(
        Membership.objects.filter(
            evaluation=evaluation, user__in=[u for u, _m in cosigners]
        ).values_list("user_id", "role")
    )
    seen = set()
    for user, meaning in cosigners:
        if user.pk == by.pk or user.pk in seen:
            return _("Name each co-signer once; the lead signs anyway.")
        seen.add(user.pk)
        if roles.get(user.pk) not in COSIGNER_ROLES:
            return _(
                "%(who)s is not procurement or an observer of this evaluation."
            ) % {"who": user.get_full_name() or user.get_username()}
        if not meaning.strip():
            return _("Say what %(who)s's signature means.") % {
                "who": user.get_full_name() or user.get_username()
            }
    return ""


@service
@transaction.atomic
def signer_add(*, decision: Decision, user, meaning: str, by) -> Signature:
    """Ask one more member (procurement, or an observer acting as quality
    approver) to co-sign the decision."""
    problem = _cosigner_errors(decision.evaluation, [(user, meaning)], by)
    if not decision.verifiable:
        problem = _("An imported decision cannot be signed here.")
    if not problem and decision.signatures.filter(signer=user).exists():
        problem = _("%(who)s is already asked to sign.") % {
            "who": user.get_full_name() or user.get_username()
        }
    if problem:
        raise ValidationError({"signer": problem})
    last = decision.signatures.order_by("-order").values_list("order", flat=True)
    return Signature.objects.create(
        decision=decision,
        signer=user,
        meaning=meaning.strip(),
        order=(last.first() or 0) + 1,
        requested_by=by,
    )


def _printed_name(user) -> str:
    return user.get_full_name().strip() or user.get_username()


def _signing_refusal(signature: Signature, by) -> str:
    """Why ``by`` may not give ``signature`` now, or ""."""
    decision = signature.decision
    if signature.signer_id != by.pk:
        return _("Only %(who)s can give this signature.") % {
            "who": _printed_name(signature.signer)
        }
    if signature.is_signed:
        return _("This signature is already given.")
    if not decision.verifiable:
        return _(
            "This decision was imported without its report; it cannot be signed here."
        )
    role = (
        Membership.objects.filter(evaluation=decision.evaluation, user=by)
        .values_list("role", flat=True)
        .first()
    )
    if role not in ((Role.LEAD,) if signature.order == 0 else COSIGNER_ROLES):
        return _(
            "Your role in this evaluation changed since your signature was asked "
            "for; ask the lead to ask again."
        )
    if (
        signature.order > 0
        and decision.signatures.filter(order=0, signed_at__isnull=True).exists()
    ):
        return _("The evaluation lead signs first; you can sign once they have.")
    return ""


@service
def decision_sign(
    *, signature: Signature, username: str, password: str, request, by
) -> Signature:
    """Sign: the signer gives their user name and password again (§11.200(a)(1):
    both parts of the signature at every signing); a wrong one is a failed
    sign-in for the lockout. The stored report must still hash to what everyone
    signs. Records the printed name, the meaning, the time and the hash, then
    renders the signed copy again, one signer at a time."""
    problem = _signing_refusal(signature, by)
    if problem:
        raise ValidationError(problem)
    if (username or "").strip() != by.get_username():
        raise ValidationError(
            {
                "username": _("Give your own user name, %(u)s.")
                % {"u": by.get_username()}
            }
        )
    user = authenticate(request, username=by.get_username(), password=password or "")
    if user is None or user.pk != by.pk:
        if getattr(request, "axes_locked_out", False):
            raise ValidationError(
                {
                    "password": _(
                        "Too many wrong passwords: signing and signing in are locked "
                        "for a while. Try again later."
                    )
                }
            )
        raise ValidationError(
            {"password": _("That is not your password. Nothing was signed.")}
        )
    with transaction.atomic():
        # One signer at a time: each renders the copy with every signature so far.
        decision = Decision.objects.select_for_update().get(pk=signature.decision_id)
        signature.decision = decision
        problem = _signing_refusal(signature, by)
        if problem:
            raise ValidationError(problem)
        try:
            with decision.original.open("rb") as f:
                found = _sha256(f.read())
        except OSError as exc:
            raise ValidationError(
                _(
                    "The signed report's file is missing; nothing was signed. Tell an "
                    "administrator."
                )
            ) from exc
        if found != decision.report_sha256:
            raise ValidationError(
                _(
                    "The stored report no longer matches the hash recorded with the "
                    "decision; nothing was signed. Tell an administrator."
                )
            )
        now = timezone.now()
        name = _printed_name(by)
        claimed = Signature.objects.filter(pk=signature.pk, signed_at__isnull=True)
        if not claimed.update(signed_at=now, printed_name=name, sha256=found):
            raise ValidationError(_("This signature is already given."))
        audit.changed(
            signature,
            {
                "signed_at": (None, now.isoformat()),
                "printed_name": ("", name),
                "sha256": ("", found),
            },
        )
        signature.refresh_from_db()
        signed_copy_render(decision=decision)
    return signature


@service
def signed_copy_render(*, decision: Decision) -> Decision:
    """Render the signed copy: a PDF/A-3b file with the decision and, on its last
    page, the signature block and the SHA-256 of the original report, which it
    carries as an attachment. Raises `ValidationError` when it cannot be
    rendered (the caller's transaction then keeps nothing)."""
    html = render_to_string(
        "decisions/signed_copy.html",
        {
            "decision": decision,
            "evaluation": decision.evaluation,
            "declined": list(decision.declined.select_related("candidate__cdmo")),
            "signatures": list(decision.signatures.select_related("signer")),
            "rendered_at": timezone.now(),
        },
    )
    with tempfile.TemporaryDirectory(prefix="cdmo-signed-") as folder:
        original = Path(folder) / decision.report_name
        with decision.original.open("rb") as f:
            original.write_bytes(f.read())
        out = Path(folder) / "signed.pdf"
        try:
            render_pdf(
                html,
                out_path=out,
                pdf_variant="pdf/a-3b",
                attachments=(
                    PdfAttachment(
                        path=original,
                        name=decision.report_name,
                        description=_("The report as rendered before signing"),
                    ),
                ),
            )
        except RenderError as error:
            raise ValidationError(
                _("The signed copy could not be rendered: %(e)s") % {"e": error}
            ) from error
        data = out.read_bytes()
    if decision.signed_copy_sha256:
        # A copy someone downloaded before this signature still verifies.
        decision.earlier_copies = [
            *decision.earlier_copies,
            {
                "sha256": decision.signed_copy_sha256,
                "replaced_at": timezone.now().isoformat(timespec="seconds"),
            },
        ]
    decision.signed_copy.save("signed.pdf", ContentFile(data), save=False)
    decision.signed_copy_sha256 = _sha256(data)
    decision.save(update_fields=["signed_copy", "signed_copy_sha256", "earlier_copies"])
    return decision


@service
@transaction.atomic
def decision_record_history(
    *,
    evaluation: Evaluation,
    selected: Candidate | None,
    decided_on: dt.date,
    rationale: str,
    declined: list[tuple[Candidate, str]],
    signatures: list[dict],
    by,
) -> Decision:
    """Record a decision as it was made elsewhere (an imported bundle). Its report
    is not here, so its signatures are kept as "signed elsewhere, not verifiable
    here". ``signatures`` are dicts of signer, printed_name, meaning, signed_at
    and sha256."""
    errors = {}
    if evaluation.status != Evaluation.Status.DECIDED:
        errors["selected"] = _("Only a decided evaluation has a decision.")
    if not rationale.strip():
        errors["rationale"] = _("Say why: the rationale is part of the record.")
    if selected is not None and any(c.pk == selected.pk for c, _r in declined):
        errors["declined"] = _("The selected candidate cannot be declined too.")
    if errors:
        raise ValidationError(errors)
    digest = next((s["sha256"] for s in signatures if s["sha256"]), "")
    decision = Decision.objects.create(
        evaluation=evaluation,
        selected=selected,
        rationale=rationale.strip(),
        decided_on=decided_on,
        report_sha256=digest,
        recorded_by=by,
    )
    with because(_("Imported from a bundle")):
        for c, reason in declined:
            Declined.objects.create(decision=decision, candidate=c, reason=reason)
        for i, s in enumerate(signatures):
            Signature.objects.create(
                decision=decision,
                signer=s["signer"],
                meaning=s["meaning"],
                order=i,
                requested_by=by,
                printed_name=s["printed_name"],
                signed_at=s["signed_at"],
                sha256=s["sha256"],
                verifiable=False,
            )
    return decision
