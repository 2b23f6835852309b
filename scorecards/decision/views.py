"""The decision page: record the decision, sign it, name co-signers, verify a
copy, download its files and its archive."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cdmo_eval.downloads import private_file_response
from cdmo_eval.forms import ReasonForm, saved
from partners.access import Can, get_evaluation_for, may
from partners.models import Evaluation

from ..access import (
    decision_files_allowed,
    get_decision_files_for,
    get_decision_for,
    get_signature_for,
)
from ..history import present
from ..setup import services as setup_services
from . import archive, selectors, services
from .forms import DecisionForm, SignerForm, SignForm, VerifyForm


def _page(request, evaluation, *, status=200, **forms):
    """The decision page as ``request.user`` sees it; ``forms`` replace the
    blank ones (bound forms with their errors)."""
    decision = selectors.decision_of(evaluation)
    can_manage = may(evaluation, Can.MANAGE)
    context = {
        "evaluation": evaluation,
        "decision": decision,
        "can_manage": can_manage,
        "verdict": forms.pop("verdict", None),
    }
    if decision is None:
        if can_manage and evaluation.status == Evaluation.Status.CLOSED:
            context["form"] = forms.get("form") or DecisionForm(
                evaluation=evaluation,
                reports=selectors.decision_reports(evaluation),
                earlier=selectors.earlier_reasons(evaluation),
            )
            context["reopen_form"] = forms.get("reopen_form") or ReasonForm()
    else:
        signatures = list(decision.signatures.select_related("signer"))
        mine = next(
            (
                s
                for s in signatures
                if s.signer_id == request.user.pk and not s.is_signed
            ),
            None,
        )
        entries = selectors.changes_since(decision)
        context["integrity"] = selectors.integrity(decision)
        context |= dict(
            signatures=signatures,
            declined=list(decision.declined.select_related("candidate__cdmo")),
            mine=mine,
            sign_form=(forms.get("sign_form") or SignForm()) if mine else None,
            signer_form=(forms.get("signer_form") or SignerForm(evaluation=evaluation))
            if can_manage
            else None,
            verify_form=forms.get("verify_form") or VerifyForm(),
            files_allowed=decision_files_allowed(request.user, evaluation),
            changes=present.rows(entries, brief=True),
        )
    return render(request, "decisions/decision.html", context, status=status)


@require_safe
def decision(request, key):
    evaluation = get_evaluation_for(request.user, key)
    return _page(request, evaluation)


@require_POST
def decision_record(request, key):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    form = DecisionForm(
        request.POST,
        evaluation=evaluation,
        reports=selectors.decision_reports(evaluation),
        earlier=selectors.earlier_reasons(evaluation),
    )
    if saved(
        form,
        lambda data: services.decision_record(
            evaluation=evaluation,
            selected=data["selected"],
            rationale=data["rationale"],
            declined=form.declined(),
            report=data["report"],
            cosigners=form.cosigner_pairs(),
            by=request.user,
        ),
    ):
        messages.success(
            request,
            _("The decision is recorded. Sign it below to complete the record."),
        )
        return redirect("decision", key=evaluation.key)
    if evaluation.status != Evaluation.Status.CLOSED:
        for message in form.non_field_errors():
            messages.error(request, message)
        return redirect("decision", key=evaluation.key)
    return _page(request, evaluation, status=400, form=form)


@require_POST
def decision_sign(request, pk):
    signature = get_signature_for(request.user, pk)
    evaluation = signature.decision.evaluation
    form = SignForm(request.POST)
    if saved(
        form,
        lambda data: services.decision_sign(
            signature=signature,
            username=data["username"],
            password=data["password"],
            request=request,
            by=request.user,
        ),
    ):
        messages.success(request, _("Signed. The signed copy includes it."))
        return redirect("decision", key=evaluation.key)
    return _page(request, evaluation, status=400, sign_form=form)


@require_POST
def decision_signer_add(request, key):
    decision = get_decision_for(request.user, key, Can.MANAGE)
    form = SignerForm(request.POST, evaluation=decision.evaluation)
    if saved(
        form,
        lambda data: services.signer_add(
            decision=decision,
            user=data["signer"].user,
            meaning=data["meaning"],
            by=request.user,
        ),
    ):
        messages.success(request, _("Their signature is asked for."))
        return redirect("decision", key=key)
    return _page(request, decision.evaluation, status=400, signer_form=form)


@require_POST
def decision_verify(request, key):
    decision = get_decision_for(request.user, key)
    form = VerifyForm(request.POST, request.FILES)
    verdict = None
    if form.is_valid():
        verdict = selectors.verify(decision, form.cleaned_data["file"].chunks())
    return _page(
        request,
        decision.evaluation,
        status=200 if form.is_valid() else 400,
        verify_form=form,
        verdict=verdict,
    )


@require_safe
def decision_file(request, key, which):
    """The report the decision was signed over, or its signed copy."""
    decision = get_decision_files_for(request.user, key)
    field = {"report": decision.original, "signed-copy": decision.signed_copy}.get(
        which
    )
    if not field or not field.storage.exists(field.name):
        raise Http404("No such file.")
    stamp = decision.decided_on.isoformat()
    return private_file_response(
        field,
        filename=f"{decision.evaluation.key}-decision-{stamp}-{which}.pdf",
        content_type="application/pdf",
        inline=True,
    )


@require_safe
def decision_archive(request, key):
    decision = get_decision_for(request.user, key, Can.MANAGE)
    out = archive.build_archive(decision, user=request.user)
    response = FileResponse(
        out,
        as_attachment=True,
        filename=f"{decision.evaluation.key}-decision-archive.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def scoring_reopen(request, key):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    form = ReasonForm(request.POST)
    if saved(
        form,
        lambda data: setup_services.scoring_reopen(
            evaluation=evaluation, reason=data["reason"], by=request.user
        ),
    ):
        messages.success(request, _("Scoring is open again."))
        return redirect("scoring", key=evaluation.key)
    if evaluation.status != Evaluation.Status.CLOSED:
        for message in form.non_field_errors():
            messages.error(request, message)
        return redirect("decision", key=evaluation.key)
    return _page(request, evaluation, status=400, reopen_form=form)
