"""Negotiation signals: pure functions from plain records to the numbers that feed
derived criteria (BUNDLE.md, "Signals").

Everything here works on the small frozen dataclasses below, never on models, so the
arithmetic can be tested without a database and reused by the scoring job, the import
check and the UI alike. Callers turn model rows into these facts.

Every signal is computed "as of" a date, the evaluation's ``as_of``. The rule for
reading records as of that date is the same everywhere:

- a record that starts after ``as_of`` (a request *sent*, an amendment round *sent*,
  an escalation *raised*, a milestone dated later) did not exist yet, so it is
  ignored;
- an outcome dated after ``as_of`` (a request *answered*, an escalation *decided*, the
  MSA *signed* later) had not happened yet, so the record counts as still open and its
  clock runs up to ``as_of``.

This keeps a re-run of an archived evaluation stable when later records are added.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

__all__ = [
    "DAYS_PER_MONTH",
    "HEALTHY_AMENDMENT_ROUNDS",
    "HEALTHY_REVIEWERS_PER_ROUND",
    "SLOW_DECISION_DAYS",
    "USUAL_MONTHS_TO_SIGNATURE",
    "SIGNAL_NAMES",
    "EscalationFacts",
    "MilestoneFacts",
    "RequestFacts",
    "RoundFacts",
    "compute_signals",
    "decision_days",
    "is_overdue",
    "is_signed",
    "max_amendment_rounds",
    "median_decision_days",
    "median_response_days",
    "median_reviewers_per_round",
    "months_to_signature",
    "overdue_request_share",
    "response_days",
    "response_trend",
]

SIGNAL_NAMES: tuple[str, ...] = (
    "median_response_days",
    "overdue_request_share",
    "max_amendment_rounds",
    "median_reviewers_per_round",
    "median_decision_days",
    "months_to_signature",
)

# --- the thresholds of negotiation health (DESIGN.md), stated once --------------------

HEALTHY_AMENDMENT_ROUNDS = 2
"""Up to two amendment rounds per agreement is healthy; beyond, too many people weigh
in on the CDMO's side (the ``excess_amendment_rounds`` flag, bureaucracy signals)."""
HEALTHY_REVIEWERS_PER_ROUND = 5
"""More reviewers than this weighing in per round is a sign of bureaucracy."""
SLOW_DECISION_DAYS = 14
"""An escalation decided within two working weeks is not a sign of bureaucracy."""
USUAL_MONTHS_TO_SIGNATURE = (6, 9)
"""From first engagement to a signed MSA usually takes 6 to 9 months; past the
upper bound the ``signature_overdue`` flag is raised."""

# The average Gregorian month (365.2425 / 12, rounded as BUNDLE.md states it), so a
# duration in months does not depend on which calendar months it spans.
DAYS_PER_MONTH = 30.44

FIRST_ENGAGEMENT = "first_engagement"
MSA_SIGNED = "msa_signed"


@dataclass(frozen=True)
class RequestFacts:
    """An information request sent to a candidate."""

    sent: dt.date
    due: dt.date | None
    answered: dt.date | None


@dataclass(frozen=True)
class RoundFacts:
    """One amendment round of an agreement; ``agreement`` groups rounds (id or key).
    A round sent after ``as_of`` had not happened yet; one without a sent date (a
    hand-written fact) always counts."""

    agreement: Hashable
    number: int
    reviewers: int | None
    sent: dt.date | None = None


@dataclass(frozen=True)
class EscalationFacts:
    """A question escalated to the candidate's decision makers."""

    raised: dt.date
    decided: dt.date | None


@dataclass(frozen=True)
class MilestoneFacts:
    """A dated step of the relationship (``kind`` is a BUNDLE.md milestone kind)."""

    kind: str
    date: dt.date


def _done_by(outcome: dt.date | None, as_of: dt.date) -> dt.date | None:
    """The outcome date if it had happened by ``as_of``, else None (still open)."""
    if outcome is not None and outcome <= as_of:
        return outcome
    return None


def _median(values: list[int] | list[float]) -> float | None:
    """Median as a float, the mean of the two middle values for an even count."""
    if not values:
        return None
    return float(statistics.median(values))


def response_days(request: RequestFacts, as_of: dt.date) -> int:
    """Days from sent to answered; unanswered by ``as_of`` counts to ``as_of``.

    An answer dated after ``as_of`` had not arrived as of that date, so it counts as
    unanswered. The caller is expected to have dropped requests sent after ``as_of``
    (the aggregates below do); for those this would be negative.
    """
    end = _done_by(request.answered, as_of) or as_of
    return (end - request.sent).days


def is_overdue(request: RequestFacts, as_of: dt.date) -> bool:
    """Overdue: answered (by ``as_of``) after ``due``, or unanswered with ``due``
    before ``as_of``.

    A request without a due date is never overdue. An unanswered request due on
    ``as_of`` itself still has that day to be answered, so it is not overdue yet.
    """
    if request.due is None:
        return False
    answered = _done_by(request.answered, as_of)
    if answered is not None:
        return answered > request.due
    return request.due < as_of


def _requests_as_of(
    requests: Iterable[RequestFacts], as_of: dt.date
) -> list[RequestFacts]:
    # A request sent after as_of did not exist on that date.
    return [r for r in requests if r.sent <= as_of]


def median_response_days(
    requests: Iterable[RequestFacts], as_of: dt.date
) -> float | None:
    """Median of (answered - sent) in days over the requests sent by ``as_of``.

    A request not answered by ``as_of`` (no answer, or an answer dated later) counts as
    (as_of - sent). Requests sent after ``as_of`` are ignored: they did not exist yet.
    None when no request is left.
    """
    return _median([response_days(r, as_of) for r in _requests_as_of(requests, as_of)])


