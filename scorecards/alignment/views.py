from dataclasses import replace

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from cdmo_eval.forms import add_service_error, posted
from partners.access import Can, get_candidate_for, get_evaluation_for, role_can
from partners.models import Evaluation

from ..access import reports_allowed, results_sight
from ..charts import category_chart_svg
from ..models import PlanCategory
from ..scoring import InvalidEvaluation, compute
from ..setup import services
from ..setup.selectors import selection_plan
from . import read
from .inputs import alignment_inputs
from .read import is_outdated
from .services import alignment_request


def _chart(categories, series, title):
    return category_chart_svg(
        [(c.key, c.name) for c in categories], series, title=title
    )


@require_safe
def dashboard(request, key):
    evaluation = get_evaluation_for(request.user, key)
    plan = selection_plan(evaluation)
    sight = results_sight(request.user, plan)
    data = read.dashboard(plan, visible=sight.candidates, ranking=sight.ranking)
    if is_outdated(data.run, evaluation):
        # Measured as of an earlier day (the daily refresh has not run yet).
        alignment_request(plan_id=plan.pk)
        data = read.dashboard(plan, visible=sight.candidates, ranking=sight.ranking)
    return render(
        request,
        "scorecards/dashboard.html",
        {
            "evaluation": evaluation,
            "data": data,
            "chart": _chart(
                data.categories,
                data.chart_series(),
                _("Category scores by candidate (0–100)"),
            ),
            "can_what_if": role_can(evaluation.membership.role, Can.WHAT_IF),
            "can_score": role_can(evaluation.membership.role, Can.SCORE),
            "can_report": reports_allowed(evaluation),
        },
    )


@require_safe
def dashboard_status(request, key):
    """htmx: the results' freshness; asks the page to reload once a newer run is in."""
    evaluation = get_evaluation_for(request.user, key)
    state = read.state_for(selection_plan(evaluation))
    data = read.Dashboard(state=state, run=state.current_run if state else None)
    shown = request.GET.get("run", "")
    current = str(data.run.pk) if data.run else ""
    response = render(
        request,
        "scorecards/_alignment_status.html",
        {"evaluation": evaluation, "data": data},
    )
    if current != shown and not data.stale:
        response["HX-Refresh"] = "true"
    return response


@require_safe
def candidate_alignment(request, pk):
    """Why is this candidate's score what it is: contributions of each category and
    criterion, the signals behind derived criteria, the sensitivity result."""
    candidate = get_candidate_for(request.user, pk)
    evaluation = candidate.evaluation
    plan = selection_plan(evaluation)
    sight = results_sight(request.user, plan)
    visible = sight.shows(candidate.pk)
    row = read.candidate_result(candidate, plan) if visible else None
    if row is not None and is_outdated(row.run, evaluation):
        alignment_request(plan_id=plan.pk)
        row = read.candidate_result(candidate, plan)
    parts = read.breakdown(row, plan) if row else []
    if row is not None:
        row.badges = read.flag_badges(row)
    return render(
        request,
        "scorecards/candidate_alignment.html",
        {
            "evaluation": evaluation,
            "candidate": candidate,
            "visible": visible,
            "ranking": sight.ranking,
            "row": row,
            "parts": parts,
            "state": read.state_for(plan),
        },
    )


# --- what-if weights ------------------------------------------------------------------


class WhatIfSaveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the new weights"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


def _weights_from(request_data, categories) -> dict[str, int]:
    weights = {}
    for c in categories:
        raw = request_data.get(f"w-{c.key}", c.weight)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = c.weight
        weights[c.key] = min(max(value, 1), 100)
    return weights


def _what_if(plan, categories, weights) -> dict:
    """The sliders and the ranking under ``weights`` next to the current ranking;
    nothing is stored. The inputs are read once and scored twice."""
    total = sum(weights.values()) or 1
    context = {
        "sliders": [
            (c, weights[c.key], round(100 * weights[c.key] / total, 1))
            for c in categories
        ],
        "rows": [],
    }
    current, _candidates = alignment_inputs(plan, draws=0)
    trial = replace(
        current,
        categories=[
            replace(c, weight=float(weights[c.key])) for c in current.categories
        ],
    )
    try:
        before = {c.key: c.rank for c in compute(current).candidates}
        after = compute(trial)
    except InvalidEvaluation:
        return context
    context["rows"] = [
        {
            "result": c,
            "moved": before.get(c.key, c.rank) - c.rank,
            "down": c.rank - before.get(c.key, c.rank),
        }
        for c in after.candidates
    ]
    return context


@require_http_methods(["GET", "POST"])
def what_if(request, key):
    """Try weights (procurement and the lead); only the lead saves them."""
    need = Can.MANAGE if request.method == "POST" else Can.WHAT_IF
    evaluation = get_evaluation_for(request.user, key, need)
    plan = selection_plan(evaluation)
    categories = list(PlanCategory.objects.filter(plan=plan))
    # Weights are final once decided; what-if still shows other weightings.
    can_save = (
        role_can(evaluation.membership.role, Can.MANAGE)
        and evaluation.status != Evaluation.Status.DECIDED
    )
    form = WhatIfSaveForm(posted(request))
    weights = _weights_from(request.POST or request.GET, categories)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.weights_save(
                    plan=plan,
                    category_weights={c.pk: weights[c.key] for c in categories},
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("New category weights saved."))
                return redirect("dashboard", key=evaluation.key)
    return render(
        request,
        "scorecards/what_if.html",
        {
            "evaluation": evaluation,
            "form": form,
            "can_save": can_save,
            **_what_if(plan, categories, weights),
        },
        status=400 if form.errors else 200,
    )


@require_safe
def what_if_ranking(request, key):
    """htmx: the ranking under the weights of the sliders."""
    evaluation = get_evaluation_for(request.user, key, Can.WHAT_IF)
    plan = selection_plan(evaluation)
    categories = list(PlanCategory.objects.filter(plan=plan))
    weights = _weights_from(request.GET, categories)
    return render(
        request,
        "scorecards/_what_if_ranking.html",
        {"evaluation": evaluation, **_what_if(plan, categories, weights)},
    )
