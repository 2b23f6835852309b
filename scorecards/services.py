"""Writes for criteria snapshots, conflicts, scorecards, ratings and consensus.

Every write that changes what the alignment job reads ends with
`notify_inputs_changed`, so results are recomputed once the transaction commits.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.events import notify_inputs_changed
from partners.models import Candidate, CultureInterview, Evaluation, SiteVisit

from .models import (
    ConflictDeclaration,
    ConsensusRating,
    EvaluationCategory,
    EvaluationCriterion,
    EvaluationSetup,
    Kind,
    Rating,
    Scorecard,
    Source,
    Template,
)
from .scoring import Band, validate_bands

RATIONALE_REQUIRED = (1, 2, 5)
"""The extremes need a reason (issue #4): 1, 2 and 5."""


class ScoringBlocked(ValidationError):
    """The evaluator may not score this candidate now (scoring not open, conflicts
    not declared, a declared conflict not overridden)."""


class StaleRating(Exception):
    """The rating changed since the editor loaded it (another tab or person)."""

    def __init__(self, rating: Rating) -> None:
        self.rating = rating
        super().__init__(
            _(
                "This rating was changed in another tab or window since you opened "
                "the page (it is now %(now)s). Nothing was overwritten; reload to see "
                "the current rating, your text is still here."
            )
            % {"now": rating.get_score_display() if rating.score else _("n/a")}
        )


# --- the evaluation's snapshot of a template ------------------------------------------


@transaction.atomic
def evaluation_snapshot(*, evaluation: Evaluation, template: Template, by) -> None:
    """Copy a template's categories, criteria, weights, anchors and bands into the
    evaluation. Taken once, before any rating, so later library edits never reach it."""
    if EvaluationSetup.objects.filter(evaluation=evaluation).exists():
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
    EvaluationSetup.objects.create(
        evaluation=evaluation, template_name=template.name, bands=bands
    )
    weights = {tc.category_id: tc.weight for tc in template.categories.all()}
    categories: dict[int, EvaluationCategory] = {}
    for item in items:
        cat = item.criterion.category
        if cat.pk not in categories:
            categories[cat.pk] = EvaluationCategory.objects.create(
                evaluation=evaluation,
                key=cat.key,
                name=cat.name,
                weight=weights.get(cat.pk, cat.weight),
                order=cat.order,
            )
    EvaluationCriterion.objects.bulk_create(
        EvaluationCriterion(
            evaluation=evaluation,
            category=categories[item.criterion.category_id],
            key=c.key,
            name=c.name,
            description=c.description,
            weight=item.weight,
            kind=c.kind,
            by_scorecard=c.by_scorecard,
            by_interview=c.by_interview,
            by_site_visit=c.by_site_visit,
            gate_threshold=c.gate_threshold,
            signal=c.signal,
            curve=c.curve,
            order=c.order,
            anchors={str(a.value): a.text for a in c.anchors.all()},
        )
        for item in items
        for c in [item.criterion]
    )
    notify_inputs_changed(evaluation_id=evaluation.pk)


@transaction.atomic
def weights_save(
    *,
    evaluation: Evaluation,
    category_weights: Mapping[int, int],
    criterion_weights: Mapping[int, int] | None = None,
    reason: str,
    by,
) -> None:
    """Change the snapshot's weights. Criterion weights only before scoring opens;
    category weights until the decision, always with a reason (they move rankings)."""
    if evaluation.status == Evaluation.Status.DECIDED:
        raise ValidationError(_("The evaluation is decided; weights are final."))
    if criterion_weights and evaluation.status != Evaluation.Status.SETUP:
        raise ValidationError(
            _("Criterion weights can only change before scoring opens.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the weights change.")})
    for model, weights in (
        (EvaluationCategory, category_weights),
        (EvaluationCriterion, criterion_weights or {}),
    ):
        rows = {o.pk: o for o in model.objects.filter(evaluation=evaluation)}
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
                rows[pk].save(update_fields=["weight"])
    notify_inputs_changed(evaluation_id=evaluation.pk)


