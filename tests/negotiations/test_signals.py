"""Negotiation signals (BUNDLE.md, "Signals"): hand-computed cases plus properties.

Pure functions over plain records, so no database is needed. Unless a case says
otherwise everything is evaluated as of 2026-06-30.
"""

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from negotiations.signals import (
    DAYS_PER_MONTH,
    SIGNAL_NAMES,
    EscalationFacts,
    MilestoneFacts,
    RequestFacts,
    RoundFacts,
    compute_signals,
    decision_days,
    is_overdue,
    is_signed,
    max_amendment_rounds,
    median_decision_days,
    median_response_days,
    median_reviewers_per_round,
    months_to_signature,
    overdue_request_share,
    response_days,
    response_trend,
)

AS_OF = dt.date(2026, 6, 30)


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


def req(
    sent: dt.date, answered: dt.date | None = None, due: dt.date | None = None
) -> RequestFacts:
    return RequestFacts(sent=sent, due=due, answered=answered)


def rnd(agreement: str, number: int, reviewers: int | None = None) -> RoundFacts:
    return RoundFacts(agreement=agreement, number=number, reviewers=reviewers)


def esc(raised: dt.date, decided: dt.date | None = None) -> EscalationFacts:
    return EscalationFacts(raised=raised, decided=decided)


def ms(kind: str, date: dt.date) -> MilestoneFacts:
    return MilestoneFacts(kind=kind, date=date)


def test_signal_names_follow_bundle_order() -> None:
    assert SIGNAL_NAMES == (
        "median_response_days",
        "overdue_request_share",
        "max_amendment_rounds",
        "median_reviewers_per_round",
        "median_decision_days",
        "months_to_signature",
    )
    assert DAYS_PER_MONTH == 30.44


# --- per-request helpers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        # answered: 01-13 - 01-10 = 3
        (req(d(1, 10), answered=d(1, 13)), 3),
        # unanswered: as_of 06-30 - 06-20 = 10
        (req(d(6, 20)), 10),
        # answered 07-05, after as_of: still open then, 06-30 - 06-25 = 5
        (req(d(6, 25), answered=d(7, 5)), 5),
        # sent on as_of, unanswered: 0
        (req(d(6, 30)), 0),
    ],
)
def test_response_days(request_: RequestFacts, expected: int) -> None:
    assert response_days(request_, AS_OF) == expected


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        # answered 06-08 after due 06-05
        (req(d(6, 1), answered=d(6, 8), due=d(6, 5)), True),
        # answered on the due day is on time
        (req(d(6, 1), answered=d(6, 5), due=d(6, 5)), False),
        # unanswered, due 06-29 < as_of
        (req(d(6, 1), due=d(6, 29)), True),
        # unanswered, due on as_of: that day is not over yet
        (req(d(6, 1), due=d(6, 30)), False),
        # unanswered, due after as_of
        (req(d(6, 1), due=d(7, 10)), False),
        # answered 07-02 (after as_of) and due 06-20 < as_of: open and late
        (req(d(6, 1), answered=d(7, 2), due=d(6, 20)), True),
        # answered 07-08 after due 07-05, but as of 06-30 neither had happened
        (req(d(6, 20), answered=d(7, 8), due=d(7, 5)), False),
        # no due date is never overdue, answered or not
        (req(d(1, 1)), False),
        (req(d(1, 1), answered=d(6, 1)), False),
    ],
)
def test_is_overdue(request_: RequestFacts, expected: bool) -> None:
    assert is_overdue(request_, AS_OF) is expected


# --- median_response_days ------------------------------------------------------------


