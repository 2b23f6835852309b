"""Writes of scorecards, ratings (scorecard, interview and visit ratings) and
consensus.

Every write that changes what the alignment job reads ends with
`notify_inputs_changed`, so results are recomputed once the transaction commits.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import record as audit
from audit.context import because
from cdmo_eval.service import service
from partners.events import notify_inputs_changed
from partners.evidence import kind_of
from partners.models import Candidate, Finding

from ..library.models import SCORECARD
from ..models import (
    ConflictDeclaration,
    ConsensusRating,
    PlanCriterion,
    Rating,
    Scorecard,
    ScoringPlan,
)
from ..setup.selectors import scoring_blocker, selection_plan
from .models import REST_FIELDS
from .selectors import criteria_rated_from, missing_for_submit, submit_problems


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


@service
def scorecard_start(*, plan: ScoringPlan, candidate: Candidate, evaluator) -> Scorecard:
    """The evaluator's scorecard for the candidate in ``plan``, created as a draft
    if needed."""
    scorecard = Scorecard.objects.filter(
        plan=plan, candidate=candidate, evaluator=evaluator
    ).first()
    if scorecard is not None:
        return scorecard
    blocker = scoring_blocker(plan=plan, candidate=candidate, evaluator=evaluator)
    if blocker:
        raise ScoringBlocked(blocker, code="blocked")
    scorecard, _created = Scorecard.objects.get_or_create(
        plan=plan, candidate=candidate, evaluator=evaluator
    )
    return scorecard


def _check_rests_on(candidate: Candidate, rests_on) -> dict:
    """The ``rests_on_*`` links of a rating resting on ``rests_on`` (an evidence
    record or a finding about the candidate), the others cleared."""
    links = dict.fromkeys(REST_FIELDS)
    if rests_on is None:
        return links
    if rests_on.candidate_id != candidate.pk:
        raise ValidationError({"rests_on": _("Choose evidence about this candidate.")})
    if isinstance(rests_on, Finding):
        links["rests_on_finding"] = rests_on
    else:
        links[f"rests_on_{kind_of(rests_on).name}"] = rests_on
    return links


@service
@transaction.atomic
def rating_save(
    *,
    scorecard: Scorecard,
    criterion: PlanCriterion,
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
    if criterion.plan_id != scorecard.plan_id or not criterion.rated_from(SCORECARD):
        raise ValidationError(_("This criterion is not rated on scorecards."))
    if score is not None and score not in range(1, 6):
        raise ValidationError({"score": _("Choose a rating from 1 to 5.")})
    links = _check_rests_on(scorecard.candidate, rests_on)
    # A draft is filled in without reasons; a reopened scorecard's changes are
    # made for the reason the lead gave.
    reason = (
        _("Reopened: %(reason)s") % {"reason": locked.reopened_reason}
        if locked.reopened_reason
        else ""
    )
    rating = Rating.objects.filter(scorecard=scorecard, criterion=criterion).first()
    if rating is None:
        if seen_version:
            raise StaleRating(Rating(score=None))
        with because(reason):
            return Rating.objects.create(
                candidate_id=scorecard.candidate_id,
                criterion=criterion,
                source=SCORECARD,
                scorecard=scorecard,
                score=score,
                rationale=rationale.strip(),
                counts=False,
                rated_by=by,
                **links,
            )
    unchanged = (
        rating.score == score
        and rating.rationale == rationale.strip()
        and all(
            getattr(rating, f"{f}_id") == getattr(v, "pk", None)
            for f, v in links.items()
        )
    )
    if unchanged:
        # What the editor shows is what is stored (an autosave of the same row
        # landed first): nothing to write, nothing to refuse.
        return rating
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
    before = {f: getattr(rating, f) for f in ("score", "rationale", *REST_FIELDS_ID)}
    rating.refresh_from_db()
    audit.changed(rating, _differences(rating, before), reason=reason)
    return rating


REST_FIELDS_ID = tuple(f"{f}_id" for f in REST_FIELDS)


def _differences(obj, before: dict) -> dict:
    return {
        name.removesuffix("_id"): (old, getattr(obj, name))
        for name, old in before.items()
        if getattr(obj, name) != old
    }


@service
@transaction.atomic
def scorecard_record(
    *,
    plan: ScoringPlan,
    candidate: Candidate,
    evaluator,
    status: str,
    ratings: list[tuple[PlanCriterion, int | None, str, object]],
    by,
) -> Scorecard:
    """Record a scorecard as it stood in the past (an imported bundle): a draft,
    or submitted with its ratings counting.

    ``ratings`` are (criterion, score or None for n/a, rationale, the evidence or
    finding it rests on or None). Only the rules of the moment are relaxed — the
    scoring phase and the declaration before the first scorecard; everything a
    scorecard holds is checked as when it is filled in and submitted, and an
    evaluator whose declared conflict was not overridden may not have scored the
    candidate. An error of the i-th rating is keyed ``ratings.i.<field>``.
    """
    blocked = ConflictDeclaration.objects.filter(
        plan=plan, evaluator=evaluator, candidate=candidate
    )
    if any(d.blocks for d in blocked):
        raise ValidationError(
            _(
                "%(who)s declared a conflict with %(c)s that was not overridden, "
                "so may not score it."
            )
            % {"who": evaluator.get_username(), "c": candidate}
        )
    if Scorecard.objects.filter(
        plan=plan, candidate=candidate, evaluator=evaluator
    ).exists():
        raise ValidationError(_("This evaluator already has a scorecard here."))
    submitted = status == Scorecard.Status.SUBMITTED
    scorecard = Scorecard(
        plan=plan,
        candidate=candidate,
        evaluator=evaluator,
        status=status,
        submitted_at=timezone.now() if submitted else None,
    )
    errors: dict[str, list] = {}
    rows = []
    for i, (criterion, score, rationale, rests_on) in enumerate(ratings):
        if criterion.plan_id != plan.pk or not criterion.rated_from(SCORECARD):
            errors[f"ratings.{i}.criterion"] = [
                _("%(c)s is not rated on scorecards.") % {"c": criterion}
            ]
            continue
        if score is not None and score not in range(1, 6):
            errors[f"ratings.{i}.score"] = [_("Choose a rating from 1 to 5.")]
        try:
            links = _check_rests_on(candidate, rests_on)
        except ValidationError as exc:
            errors[f"ratings.{i}.rests_on"] = exc.message_dict["rests_on"]
            continue
        rows.append(
            (
                i,
                Rating(
                    candidate=candidate,
                    criterion=criterion,
                    source=SCORECARD,
                    score=score,
                    rationale=rationale.strip(),
                    counts=submitted,
                    rated_by=evaluator,
                    **links,
                ),
            )
        )
    if submitted and not errors:
        given = {r.criterion_id: r for _i, r in rows}
        place = {r.criterion_id: i for i, r in rows}
        for criterion, what, message in submit_problems(
            criteria_rated_from(plan, SCORECARD), given
        ):
            key = (
                "ratings"
                if what == "missing"
                else f"ratings.{place[criterion.pk]}.rationale"
            )
            errors.setdefault(key, []).append(message)
    if errors:
        raise ValidationError(errors)
    scorecard.save()
    for _i, rating in rows:
        rating.scorecard = scorecard
    audit.created(Rating.objects.bulk_create(r for _i, r in rows))
    if submitted:
        notify_inputs_changed(evaluation_id=candidate.evaluation_id, by=by)
    return scorecard


@service
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
    _set_counts(scorecard, True)
    notify_inputs_changed(evaluation_id=scorecard.candidate.evaluation_id, by=by)
    return scorecard


def _set_counts(scorecard: Scorecard, counts: bool) -> None:
    """A submitted scorecard's ratings count; a reopened one's do not."""
    ratings = list(scorecard.ratings.exclude(counts=counts))
    scorecard.ratings.filter(pk__in=[r.pk for r in ratings]).update(counts=counts)
    audit.changed_many((r, {"counts": (not counts, counts)}) for r in ratings)


@service
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
    with because(reason):
        scorecard.save(update_fields=["status", "submitted_at", "reopened_reason"])
        _set_counts(scorecard, False)
    notify_inputs_changed(evaluation_id=scorecard.candidate.evaluation_id, by=by)
    return scorecard


@service
@transaction.atomic
def evidence_ratings_save(
    *,
    record,
    scores: Mapping[int, int | None],
    rationales: Mapping[int, str] | None = None,
    reason: str = "",
    by,
) -> None:
    """Ratings an evidence record (an interview, a visit) gives to the criteria
    that its kind may rate.

    ``scores`` maps criterion ids to 1–5, or None to clear the rating (which needs
    a ``reason``); ``rationales`` (optional) the reasons given. Errors are keyed
    ``crit-<id>``, the fields of the ratings form.
    """
    kind = kind_of(record)
    rationales = rationales or {}
    allowed = {
        c.pk: c
        for c in PlanCriterion.objects.filter(
            plan=selection_plan(record.candidate.evaluation)
        ).rated_from(kind.key)
    }
    errors = {}
    for criterion_id, score in scores.items():
        if criterion_id not in allowed:
            errors[f"crit-{criterion_id}"] = _(
                "This criterion is not rated from a %(kind)s."
            ) % {"kind": str(kind.label).lower()}
        elif score is not None and score not in range(1, 6):
            errors[f"crit-{criterion_id}"] = _("Ratings are 1 to 5.")
    parent = {kind.name: record}
    existing = {r.criterion_id: r for r in Rating.objects.filter(**parent)}
    clears = [pk for pk, score in scores.items() if score is None and pk in existing]
    if clears and not reason.strip():
        errors["reason"] = _("Say why a rating that was given is cleared.")
    if errors:
        raise ValidationError(errors)
    with because(reason):
        _evidence_ratings_write(record, kind, scores, rationales, existing, by)
    notify_inputs_changed(evaluation_id=record.candidate.evaluation_id, by=by)


def _evidence_ratings_write(record, kind, scores, rationales, existing, by) -> None:
    parent = {kind.name: record}
    for criterion_id, score in scores.items():
        rating = existing.get(criterion_id)
        rationale = rationales.get(criterion_id, "").strip()
        if score is None:
            if rating is not None:
                rating.delete()
        elif rating is None:
            Rating.objects.create(
                candidate_id=record.candidate_id,
                criterion_id=criterion_id,
                source=kind.key,
                score=score,
                rationale=rationale,
                counts=True,
                rated_by=by,
                **parent,
            )
        elif rating.score != score or (
            criterion_id in rationales and rating.rationale != rationale
        ):
            rating.score = score
            rating.rationale = (
                rationale if criterion_id in rationales else rating.rationale
            )
            rating.version += 1
            rating.rated_by = by
            rating.save(
                update_fields=["score", "rationale", "version", "rated_by", "rated_at"]
            )


@service
@transaction.atomic
def consensus_record(
    *,
    candidate: Candidate,
    criterion: PlanCriterion,
    score: int,
    reason: str,
    by,
) -> ConsensusRating:
    """The lead records the team's agreed rating, with a reason; it replaces the mean
    of the ratings (scoring rule 1)."""
    if (
        criterion.plan.evaluation_id != candidate.evaluation_id
        or not criterion.is_rated
    ):
        raise ValidationError(_("Choose a rated criterion of this evaluation."))
    if score not in range(1, 6):
        raise ValidationError({"score": _("Choose a rating from 1 to 5.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the team agreed on.")})
    with because(reason):
        consensus, _created = ConsensusRating.objects.update_or_create(
            candidate=candidate,
            criterion=criterion,
            defaults={"score": score, "reason": reason.strip(), "by": by},
        )
    notify_inputs_changed(evaluation_id=candidate.evaluation_id, by=by)
    return consensus