def _set_status(evaluation: Evaluation, frm: str, to: str, message: str) -> None:
    updated = Evaluation.objects.filter(pk=evaluation.pk, status=frm).update(status=to)
    if not updated:
        raise ValidationError(message)
    evaluation.status = to


def scoring_open(*, evaluation: Evaluation, by) -> None:
    """Open scoring: needs the criteria snapshot; weights of criteria freeze."""
    if not EvaluationCriterion.objects.filter(evaluation=evaluation).exists():
        raise ValidationError(_("Choose the criteria template before scoring opens."))
    _set_status(
        evaluation,
        Evaluation.Status.SETUP,
        Evaluation.Status.SCORING,
        _("Scoring can only open from set-up."),
    )


def scoring_close(*, evaluation: Evaluation, by) -> None:
    _set_status(
        evaluation,
        Evaluation.Status.SCORING,
        Evaluation.Status.CLOSED,
        _("Scoring is not open."),
    )


# --- conflicts of interest ------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *, evaluation: Evaluation, evaluator, candidates: list[Candidate], text: str
) -> list[ConflictDeclaration]:
    """Declare "no conflict" (no candidates) or a conflict with each named candidate.

    A conflict is never withdrawn by declaring "none" afterwards; only the lead's
    override lifts it.
    """
    if any(c.evaluation_id != evaluation.pk for c in candidates):
        raise ValidationError(
            {"candidates": _("Choose candidates of this evaluation.")}
        )
    if candidates and not text.strip():
        raise ValidationError({"text": _("Describe the conflict.")})
    existing = ConflictDeclaration.objects.filter(
        evaluation=evaluation, evaluator=evaluator
    )
    if not candidates:
        if existing.filter(candidate__isnull=True).exists():
            raise ValidationError(_("You have already declared no conflict."))
        return [
            ConflictDeclaration.objects.create(
                evaluation=evaluation,
                evaluator=evaluator,
                text=text.strip() or "none",
            )
        ]
    declared = set(existing.values_list("candidate_id", flat=True))
    return [
        ConflictDeclaration.objects.create(
            evaluation=evaluation, evaluator=evaluator, candidate=c, text=text.strip()
        )
        for c in candidates
        if c.pk not in declared
    ]


