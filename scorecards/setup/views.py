"""Pages of an evaluation's set-up: criteria and weights, the scoring phase,
conflict declarations and overrides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from cdmo_eval.forms import ReasonForm, add_service_error, posted, submit_small_form
from partners.access import (
    Can,
    get_evaluation_for,
    may,
)
from partners.models import Evaluation

from ..access import (
    get_conflict_for,
    get_conflicts_evaluation_for,
)
from . import selectors, services
from .forms import (
    ConflictForm,
    TemplateChoiceForm,
    WeightsForm,
)


@require_safe
def criteria(request, key):
    evaluation = get_evaluation_for(request.user, key)
    plan = selectors.selection_plan(evaluation)
    setup = plan if plan.has_criteria else None
    categories = selectors.plan_categories(plan)
    can_manage = may(evaluation, Can.MANAGE)
    template_form = weights_form = None
    if can_manage and setup is None:
        template_form = TemplateChoiceForm()
    elif can_manage and evaluation.status != Evaluation.Status.DECIDED:
        in_setup = evaluation.status == Evaluation.Status.SETUP
        weights_form = WeightsForm(
            categories=categories,
            criteria=[c for cat in categories for c in cat.criteria.all()]
            if in_setup
            else (),
        )
    return render(
        request,
        "scorecards/criteria.html",
        {
            "evaluation": evaluation,
            "setup": setup,
            "categories": categories,
            "total_weight": sum(c.weight for c in categories),
            "can_manage": can_manage,
            "template_form": template_form,
            "weights_form": weights_form,
        },
    )


@require_POST
def criteria_snapshot(request, key):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    submit_small_form(
        request,
        TemplateChoiceForm(request.POST),
        lambda data: services.evaluation_snapshot(
            evaluation=evaluation, template=data["template"], by=request.user
        ),
        done=_("Criteria copied from the template."),
        invalid=_("Choose a template."),
    )
    return redirect("criteria", key=evaluation.key)


@require_http_methods(["GET", "POST"])
def weights(request, key):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    plan = selectors.selection_plan(evaluation)
    categories = selectors.plan_categories(plan)
    in_setup = evaluation.status == Evaluation.Status.SETUP
    form = WeightsForm(
        posted(request),
        categories=categories,
        criteria=[c for cat in categories for c in cat.criteria.all()]
        if in_setup
        else (),
    )
    if request.method == "POST" and form.is_valid():
        category_weights, criterion_weights = form.weights()
        try:
            services.weights_save(
                plan=plan,
                category_weights=category_weights,
                criterion_weights=criterion_weights,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Weights saved."))
            return redirect("criteria", key=evaluation.key)
    return render(
        request,
        "scorecards/weights.html",
        {"evaluation": evaluation, "form": form, "categories": categories},
        status=400 if form.errors else 200,
    )


@require_POST
def scoring_phase(request, key, action):
    evaluation = get_evaluation_for(request.user, key, Can.MANAGE)
    service = {"open": services.scoring_open, "close": services.scoring_close}.get(
        action
    )
    if service is None:
        raise Http404
    try:
        service(evaluation=evaluation, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Scoring is open.") if action == "open" else _("Scoring is closed."),
        )
    return redirect("scoring", key=evaluation.key)


@require_http_methods(["GET", "POST"])
def conflicts(request, key):
    evaluation = get_conflicts_evaluation_for(request.user, key)
    can_manage = may(evaluation, Can.MANAGE)
    form = ConflictForm(posted(request), candidates=evaluation.candidates.all())
    if request.method == "POST":
        if form.is_valid():
            try:
                services.conflict_declare(
                    plan=selectors.selection_plan(evaluation),
                    evaluator=request.user,
                    candidates=list(form.cleaned_data["candidates"]),
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Your declaration is recorded."))
                return redirect("scoring", key=evaluation.key)
    return render(
        request,
        "scorecards/conflicts.html",
        {
            "evaluation": evaluation,
            "form": form,
            "mine": selectors.conflicts_for(
                selectors.selection_plan(evaluation), request.user
            ),
            "all": selectors.conflicts_for(selectors.selection_plan(evaluation))
            if can_manage
            else None,
            "override_form": ReasonForm(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def conflict_override(request, pk):
    declaration = get_conflict_for(request.user, pk, Can.MANAGE)
    submit_small_form(
        request,
        ReasonForm(request.POST),
        lambda data: services.conflict_override(
            declaration=declaration, reason=data["reason"], by=request.user
        ),
        done=_("Override recorded."),
        invalid=_("Give a reason for the override."),
    )
    return redirect("conflicts", key=declaration.plan.evaluation.key)
