"""Writes of an evaluation's set-up: the snapshot of a template, weights, the
scoring phase, and conflict-of-interest declarations.

Every write that changes what the alignment job reads ends with
`notify_inputs_changed`, so results are recomputed once the transaction commits.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import record as audit
from audit.context import because
from cdmo_eval.service import service
from partners.events import notify_inputs_changed
from partners.models import Candidate, Evaluation

from ..library.selectors import default_bands
from ..models import (
    ConflictDeclaration,
    PlanCategory,
    PlanCriterion,
    ScoringPlan,
    Template,
)
from ..scoring import Band, validate_bands
from .selectors import selection_plan


@service
def plan_create(
    *, evaluation: Evaluation, purpose: str = ScoringPlan.Purpose.SELECTION
) -> ScoringPlan:
    """A new, empty plan of ``evaluation``: the selection's plan is created with the
    evaluation itself (`receivers.create_selection_plan`)."""
    return ScoringPlan.objects.create(evaluation=evaluation, purpose=purpose)


@service
@transaction.atomic
def evaluation_snapshot(*, evaluation: Evaluation, template: Template, by) -> None:
    """Copy a template's categories, criteria, weights, anchors and bands into the
    evaluation's selection plan. Taken once, before any rating, so later library
    edits never reach it."""
    plan = ScoringPlan.objects.select_for_update().get(pk=selection_plan(evaluation).pk)
    if plan.has_criteria:
        raise ValidationError(_("This evaluation already has its criteria."))
    bands = template.standing_scale.as_bands()
    errors = validate_bands([Band(**b) for b in bands])
    items = list(
        template.criteria.select_related("criterion__category").prefetch_related(
            "criterion__anchors"
        )
    )
    if not items:
        errors.append(_("The template “%(t)s” has no criteria.") % {"t": template})
    if errors:
        raise ValidationError(errors)
    plan.template_name = template.name
    plan.bands = bands
    plan.snapshot_at = timezone.now()
    plan.save(update_fields=["template_name", "bands", "snapshot_at"])
    weights = {tc.category_id: tc.weight for tc in template.categories.all()}
    categories: dict[int, PlanCategory] = {}
    for item in items:
        cat = item.criterion.category
        if cat.pk not in categories:
            categories[cat.pk] = PlanCategory.objects.create(
                plan=plan,
                key=cat.key,
                name=cat.name,
                weight=weights.get(cat.pk, cat.weight),
                order=cat.order,
            )
    made = PlanCriterion.objects.bulk_create(
        PlanCriterion(
            plan=plan,
            category=categories[item.criterion.category_id],
            key=c.key,
            name=c.name,
            description=c.description,
            weight=item.weight,
            kind=c.kind,
            sources=list(c.sources),
            gate_threshold=c.gate_threshold,
            signal=c.signal,
            curve=c.curve,
            order=c.order,
            anchors={str(a.value): a.text for a in c.anchors.all()},
        )
        for item in items
        for c in [item.criterion]
    )
    audit.created(made)
    notify_inputs_changed(evaluation_id=evaluation.pk, by=by)


@service
@transaction.atomic
def plan_define(
    *,
    plan: ScoringPlan,
    template_name: str,
    bands: list[dict] | None,
    categories: list[dict],
    criteria: list[dict],
    by,
) -> None:
    """Give ``plan`` its categories, criteria and bands as they are stated (an
    imported bundle) rather than copied from a library template.

    ``categories`` hold key, name and weight; ``criteria`` every field of a plan
    criterion with ``category`` a category's key; without ``bands`` the default
    template's. Each criterion is checked as the library checks one; an error of
    the i-th criterion is keyed ``criteria.i.<field>``. A plan without criteria
    stays to be set up from a template, which only a plan in set-up may.
    """
    plan = ScoringPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.has_criteria:
        raise ValidationError(_("This evaluation already has its criteria."))
    bands = default_bands() if bands is None else bands
    errors: dict[str, list] = {}
    # Without criteria the plan is set up from a template later, with its bands.
    if criteria and (problems := validate_bands([Band(**b) for b in bands])):
        errors["bands"] = problems
    if not criteria and plan.phase != Evaluation.Status.SETUP:
        errors["criteria"] = [
            _("An evaluation past set-up needs at least one criterion.")
        ]
    plan.bands = bands
    if criteria:
        plan.template_name = template_name
        plan.snapshot_at = timezone.now()
    plan.save(update_fields=["template_name", "bands", "snapshot_at"])
    rows = {
        c["key"]: PlanCategory.objects.create(plan=plan, order=i, **c)
        for i, c in enumerate(categories)
    }
    position: dict[str, int] = {}
    made = []
    for i, c in enumerate(criteria):
        category = rows[c["category"]]
        position[category.key] = position.get(category.key, -1) + 1
        criterion = PlanCriterion(
            plan=plan,
            order=position[category.key],
            **{**c, "category": category},
        )
        try:
            criterion.full_clean(exclude=["plan", "category"], validate_unique=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"criteria.{i}.{name}"] = messages
        made.append(criterion)
    if errors:
        raise ValidationError(errors)
    audit.created(PlanCriterion.objects.bulk_create(made))
    notify_inputs_changed(evaluation_id=plan.evaluation_id, by=by)


@service
@transaction.atomic
def weights_save(
    *,
    plan: ScoringPlan,
    category_weights: Mapping[int, int],
    criterion_weights: Mapping[int, int] | None = None,
    reason: str,
    by,
) -> None:
    """Change the plan's weights. Criterion weights only before scoring opens;
    category weights until the decision, always with a reason (they move rankings)."""
    evaluation = plan.evaluation
    if plan.phase == Evaluation.Status.DECIDED:
        raise ValidationError(_("The evaluation is decided; weights are final."))
    if criterion_weights and plan.phase != Evaluation.Status.SETUP:
        raise ValidationError(
            _("Criterion weights can only change before scoring opens.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the weights change.")})
    for model, weights in (
        (PlanCategory, category_weights),
        (PlanCriterion, criterion_weights or {}),
    ):
        rows = {o.pk: o for o in model.objects.filter(plan=plan)}
        for pk, weight in weights.items():
            if pk not in rows:
                raise ValidationError(_("Unknown weight for this evaluation."))
            if weight < 1:
                raise ValidationError(
                    _("“%(name)s” needs a weight of at least 1.")
                    % {"name": rows[pk].name}
                )
            if rows[pk].weight != weight:
                rows[pk].weight = weight
                with because(reason):
                    rows[pk].save(update_fields=["weight"])
    notify_inputs_changed(evaluation_id=evaluation.pk, by=by)


def _set_status(
    evaluation: Evaluation, frm: str, to: str, message: str, reason: str = ""
) -> None:
    updated = Evaluation.objects.filter(pk=evaluation.pk, status=frm).update(status=to)
    if not updated:
        raise ValidationError(message)
    evaluation.status = to
    audit.changed(evaluation, {"status": (frm, to)}, reason=reason)


@service
def scoring_open(*, evaluation: Evaluation, by) -> None:
    """Open scoring: needs the criteria snapshot; weights of criteria freeze."""
    if not PlanCriterion.objects.filter(plan=selection_plan(evaluation)).exists():
        raise ValidationError(_("Choose the criteria template before scoring opens."))
    _set_status(
        evaluation,
        Evaluation.Status.SETUP,
        Evaluation.Status.SCORING,
        _("Scoring can only open from set-up."),
    )


@service
def scoring_close(*, evaluation: Evaluation, by) -> None:
    """Close scoring: evaluators see every result; scorecards take no more
    ratings until the lead reopens scoring with a reason."""
    _set_status(
        evaluation,
        Evaluation.Status.SCORING,
        Evaluation.Status.CLOSED,
        _("Scoring is not open."),
    )


@service
def scoring_reopen(*, evaluation: Evaluation, reason: str, by) -> None:
    """Open closed scoring again; the reason is kept in the audit trail. A decided
    evaluation stays decided."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why scoring opens again.")})
    if evaluation.status == Evaluation.Status.DECIDED:
        raise ValidationError(
            _("The decision is recorded; scoring of a decided evaluation stays closed.")
        )
    _set_status(
        evaluation,
        Evaluation.Status.CLOSED,
        Evaluation.Status.SCORING,
        _("Scoring is not closed."),
        reason=reason,
    )