@pytest.mark.parametrize(
    ("requests", "expected"),
    [
        # no records
        ([], None),
        # 01-13 - 01-10 = 3
        ([req(d(1, 10), answered=d(1, 13))], 3.0),
        # unanswered: 06-30 - 06-20 = 10
        ([req(d(6, 20))], 10.0),
        # answered 07-05 after as_of: 06-30 - 06-25 = 5
        ([req(d(6, 25), answered=d(7, 5))], 5.0),
        # sent 07-01 after as_of: did not exist yet
        ([req(d(7, 1), answered=d(7, 2))], None),
        # 06-03 - 06-01 = 2; the one sent 07-01 is ignored -> median(2) = 2
        ([req(d(6, 1), answered=d(6, 3)), req(d(7, 1))], 2.0),
        # even count: 2 (06-01..06-03) and 5 (06-10..06-15) -> (2 + 5) / 2 = 3.5
        ([req(d(6, 1), answered=d(6, 3)), req(d(6, 10), answered=d(6, 15))], 3.5),
        # ties: 2, 2, 9 (06-21 unanswered: 30 - 21) -> middle value 2
        (
            [
                req(d(6, 1), answered=d(6, 3)),
                req(d(5, 1), answered=d(5, 3)),
                req(d(6, 21)),
            ],
            2.0,
        ),
        # even with mixed states: 3, 10 (unanswered), 5 (answered after as_of), 1
        # -> sorted 1, 3, 5, 10 -> (3 + 5) / 2 = 4
        (
            [
                req(d(1, 10), answered=d(1, 13)),
                req(d(6, 20)),
                req(d(6, 25), answered=d(7, 5)),
                req(d(3, 1), answered=d(3, 2)),
            ],
            4.0,
        ),
    ],
)
def test_median_response_days(
    requests: list[RequestFacts], expected: float | None
) -> None:
    assert median_response_days(requests, AS_OF) == expected


# --- overdue_request_share -----------------------------------------------------------


@pytest.mark.parametrize(
    ("requests", "expected"),
    [
        # no records
        ([], None),
        # only a request sent after as_of
        ([req(d(7, 1), due=d(7, 2))], None),
        # due None, unanswered: 0 / 1
        ([req(d(6, 1))], 0.0),
        # late (06-08 > 06-05) and on time (06-05 = 06-05): 1 / 2
        (
            [
                req(d(6, 1), answered=d(6, 8), due=d(6, 5)),
                req(d(6, 1), answered=d(6, 5), due=d(6, 5)),
            ],
            0.5,
        ),
        # unanswered due 06-29 (late), due 06-30 and 07-10 (not yet): 1 / 3
        (
            [
                req(d(6, 1), due=d(6, 29)),
                req(d(6, 1), due=d(6, 30)),
                req(d(6, 1), due=d(7, 10)),
            ],
            1 / 3,
        ),
        # answered 07-02 after as_of with due 06-20 < as_of: still open and late, 1 / 1
        ([req(d(6, 1), answered=d(7, 2), due=d(6, 20))], 1.0),
        # answered 07-08 after due 07-05, both after as_of: not late yet, 0 / 1
        ([req(d(6, 20), answered=d(7, 8), due=d(7, 5))], 0.0),
        # due None stays in the denominator: late 1 of (late, on time, 2 x no due) = 1/4
        (
            [
                req(d(6, 1), answered=d(6, 8), due=d(6, 5)),
                req(d(6, 1), answered=d(6, 4), due=d(6, 5)),
                req(d(6, 1)),
                req(d(6, 1), answered=d(6, 2)),
            ],
            0.25,
        ),
        # the request sent 07-01 (due 07-02) is not counted: 1 late / 2 = 0.5
        (
            [
                req(d(6, 1), due=d(6, 10)),
                req(d(6, 1), answered=d(6, 2), due=d(6, 10)),
                req(d(7, 1), due=d(7, 2)),
            ],
            0.5,
        ),
    ],
)
def test_overdue_request_share(
    requests: list[RequestFacts], expected: float | None
) -> None:
    assert overdue_request_share(requests, AS_OF) == expected


# --- max_amendment_rounds ------------------------------------------------------------


@pytest.mark.parametrize(
    ("rounds", "expected"),
    [
        # no records
        ([], None),
        ([rnd("msa", 1)], 1),
        # msa 3 rounds, qa 1, sow 2 -> 3
        (
            [
                rnd("msa", 1),
                rnd("qa", 1),
                rnd("msa", 2),
                rnd("sow", 1),
                rnd("msa", 3),
                rnd("sow", 2),
            ],
            3,
        ),
        # two agreements of 2 rounds each -> 2, not 4 (rounds are per agreement)
        ([rnd("msa", 1), rnd("msa", 2), rnd("qa", 1), rnd("qa", 2)], 2),
        # numbered 1 and 5: the count (2) matters, not the highest number
        ([rnd("msa", 1), rnd("msa", 5)], 2),
    ],
)
def test_max_amendment_rounds(rounds: list[RoundFacts], expected: int | None) -> None:
    assert max_amendment_rounds(rounds, AS_OF) == expected


