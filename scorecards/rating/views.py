"""Pages of scoring: the scoring home, the scorecard (autosaved rows, submit,
reopen), who rated what (blind until submitted), consensus, and the ratings an
interview or visit gives."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from cdmo_eval.forms import ReasonForm, add_service_error, posted, submit_small_form
from cdmo_eval.spreadsheets import csv_safe
from partners.access import (
    Can,
    get_candidate_for,
    get_evaluation_for,
    get_evidence_for,
    may,
)
from partners.evidence import kind_of
from partners.models import Evaluation

from ..access import (
    get_own_scorecard_or_new,
    get_rated_criterion,
    get_scorecard_criterion,
    get_scorecard_for,
    ratings_visible,
    visible_rating_candidates,
)
from ..models import (
    Rating,
)
from ..setup import selectors as setup_selectors
from . import selectors, services
from .forms import (
    ConsensusForm,
    EvidenceRatingsForm,
    RatingForm,
)


@require_safe
def scoring(request, key):
    evaluation = get_evaluation_for(request.user, key)
    plan = setup_selectors.selection_plan(evaluation)
    can_score = may(evaluation, Can.SCORE)
    progress = selectors.scoring_progress(plan)
    mine = selectors.my_scorecards(plan, request.user) if can_score else {}
    declarations = (
        setup_selectors.conflicts_for(plan, request.user) if can_score else []
    )
    return render(
        request,
        "scorecards/scoring.html",
        {
            "evaluation": evaluation,
            "progress": progress,
            "can_score": can_score,
            "can_manage": may(evaluation, Can.MANAGE),
            "declared": bool(declarations),
            "my_conflicts": {d.candidate_id for d in declarations if d.blocks},
            "mine": [(c, mine.get(c.pk)) for c in progress.candidates],
            "unrated": selectors.unrated_counts(plan),
            "is_open": evaluation.status == Evaluation.Status.SCORING,
        },
    )


def _rating_forms(request, scorecard, candidate, data=None):
    choices, evidence = selectors.evidence_choices(candidate)
    ratings = selectors.my_ratings(scorecard)
    forms = []
    for criterion in selectors.scorecard_criteria(scorecard.plan):
        rating = ratings.get(criterion.pk)
        initial = {"version": rating.version if rating else None}
        if rating is not None:
            initial["score"] = str(rating.score) if rating.score else "na"
            initial["rationale"] = rating.rationale
            initial["rests_on"] = selectors.rests_on_value(rating)
        form = RatingForm(
            data,
            initial=initial,
            criterion=criterion,
            evidence_choices=choices,
            evidence=evidence,
        )
        form.rating = rating
        forms.append(form)
    return forms


def _save_rating(form, scorecard, user):
    """Save one row, beginning the scorecard with its first rating
    (`scorecard_start` checks the declaration, conflicts and that scoring is
    open); returns (scorecard, rating, error message)."""
    data = form.cleaned_data
    if not data["chosen"]:
        return scorecard, form.rating, None
    try:
        if scorecard.pk is None:
            scorecard = services.scorecard_start(
                plan=scorecard.plan, candidate=scorecard.candidate, evaluator=user
            )
        rating = services.rating_save(
            scorecard=scorecard,
            criterion=form.criterion,
            score=data["value"],
            rationale=data["rationale"],
            rests_on=data["rests_on"],
            seen_version=data["version"],
            by=user,
        )
    except services.StaleRating as exc:
        return scorecard, (exc.rating if exc.rating.pk else None), str(exc)
    except ValidationError as exc:  # ScoringBlocked included
        return scorecard, form.rating, " ".join(exc.messages)
    return scorecard, rating, None


@require_http_methods(["GET", "POST"])
def scorecard(request, pk):
    sc = get_own_scorecard_or_new(request.user, pk)
    candidate, evaluation = sc.candidate, sc.candidate.evaluation
    if sc.pk is None:
        blocker = setup_selectors.scoring_blocker(
            plan=sc.plan, candidate=candidate, evaluator=request.user
        )
        if blocker:  # not declared, a conflict, scoring not open
            return render(
                request,
                "scorecards/scorecard_blocked.html",
                {"evaluation": evaluation, "candidate": candidate, "blocker": blocker},
                status=403,
            )
    data = request.POST if request.method == "POST" else None
    forms = _rating_forms(request, sc, candidate, data)
    errors = 0
    if data is not None:
        if sc.is_submitted:
            messages.error(request, _("The scorecard is submitted and locked."))
            return redirect("scorecard", pk=candidate.pk)
        sc, errors = _save_rows(forms, sc, request.user)
        if not errors:
            messages.success(request, _("Draft saved."))
            return redirect("scorecard", pk=candidate.pk)
    return _scorecard_page(request, sc, forms, errors)


def _scorecard_page(request, sc, forms, errors=0):
    return render(
        request,
        "scorecards/scorecard.html",
        {
            "evaluation": sc.candidate.evaluation,
            "candidate": sc.candidate,
            "scorecard": sc,
            "forms": forms,
            "problems": selectors.submit_checklist(sc),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _save_rows(forms, sc, user):
    """Save every posted row of the scorecard; returns the scorecard (begun if a
    row was rated) and how many rows were refused (each form then carries its
    message)."""
    errors = 0
    for form in forms:
        if not form.is_valid():
            errors += 1
            continue
        sc, _rating, message = _save_rating(form, sc, user)
        if message:
            form.add_error(None, message)
            errors += 1
    return sc, errors


@require_POST
def rating_autosave(request, pk, criterion_pk):
    """htmx: save one row of the scorecard and return its status."""
    sc = get_own_scorecard_or_new(request.user, pk)
    candidate = sc.candidate
    criterion = get_scorecard_criterion(sc.plan, criterion_pk)
    choices, evidence = selectors.evidence_choices(candidate)
    rating = (
        Rating.objects.filter(scorecard=sc, criterion=criterion).first()
        if sc.pk
        else None
    )
    form = RatingForm(
        request.POST,
        criterion=criterion,
        evidence_choices=choices,
        evidence=evidence,
    )
    # On any error the editor keeps the version it saw, so a refused save stays
    # refused until the user reloads: a conflict is never resolved silently.
    version = form.data.get(form.add_prefix("version"))
    if form.is_valid():
        form.rating = rating
        sc, rating, error = _save_rating(form, sc, request.user)
        if error:
            state = "error"
        elif form.cleaned_data["chosen"]:
            state, version = "saved", rating.version
        else:
            state, error = "empty", None
    else:
        state = "error"
        error = " ".join(m for errs in form.errors.values() for m in errs)
    return render(
        request,
        "scorecards/_rating_status.html",
        {
            "form": form,
            "rating": rating,
            "version": version,
            "state": state,
            "error": error,
            "candidate": candidate,
            "problems": selectors.submit_checklist(sc),
            "checklist_oob": True,
        },
    )


@require_POST
def scorecard_submit(request, pk):
    """Submit what the evaluator sees: the rows on screen are saved first, in the
    same request (a rationale typed just before pressing Submit counts)."""
    sc = get_own_scorecard_or_new(request.user, pk)
    candidate = sc.candidate
    if not sc.is_submitted and any(k.endswith("-score") for k in request.POST):
        forms = _rating_forms(request, sc, candidate, request.POST)
        sc, errors = _save_rows(forms, sc, request.user)
        if errors:
            return _scorecard_page(request, sc, forms, errors)
    if sc.pk is None:
        messages.error(request, _("Rate the criteria before submitting."))
        return redirect("scorecard", pk=candidate.pk)
    try:
        services.scorecard_submit(scorecard=sc, by=request.user)
    except ValidationError as exc:
        messages.error(
            request,
            _("The scorecard is not submitted: %(problems)s")
            % {"problems": " ".join(exc.messages)},
        )
        return redirect("scorecard", pk=candidate.pk)
    messages.success(
        request,
        _("Scorecard for %(c)s submitted. You can now see the team's ratings.")
        % {"c": candidate},
    )
    return redirect("candidate_ratings", pk=candidate.pk)


@require_POST
def scorecard_reopen(request, pk):
    sc = get_scorecard_for(request.user, pk, Can.MANAGE)
    submit_small_form(
        request,
        ReasonForm(request.POST),
        lambda data: services.scorecard_reopen(
            scorecard=sc, reason=data["reason"], by=request.user
        ),
        done=_("Scorecard reopened."),
        invalid=_("Give a reason for reopening."),
    )
    return redirect("candidate_ratings", pk=sc.candidate_id)


def _visible_table(request, candidate):
    plan = setup_selectors.selection_plan(candidate.evaluation)
    if not ratings_visible(request.user, plan, candidate.pk):
        return None
    return selectors.ratings_table(candidate, plan)


@require_safe
def candidate_ratings(request, pk):
    candidate = get_candidate_for(request.user, pk)
    table = _visible_table(request, candidate)
    template = (
        "scorecards/_ratings_table.html"
        if request.htmx
        else "scorecards/candidate_ratings.html"
    )
    return render(
        request,
        template,
        {
            "evaluation": candidate.evaluation,
            "candidate": candidate,
            "table": table,
            "can_manage": may(candidate.evaluation, Can.MANAGE),
            "reason_form": ReasonForm(),
        },
    )


@require_safe
def candidate_ratings_json(request, pk):
    candidate = get_candidate_for(request.user, pk)
    table = _visible_table(request, candidate)
    if table is None:
        return JsonResponse(
            {
                "candidate": candidate.cdmo.key,
                "blind": True,
                "detail": "Submit your own scorecard for this candidate first.",
                "ratings": [],
            },
            status=403,
        )
    return JsonResponse(
        {
            "candidate": candidate.cdmo.key,
            "blind": False,
            "ratings": [
                {
                    "criterion": row.criterion.key,
                    "evaluator": user.get_username(),
                    "score": row.ratings[user.pk].score,
                    "rationale": row.ratings[user.pk].rationale,
                }
                for row in table.rows
                for user in table.evaluators
                if user.pk in row.ratings
            ],
        }
    )


@require_safe
def ratings_export(request, key):
    """CSV of every submitted scorecard rating the user may see."""
    evaluation = get_evaluation_for(request.user, key, Can.READ)
    plan = setup_selectors.selection_plan(evaluation)
    visible = visible_rating_candidates(request.user, plan)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{evaluation.key}-ratings.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["candidate", "criterion", "evaluator", "rating", "rationale"])
    for r in selectors.scorecards_for_export(plan, visible):
        writer.writerow(
            [
                r.candidate.cdmo.key,
                r.criterion.key,
                r.scorecard.evaluator.get_username(),
                r.score if r.score is not None else "n/a",
                csv_safe(r.rationale),
            ]
        )
    return response


@require_safe
def consensus(request, pk):
    candidate = get_candidate_for(request.user, pk, Can.MANAGE)
    table = selectors.ratings_table(
        candidate, setup_selectors.selection_plan(candidate.evaluation)
    )
    return render(
        request,
        "scorecards/consensus.html",
        {
            "evaluation": candidate.evaluation,
            "candidate": candidate,
            "table": table,
            "form": ConsensusForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def consensus_record(request, pk, criterion_pk):
    candidate = get_candidate_for(request.user, pk, Can.MANAGE)
    criterion = get_rated_criterion(
        setup_selectors.selection_plan(candidate.evaluation), criterion_pk
    )
    form = ConsensusForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consensus_record(
                candidate=candidate,
                criterion=criterion,
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Consensus recorded for %(c)s.") % {"c": criterion}
            )
            return redirect(
                reverse("consensus", args=[candidate.pk]) + f"#crit-{criterion.pk}"
            )
    return render(
        request,
        "scorecards/consensus_form.html",
        {
            "evaluation": candidate.evaluation,
            "candidate": candidate,
            "criterion": criterion,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def evidence_ratings(request, kind, pk):
    """The ratings an evidence record (of ``kind``, its URL segment) gives."""
    record = get_evidence_for(request.user, kind, pk, Can.EDIT_EVIDENCE)
    criteria_list = selectors.criteria_rated_from(
        setup_selectors.selection_plan(record.candidate.evaluation), kind_of(record).key
    )
    submit_small_form(
        request,
        EvidenceRatingsForm(request.POST, criteria=criteria_list, current={}),
        lambda data: services.evidence_ratings_save(
            record=record,
            scores={c.pk: data[f"crit-{c.pk}"] for c in criteria_list},
            reason=data["reason"],
            by=request.user,
        ),
        done=_("Ratings saved."),
        invalid=_("Ratings are 1 to 5; nothing was saved."),
    )
    return redirect(record.get_absolute_url() + "#ratings")
