"""Selectors read a whole evaluation's negotiation records in a fixed number of
queries and hand them to the pure signal functions unchanged."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from negotiations.selectors import (
    candidate_signal_facts,
    candidate_summary,
    negotiation_overview,
    responsiveness_rows,
)
from negotiations.signals import (
    EscalationFacts,
    MilestoneFacts,
    RequestFacts,
    RoundFacts,
    compute_signals,
)
from tests.factories import (
    AgreementFactory,
    AmendmentRoundFactory,
    CandidateFactory,
    EscalationFactory,
    InformationRequestFactory,
    MilestoneFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


def _candidate_with_records(evaluation, seed: int):
    candidate = CandidateFactory(evaluation=evaluation)
    base = dt.date(2026, 1, 5) + dt.timedelta(days=seed)
    for i in range(seed % 3 + 1):
        sent = base + dt.timedelta(days=10 * i)
        InformationRequestFactory(
            candidate=candidate,
            sent=sent,
            due=sent + dt.timedelta(days=5),
            answered=None if i == 2 else sent + dt.timedelta(days=seed % 7),
        )
    msa = AgreementFactory(candidate=candidate, kind="msa")
    for number in range(1, seed % 4 + 2):
        AmendmentRoundFactory(agreement=msa, number=number, reviewers=seed + number)
    EscalationFactory(candidate=candidate, raised=base, decided=None)
    MilestoneFactory(candidate=candidate, date=base - dt.timedelta(days=90))
    return candidate


def _signals(candidates, **kwargs):
    facts = candidate_signal_facts(candidates, **kwargs)
    return {pk: f.signals(AS_OF) for pk, f in facts.items()}


def test_signals_for_candidates_match_the_pure_functions(evaluation):
    candidates = [_candidate_with_records(evaluation, seed) for seed in range(4)]
    bare = CandidateFactory(evaluation=evaluation)
    signals = _signals([*candidates, bare])
    assert _signals([*candidates, bare], evaluation_id=evaluation.pk) == signals
    assert signals[bare.pk] == {}
    for candidate in candidates:
        expected = compute_signals(
            requests=[
                RequestFacts(r.sent, r.due, r.answered)
                for r in candidate.information_requests.all()
            ],
            rounds=[
                RoundFacts(r.agreement_id, r.number, r.reviewers)
                for a in candidate.agreements.all()
                for r in a.rounds.all()
            ],
            escalations=[
                EscalationFacts(e.raised, e.decided)
                for e in candidate.escalations.all()
            ],
            milestones=[
                MilestoneFacts(m.kind, m.date) for m in candidate.milestones.all()
            ],
            as_of=AS_OF,
        )
        assert signals[candidate.pk] == expected
        assert set(expected) == {
            "median_response_days",
            "overdue_request_share",
            "max_amendment_rounds",
            "median_reviewers_per_round",
            "median_decision_days",
            "months_to_signature",
        }


def test_signals_accept_ids_and_hand_computed_values(evaluation):
    candidate = CandidateFactory(evaluation=evaluation)
    # Answered in 3 days; unanswered since 06-20 (10 days, overdue since 06-25).
    InformationRequestFactory(
        candidate=candidate,
        sent=dt.date(2026, 1, 10),
        due=dt.date(2026, 1, 15),
        answered=dt.date(2026, 1, 13),
    )
    InformationRequestFactory(
        candidate=candidate,
        sent=dt.date(2026, 6, 20),
        due=dt.date(2026, 6, 25),
        answered=None,
    )
    MilestoneFactory(candidate=candidate, date=dt.date(2026, 1, 1))
    MilestoneFactory(candidate=candidate, kind="msa_signed", date=dt.date(2026, 7, 1))
    assert _signals([candidate.pk])[candidate.pk] == {
        "median_response_days": 6.5,  # (3 + 10) / 2
        "overdue_request_share": 0.5,
        "months_to_signature": pytest.approx(180 / 30.44),  # signed after as_of
    }


@pytest.mark.parametrize("n", [3, 12])
def test_selectors_read_a_fixed_number_of_queries(evaluation, n):
    candidates = [_candidate_with_records(evaluation, seed) for seed in range(n)]
    with CaptureQueriesContext(connection) as queries:
        facts = candidate_signal_facts(candidates)
        candidate_signal_facts(candidates, evaluation_id=evaluation.pk)
    assert len(queries) == 8  # four record types, twice
    assert len(facts) == n
    assert all(f.requests and f.rounds and f.escalations for f in facts.values())


@pytest.mark.parametrize("n", [2, 20])
def test_overview_reads_a_fixed_number_of_queries(
    evaluation, django_assert_num_queries, n
):
    candidate = CandidateFactory(evaluation=evaluation)
    agreement = AgreementFactory(candidate=candidate)
    for i in range(n):
        InformationRequestFactory(candidate=candidate)
        AmendmentRoundFactory(agreement=agreement, number=i + 1)
    with django_assert_num_queries(6):
        overview = negotiation_overview(candidate, as_of=AS_OF)
    assert len(overview.requests) == n
    assert overview.agreements[0].round_count == n
    assert overview.agreements[0].too_many_rounds is (n > 2)


def test_candidate_summary_and_responsiveness_row_agree(evaluation):
    evaluation.as_of = AS_OF
    evaluation.save()
    candidate = CandidateFactory(evaluation=evaluation)
    for sent, answered in [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 4)),
        (dt.date(2026, 4, 1), None),
        (dt.date(2026, 7, 15), None),  # sent after as_of
    ]:
        InformationRequestFactory(
            candidate=candidate,
            sent=sent,
            due=sent + dt.timedelta(days=4),
            answered=answered,
        )
    summary = candidate_summary(candidate)
    (row,) = responsiveness_rows(evaluation)
    assert (summary["requests"], summary["overdue"]) == (2, 1)
    assert (row.requests, row.overdue) == (2, 1)
    assert summary["signals"] == row.signals