def conflict_override(*, declaration: ConflictDeclaration, reason: str, by) -> None:
    """The lead lets a conflicted evaluator score the candidate, saying why."""
    if declaration.candidate_id is None:
        raise ValidationError(_("There is no conflict to override."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the override.")})
    declaration.override_reason = reason.strip()
    declaration.overridden_by = by
    declaration.overridden_at = timezone.now()
    declaration.save(
        update_fields=["override_reason", "overridden_by", "overridden_at"]
    )


def scoring_blocker(*, candidate: Candidate, evaluator) -> str | None:
    """Why ``evaluator`` may not score ``candidate`` now, or None."""
    evaluation = candidate.evaluation
    if evaluation.status != Evaluation.Status.SCORING:
        return _("Scoring is not open in this evaluation.")
    declarations = list(
        ConflictDeclaration.objects.filter(evaluation=evaluation, evaluator=evaluator)
    )
    if not declarations:
        return _("Declare any conflict of interest before your first scorecard.")
    if any(d.blocks and d.candidate_id == candidate.pk for d in declarations):
        return _(
            "You declared a conflict with %(c)s; the lead must override it before "
            "you can score."
        ) % {"c": candidate}
    return None


# --- scorecards -----------------------------------------------------------------------


def scorecard_start(*, candidate: Candidate, evaluator) -> Scorecard:
    """The evaluator's scorecard for the candidate, created as a draft if needed."""
    scorecard = Scorecard.objects.filter(
        candidate=candidate, evaluator=evaluator
    ).first()
    if scorecard is not None:
        return scorecard
    blocker = scoring_blocker(candidate=candidate, evaluator=evaluator)
    if blocker:
        raise ScoringBlocked(blocker, code="blocked")
    scorecard, _created = Scorecard.objects.get_or_create(
        candidate=candidate,
        evaluator=evaluator,
        defaults={"evaluation_id": candidate.evaluation_id},
    )
    return scorecard


def _check_rests_on(candidate: Candidate, rests_on) -> dict:
    links = {
        "rests_on_interview": None,
        "rests_on_visit": None,
        "rests_on_finding": None,
    }
    if rests_on is None:
        return links
    if rests_on.candidate_id != candidate.pk:
        raise ValidationError({"rests_on": _("Choose evidence about this candidate.")})
    if isinstance(rests_on, CultureInterview):
        links["rests_on_interview"] = rests_on
    elif isinstance(rests_on, SiteVisit):
        links["rests_on_visit"] = rests_on
    else:
        links["rests_on_finding"] = rests_on
    return links


@transaction.atomic
def rating_save(
    *,
    scorecard: Scorecard,
    criterion: EvaluationCriterion,
    score: int | None,
    rationale: str,
    rests_on=None,
    seen_version: int | None,
    by,
) -> Rating:
    """Save one rating of a draft scorecard.

    ``seen_version`` is the version the editor loaded (None: it saw no rating). If the
    rating changed since, nothing is written and `StaleRating` says so, so two tabs
    never overwrite each other silently; ratings of other criteria merge freely.
    """
    locked = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if locked.is_submitted:
        raise ValidationError(
            _("The scorecard is submitted and locked; ask the lead to reopen it.")
        )
    if (
        criterion.evaluation_id != scorecard.evaluation_id
        or criterion.kind != Kind.RATED
        or not criterion.by_scorecard
    ):
        raise ValidationError(_("This criterion is not rated on scorecards."))
    if score is not None and score not in range(1, 6):
        raise ValidationError({"score": _("Choose a rating from 1 to 5.")})
    links = _check_rests_on(scorecard.candidate, rests_on)
    rating = Rating.objects.filter(scorecard=scorecard, criterion=criterion).first()
    if rating is None:
        if seen_version:
            raise StaleRating(Rating(score=None))
        return Rating.objects.create(
            candidate_id=scorecard.candidate_id,
            criterion=criterion,
            source=Source.SCORECARD,
            scorecard=scorecard,
            score=score,
            rationale=rationale.strip(),
            counts=False,
            rated_by=by,
            **links,
        )
    if seen_version != rating.version:
        raise StaleRating(rating)
    updated = Rating.objects.filter(pk=rating.pk, version=seen_version).update(
        score=score,
        rationale=rationale.strip(),
        version=F("version") + 1,
        rated_at=timezone.now(),
        **links,
    )
    if not updated:
        raise StaleRating(Rating.objects.get(pk=rating.pk))
    rating.refresh_from_db()
    return rating


def missing_for_submit(scorecard: Scorecard) -> list[str]:
    """Problems that stop a scorecard from being submitted, one per criterion."""
    criteria = EvaluationCriterion.objects.filter(
        evaluation_id=scorecard.evaluation_id, kind=Kind.RATED, by_scorecard=True
    )
    ratings = {r.criterion_id: r for r in scorecard.ratings.all()}
    problems = []
    for criterion in criteria:
        rating = ratings.get(criterion.pk)
        if rating is None:
            problems.append(
                _("%(c)s: choose a rating or “not applicable”.") % {"c": criterion}
            )
        elif rating.score in RATIONALE_REQUIRED and not rating.rationale.strip():
            problems.append(
                _("%(c)s: a rating of %(s)s needs a rationale.")
                % {"c": criterion, "s": rating.score}
            )
    return problems


@transaction.atomic
def scorecard_submit(*, scorecard: Scorecard, by) -> Scorecard:
    """Submit and lock a scorecard: every scorecard criterion rated (or n/a), and
    ratings of 1, 2 and 5 explained. Its ratings start counting."""
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.is_submitted:
        raise ValidationError(_("The scorecard is already submitted."))
    problems = missing_for_submit(scorecard)
    if problems:
        raise ValidationError(problems)
    scorecard.status = Scorecard.Status.SUBMITTED
    scorecard.submitted_at = timezone.now()
    scorecard.save(update_fields=["status", "submitted_at"])
    scorecard.ratings.update(counts=True)
    notify_inputs_changed(evaluation_id=scorecard.evaluation_id)
    return scorecard


@transaction.atomic
def scorecard_reopen(*, scorecard: Scorecard, reason: str, by) -> Scorecard:
    """The lead reopens a submitted scorecard, saying why; its ratings stop counting
    until it is submitted again."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for reopening.")})
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if not scorecard.is_submitted:
        raise ValidationError(_("The scorecard is not submitted."))
    scorecard.status = Scorecard.Status.DRAFT
    scorecard.submitted_at = None
    scorecard.reopened_reason = reason.strip()
    scorecard.save(update_fields=["status", "submitted_at", "reopened_reason"])
    scorecard.ratings.update(counts=False)
    notify_inputs_changed(evaluation_id=scorecard.evaluation_id)
    return scorecard


# --- interview and visit ratings ------------------------------------------------------


@transaction.atomic
def evidence_ratings_save(
    *,
    record: CultureInterview | SiteVisit,
    scores: Mapping[int, int | None],
    by,
) -> None:
    """Ratings an interview or visit gives to the criteria that allow that source.

    ``scores`` maps criterion ids to 1–5, or None to clear the rating.
    """
    is_interview = isinstance(record, CultureInterview)
    source = Source.INTERVIEW if is_interview else Source.SITE_VISIT
    allowed = {
        c.pk: c
        for c in EvaluationCriterion.objects.filter(
            evaluation_id=record.candidate.evaluation_id,
            kind=Kind.RATED,
            **{"by_interview" if is_interview else "by_site_visit": True},
        )
    }
    parent = {"interview": record} if is_interview else {"visit": record}
    existing = {r.criterion_id: r for r in Rating.objects.filter(**parent)}
    for criterion_id, score in scores.items():
        if criterion_id not in allowed:
            raise ValidationError(
                _("A criterion here cannot be rated from this source.")
            )
        if score is not None and score not in range(1, 6):
            raise ValidationError(_("Ratings are 1 to 5."))
        rating = existing.get(criterion_id)
        if score is None:
            if rating is not None:
                rating.delete()
        elif rating is None:
            Rating.objects.create(
                candidate_id=record.candidate_id,
                criterion_id=criterion_id,
                source=source,
                score=score,
                counts=True,
                rated_by=by,
                **parent,
            )
        elif rating.score != score:
            rating.score = score
            rating.version += 1
            rating.rated_by = by
            rating.save(update_fields=["score", "version", "rated_by", "rated_at"])
    notify_inputs_changed(evaluation_id=record.candidate.evaluation_id)


# --- consensus ------------------------------------------------------------------------


@transaction.atomic
def consensus_record(
    *,
    candidate: Candidate,
    criterion: EvaluationCriterion,
    score: int,
    reason: str,
    by,
) -> ConsensusRating:
    """The lead records the team's agreed rating, with a reason; it replaces the mean
    of the ratings (scoring rule 1)."""
    if criterion.evaluation_id != candidate.evaluation_id or not criterion.is_rated:
        raise ValidationError(_("Choose a rated criterion of this evaluation."))
    if score not in range(1, 6):
        raise ValidationError({"score": _("Choose a rating from 1 to 5.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the team agreed on.")})
    consensus, _created = ConsensusRating.objects.update_or_create(
        candidate=candidate,
        criterion=criterion,
        defaults={"score": score, "reason": reason.strip(), "by": by},
    )
    notify_inputs_changed(evaluation_id=candidate.evaluation_id)
    return consensus


@transaction.atomic
def consensus_clear(*, consensus: ConsensusRating, by) -> None:
    evaluation_id = consensus.candidate.evaluation_id
    consensus.delete()
    notify_inputs_changed(evaluation_id=evaluation_id)
