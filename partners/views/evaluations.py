from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from cdmo_eval.forms import add_service_error, posted

from .. import selectors, services
from ..access import Can, get_evaluation_for, require_site, role_can, user_can
from ..forms.evaluations import (
    EvaluationEditForm,
    EvaluationForm,
    MemberAddForm,
    MemberInviteForm,
    MemberRemoveForm,
    MemberRoleForm,
)
from ..models import Membership, Role
from ..panels import render_slot


@require_safe
def evaluation_list(request):
    evaluations = list(selectors.evaluations_for_user(request.user))
    return render(
        request,
        "partners/evaluation_list.html",
        {
            "evaluations": evaluations,
            "actions": render_slot("evaluation_list.actions", request, evaluations),
            "roles": Role.choices,
            "can_create": user_can(request.user, Can.CREATE_EVALUATION),
        },
    )


@require_http_methods(["GET", "POST"])
def evaluation_create(request):
    require_site(request.user, Can.CREATE_EVALUATION)
    form = EvaluationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        evaluation = services.evaluation_create(
            created_by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Evaluation created. You are its lead."))
        return redirect(evaluation)
    return render(
        request,
        "partners/evaluation_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def evaluation_edit(request, key):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    form = EvaluationEditForm(posted(request), instance=evaluation)
    if request.method == "POST" and form.is_valid():
        services.evaluation_update(
            evaluation=evaluation, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Evaluation updated."))
        return redirect(evaluation)
    return render(
        request,
        "partners/evaluation_form.html",
        {"form": form, "evaluation": evaluation},
        status=400 if form.errors else 200,
    )


@require_safe
def evaluation_detail(request, key):
    evaluation = get_evaluation_for(request.user, key)
    role = evaluation.membership.role
    return render(
        request,
        "partners/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "candidates": selectors.evaluation_candidates(evaluation),
            "members": selectors.evaluation_members(evaluation),
            "can_manage": role_can(role, Can.MANAGE),
            "sections": render_slot("evaluation.sections", request, evaluation),
        },
    )


def _members_page(
    request, evaluation, add_form=None, invite_form=None, row=None, status=200
):
    """The members page; ``row`` is (membership id, "role" or "remove", the bound
    form) when a change of one member was refused."""
    members = selectors.evaluation_members(evaluation)
    if row is not None:
        for m in members:
            if m.pk == row[0]:
                m.refused, m.refused_form = row[1], row[2]
    return render(
        request,
        "partners/members.html",
        {
            "evaluation": evaluation,
            "members": members,
            "add_form": add_form or MemberAddForm(prefix="add"),
            "invite_form": invite_form or MemberInviteForm(prefix="invite"),
            "role_form": MemberRoleForm(),
            "can_manage": role_can(evaluation.membership.role, Can.MANAGE),
        },
        status=status,
    )


@require_safe
def member_list(request, key):
    evaluation = get_evaluation_for(request.user, key)
    return _members_page(request, evaluation)


@require_POST
def member_add(request, key):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    form = MemberAddForm(request.POST, prefix="add")
    if form.is_valid():
        try:
            services.membership_add(
                evaluation=evaluation,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc, field="user")
        else:
            messages.success(request, _("Member added."))
            return redirect("member_list", key=key)
    return _members_page(request, evaluation, add_form=form, status=400)


@require_POST
def member_invite(request, key):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    form = MemberInviteForm(request.POST, prefix="invite")
    if form.is_valid():
        try:
            services.member_invite(
                evaluation=evaluation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                base_url=request.build_absolute_uri("/")[:-1],
            )
        except ValidationError as exc:
            add_service_error(form, exc, field="email")
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("member_list", key=key)
    return _members_page(request, evaluation, invite_form=form, status=400)


@require_POST
def member_role(request, key, pk):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    membership = get_object_or_404(Membership, pk=pk, evaluation=evaluation)
    form = MemberRoleForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s.")
                % {"user": membership.user, "role": membership.get_role_display()},
            )
            return redirect("member_list", key=key)
    return _members_page(
        request, evaluation, row=(membership.pk, "role", form), status=400
    )


@require_POST
def member_remove(request, key, pk):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    membership = get_object_or_404(Membership, pk=pk, evaluation=evaluation)
    form = MemberRemoveForm(request.POST, prefix=f"x{membership.pk}")
    if form.is_valid():
        try:
            services.membership_remove(
                membership=membership,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("%(user)s removed.") % {"user": membership.user}
            )
            return redirect("member_list", key=key)
    return _members_page(
        request, evaluation, row=(membership.pk, "remove", form), status=400
    )