@service
@transaction.atomic
def conflict_declare(
    *, plan: ScoringPlan, evaluator, candidates: list[Candidate], text: str
) -> list[ConflictDeclaration]:
    """Declare, before scoring ``plan``, "no conflict" (no candidates) or a
    conflict with each named candidate.

    A conflict is never withdrawn by declaring "none" afterwards; only the lead's
    override lifts it.
    """
    if any(c.evaluation_id != plan.evaluation_id for c in candidates):
        raise ValidationError(
            {"candidates": _("Choose candidates of this evaluation.")}
        )
    if candidates and not text.strip():
        raise ValidationError({"text": _("Describe the conflict.")})
    existing = ConflictDeclaration.objects.filter(plan=plan, evaluator=evaluator)
    if not candidates:
        if existing.filter(candidate__isnull=True).exists():
            raise ValidationError(_("You have already declared no conflict."))
        return [
            ConflictDeclaration.objects.create(
                plan=plan, evaluator=evaluator, text=text.strip() or "none"
            )
        ]
    declared = set(existing.values_list("candidate_id", flat=True))
    return [
        ConflictDeclaration.objects.create(
            plan=plan, evaluator=evaluator, candidate=c, text=text.strip()
        )
        for c in candidates
        if c.pk not in declared
    ]


@service
def conflict_override(*, declaration: ConflictDeclaration, reason: str, by) -> None:
    """The lead lets a conflicted evaluator score the candidate, saying why."""
    if declaration.candidate_id is None:
        raise ValidationError(_("There is no conflict to override."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the override.")})
    declaration.override_reason = reason.strip()
    declaration.overridden_by = by
    declaration.overridden_at = timezone.now()
    with because(reason):
        declaration.save(
            update_fields=["override_reason", "overridden_by", "overridden_at"]
        )