def overdue_request_share(
    requests: Iterable[RequestFacts], as_of: dt.date
) -> float | None:
    """Share (0-1) of the requests sent by ``as_of`` that are overdue (``is_overdue``).

    Requests without a due date stay in the denominator: they were asked and are
    simply never late. Requests sent after ``as_of`` are ignored. None when no request
    is left.
    """
    current = _requests_as_of(requests, as_of)
    if not current:
        return None
    return sum(is_overdue(r, as_of) for r in current) / len(current)


def _rounds_as_of(rounds: Iterable[RoundFacts], as_of: dt.date) -> list[RoundFacts]:
    # A round sent after as_of did not exist on that date.
    return [r for r in rounds if r.sent is None or r.sent <= as_of]


def max_amendment_rounds(rounds: Iterable[RoundFacts], as_of: dt.date) -> int | None:
    """The most rounds any one agreement had sent by ``as_of``. None without rounds.

    Rounds are counted per agreement rather than read off the highest ``number``, so
    a numbering gap or a round numbered from 0 does not inflate or hide the count.
    """
    counts = Counter(r.agreement for r in _rounds_as_of(rounds, as_of))
    if not counts:
        return None
    return max(counts.values())


def median_reviewers_per_round(
    rounds: Iterable[RoundFacts], as_of: dt.date
) -> float | None:
    """Median of ``reviewers`` over the rounds of all agreements sent by ``as_of``.

    Rounds whose reviewer count was not recorded (None) are ignored rather than read
    as zero. None when no round has a count.
    """
    return _median(
        [r.reviewers for r in _rounds_as_of(rounds, as_of) if r.reviewers is not None]
    )


def decision_days(escalation: EscalationFacts, as_of: dt.date) -> int:
    """Days from raised to decided; undecided by ``as_of`` counts to ``as_of``.

    A decision dated after ``as_of`` had not been taken as of that date.
    """
    end = _done_by(escalation.decided, as_of) or as_of
    return (end - escalation.raised).days


def median_decision_days(
    escalations: Iterable[EscalationFacts], as_of: dt.date
) -> float | None:
    """Median of (decided - raised) in days over escalations raised by ``as_of``.

    An escalation not decided by ``as_of`` (no decision, or one dated later) counts as
    (as_of - raised). Escalations raised after ``as_of`` are ignored: they did not exist
    yet. None when no escalation is left.
    """
    return _median([decision_days(e, as_of) for e in escalations if e.raised <= as_of])


def months_to_signature(
    milestones: Iterable[MilestoneFacts], as_of: dt.date
) -> float | None:
    """(msa_signed, or ``as_of`` if not signed) - first_engagement, in days / 30.44.

    The earliest first_engagement counts (the relationship started then) and so does
    the earliest msa_signed. Milestones dated after ``as_of`` had not happened yet:
    an MSA signed later leaves the clock running to ``as_of``, and a first engagement
    only later means there is no value. None without a first_engagement.
    """
    current = [m for m in milestones if m.date <= as_of]
    engaged = [m.date for m in current if m.kind == FIRST_ENGAGEMENT]
    if not engaged:
        return None
    signed = [m.date for m in current if m.kind == MSA_SIGNED]
    end = min(signed) if signed else as_of
    return (end - min(engaged)).days / DAYS_PER_MONTH


def is_signed(milestones: Iterable[MilestoneFacts], as_of: dt.date) -> bool:
    """Whether the MSA had been signed by ``as_of``; a signature dated later had not
    happened yet."""
    return any(m.kind == MSA_SIGNED and m.date <= as_of for m in milestones)


def compute_signals(
    *,
    requests: Iterable[RequestFacts] = (),
    rounds: Iterable[RoundFacts] = (),
    escalations: Iterable[EscalationFacts] = (),
    milestones: Iterable[MilestoneFacts] = (),
    as_of: dt.date,
) -> dict[str, float]:
    """All six signals of one candidate as of ``as_of``, keyed by name in
    ``SIGNAL_NAMES`` order; a signal without underlying records is left out.
    """
    # Requests and rounds each feed two signals, so a one-shot iterator is read once.
    requests = list(requests)
    rounds = list(rounds)
    values: dict[str, float | None] = {
        "median_response_days": median_response_days(requests, as_of),
        "overdue_request_share": overdue_request_share(requests, as_of),
        "max_amendment_rounds": max_amendment_rounds(rounds, as_of),
        "median_reviewers_per_round": median_reviewers_per_round(rounds, as_of),
        "median_decision_days": median_decision_days(escalations, as_of),
        "months_to_signature": months_to_signature(milestones, as_of),
    }
    return {
        name: float(value)
        for name in SIGNAL_NAMES
        if (value := values[name]) is not None
    }


def response_trend(requests: Iterable[RequestFacts], as_of: dt.date) -> float | None:
    """Least-squares slope of response days against request order, in days per
    request; positive means answers are getting slower. For the UI, not a signal.

    Requests sent by ``as_of`` are ordered by sent date; same-day requests are ordered
    by their response days so the result does not depend on input order. None with
    fewer than three requests, where a slope says nothing.
    """
    current = _requests_as_of(requests, as_of)
    if len(current) < 3:
        return None
    ys = sorted((r.sent, response_days(r, as_of)) for r in current)
    n = len(ys)
    x_mean = (n - 1) / 2
    y_mean = sum(y for _, y in ys) / n
    # x is the position 0..n-1; n >= 3 keeps the denominator positive.
    numerator = sum((x - x_mean) * (y - y_mean) for x, (_, y) in enumerate(ys))
    denominator = sum((x - x_mean) ** 2 for x in range(n))
    return numerator / denominator