def test_rounds_sent_after_as_of_are_left_out_of_both_round_signals() -> None:
    """BUNDLE.md: a round sent after ``as_of`` had not happened yet. Two rounds of
    the MSA by the as-of date (4 and 6 reviewers); a third, sent the day after with
    20 reviewers, counts toward neither signal."""
    rounds = [
        RoundFacts("msa", 1, 4, sent=d(3, 1)),
        RoundFacts("msa", 2, 6, sent=AS_OF),
        RoundFacts("msa", 3, 20, sent=d(7, 1)),
    ]
    assert max_amendment_rounds(rounds, AS_OF) == 2
    assert median_reviewers_per_round(rounds, AS_OF) == 5.0
    signals = compute_signals(rounds=rounds, as_of=AS_OF)
    assert signals["max_amendment_rounds"] == 2.0
    assert signals["median_reviewers_per_round"] == 5.0
    # Measured later, the third round is there.
    assert max_amendment_rounds(rounds, d(7, 1)) == 3
    assert median_reviewers_per_round(rounds, d(7, 1)) == 6.0


def test_max_amendment_rounds_groups_by_any_hashable_key() -> None:
    # agreement ids (ints) from the ORM: 7 has 2 rounds, 8 has 1
    rounds = [RoundFacts(7, 1, None), RoundFacts(8, 1, None), RoundFacts(7, 2, None)]
    assert max_amendment_rounds(rounds, AS_OF) == 2


# --- median_reviewers_per_round ------------------------------------------------------


@pytest.mark.parametrize(
    ("rounds", "expected"),
    [
        # no records
        ([], None),
        # reviewers never recorded
        ([rnd("msa", 1), rnd("msa", 2)], None),
        ([rnd("msa", 1, 3)], 3.0),
        # None ignored, not read as 0: median(3, 5) = (3 + 5) / 2 = 4
        ([rnd("msa", 1, 3), rnd("msa", 2), rnd("msa", 3, 5)], 4.0),
        # across agreements: 2 (msa), 4 and 9 (qa) -> middle value 4
        ([rnd("msa", 1, 2), rnd("qa", 1, 4), rnd("qa", 2, 9)], 4.0),
        # even count: 1, 2, 3, 4 -> (2 + 3) / 2 = 2.5
        ([rnd("a", 1, 4), rnd("a", 2, 1), rnd("b", 1, 3), rnd("b", 2, 2)], 2.5),
        # ties: 2, 2, 6 -> 2
        ([rnd("a", 1, 2), rnd("a", 2, 6), rnd("b", 1, 2)], 2.0),
        # zero reviewers is a recorded value: median(0, 4) = 2
        ([rnd("a", 1, 0), rnd("a", 2, 4)], 2.0),
    ],
)
def test_median_reviewers_per_round(
    rounds: list[RoundFacts], expected: float | None
) -> None:
    assert median_reviewers_per_round(rounds, AS_OF) == expected


# --- median_decision_days ------------------------------------------------------------


@pytest.mark.parametrize(
    ("escalation", "expected"),
    [
        # 02-05 - 02-03 = 2
        (esc(d(2, 3), decided=d(2, 5)), 2),
        # undecided: 06-30 - 06-10 = 20
        (esc(d(6, 10)), 20),
        # decided 07-03 after as_of: 06-30 - 06-25 = 5
        (esc(d(6, 25), decided=d(7, 3)), 5),
    ],
)
def test_decision_days(escalation: EscalationFacts, expected: int) -> None:
    assert decision_days(escalation, AS_OF) == expected


