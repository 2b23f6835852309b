import pytest

from partners.models import Evaluation
from scorecards.models import PlanCriterion, Template
from scorecards.rating import services as rating_services
from scorecards.setup import services as setup_services
from scorecards.setup.selectors import selection_plan
from tests.factories import CandidateFactory


@pytest.fixture
def scoring_evaluation(evaluation, member):
    """The evaluation with the default biologics criteria and scoring open."""
    lead = member("lead")
    setup_services.evaluation_snapshot(
        evaluation=evaluation, template=Template.objects.get(key="biologics"), by=lead
    )
    evaluation.status = Evaluation.Status.SCORING
    evaluation.save(update_fields=["status"])
    evaluation.lead = lead
    return evaluation


@pytest.fixture
def candidate(scoring_evaluation):
    return CandidateFactory(evaluation=scoring_evaluation)


@pytest.fixture
def scorecard_criteria(scoring_evaluation):
    return list(
        PlanCriterion.objects.filter(plan__evaluation=scoring_evaluation).rated_from(
            "scorecard"
        )
    )


@pytest.fixture
def declared(scoring_evaluation):
    """Make ``user`` declare no conflict."""

    def declare(user):
        setup_services.conflict_declare(
            plan=selection_plan(scoring_evaluation),
            evaluator=user,
            candidates=[],
            text="",
        )
        return user

    return declare


@pytest.fixture
def fill(scorecard_criteria):
    """Rate every scorecard criterion of ``user``'s scorecard for ``candidate``."""

    def fill_in(user, candidate, score=3, submit=True):
        sc = rating_services.scorecard_start(
            plan=selection_plan(candidate.evaluation),
            candidate=candidate,
            evaluator=user,
        )
        for criterion in scorecard_criteria:
            rating_services.rating_save(
                scorecard=sc,
                criterion=criterion,
                score=score,
                rationale="because" if score in (1, 2, 5) else "",
                seen_version=None,
                by=user,
            )
        if submit:
            rating_services.scorecard_submit(scorecard=sc, by=user)
        return sc

    return fill_in
