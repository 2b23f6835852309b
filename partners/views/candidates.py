from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from cdmo_eval.forms import add_service_error, posted
from cdmo_eval.pagination import paginate

from .. import selectors, services
from ..access import Can, get_candidate_for, get_evaluation_for, role_can
from ..filters.evidence import CandidateFilter
from ..forms.evidence import CandidateAddForm, CandidateEditForm, StageForm
from ..panels import render_rows, render_slot


@require_safe
def candidate_list(request, key):
    evaluation = get_evaluation_for(request.user, key)
    filterset = CandidateFilter(
        request.GET, queryset=selectors.candidate_rows(evaluation)
    )
    page = paginate(request, filterset.qs)
    for candidate in page.object_list:
        candidate.evaluation = evaluation  # with the viewer's membership
    actions = render_rows("candidate_list.row_actions", request, page.object_list)
    for candidate in page.object_list:
        candidate.row_actions = actions.get(candidate.pk, [])
    return render(
        request,
        "partners/candidate_list.html",
        {
            "evaluation": evaluation,
            "filter": filterset,
            "page_obj": page,
            "can_manage": role_can(evaluation.membership.role, Can.MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
def candidate_add(request, key):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    form = CandidateAddForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_add(
                evaluation=evaluation, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(cdmo)s added.") % {"cdmo": candidate})
            return redirect(candidate)
    return render(
        request,
        "partners/candidate_form.html",
        {"evaluation": evaluation, "form": form, "title": _("Add a candidate")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def candidate_edit(request, pk):
    candidate = get_candidate_for(request.user, pk, Can.MANAGE)
    form = CandidateEditForm(posted(request), instance=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_update(
                candidate=candidate,
                bulk_site=form.cleaned_data["bulk_site"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Candidate updated."))
            return redirect(candidate)
    return render(
        request,
        "partners/candidate_form.html",
        {
            "evaluation": candidate.evaluation,
            "candidate": candidate,
            "form": form,
            "title": _("Edit %(cdmo)s") % {"cdmo": candidate},
        },
        status=400 if form.errors else 200,
    )


def _detail(request, candidate, stage_form=None, status=200):
    evidence = selectors.candidate_evidence(candidate)
    role = candidate.evaluation.membership.role
    return render(
        request,
        "partners/candidate_detail.html",
        {
            "evaluation": candidate.evaluation,
            "candidate": candidate,
            "evidence": evidence,
            "findings": evidence.findings,
            "coverage": evidence.coverage,
            "stage_changes": candidate.stage_changes.select_related("changed_by"),
            "stage_form": stage_form or StageForm(),
            "can_edit": role_can(role, Can.EDIT_EVIDENCE),
            "can_manage": role_can(role, Can.MANAGE),
            "actions": render_slot("candidate.actions", request, candidate),
            "sections": render_slot("candidate.sections", request, candidate),
        },
        status=status,
    )


@require_safe
def candidate_detail(request, pk):
    return _detail(request, get_candidate_for(request.user, pk))


@require_POST
def candidate_move(request, pk):
    candidate = get_candidate_for(request.user, pk, Can.MANAGE)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            change = services.candidate_move(
                candidate=candidate,
                to_stage=form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Moved to %(stage)s.") % {"stage": change.get_to_stage_display()},
            )
            return redirect(candidate)
    return _detail(request, candidate, stage_form=form, status=400)