@pytest.mark.parametrize(
    ("escalations", "expected"),
    [
        # no records
        ([], None),
        # 02-05 - 02-03 = 2
        ([esc(d(2, 3), decided=d(2, 5))], 2.0),
        # undecided: 06-30 - 06-10 = 20
        ([esc(d(6, 10))], 20.0),
        # decided 07-03 after as_of: 06-30 - 06-25 = 5
        ([esc(d(6, 25), decided=d(7, 3))], 5.0),
        # raised 07-01 after as_of: did not exist yet
        ([esc(d(7, 1), decided=d(7, 2))], None),
        # even count: 2 and 20 -> (2 + 20) / 2 = 11
        ([esc(d(2, 3), decided=d(2, 5)), esc(d(6, 10))], 11.0),
        # even count: 2 and 5 -> 3.5; the one raised 07-01 is ignored
        (
            [
                esc(d(2, 3), decided=d(2, 5)),
                esc(d(6, 25), decided=d(7, 3)),
                esc(d(7, 1)),
            ],
            3.5,
        ),
        # ties: 2, 2, 20 -> 2
        (
            [
                esc(d(2, 3), decided=d(2, 5)),
                esc(d(3, 1), decided=d(3, 3)),
                esc(d(6, 10)),
            ],
            2.0,
        ),
    ],
)
def test_median_decision_days(
    escalations: list[EscalationFacts], expected: float | None
) -> None:
    assert median_decision_days(escalations, AS_OF) == expected


# --- months_to_signature -------------------------------------------------------------

# 2025-11-03 -> 2026-06-30: 27 (to Nov 30) + 31 (Dec) + 31 (Jan) + 28 (Feb) + 31 (Mar)
# + 30 (Apr) + 31 (May) + 30 (Jun) = 239 days.
UNSIGNED_MONTHS = 239 / 30.44


@pytest.mark.parametrize(
    ("milestones", "expected"),
    [
        # no records
        ([], None),
        # no first_engagement: no value even when signed
        ([ms("msa_signed", d(3, 1)), ms("rfp_issued", d(1, 1))], None),
        # signed: 2024-01-01 -> 2026-01-31 = 366 + 365 + 30 = 761 days = 761 / 30.44
        # = 25 months exactly
        (
            [
                ms("first_engagement", d(1, 1, 2024)),
                ms("cda_signed", d(2, 1, 2024)),
                ms("msa_signed", d(1, 31)),
            ],
            25.0,
        ),
        # not signed: runs to as_of, 239 days
        (
            [ms("first_engagement", d(11, 3, 2025)), ms("msa_draft", d(5, 1))],
            UNSIGNED_MONTHS,
        ),
        # signed 07-15, after as_of: not signed yet, 239 days
        (
            [ms("first_engagement", d(11, 3, 2025)), ms("msa_signed", d(7, 15))],
            UNSIGNED_MONTHS,
        ),
        # several first engagements: the earliest (2025-11-03) counts, 239 days
        (
            [ms("first_engagement", d(1, 10)), ms("first_engagement", d(11, 3, 2025))],
            UNSIGNED_MONTHS,
        ),
        # first engagement only after as_of: no value
        ([ms("first_engagement", d(7, 1))], None),
        # quality agreement signed is not the MSA: still 239 days
        (
            [
                ms("first_engagement", d(11, 3, 2025)),
                ms("quality_agreement_signed", d(4, 1)),
            ],
            UNSIGNED_MONTHS,
        ),
        # signed the day of first engagement: 0
        ([ms("first_engagement", d(3, 1)), ms("msa_signed", d(3, 1))], 0.0),
        # signed 2026-01-03: 2025-11-03 -> 2026-01-03 = 30 + 31 = 61 days
        (
            [ms("first_engagement", d(11, 3, 2025)), ms("msa_signed", d(1, 3))],
            61 / 30.44,
        ),
    ],
)
def test_months_to_signature(
    milestones: list[MilestoneFacts], expected: float | None
) -> None:
    result = months_to_signature(milestones, AS_OF)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


# --- compute_signals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("milestones", "expected"),
    [
        ([], False),
        ([MilestoneFacts("first_engagement", d(1, 5))], False),
        ([MilestoneFacts("msa_signed", d(6, 30))], True),  # on as_of itself
        ([MilestoneFacts("msa_signed", d(7, 1))], False),  # signed later
        ([MilestoneFacts("msa_draft", d(3, 1))], False),
    ],
)
def test_is_signed(milestones: list[MilestoneFacts], expected: bool) -> None:
    assert is_signed(milestones, AS_OF) is expected


def test_compute_signals_without_records_is_empty() -> None:
    assert compute_signals(as_of=AS_OF) == {}


