"""Conflicts, scorecards, autosave concurrency, blind scoring, consensus."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from partners.events import inputs_changed
from scorecards.access import get_own_scorecard_for
from scorecards.models import ConsensusRating, PlanCriterion, Rating, Scorecard
from scorecards.rating import services as rating_services
from scorecards.setup.selectors import selection_plan
from tests.factories import CandidateFactory, InterviewFactory, VisitFactory

pytestmark = pytest.mark.django_db


def autosave(client, candidate, criterion, score, version="", rationale=""):
    prefix = f"c{criterion.pk}"
    return client.post(
        reverse("rating_autosave", args=[candidate.pk, criterion.pk]),
        {
            f"{prefix}-score": score,
            f"{prefix}-rationale": rationale,
            f"{prefix}-version": version,
        },
        HTTP_HX_REQUEST="true",
    )


# --- conflicts of interest ------------------------------------------------------------


def test_evaluator_must_declare_before_the_first_scorecard(candidate, member, as_user):
    evaluator = member("evaluator")
    client = as_user(evaluator)
    page = client.get(reverse("scorecard", args=[candidate.pk]))
    assert page.status_code == 403
    assert "Declare any conflict of interest" in page.content.decode()
    assert not Scorecard.objects.exists()
    response = client.post(
        reverse("conflicts", args=[candidate.evaluation.key]), {"answer": "none"}
    )
    assert response.status_code == 302
    assert client.get(reverse("scorecard", args=[candidate.pk])).status_code == 200
    # looking is not starting: the scorecard exists from its first saved rating
    assert not Scorecard.objects.filter(evaluator=evaluator).exists()


def test_declared_conflict_blocks_until_the_lead_overrides(
    candidate, scoring_evaluation, member, as_user
):
    evaluator = member("evaluator")
    other = CandidateFactory(evaluation=scoring_evaluation)
    client = as_user(evaluator)
    url = reverse("conflicts", args=[scoring_evaluation.key])
    # a conflict needs candidates and a description; the choice is kept
    response = client.post(url, {"answer": "conflict", "text": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Name the candidates you conflict with." in body
    assert "Describe the conflict." in body
    assert response.context["form"]["answer"].value() == "conflict"
    client.post(
        url,
        {"answer": "conflict", "candidates": [candidate.pk], "text": "Former employer"},
    )
    assert client.get(reverse("scorecard", args=[candidate.pk])).status_code == 403
    assert client.get(reverse("scorecard", args=[other.pk])).status_code == 200
    declaration = candidate.conflicts.get()
    override = reverse("conflict_override", args=[declaration.pk])
    # the evaluator cannot lift it; a stranger sees nothing; the lead needs a reason
    assert client.post(override, {"reason": "mine"}).status_code == 403
    lead_client = as_user(scoring_evaluation.lead)
    lead_client.post(override, {"reason": ""})
    declaration.refresh_from_db()
    assert declaration.blocks
    lead_client.post(override, {"reason": "Left in 2019; no shares."})
    declaration.refresh_from_db()
    assert not declaration.blocks
    assert declaration.overridden_by == scoring_evaluation.lead
    assert (
        as_user(evaluator).get(reverse("scorecard", args=[candidate.pk])).status_code
        == 200
    )


# --- scorecards -----------------------------------------------------------------------


@pytest.mark.parametrize("role, status", [("observer", 403), ("procurement", 403)])
def test_roles_that_do_not_score_cannot_rate(
    candidate, scorecard_criteria, member, as_user, role, status
):
    client = as_user(member(role))
    assert client.get(reverse("scorecard", args=[candidate.pk])).status_code == status
    assert autosave(client, candidate, scorecard_criteria[0], "4").status_code == status
    assert not Rating.objects.exists()


def test_autosave_saves_one_row_and_returns_the_new_version(
    candidate, scorecard_criteria, member, declared, as_user
):
    evaluator = declared(member("evaluator"))
    client = as_user(evaluator)
    client.get(reverse("scorecard", args=[candidate.pk]))
    response = autosave(client, candidate, scorecard_criteria[0], "4")
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    assert 'value="1"' in response.content.decode()
    rating = Rating.objects.get()
    assert (rating.score, rating.counts, rating.version) == (4, False, 1)
    response = autosave(client, candidate, scorecard_criteria[0], "na", version="1")
    rating.refresh_from_db()
    assert (rating.score, rating.version) == (None, 2)
    response = autosave(client, candidate, scorecard_criteria[0], "9", version="2")
    assert "Not saved" in response.content.decode()
    rating.refresh_from_db()
    assert rating.version == 2


def test_two_tabs_editing_one_rating_never_overwrite_silently(
    candidate, scorecard_criteria, member, declared, as_user
):
    evaluator = declared(member("evaluator"))
    client = as_user(evaluator)
    client.get(reverse("scorecard", args=[candidate.pk]))
    first, second = scorecard_criteria[:2]
    autosave(client, candidate, first, "3")  # both tabs load version 1
    # tab A changes it to 4
    assert (
        "Saved" in autosave(client, candidate, first, "4", version="1").content.decode()
    )
    # tab B, still on version 1, tries 2: refused with a clear message
    stale = autosave(client, candidate, first, "2", version="1", rationale="weak")
    body = stale.content.decode()
    assert "changed in another tab or window" in body
    assert "it is now 4" in body
    assert 'value="1"' in body  # tab B stays on what it saw: still refused next time
    assert Rating.objects.get(criterion=first).score == 4
    # a rating tab B saw as empty but tab A created meanwhile is also protected
    autosave(client, candidate, second, "5", rationale="best")
    refused = autosave(client, candidate, second, "1", version="")
    assert "changed in another tab" in refused.content.decode()
    assert Rating.objects.get(criterion=second).score == 5


def test_two_tabs_editing_different_ratings_merge(
    candidate, scorecard_criteria, member, declared, as_user
):
    evaluator = declared(member("evaluator"))
    client = as_user(evaluator)
    client.get(reverse("scorecard", args=[candidate.pk]))
    a, b = scorecard_criteria[:2]
    autosave(client, candidate, a, "3")
    autosave(client, candidate, b, "4")
    assert dict(Rating.objects.values_list("criterion_id", "score")) == {
        a.pk: 3,
        b.pk: 4,
    }


def test_full_page_save_without_javascript_keeps_input_on_conflict(
    candidate, scorecard_criteria, member, declared, as_user
):
    evaluator = declared(member("evaluator"))
    client = as_user(evaluator)
    client.get(reverse("scorecard", args=[candidate.pk]))
    first = scorecard_criteria[0]
    autosave(client, candidate, first, "3")
    autosave(client, candidate, first, "4", version="1")
    data = {
        f"c{first.pk}-score": "2",
        f"c{first.pk}-rationale": "Remediation open",
        f"c{first.pk}-version": "1",
    }
    response = client.post(reverse("scorecard", args=[candidate.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "changed in another tab or window" in body
    assert "Remediation open" in body
    assert Rating.objects.get(criterion=first).score == 4


def test_submit_needs_every_criterion_and_reasons_for_extremes(
    candidate, scorecard_criteria, member, declared, as_user
):
    evaluator = declared(member("evaluator"))
    sc = rating_services.scorecard_start(
        plan=selection_plan(candidate.evaluation),
        candidate=candidate,
        evaluator=evaluator,
    )
    for criterion in scorecard_criteria[:-1]:
        rating_services.rating_save(
            scorecard=sc,
            criterion=criterion,
            score=4,
            rationale="",
            seen_version=None,
            by=evaluator,
        )
    last = scorecard_criteria[-1]
    client = as_user(evaluator)
    client.post(reverse("scorecard_submit", args=[candidate.pk]))
    sc.refresh_from_db()
    assert not sc.is_submitted
    rating_services.rating_save(
        scorecard=sc,
        criterion=last,
        score=5,
        rationale="",
        seen_version=None,
        by=evaluator,
    )
    with pytest.raises(ValidationError, match="needs a rationale"):
        rating_services.scorecard_submit(scorecard=sc, by=evaluator)
    rating = Rating.objects.get(scorecard=sc, criterion=last)
    rating_services.rating_save(
        scorecard=sc,
        criterion=last,
        score=5,
        rationale="Clean FDA PAI 2025",
        seen_version=rating.version,
        by=evaluator,
    )
    response = client.post(reverse("scorecard_submit", args=[candidate.pk]))
    assert response.status_code == 302
    sc.refresh_from_db()
    assert sc.is_submitted
    assert set(
        Rating.objects.filter(scorecard=sc).values_list("counts", flat=True)
    ) == {True}
    # locked: autosave is refused and nothing changes
    response = autosave(client, candidate, last, "3", version=str(rating.version + 1))
    assert "locked" in response.content.decode()
    assert Rating.objects.get(scorecard=sc, criterion=last).score == 5


def test_submitting_announces_changed_inputs(
    candidate, member, declared, fill, django_capture_on_commit_callbacks
):
    evaluator = declared(member("evaluator"))
    received = []

    def listener(sender, evaluation_id, **kwargs):
        received.append(evaluation_id)

    inputs_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            fill(evaluator, candidate)
    finally:
        inputs_changed.disconnect(listener)
    assert candidate.evaluation_id in received


def test_lead_reopens_with_a_reason_and_ratings_stop_counting(
    candidate, scoring_evaluation, member, declared, fill, as_user
):
    evaluator = declared(member("evaluator"))
    sc = fill(evaluator, candidate)
    url = reverse("scorecard_reopen", args=[sc.pk])
    assert as_user(evaluator).post(url, {"reason": "typo"}).status_code == 403
    lead = as_user(scoring_evaluation.lead)
    lead.post(url, {"reason": ""})
    sc.refresh_from_db()
    assert sc.is_submitted
    lead.post(url, {"reason": "Rated the wrong site"})
    sc.refresh_from_db()
    assert not sc.is_submitted and sc.reopened_reason == "Rated the wrong site"
    assert not Rating.objects.filter(scorecard=sc, counts=True).exists()


def test_someone_else_cannot_write_into_my_scorecard(
    candidate, scorecard_criteria, member, declared, as_user
):
    mine = declared(member("evaluator"))
    other = declared(member("evaluator"))
    sc = rating_services.scorecard_start(
        plan=selection_plan(candidate.evaluation), candidate=candidate, evaluator=mine
    )
    criterion = scorecard_criteria[0]
    rating_services.rating_save(
        scorecard=sc,
        criterion=criterion,
        score=3,
        rationale="mine",
        seen_version=None,
        by=mine,
    )
    # The scorecard routes act on the signed-in evaluator's own scorecard only:
    # `other` has none for this candidate, so there is nothing to write into.
    with pytest.raises(Http404):
        get_own_scorecard_for(other, candidate.pk)
    client = as_user(other)
    # their autosave and submit act on a scorecard of their own, begun by it
    assert (
        autosave(client, candidate, criterion, 1, rationale="theirs").status_code == 200
    )
    theirs = Scorecard.objects.get(candidate=candidate, evaluator=other)
    assert theirs.pk != sc.pk
    submit = reverse("scorecard_submit", args=[candidate.pk])
    assert client.post(submit).status_code == 302
    theirs.refresh_from_db()
    assert not theirs.is_submitted  # 22 criteria are not rated yet
    rating = Rating.objects.get(scorecard=sc, criterion=criterion)
    assert (rating.score, rating.rationale, rating.rated_by) == (3, "mine", mine)
    assert not sc.ratings.exclude(rated_by=mine).exists()


# --- blind until submitted ------------------------------------------------------------


@pytest.fixture
def rated_by_first(candidate, member, declared, fill):
    """`first` has submitted ratings of 5 with the rationale "because"; `second` has
    declared but not submitted."""
    first = declared(
        member("evaluator", username="first", first_name="Fiona", last_name="First")
    )
    second = declared(
        member("evaluator", username="second", first_name="Sam", last_name="Second")
    )
    fill(first, candidate, score=5)
    return first, second


def _blind_routes(client, candidate):
    evaluation = candidate.evaluation
    return {
        "page": client.get(reverse("candidate_ratings", args=[candidate.pk])),
        "partial": client.get(
            reverse("candidate_ratings", args=[candidate.pk]), HTTP_HX_REQUEST="true"
        ),
        "json": client.get(reverse("candidate_ratings_json", args=[candidate.pk])),
        "csv": client.get(reverse("ratings_export", args=[evaluation.key])),
        "consensus": client.get(reverse("consensus", args=[candidate.pk])),
    }


def test_blind_scoring_holds_on_every_route_until_own_submission(
    candidate, rated_by_first, fill, as_user
):
    first, second = rated_by_first
    client = as_user(second)
    routes = _blind_routes(client, candidate)
    for name in ("page", "partial"):
        body = routes[name].content.decode()
        assert "Scoring is blind" in body, name
        assert "because" not in body and "Fiona" not in body, name
    assert routes["json"].status_code == 403
    assert json.loads(routes["json"].content)["ratings"] == []
    rows = list(csv.reader(io.StringIO(routes["csv"].content.decode())))
    assert rows == [["candidate", "criterion", "evaluator", "rating", "rationale"]]
    assert routes["consensus"].status_code == 403
    # an interview page shows interview ratings only, never scorecards
    interview = InterviewFactory(candidate=candidate)
    assert (
        "because"
        not in client.get(
            reverse("interview_detail", args=[interview.pk])
        ).content.decode()
    )

    fill(second, candidate, score=3)
    routes = _blind_routes(client, candidate)
    assert "Scoring is blind" not in routes["page"].content.decode()
    assert "Fiona First" in routes["partial"].content.decode()
    data = json.loads(routes["json"].content)
    assert {(r["evaluator"], r["score"]) for r in data["ratings"]} >= {
        ("first", 5),
        ("second", 3),
    }
    rows = list(csv.reader(io.StringIO(routes["csv"].content.decode())))
    assert {r[2] for r in rows[1:]} == {"first", "second"}


def test_blind_rule_is_per_candidate(
    candidate, scoring_evaluation, rated_by_first, fill, as_user
):
    first, second = rated_by_first
    other = CandidateFactory(evaluation=scoring_evaluation)
    fill(first, other, score=4)
    fill(second, other, score=4)
    client = as_user(second)
    assert (
        "Scoring is blind"
        in client.get(
            reverse("candidate_ratings", args=[candidate.pk])
        ).content.decode()
    )
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("ratings_export", args=[scoring_evaluation.key])
                ).content.decode()
            )
        )
    )
    assert {r[0] for r in rows[1:]} == {other.cdmo.key}


@pytest.mark.parametrize("role", ["lead", "procurement", "observer"])
def test_non_evaluators_see_submitted_ratings(
    candidate, rated_by_first, member, as_user, role
):
    body = (
        as_user(member(role))
        .get(reverse("candidate_ratings", args=[candidate.pk]))
        .content.decode()
    )
    assert "Fiona First" in body and "Scoring is blind" not in body


def test_drafts_are_never_shown_to_anyone(
    candidate, member, declared, fill, as_user, scoring_evaluation
):
    drafter = declared(
        member("evaluator", username="drafter", first_name="Drew", last_name="Drafter")
    )
    fill(drafter, candidate, score=1, submit=False)
    body = (
        as_user(scoring_evaluation.lead)
        .get(reverse("candidate_ratings", args=[candidate.pk]))
        .content.decode()
    )
    assert "Drew Drafter" not in body
    assert "No scorecard for this candidate has been submitted yet." in body


# --- consensus ------------------------------------------------------------------------


def test_lead_records_consensus_with_a_reason(
    candidate, scoring_evaluation, rated_by_first, fill, as_user
):
    first, second = rated_by_first
    fill(second, candidate, score=3)
    criterion = PlanCriterion.objects.get(
        plan__evaluation=scoring_evaluation, key="openness"
    )
    lead = as_user(scoring_evaluation.lead)
    page = lead.get(reverse("consensus", args=[candidate.pk])).content.decode()
    assert "evaluators disagree" in page
    url = reverse("consensus_record", args=[candidate.pk, criterion.pk])
    response = lead.post(url, {"score": "4", "reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ConsensusRating.objects.exists()
    assert (
        lead.post(url, {"score": "4", "reason": "Agreed at the debrief"}).status_code
        == 302
    )
    consensus = ConsensusRating.objects.get()
    assert (consensus.score, consensus.by) == (4, scoring_evaluation.lead)
    assert (
        "Agreed at the debrief"
        in lead.get(reverse("candidate_ratings", args=[candidate.pk])).content.decode()
    )


@pytest.mark.parametrize("role, status", [("evaluator", 403), ("procurement", 403)])
def test_only_the_lead_records_consensus(
    candidate, scoring_evaluation, member, as_user, role, status
):
    criterion = PlanCriterion.objects.filter(
        plan__evaluation=scoring_evaluation, kind="rated"
    ).first()
    url = reverse("consensus_record", args=[candidate.pk, criterion.pk])
    assert (
        as_user(member(role)).post(url, {"score": "4", "reason": "r"}).status_code
        == status
    )
    assert not ConsensusRating.objects.exists()


# --- interview and visit ratings ------------------------------------------------------


def test_interviewer_rates_culture_criteria_from_the_interview(
    candidate, scoring_evaluation, member, as_user
):
    evaluator = member("evaluator")
    interview = InterviewFactory(candidate=candidate)
    openness = PlanCriterion.objects.get(
        plan__evaluation=scoring_evaluation, key="openness"
    )
    cost = PlanCriterion.objects.get(plan__evaluation=scoring_evaluation, key="cost")
    client = as_user(evaluator)
    page = client.get(reverse("interview_detail", args=[interview.pk])).content.decode()
    assert "Openness about strengths and weaknesses" in page
    assert f'name="crit-{cost.pk}"' not in page  # cost is not rated in interviews
    url = reverse("evidence_ratings", args=["interviews", interview.pk])
    client.post(url, {f"crit-{openness.pk}": "2"})
    rating = Rating.objects.get(interview=interview)
    assert (rating.score, rating.source, rating.counts) == (2, "interview", True)
    client.post(url, {f"crit-{openness.pk}": "7"})
    assert Rating.objects.get(interview=interview).score == 2
    with pytest.raises(ValidationError):
        rating_services.evidence_ratings_save(
            record=interview, scores={cost.pk: 3}, by=evaluator
        )


def test_visit_ratings_follow_the_same_rules(
    candidate, scoring_evaluation, member, stranger, as_user
):
    visit = VisitFactory(candidate=candidate)
    inspection = PlanCriterion.objects.get(
        plan__evaluation=scoring_evaluation, key="inspection_history"
    )
    url = reverse("evidence_ratings", args=["visits", visit.pk])
    data = {f"crit-{inspection.pk}": "4"}
    assert as_user(member("observer")).post(url, data).status_code == 403
    assert as_user(stranger).post(url, data).status_code == 404
    assert not Rating.objects.exists()
    as_user(member("procurement")).post(url, data)
    assert Rating.objects.get(visit=visit).score == 4


# --- query counts ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["scoring", "ratings"])
def test_scoring_pages_keep_a_constant_number_of_queries(
    scoring_evaluation,
    member,
    declared,
    fill,
    as_user,
    django_assert_max_num_queries,
    page,
):
    lead = scoring_evaluation.lead
    client = as_user(lead)
    declared(lead)
    evaluators = [declared(member("evaluator")) for _ in range(2)]

    def grow(n):
        created = [CandidateFactory(evaluation=scoring_evaluation) for _ in range(n)]
        for c in created:
            for user in evaluators:
                fill(user, c, score=4)
        return created

    def url(candidates):
        if page == "scoring":
            return reverse("scoring", args=[scoring_evaluation.key])
        return reverse("candidate_ratings", args=[candidates[0].pk])

    def shows(response, sentence, columns):
        # A 403 or a redirect would read fewer queries: the page must be there.
        assert response.status_code == 200
        html = response.content.decode()
        assert sentence in html
        for name in columns:
            assert f'<th scope="col">{name}</th>' in html

    first_two = [u.get_full_name() for u in evaluators]
    small = grow(1)
    # One of them reads the evaluation's scoring plan.
    with django_assert_max_num_queries(17) as small_ctx:
        response = client.get(url(small))
    if page == "scoring":
        # The lead and two evaluators owe one scorecard; the evaluators submitted.
        shows(response, "2 of 3 scorecards submitted.", [small[0].cdmo.name])
    else:
        shows(response, "2 submitted scorecards.", first_two)
    for _ in range(3):
        evaluators.append(declared(member("evaluator")))
    everyone = small + grow(4)
    with django_assert_max_num_queries(len(small_ctx.captured_queries)):
        response = client.get(url(small))
    if page == "scoring":
        # Six scorers owe five each (30); submitted 2 + 5 x 4 = 22.
        names = [c.cdmo.name for c in everyone]
        shows(response, "22 of 30 scorecards submitted.", names)
    else:
        # The newcomers rated only the new candidates.
        shows(response, "2 submitted scorecards.", first_two)


def test_overview_shows_scoring_progress(
    candidate, scoring_evaluation, member, declared, fill, as_user
):
    evaluator = declared(
        member("evaluator", username="eve", first_name="Eve", last_name="Rater")
    )
    fill(evaluator, candidate, score=4)
    page = (
        as_user(member("observer"))
        .get(reverse("evaluation_detail", args=[scoring_evaluation.key]))
        .content.decode()
    )
    # lead and evaluator x one candidate: one of two submitted
    assert "1 of 2 scorecards submitted." in page
    assert "Eve Rater" in page
