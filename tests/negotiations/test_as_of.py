"""One "as of" per evaluation, the same rule for every record kind, and dates that
cannot break a page (BUNDLE.md, "As of applies to every record kind alike")."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from negotiations.charts import elapsed_text, timeline_svg
from negotiations.models import InformationRequest, Milestone
from negotiations.selectors import (
    candidate_signal_facts,
    negotiation_overview,
    responsiveness_rows,
)
from negotiations.signals import MilestoneFacts
from scorecards.alignment.inputs import alignment_inputs
from scorecards.alignment.services import (
    alignment_recompute,
    alignment_refresh_outdated,
)
from scorecards.bundles.importer import validate_bundle
from scorecards.models import AlignmentRun, AlignmentState
from scorecards.reports.context import report_content
from scorecards.setup.selectors import selection_plan
from tests.factories import (
    AgreementFactory,
    AmendmentRoundFactory,
    CandidateFactory,
    EscalationFactory,
    EvaluationFactory,
    InformationRequestFactory,
    MembershipFactory,
    MilestoneFactory,
    UserFactory,
)
from tests.routes import build_world

AS_OF = dt.date(2026, 6, 30)
LATER = dt.date(2026, 7, 15)


@pytest.fixture
def candidate(db):
    return CandidateFactory(evaluation=EvaluationFactory(as_of=AS_OF))


# --- the same rule for every record kind ---------------------------------------------


def _signals(candidate):
    facts = candidate_signal_facts([candidate])[candidate.pk]
    return facts.signals(AS_OF)


def test_a_request_sent_after_as_of_is_left_out(candidate):
    InformationRequestFactory(
        candidate=candidate,
        sent=dt.date(2026, 6, 1),
        answered=dt.date(2026, 6, 5),
        due=None,
    )
    InformationRequestFactory(candidate=candidate, sent=LATER, answered=None, due=None)
    assert _signals(candidate)["median_response_days"] == 4.0
    overview = negotiation_overview(candidate, as_of=AS_OF)
    assert [r.in_scope for r in overview.requests] == [True, False]


def test_an_answer_after_as_of_counts_as_none_yet(candidate):
    InformationRequestFactory(
        candidate=candidate, sent=dt.date(2026, 6, 20), due=None, answered=LATER
    )
    assert _signals(candidate)["median_response_days"] == 10.0  # open up to as_of
    (request,) = negotiation_overview(candidate, as_of=AS_OF).requests
    assert request.open and request.days == 10


def test_a_round_sent_after_as_of_counts_toward_neither_round_signal(candidate):
    msa = AgreementFactory(candidate=candidate)
    for number, sent, reviewers in (
        (1, dt.date(2026, 3, 1), 2),
        (2, dt.date(2026, 5, 1), 4),
        (3, LATER, 30),
    ):
        AmendmentRoundFactory(
            agreement=msa, number=number, sent=sent, returned=None, reviewers=reviewers
        )
    signals = _signals(candidate)
    assert signals["max_amendment_rounds"] == 2.0
    assert signals["median_reviewers_per_round"] == 3.0
    overview = negotiation_overview(candidate, as_of=AS_OF)
    (agreement,) = overview.agreements
    assert agreement.round_count == 2 and not agreement.too_many_rounds
    assert agreement.max_reviewers == 4
    assert [r.days_out for r in agreement.round_list] == [121, 60, None]
    assert overview.signals == signals


def test_a_return_after_as_of_counts_as_none_yet(candidate):
    msa = AgreementFactory(candidate=candidate)
    AmendmentRoundFactory(
        agreement=msa, number=1, sent=dt.date(2026, 6, 20), returned=LATER
    )
    (agreement,) = negotiation_overview(candidate, as_of=AS_OF).agreements
    (round_,) = agreement.round_list
    assert round_.open and round_.days_out == 10
    assert agreement.open_round == round_


def test_an_escalation_raised_after_as_of_is_left_out(candidate):
    EscalationFactory(
        candidate=candidate, raised=dt.date(2026, 6, 1), decided=dt.date(2026, 6, 3)
    )
    EscalationFactory(candidate=candidate, raised=LATER, decided=None)
    assert _signals(candidate)["median_decision_days"] == 2.0


def test_a_signature_after_as_of_leaves_the_clock_running_and_the_flag_raised(
    candidate,
):
    MilestoneFactory(
        candidate=candidate,
        kind=Milestone.Kind.FIRST_ENGAGEMENT,
        date=dt.date(2025, 6, 1),
    )
    MilestoneFactory(candidate=candidate, kind=Milestone.Kind.MSA_SIGNED, date=LATER)
    assert _signals(candidate)["months_to_signature"] == pytest.approx(394 / 30.44)
    _spec, candidates = alignment_inputs(selection_plan(candidate.evaluation), draws=0)
    spec, _ = alignment_inputs(selection_plan(candidate.evaluation), draws=0)
    (inp,) = spec.candidates
    assert inp.msa_signed is False
    (row,) = responsiveness_rows(candidate.evaluation)
    assert not row.signed and row.late


# --- one "as of" on the pages ---------------------------------------------------


@pytest.fixture
def world(db):
    return build_world()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_dashboard_and_alignment_page_say_the_date_they_are_measured_at(world):
    world.evaluation.as_of = AS_OF
    world.evaluation.save(update_fields=["as_of"])
    alignment_recompute(plan_id=selection_plan(world.evaluation).pk, draws=50)
    client = _client(world.users["lead"])
    for url in (
        reverse("dashboard", args=[world.evaluation.key]),
        reverse("candidate_alignment", args=[world.candidate.pk]),
        reverse("candidate_negotiations", args=[world.candidate.pk]),
    ):
        page = client.get(url).content.decode()
        assert "as of 30 Jun 2026, the evaluation" in page, url


def test_an_evaluation_without_as_of_is_measured_as_of_today_and_refreshed_daily(world):
    plan = selection_plan(world.evaluation)
    alignment_recompute(plan_id=plan.pk, draws=50)
    run = AlignmentState.objects.get(plan=plan).current_run
    today = timezone.localdate()
    assert run.as_of == today
    # A day later: the daily job queues a recompute, which measures as of today.
    AlignmentRun.objects.filter(pk=run.pk).update(as_of=today - dt.timedelta(days=1))
    assert alignment_refresh_outdated() == 1
    assert AlignmentState.objects.get(plan=plan).current_run.as_of == today
    assert alignment_refresh_outdated() == 0
    # And a reader of yesterday's results does not wait for it.
    AlignmentRun.objects.filter(plan=plan).update(as_of=today - dt.timedelta(days=1))
    page = _client(world.users["lead"]).get(
        reverse("dashboard", args=[world.evaluation.key])
    )
    assert AlignmentState.objects.get(plan=plan).current_run.as_of == today
    assert (
        f"as of today, {today:%d} {today:%b} {today.year}".replace(" 0", " ")
        in page.content.decode()
    )


def test_an_unsigned_deal_shows_months_since_first_engagement(world):
    Milestone.objects.update_or_create(
        candidate=world.candidate,
        kind=Milestone.Kind.FIRST_ENGAGEMENT,
        defaults={"date": dt.date(2026, 1, 5)},
    )
    client = _client(world.users["lead"])
    for url in (
        reverse("candidate_negotiations", args=[world.candidate.pk]),
        reverse("candidate_detail", args=[world.candidate.pk]),
        reverse("responsiveness", args=[world.evaluation.key]),
    ):
        page = client.get(url).content.decode()
        assert "onths to signature" not in page, url
        assert "since first engagement" in page or "from first engagement" in page, url


# --- dates that cannot break a page ---------------------------------------------


@pytest.mark.parametrize("typed", ["0001-01-01", "1989-12-31", "9999-12-31"])
def test_forms_refuse_implausible_dates_next_to_the_field(world, typed):
    client = _client(world.users["lead"])
    before = InformationRequest.objects.count()
    response = client.post(
        reverse("request_create", args=[world.candidate.pk]),
        {"subject": "Batch records", "sent": typed, "due": "", "answered": ""},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "Enter a date between 1 Jan 1990 and" in form.errors["sent"][0]
    assert form["sent"].value() == typed
    assert InformationRequest.objects.count() == before

    response = client.post(
        reverse("evaluation_edit", args=[world.evaluation.key]),
        {
            "name": world.evaluation.name,
            "program": "PX",
            "as_of": typed,
            "response_target_days": 5,
        },
    )
    assert response.status_code == 400
    assert (
        "Enter a date between 1 Jan 1990 and"
        in response.context["form"].errors["as_of"][0]
    )


def test_a_date_ten_years_ahead_is_accepted_and_one_day_more_is_not(world):
    client = _client(world.users["lead"])
    today = timezone.localdate()
    last = (
        today.replace(year=today.year + 10)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year + 10, day=28)
    )
    for typed, code in ((last, 302), (last + dt.timedelta(days=1), 400)):
        response = client.post(
            reverse("request_create", args=[world.candidate.pk]),
            {
                "subject": "Plan",
                "sent": "2026-01-05",
                "due": typed.isoformat(),
                "answered": "",
            },
        )
        assert response.status_code == code, typed


def test_bundle_import_refuses_implausible_dates_at_their_json_path(db):
    bundle = {
        "format": "cdmo-eval/1",
        "evaluation": {"key": "x", "name": "X", "as_of": "9999-12-31"},
    }
    errors = validate_bundle(bundle)
    assert any(
        e.path == "$.evaluation.as_of"
        and "Enter a date between 1 Jan 1990" in e.message
        for e in errors
    ), errors


def test_pages_and_reports_survive_a_stored_year_9999(world):
    """Stored before the check existed (or through SQL): the pages still answer."""
    type(world.evaluation).objects.filter(pk=world.evaluation.pk).update(
        as_of=dt.date(9999, 12, 31)
    )
    Milestone.objects.filter(candidate=world.candidate).update(date=dt.date(1, 1, 1))
    client = _client(world.users["lead"])
    for url in (
        reverse("candidate_negotiations", args=[world.candidate.pk]),
        # No milestones: the chart starts at the as-of date itself.
        reverse("candidate_negotiations", args=[world.conflicted.pk]),
        reverse("responsiveness", args=[world.evaluation.key]),
        reverse("candidate_detail", args=[world.candidate.pk]),
        reverse("dashboard", args=[world.evaluation.key]),
    ):
        assert client.get(url).status_code == 200, url
    world.evaluation.refresh_from_db()
    alignment_recompute(plan_id=selection_plan(world.evaluation).pk, draws=20)
    for subject in (world.candidate, world.conflicted, None):
        report_content(evaluation=world.evaluation, candidate=subject)


DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
KINDS = st.sampled_from([k for k, _label in Milestone.Kind.choices])


@settings(max_examples=300, deadline=None)
@example([], dt.date(9999, 12, 31))
@example([MilestoneFacts("first_engagement", dt.date(9999, 12, 1))], dt.date(1, 1, 1))
@given(st.lists(st.builds(MilestoneFacts, kind=KINDS, date=DATES), max_size=8), DATES)
def test_the_timeline_chart_survives_any_dates(milestones, as_of):
    svg = timeline_svg(milestones, as_of=as_of)
    assert svg.startswith("<svg")
    elapsed_text(milestones, as_of)


class TestReportsSurviveAnyStoredDates(TestCase):
    """Every report builder and negotiation page model, fed arbitrary stored dates."""

    @settings(
        max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        as_of=st.none() | DATES,
        dates=st.lists(DATES, min_size=9, max_size=9),
    )
    def test_any_stored_dates(self, as_of, dates):
        # In the order the database's own checks ask for (an answer, a return or a
        # decision is not before what it answers); anything else goes.
        for group in ((0, 1), (2, 3, 4), (5, 6), (7, 8)):
            for i, value in zip(group, sorted(dates[i] for i in group), strict=True):
                dates[i] = value
        evaluation = EvaluationFactory()
        lead = UserFactory()
        MembershipFactory(evaluation=evaluation, user=lead, role="lead")
        candidate = CandidateFactory(evaluation=evaluation)
        # Stored as they are: the model check is the forms', not the database's.
        type(evaluation).objects.filter(pk=evaluation.pk).update(as_of=as_of)
        evaluation.refresh_from_db()
        MilestoneFactory(
            candidate=candidate, kind=Milestone.Kind.FIRST_ENGAGEMENT, date=dates[0]
        )
        MilestoneFactory(
            candidate=candidate, kind=Milestone.Kind.MSA_SIGNED, date=dates[1]
        )
        InformationRequestFactory(
            candidate=candidate, sent=dates[2], due=dates[3], answered=dates[4]
        )
        AmendmentRoundFactory(
            agreement=AgreementFactory(candidate=candidate),
            sent=dates[5],
            returned=dates[6],
        )
        EscalationFactory(candidate=candidate, raised=dates[7], decided=dates[8])
        effective = as_of or timezone.localdate()
        negotiation_overview(candidate, as_of=effective)
        responsiveness_rows(evaluation)
        for subject in (candidate, None):
            report_content(evaluation=evaluation, candidate=subject)