def test_compute_signals_bundle_example() -> None:
    # The BUNDLE.md example candidate, as of 2026-06-30.
    signals = compute_signals(
        requests=[req(d(1, 10), answered=d(1, 13), due=d(1, 15))],
        rounds=[rnd("msa", 1, 3)],
        escalations=[esc(d(2, 3), decided=d(2, 5))],
        milestones=[ms("first_engagement", d(11, 3, 2025))],
        as_of=AS_OF,
    )
    assert list(signals) == list(SIGNAL_NAMES)
    assert signals == {
        "median_response_days": 3.0,  # 01-13 - 01-10
        "overdue_request_share": 0.0,  # answered 01-13 before due 01-15
        "max_amendment_rounds": 1.0,
        "median_reviewers_per_round": 3.0,
        "median_decision_days": 2.0,  # 02-05 - 02-03
        "months_to_signature": pytest.approx(UNSIGNED_MONTHS),  # never signed
    }
    assert all(type(value) is float for value in signals.values())


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # reviewers never recorded: only the round count has a value
        (
            {"rounds": [rnd("msa", 1), rnd("msa", 2), rnd("qa", 1)]},
            {"max_amendment_rounds": 2.0},
        ),
        # requests only, one sent after as_of: 5 (06-25..06-30), share 0 / 1
        (
            {"requests": [req(d(6, 25)), req(d(7, 2))]},
            {"median_response_days": 5.0, "overdue_request_share": 0.0},
        ),
        # everything after as_of: nothing existed yet
        (
            {
                "requests": [req(d(7, 1))],
                "escalations": [esc(d(7, 1))],
                "milestones": [ms("first_engagement", d(7, 1))],
            },
            {},
        ),
    ],
)
def test_compute_signals_leaves_out_signals_without_records(
    kwargs: dict[str, list[object]], expected: dict[str, float]
) -> None:
    assert compute_signals(**kwargs, as_of=AS_OF) == expected


def test_compute_signals_reads_one_shot_iterators_once() -> None:
    # Requests and rounds each feed two signals; generators must work for both.
    signals = compute_signals(
        requests=(r for r in [req(d(6, 1), answered=d(6, 3), due=d(6, 2))]),
        rounds=(r for r in [rnd("msa", 1, 4)]),
        as_of=AS_OF,
    )
    assert signals == {
        "median_response_days": 2.0,
        "overdue_request_share": 1.0,  # answered 06-03 after due 06-02
        "max_amendment_rounds": 1.0,
        "median_reviewers_per_round": 4.0,
    }


# --- response_trend ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requests", "expected"),
    [
        # fewer than three requests
        ([], None),
        ([req(d(6, 1), answered=d(6, 2)), req(d(6, 2), answered=d(6, 4))], None),
        # the third one was sent after as_of, so only two count
        ([req(d(6, 1)), req(d(6, 2)), req(d(7, 1))], None),
        # constant 2, 2, 2 -> 0
        (
            [
                req(d(6, 1), answered=d(6, 3)),
                req(d(6, 5), answered=d(6, 7)),
                req(d(6, 9), answered=d(6, 11)),
            ],
            0.0,
        ),
        # 1, 2, 3 -> slope 1 day per request
        (
            [
                req(d(6, 1), answered=d(6, 2)),
                req(d(6, 2), answered=d(6, 4)),
                req(d(6, 3), answered=d(6, 6)),
            ],
            1.0,
        ),
        # given out of order; by sent date 5, 3, 1 -> slope -2 (getting faster)
        (
            [
                req(d(6, 3), answered=d(6, 4)),
                req(d(6, 1), answered=d(6, 6)),
                req(d(6, 2), answered=d(6, 5)),
            ],
            -2.0,
        ),
        # 1, 2 and an open one sent 06-27: 06-30 - 06-27 = 3 -> slope 1
        (
            [
                req(d(6, 1), answered=d(6, 2)),
                req(d(6, 10), answered=d(6, 12)),
                req(d(6, 27)),
            ],
            1.0,
        ),
        # 0, 0, 3: x mean 1, y mean 1; sum (x - 1)(y - 1) = (-1)(-1) + 0 + (1)(2) = 3;
        # sum (x - 1)^2 = 2 -> 3 / 2 = 1.5
        (
            [
                req(d(6, 1), answered=d(6, 1)),
                req(d(6, 2), answered=d(6, 2)),
                req(d(6, 3), answered=d(6, 6)),
            ],
            1.5,
        ),
    ],
)
def test_response_trend(requests: list[RequestFacts], expected: float | None) -> None:
    result = response_trend(requests, AS_OF)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


