"""The recompute job, the dashboard, the breakdown and what-if weights."""

import re

import pytest
from django.urls import reverse

from cdmo_eval.tasks import ping
from scorecards.alignment import read
from scorecards.alignment import services as jobs
from scorecards.models import (
    AlignmentResult,
    AlignmentRun,
    AlignmentState,
    Kind,
    PlanCategory,
    PlanCriterion,
)
from scorecards.setup.selectors import selection_plan
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_candidates(
    scoring_evaluation, member, declared, fill, django_capture_on_commit_callbacks
):
    """Two candidates, rated 4 and 2 by two evaluators; results computed."""
    strong = CandidateFactory(evaluation=scoring_evaluation)
    weak = CandidateFactory(evaluation=scoring_evaluation)
    evaluators = [declared(member("evaluator")) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        for user in evaluators:
            fill(user, strong, score=4)
            fill(user, weak, score=2)
    return strong, weak


def current_rows(evaluation):
    state = AlignmentState.objects.get(plan__evaluation=evaluation)
    return {
        r.candidate_id: r for r in AlignmentResult.objects.filter(run=state.current_run)
    }


def test_results_are_recomputed_in_process_after_a_submission(
    scoring_evaluation,
    two_candidates,
    member,
    declared,
    fill,
    django_capture_on_commit_callbacks,
):
    strong, weak = two_candidates
    rows = current_rows(scoring_evaluation)
    assert rows[strong.pk].rank == 1 and rows[weak.pk].rank == 2
    # (4 - 1) x 25 and (2 - 1) x 25 in every rated criterion
    assert rows[strong.pk].overall == 75.0
    assert rows[weak.pk].overall == 25.0
    before = AlignmentState.objects.get(
        plan__evaluation=scoring_evaluation
    ).current_run_id
    # two more evaluators rate the weak candidate 5: its mean goes from 2 to 3.5
    with django_capture_on_commit_callbacks(execute=True):
        fill(declared(member("evaluator")), weak, score=5)
        fill(declared(member("evaluator")), weak, score=5)
    state = AlignmentState.objects.get(plan__evaluation=scoring_evaluation)
    assert state.current_run_id != before
    assert not state.is_stale
    rows = current_rows(scoring_evaluation)
    assert rows[weak.pk].overall == 62.5  # (3.5 - 1) x 25 in every rated criterion
    assert rows[strong.pk].overall == 75.0
    assert rows[weak.pk].criteria["openness"]["n"] == 4


# The biologics template's criteria without a rating: each reads a negotiation
# signal, and the fixture records no requests, agreements or decisions.
DERIVED = {
    "responsiveness",  # communication
    "overdue_requests",  # communication
    "amendment_rounds",  # negotiation, and the three below
    "reviewers_per_round",
    "decision_speed",
    "months_to_signature",
}


def test_stored_results_are_the_numbers_the_scoring_rules_give_by_hand(
    scoring_evaluation, two_candidates
):
    """The numbers worked out from DESIGN.md "Scoring" for ``two_candidates``: two
    evaluators rate every rated criterion 4 (strong) and 2 (weak).

    1. Each rated criterion: mean (4 + 4) / 2 = 4, s = (4 - 1) x 25 = 75; weak
       (2 - 1) x 25 = 25; n = 2 scorecards. Derived criteria: no signal, no score.
    2. Categories: Σ wᵢ x 75 / Σ wᵢ = 75 (25) over the scored criteria only, so
       communication is (2 x 75 + 2 x 75) / (2 + 2) = 75; negotiation has only
       derived criteria: no score.
    3. Overall: the eight scored categories (Σ W = 90) all at 75 (25): 75 (25).
    4. Coverage: Σ W = 100. Quality 20, technical 15, capacity 10, tech transfer
       10, culture 15, commercial 5, supply 5 are rated in full: 80 %.
       Communication rates transparency 2 and SME access 2 of its 2 + 2 + 2 + 1:
       10 x 4 / 7 = 5.714 %. 80 + 5.714 = 85.714, shown as 85.7.
    5. Spread: σ(4, 4) = 0 in every criterion; no disagreement.
    6. Culture consistency: no interviews or visits, none.
    7. Gates (inspection history, data integrity, threshold 2): weak's 2 is not
       below 2, both qualify.
    8. Rank: 75 before 25.
    9. Sensitivity: whatever the weights, 75 beats 25: P(first) 1 and 0, ranks
       1-1 and 2-2.
    10. Confidence: coverage >= 80 % but two scorecards, fewer than three: medium.
    Red flags: no visit to the bulk site, no culture interview.
    """
    strong, weak = two_candidates
    kinds = dict(
        PlanCriterion.objects.filter(plan__evaluation=scoring_evaluation).values_list(
            "key", "kind"
        )
    )
    assert {k for k, kind in kinds.items() if kind == Kind.DERIVED} == DERIVED
    rated = [k for k, kind in kinds.items() if kind == Kind.RATED]
    assert len(rated) == 23  # 3 + 3 + 2 + 2 + 2 + 5 + 3 + 3, by category

    def expected(candidate, rank, rating, score, p_first):
        return {
            "cdmo": candidate.cdmo.key,
            "rank": rank,
            "qualified": True,
            "overall": score,
            "coverage": 85.7,
            "confidence": "medium",
            "consistency": None,
            "categories": {
                "quality": score,
                "technical": score,
                "capacity": score,
                "tech_transfer": score,
                "communication": score,
                "culture": score,
                "negotiation": None,
                "commercial": score,
                "supply": score,
            },
            "criteria": {
                **{
                    k: {"score": score, "mean": rating, "n": 2, "spread": 0.0}
                    for k in rated
                },
                **{
                    k: {"score": None, "mean": None, "n": 0, "spread": None}
                    for k in DERIVED
                },
            },
            "signals": {},
            "p_first": p_first,
            "rank_range": [rank, rank],
            "flags": ["bulk_site_not_visited", "no_operations_interview"],
        }

    run = AlignmentState.objects.get(plan__evaluation=scoring_evaluation).current_run
    assert run.results["candidates"] == [
        expected(strong, 1, 4.0, 75.0, 1.0),
        expected(weak, 2, 2.0, 25.0, 0.0),
    ]
    # The rows the pages read hold the same numbers.
    rows = current_rows(scoring_evaluation)
    for candidate, rank, rating, score in (
        (strong, 1, 4.0, 75.0),
        (weak, 2, 2.0, 25.0),
    ):
        row = rows[candidate.pk]
        assert (row.rank, row.overall, row.coverage) == (rank, score, 85.7)
        assert row.categories["communication"] == score
        assert row.categories["negotiation"] is None
        assert row.criteria["inspection_history"] == {
            "score": score,
            "mean": rating,
            "n": 2,
            "spread": 0.0,
            "consensus": False,
        }


def test_recompute_is_idempotent_by_fingerprint(scoring_evaluation, two_candidates):
    runs = AlignmentRun.objects.count()
    assert (
        jobs.alignment_recompute(plan_id=selection_plan(scoring_evaluation).pk) is None
    )
    assert AlignmentRun.objects.count() == runs


def test_bursts_coalesce_into_one_queued_job(
    scoring_evaluation, two_candidates, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "scorecards.tasks.recompute_alignment.delay",
        lambda *args: queued.append(args[0]),
    )
    for _ in range(5):
        jobs.alignment_request(plan_id=selection_plan(scoring_evaluation).pk)
    assert queued == [scoring_evaluation.pk]
    state = AlignmentState.objects.get(plan__evaluation=scoring_evaluation)
    assert state.is_stale
    # the job runs: results fresh again, the claim released
    jobs.alignment_recompute(plan_id=selection_plan(scoring_evaluation).pk)
    state.refresh_from_db()
    assert not state.is_stale and state.queued_at is None


def test_the_run_names_the_user_whose_change_caused_it(
    scoring_evaluation, two_candidates, monkeypatch, django_capture_on_commit_callbacks
):
    from scorecards.setup import services as setup_services

    queued = []
    monkeypatch.setattr(
        "scorecards.tasks.recompute_alignment.delay", lambda *args: queued.append(args)
    )
    lead = scoring_evaluation.lead
    with django_capture_on_commit_callbacks(execute=True):
        setup_services.weights_save(
            plan=selection_plan(scoring_evaluation),
            category_weights={
                c.pk: c.weight + 1
                for c in selection_plan(scoring_evaluation).categories.all()
            },
            reason="Quality matters more now",
            by=lead,
        )
    assert queued == [(scoring_evaluation.pk, lead.pk)]
    state = AlignmentState.objects.get(plan__evaluation=scoring_evaluation)
    assert state.changed_by == lead
    run = jobs.alignment_recompute(
        plan_id=selection_plan(scoring_evaluation).pk, caused_by_id=lead.pk
    )
    assert run is not None and run.caused_by == lead


def test_a_change_during_the_run_queues_one_more(
    scoring_evaluation, two_candidates, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "scorecards.tasks.recompute_alignment.delay",
        lambda *args: queued.append(args[0]),
    )
    jobs.alignment_request(plan_id=selection_plan(scoring_evaluation).pk)
    real_inputs = jobs.alignment_inputs

    def inputs_then_change(plan, **kwargs):
        result = real_inputs(plan, **kwargs)
        jobs.alignment_request(plan_id=plan.pk)  # arrives mid-run
        return result

    monkeypatch.setattr(jobs, "alignment_inputs", inputs_then_change)
    jobs.alignment_recompute(plan_id=selection_plan(scoring_evaluation).pk)
    assert queued == [scoring_evaluation.pk, scoring_evaluation.pk]


def test_a_dead_workers_claim_expires(scoring_evaluation, two_candidates, monkeypatch):
    from django.utils import timezone

    queued = []
    monkeypatch.setattr(
        "scorecards.tasks.recompute_alignment.delay",
        lambda *args: queued.append(args[0]),
    )
    AlignmentState.objects.filter(plan__evaluation=scoring_evaluation).update(
        queued_at=timezone.now() - jobs.CLAIM_EXPIRES * 2
    )
    jobs.alignment_request(plan_id=selection_plan(scoring_evaluation).pk)
    assert queued == [scoring_evaluation.pk]


def test_pages_say_when_results_are_stale(
    scoring_evaluation, two_candidates, as_user, monkeypatch
):
    monkeypatch.setattr(
        "scorecards.tasks.recompute_alignment.delay", lambda *args: None
    )
    client = as_user(scoring_evaluation.lead)
    assert (
        "Up to date"
        in client.get(
            reverse("dashboard", args=[scoring_evaluation.key])
        ).content.decode()
    )
    jobs.alignment_request(plan_id=selection_plan(scoring_evaluation).pk)
    page = client.get(
        reverse("dashboard", args=[scoring_evaluation.key])
    ).content.decode()
    assert "Updating" in page and "Computed" in page
    status = client.get(
        reverse("dashboard_status", args=[scoring_evaluation.key]),
        HTTP_HX_REQUEST="true",
    )
    assert 'hx-trigger="every 2s"' in status.content.decode()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recomputes_after_a_submission(request):
    """With a broker, the job runs in a Celery worker, not in-process. The worker
    starts after the set-up writes: SQLite (the local default) locks tables across
    threads, PostgreSQL in CI does not mind."""
    import time

    from django.db import OperationalError

    from partners.models import Evaluation
    from scorecards.models import PlanCriterion, Template
    from scorecards.rating import services as rating_services
    from scorecards.setup import services as setup_services
    from tests.factories import EvaluationFactory, MembershipFactory, UserFactory

    evaluation = EvaluationFactory(status=Evaluation.Status.SCORING)
    lead = MembershipFactory(evaluation=evaluation, role="lead").user
    evaluator = MembershipFactory(
        evaluation=evaluation, role="evaluator", user=UserFactory()
    ).user
    if not Template.objects.exists():
        from django.apps import apps

        from scorecards.library.default import install

        install(apps)
    setup_services.evaluation_snapshot(
        evaluation=evaluation, template=Template.objects.get(key="biologics"), by=lead
    )
    candidate = CandidateFactory(evaluation=evaluation)
    setup_services.conflict_declare(
        plan=selection_plan(evaluation), evaluator=evaluator, candidates=[], text=""
    )
    sc = rating_services.scorecard_start(
        plan=selection_plan(candidate.evaluation),
        candidate=candidate,
        evaluator=evaluator,
    )
    for c in PlanCriterion.objects.filter(plan__evaluation=evaluation).rated_from(
        "scorecard"
    ):
        rating_services.rating_save(
            scorecard=sc,
            criterion=c,
            score=4,
            rationale="",
            seen_version=None,
            by=evaluator,
        )
    before = (
        AlignmentRun.objects.filter(plan__evaluation=evaluation)
        .values_list("pk", flat=True)
        .first()
    )
    # The set-up's own recompute requests went to Redis before any worker ran, and
    # starting the worker purges the queue: release their claim, as a fresh system
    # would have it.
    AlignmentState.objects.filter(plan__evaluation=evaluation).update(queued_at=None)
    request.getfixturevalue("celery_worker")
    assert ping.delay().get(timeout=20)["pong"]
    rating_services.scorecard_submit(scorecard=sc, by=evaluator)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(0.5)
        try:
            state = AlignmentState.objects.filter(plan__evaluation=evaluation).first()
        except OperationalError:  # SQLite: the worker holds the table
            continue
        if (
            state
            and state.current_run_id
            and state.current_run_id != before
            and not state.is_stale
        ):
            break
    state = AlignmentState.objects.get(plan__evaluation=evaluation)
    row = AlignmentResult.objects.get(run=state.current_run, candidate=candidate)
    assert row.criteria["inspection_history"]["n"] == 1
    assert row.categories["quality"] == 75.0


# --- dashboard ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["lead", "procurement", "observer"])
def test_dashboard_shows_ranking_and_flags(
    scoring_evaluation, two_candidates, member, as_user, role
):
    strong, weak = two_candidates
    page = (
        as_user(member(role))
        .get(reverse("dashboard", args=[scoring_evaluation.key]))
        .content.decode()
    )
    row = current_rows(scoring_evaluation)[strong.pk]
    assert strong.cdmo.name in page and f"{row.overall:.1f}" in page
    assert "Bulk site not visited" in page  # no visits recorded
    assert f'href="/candidates/{strong.pk}/#visits"' in page
    assert "<svg" in page


def test_dashboard_is_blind_for_evaluators_until_they_submit(
    scoring_evaluation, two_candidates, member, declared, fill, as_user
):
    strong, weak = two_candidates
    newcomer = declared(member("evaluator"))
    client = as_user(newcomer)
    row = current_rows(scoring_evaluation)[strong.pk]
    page = client.get(
        reverse("dashboard", args=[scoring_evaluation.key])
    ).content.decode()
    assert "Hidden until you submit your scorecard" in page
    assert f"{row.overall:.1f}" not in page
    assert (
        "Scoring is blind"
        in client.get(reverse("candidate_alignment", args=[strong.pk])).content.decode()
    )
    fill(newcomer, strong, score=4)
    page = client.get(reverse("candidate_alignment", args=[strong.pk])).content.decode()
    assert "Scoring is blind" not in page


def test_dashboard_queries_do_not_grow_with_candidates(
    scoring_evaluation,
    member,
    declared,
    fill,
    as_user,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    client = as_user(scoring_evaluation.lead)
    evaluator = declared(member("evaluator"))

    candidates = []

    def add(n):
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(n):
                candidates.append(CandidateFactory(evaluation=scoring_evaluation))
                fill(evaluator, candidates[-1], score=3)

    def ranks_everyone(response):
        # A 403 or a redirect would read fewer queries: the ranking must be there,
        # each candidate at (3 - 1) x 25 = 50.0.
        assert response.status_code == 200
        page = response.content.decode()
        for c in candidates:
            link = reverse("candidate_alignment", args=[c.pk])
            assert f'<a href="{link}">{c.cdmo.name}</a>' in page
        assert page.count('<strong class="fs-5">50.0</strong>') == len(candidates)

    add(2)
    url = reverse("dashboard", args=[scoring_evaluation.key])
    with django_assert_max_num_queries(12) as small:
        response = client.get(url)
    ranks_everyone(response)
    add(8)
    assert (
        AlignmentResult.objects.filter(run__plan__evaluation=scoring_evaluation).count()
        >= 10
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    ranks_everyone(response)


def test_breakdown_contributions_add_up_to_the_overall(
    scoring_evaluation, two_candidates, as_user
):
    strong, _weak = two_candidates
    row = current_rows(scoring_evaluation)[strong.pk]
    parts = read.breakdown(row, selection_plan(scoring_evaluation))
    assert sum(p.contribution for p in parts) == pytest.approx(row.overall, abs=0.06)
    for part in parts:
        if part.score is not None:
            assert sum(c.contribution for c in part.criteria) == pytest.approx(
                part.contribution, abs=0.06
            )
    page = as_user(scoring_evaluation.lead).get(
        reverse("candidate_alignment", args=[strong.pk])
    )
    assert f"Why {row.overall:.1f}?" in page.content.decode()


# --- what-if --------------------------------------------------------------------------


def what_if_rows(response) -> list[list[str]]:
    """The what-if ranking table as text: rank, candidate, overall, change."""
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_what_if_moves_the_ranking_without_saving(
    scoring_evaluation, two_candidates, member, as_user
):
    strong, weak = two_candidates
    client = as_user(member("procurement"))
    weights = {
        f"w-{c.key}": c.weight
        for c in PlanCategory.objects.filter(plan__evaluation=scoring_evaluation)
    }
    response = client.get(
        reverse("what_if_ranking", args=[scoring_evaluation.key]), weights
    )
    assert response.status_code == 200
    # At the saved weights nobody moves: each row says "same" in its Change cell.
    assert what_if_rows(response) == [
        ["1", strong.cdmo.name, "75.0 Acceptable", "same"],
        ["2", weak.cdmo.name, "25.0 Not recommended", "same"],
    ]
    before = list(
        PlanCategory.objects.filter(plan__evaluation=scoring_evaluation).values_list(
            "weight", flat=True
        )
    )
    weights["w-culture"] = 50
    client.get(reverse("what_if_ranking", args=[scoring_evaluation.key]), weights)
    after = list(
        PlanCategory.objects.filter(plan__evaluation=scoring_evaluation).values_list(
            "weight", flat=True
        )
    )
    assert before == after
    # procurement may explore but not save
    weights["reason"] = "try"
    assert (
        client.post(
            reverse("what_if", args=[scoring_evaluation.key]), weights
        ).status_code
        == 403
    )


def test_what_if_reorders_when_weights_favour_the_other(
    scoring_evaluation,
    member,
    declared,
    fill,
    as_user,
    django_capture_on_commit_callbacks,
):
    """A candidate strong only on culture overtakes when culture weighs most."""
    from scorecards.models import PlanCriterion
    from scorecards.rating import services as rating_services

    culture_star = CandidateFactory(evaluation=scoring_evaluation)
    quality_star = CandidateFactory(evaluation=scoring_evaluation)
    evaluator = declared(member("evaluator"))
    criteria = (
        PlanCriterion.objects.filter(plan__evaluation=scoring_evaluation)
        .rated_from("scorecard")
        .select_related("category")
    )
    with django_capture_on_commit_callbacks(execute=True):
        for candidate, strong_in in (
            (culture_star, "culture"),
            (quality_star, "quality"),
        ):
            sc = rating_services.scorecard_start(
                plan=selection_plan(candidate.evaluation),
                candidate=candidate,
                evaluator=evaluator,
            )
            for c in criteria:
                score = 5 if c.category.key == strong_in else 3
                rating_services.rating_save(
                    scorecard=sc,
                    criterion=c,
                    score=score,
                    rationale="r",
                    seen_version=None,
                    by=evaluator,
                )
            rating_services.scorecard_submit(scorecard=sc, by=evaluator)
    weights = {
        f"w-{c.key}": 1
        for c in PlanCategory.objects.filter(plan__evaluation=scoring_evaluation)
    }
    weights["w-culture"] = 50
    client = as_user(scoring_evaluation.lead)
    ranking = client.get(
        reverse("what_if_ranking", args=[scoring_evaluation.key]), weights
    ).content.decode()
    assert ranking.index(culture_star.cdmo.name) < ranking.index(quality_star.cdmo.name)
    weights["w-culture"] = 1
    weights["w-quality"] = 50
    ranking = client.get(
        reverse("what_if_ranking", args=[scoring_evaluation.key]), weights
    ).content.decode()
    assert ranking.index(quality_star.cdmo.name) < ranking.index(culture_star.cdmo.name)


def test_lead_saves_what_if_weights_with_a_reason(
    scoring_evaluation, two_candidates, member, as_user
):
    client = as_user(scoring_evaluation.lead)
    weights = {
        f"w-{c.key}": c.weight
        for c in PlanCategory.objects.filter(plan__evaluation=scoring_evaluation)
    }
    weights["w-culture"] = 30
    response = client.post(reverse("what_if", args=[scoring_evaluation.key]), weights)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert (
        PlanCategory.objects.get(
            plan__evaluation=scoring_evaluation, key="culture"
        ).weight
        == 15
    )
    weights["reason"] = "Leadership asked to weigh culture double."
    assert (
        client.post(
            reverse("what_if", args=[scoring_evaluation.key]), weights
        ).status_code
        == 302
    )
    assert (
        PlanCategory.objects.get(
            plan__evaluation=scoring_evaluation, key="culture"
        ).weight
        == 30
    )


@pytest.mark.parametrize("role", ["evaluator", "observer"])
def test_what_if_is_for_leads_and_procurement(
    scoring_evaluation, member, as_user, role
):
    client = as_user(member(role))
    assert (
        client.get(reverse("what_if", args=[scoring_evaluation.key])).status_code == 403
    )
    assert (
        client.get(
            reverse("what_if_ranking", args=[scoring_evaluation.key])
        ).status_code
        == 403
    )


def test_hidden_candidates_are_listed_by_name_not_by_rank(
    scoring_evaluation,
    member,
    declared,
    fill,
    as_user,
    django_capture_on_commit_callbacks,
):
    """An evaluator who has not submitted must not learn the ranking from the order
    of the hidden rows, nor the sensitivity verdict."""
    from partners.models import Cdmo

    zulu = CandidateFactory(evaluation=scoring_evaluation, cdmo__name="Zulu Pharma")
    alpha = CandidateFactory(evaluation=scoring_evaluation, cdmo__name="Alpha Bio")
    rater = declared(member("evaluator"))
    with django_capture_on_commit_callbacks(execute=True):
        fill(rater, zulu, score=5)  # Zulu ranks first
        fill(rater, alpha, score=2)
    assert Cdmo.objects.count() == 2
    newcomer = declared(member("evaluator"))
    page = as_user(newcomer).get(reverse("dashboard", args=[scoring_evaluation.key]))
    body = page.content.decode()
    assert body.index("Alpha Bio") < body.index("Zulu Pharma")
    assert "Sensitivity" not in body
    body = (
        as_user(scoring_evaluation.lead)
        .get(reverse("dashboard", args=[scoring_evaluation.key]))
        .content.decode()
    )
    assert body.index("Zulu Pharma") < body.index("Alpha Bio")
    assert "Sensitivity" in body


@pytest.mark.parametrize(
    "confidence, coverage, says",
    [
        ("high", 92.0, ""),
        (
            "medium",
            62.4,
            "High needs 80 % of the weight scored (now 62 %) and 3 submitted "
            "scorecards.",
        ),
        (
            "medium",
            100.0,
            "High needs 3 submitted scorecards; the weight scored is enough.",
        ),
        ("low", 30.0, "Medium needs 50 % of the weight scored (now 30 %)."),
    ],
)
def test_a_confidence_says_what_would_raise_it(confidence, coverage, says):
    from types import SimpleNamespace

    from scorecards.alignment.read import confidence_why

    row = SimpleNamespace(confidence=confidence, coverage=coverage)
    assert str(confidence_why(row)) == says