# --- properties ----------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def requests_facts(draw: st.DrawFn) -> RequestFacts:
    sent = draw(dates)
    gap = st.integers(min_value=0, max_value=60)
    due = draw(st.none() | gap.map(lambda n: sent + dt.timedelta(days=n)))
    answered = draw(st.none() | gap.map(lambda n: sent + dt.timedelta(days=n)))
    return RequestFacts(sent=sent, due=due, answered=answered)


request_lists = st.lists(requests_facts(), max_size=30)


@given(request_lists, dates)
def test_median_response_days_lies_within_the_response_days(
    requests: list[RequestFacts], as_of: dt.date
) -> None:
    days = [response_days(r, as_of) for r in requests if r.sent <= as_of]
    median = median_response_days(requests, as_of)
    if not days:
        assert median is None
    else:
        assert median is not None
        assert min(days) <= median <= max(days)
        assert median >= 0


@given(request_lists, dates)
def test_overdue_request_share_is_a_share(
    requests: list[RequestFacts], as_of: dt.date
) -> None:
    share = overdue_request_share(requests, as_of)
    if all(r.sent > as_of for r in requests):
        assert share is None
    else:
        assert share is not None
        assert 0.0 <= share <= 1.0


@given(request_lists, dates, st.randoms(use_true_random=False))
def test_request_signals_ignore_input_order_and_later_requests(
    requests: list[RequestFacts], as_of: dt.date, rng: random.Random
) -> None:
    shuffled = list(requests)
    rng.shuffle(shuffled)
    # A request sent after as_of did not exist then and must change nothing.
    later = RequestFacts(sent=as_of + dt.timedelta(days=1), due=as_of, answered=None)
    for other in (shuffled, [*requests, later]):
        assert median_response_days(other, as_of) == median_response_days(
            requests, as_of
        )
        assert overdue_request_share(other, as_of) == overdue_request_share(
            requests, as_of
        )
        assert response_trend(other, as_of) == pytest.approx(
            response_trend(requests, as_of)
        )


@given(
    st.lists(
        st.builds(
            RoundFacts,
            agreement=st.sampled_from(["msa", "qa", "sow"]),
            number=st.integers(min_value=1, max_value=9),
            reviewers=st.none() | st.integers(min_value=0, max_value=20),
        ),
        max_size=30,
    )
)
def test_round_signals_stay_within_their_inputs(rounds: list[RoundFacts]) -> None:
    most = max_amendment_rounds(rounds, AS_OF)
    reviewers = [r.reviewers for r in rounds if r.reviewers is not None]
    median = median_reviewers_per_round(rounds, AS_OF)
    if not rounds:
        assert most is None
    else:
        assert most is not None
        assert len(rounds) / 3 <= most <= len(rounds)  # three agreements at most
    if not reviewers:
        assert median is None
    else:
        assert median is not None
        assert min(reviewers) <= median <= max(reviewers)


def test_compute_signals_for_a_candidate_that_signed() -> None:
    # Northbridge in the demo: answers in 2 days, two MSA rounds of 3 reviewers and a
    # quality agreement round of 2, one escalation decided in 2 days, MSA signed
    # 2026-03-03 after first engagement on 2025-09-01 (183 days).
    signals = compute_signals(
        requests=[
            req(d(10, 6, 2025), answered=d(10, 8, 2025), due=d(10, 13, 2025)),
            req(d(11, 3, 2025), answered=d(11, 5, 2025), due=d(11, 10, 2025)),
        ],
        rounds=[rnd("msa", 1, 3), rnd("msa", 2, 3), rnd("qa", 1, 2)],
        escalations=[esc(d(1, 14), decided=d(1, 16))],
        milestones=[
            ms("first_engagement", d(9, 1, 2025)),
            ms("msa_draft", d(12, 1, 2025)),
            ms("msa_signed", d(3, 3)),
        ],
        as_of=AS_OF,
    )
    assert signals == {
        "median_response_days": 2.0,
        "overdue_request_share": 0.0,
        "max_amendment_rounds": 2.0,
        "median_reviewers_per_round": 3.0,  # 2, 3, 3 -> 3
        "median_decision_days": 2.0,
        # the clock stops at signature, not at as_of
        "months_to_signature": pytest.approx(183 / 30.44),
    }
