"""Negotiation pages: ownership of logged records, what the pages show, and
constant query counts as records grow. Who may open which page is the site-wide
table (tests/routes.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from negotiations.models import (
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)
from partners.models import Role
from tests.factories import (
    AgreementFactory,
    AmendmentRoundFactory,
    CandidateFactory,
    EscalationFactory,
    InformationRequestFactory,
    MilestoneFactory,
    SteeringMeetingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(evaluation):
    evaluation.as_of = dt.date(2026, 6, 30)
    evaluation.save()
    return CandidateFactory(evaluation=evaluation)


@pytest.fixture
def records(candidate):
    agreement = AgreementFactory(candidate=candidate)
    return {
        "request": InformationRequestFactory(candidate=candidate),
        "escalation": EscalationFactory(candidate=candidate),
        "round": AmendmentRoundFactory(agreement=agreement, number=1),
        "meeting": SteeringMeetingFactory(candidate=candidate),
        "milestone": MilestoneFactory(candidate=candidate),
    }


def test_evaluators_edit_only_the_requests_and_escalations_they_own(
    as_user, member, candidate, records
):
    """Who may open each page is the site-wide table (tests/routes.py); this is the
    rule behind its "own" rows: an evaluator logs requests and escalations and
    edits the ones they own, not someone else's."""
    evaluator = member(Role.EVALUATOR)
    client = as_user(evaluator)
    theirs = [
        reverse("request_edit", args=[records["request"].pk]),
        reverse("escalation_edit", args=[records["escalation"].pk]),
    ]
    for url in theirs:
        assert client.get(url).status_code == 403, url
    mine = [
        InformationRequestFactory(candidate=candidate, owner=evaluator),
        EscalationFactory(candidate=candidate, owner=evaluator),
    ]
    for record in mine:
        assert client.get(record.get_absolute_url()).status_code == 200, record


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.OBSERVER])
def test_weaker_roles_cannot_post_changes(as_user, member, candidate, records, role):
    client = as_user(member(role))
    posts = [
        (reverse("milestones_edit", args=[candidate.pk]), {"first_engagement": ""}),
        (
            reverse("round_create", args=[candidate.pk]),
            {"agreement": "msa", "sent": "2026-03-01", "reviewers": "1"},
        ),
        (
            reverse("meeting_create", args=[candidate.pk]),
            {"planned": "2026-07-01"},
        ),
        (
            reverse("request_edit", args=[records["request"].pk]),
            {"subject": "changed", "sent": "2026-01-10"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Milestone.objects.count() == 1
    assert AmendmentRound.objects.count() == 1
    assert SteeringMeeting.objects.count() == 1
    assert InformationRequest.objects.get().subject != "changed"


def test_procurement_plans_a_steering_meeting_and_records_it_held(
    as_user, member, candidate
):
    client = as_user(member(Role.PROCUREMENT))
    response = client.post(
        reverse("meeting_create", args=[candidate.pk]),
        {"planned": "2026-07-01", "attendees": "Both project leads"},
    )
    assert response.status_code == 302
    meeting = SteeringMeeting.objects.get(candidate=candidate)
    assert (meeting.planned, meeting.held) == (dt.date(2026, 7, 1), None)
    response = client.post(
        reverse("meeting_edit", args=[meeting.pk]),
        {
            "planned": "2026-07-01",
            "held": "2026-07-02",
            "attendees": "Both project leads",
            "outcome": "Agreed the tech-transfer plan",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held == dt.date(2026, 7, 2)
    page = client.get(reverse("candidate_negotiations", args=[candidate.pk]))
    assert "Agreed the tech-transfer plan" in page.content.decode()


def test_observer_sees_records_without_edit_controls(
    as_user, member, candidate, records
):
    html = (
        as_user(member(Role.OBSERVER))
        .get(reverse("candidate_negotiations", args=[candidate.pk]))
        .content.decode()
    )
    assert records["request"].subject in html
    assert records["escalation"].question in html
    assert "Log an information request" not in html
    assert "Edit" not in html


def test_evaluator_sees_edit_only_on_what_they_own(as_user, member, candidate):
    evaluator = member(Role.EVALUATOR)
    InformationRequestFactory(candidate=candidate, subject="Mine", owner=evaluator)
    InformationRequestFactory(candidate=candidate, subject="Theirs")
    html = (
        as_user(evaluator)
        .get(reverse("candidate_negotiations", args=[candidate.pk]))
        .content.decode()
    )
    assert '<span class="visually-hidden"> Mine</span>' in html
    assert '<span class="visually-hidden"> Theirs</span>' not in html
    assert "Log an information request" in html
    assert "Add an amendment round" not in html


def test_empty_submissions_get_required_errors(as_user, member, candidate):
    client = as_user(member(Role.PROCUREMENT))
    for name in (
        "request_create",
        "round_create",
        "escalation_create",
        "meeting_create",
    ):
        response = client.post(reverse(name, args=[candidate.pk]), {})
        assert response.status_code == 400, name
        assert "This field is required." in response.content.decode()
    assert not InformationRequest.objects.exists()
    assert not Escalation.objects.exists()
    assert not SteeringMeeting.objects.exists()


# --- what the pages show --------------------------------------------------------------


def test_requests_list_days_overdue_median_and_trend(as_user, member, candidate):
    for sent, due, answered in [
        ("2026-03-02", "2026-03-09", "2026-03-04"),  # 2 days
        ("2026-04-01", "2026-04-08", "2026-04-07"),  # 6 days
        ("2026-05-04", "2026-05-11", None),  # open: 57 days to 06-30, overdue
    ]:
        InformationRequestFactory(
            candidate=candidate, sent=sent, due=due, answered=answered
        )
    html = (
        as_user(member(Role.OBSERVER))
        .get(reverse("candidate_negotiations", args=[candidate.pk]))
        .content.decode()
    )
    assert "Median answer: <strong>6.0 days</strong>" in html
    assert "<strong>33 %</strong>" in html
    assert "getting slower (+27.5 days per request)" in html
    assert html.count('class="table-danger"') == 1
    assert "Overdue</span>" in html
    assert "57 <span" in html


def test_agreement_past_two_rounds_shows_the_warning(as_user, member, candidate):
    agreement = AgreementFactory(candidate=candidate)
    client = as_user(member(Role.PROCUREMENT))
    url = reverse("candidate_negotiations", args=[candidate.pk])
    for number in (1, 2):
        AmendmentRoundFactory(agreement=agreement, number=number, reviewers=7)
    assert "more than two rounds" not in client.get(url).content.decode()
    AmendmentRoundFactory(agreement=agreement, number=3, reviewers=7, returned=None)
    html = client.get(url).content.decode()
    assert (
        "MSA is on round 3 — more than 2 rounds suggests too many people weigh in."
        in html
    )
    assert "3 rounds, up to 7 reviewers per round" in html
    # Bureaucracy shows: the page suggests a steering committee, none exists yet.
    assert "set up a steering-committee cadence" in html
    assert "None exists yet." in html
    SteeringMeetingFactory(candidate=candidate, planned=dt.date(2026, 7, 15))
    html = client.get(url).content.decode()
    assert "A steering-committee cadence exists" in html
    assert "Next: 15 Jul 2026." in html


def test_timeline_shows_months_elapsed_and_a_text_alternative(
    as_user, member, candidate
):
    MilestoneFactory(candidate=candidate, date=dt.date(2025, 11, 3))
    MilestoneFactory(candidate=candidate, kind="cda_signed", date=dt.date(2025, 11, 20))
    html = (
        as_user(member(Role.OBSERVER))
        .get(reverse("candidate_negotiations", args=[candidate.pk]))
        .content.decode()
    )
    assert "7.9 months since first engagement" in html  # 239 days / 30.44
    assert 'role="img"' in html
    assert '<th scope="row">CDA signed</th><td>20 Nov 2025</td>' in html


def test_candidate_page_summarises_negotiations(as_user, member, candidate):
    MilestoneFactory(candidate=candidate, date=dt.date(2025, 11, 3))
    InformationRequestFactory(candidate=candidate)
    html = (
        as_user(member(Role.OBSERVER))
        .get(candidate.get_absolute_url())
        .content.decode()
    )
    assert 'id="negotiations"' in html
    assert "7.9 months since first engagement." in html
    assert reverse("candidate_negotiations", args=[candidate.pk]) in html


def test_responsiveness_compares_candidates_with_the_target(
    as_user, member, evaluation, candidate
):
    evaluation.response_target_days = 3
    evaluation.save()
    slow = CandidateFactory(evaluation=evaluation)
    InformationRequestFactory(
        candidate=candidate, sent="2026-03-02", due=None, answered="2026-03-04"
    )
    InformationRequestFactory(
        candidate=slow, sent="2026-03-02", due=None, answered="2026-03-12"
    )
    html = (
        as_user(member(Role.OBSERVER))
        .get(reverse("responsiveness", args=[evaluation.key]))
        .content.decode()
    )
    assert "Response target: 3 days." in html
    assert html.count("slower than target") == 1
    assert "10.0 <span" in html and "2.0</td>" in html


def test_candidate_page_and_responsiveness_count_the_same_requests(
    as_user, member, evaluation, candidate
):
    # as_of is 30 Jun 2026: the July request had not been sent yet.
    InformationRequestFactory(
        candidate=candidate, sent="2026-03-02", due="2026-03-06", answered="2026-03-04"
    )
    InformationRequestFactory(
        candidate=candidate, sent="2026-04-01", due="2026-04-05", answered=None
    )
    InformationRequestFactory(
        candidate=candidate, sent="2026-07-15", due="2026-07-20", answered=None
    )
    client = as_user(member(Role.OBSERVER))
    detail = client.get(candidate.get_absolute_url()).content.decode()
    table = client.get(reverse("responsiveness", args=[evaluation.key]))
    table = table.content.decode()
    assert '<div class="stat">1 / 2</div>' in detail
    link = reverse("candidate_negotiations", args=[candidate.pk])
    row = table.split(f'href="{link}"')[1].split("</tr>")[0]
    assert "<td>2</td>" in row  # requests sent by as_of
    assert "<td>50 %</td>" in row  # one of them overdue


def test_responsiveness_flags_rounds_and_late_signature_per_row(
    as_user, member, evaluation, candidate
):
    # as_of is 30 Jun 2026.
    two = CandidateFactory(evaluation=evaluation)
    signed = CandidateFactory(evaluation=evaluation)
    agreement = AgreementFactory(candidate=candidate)
    for number in (1, 2, 3):
        AmendmentRoundFactory(agreement=agreement, number=number)
    MilestoneFactory(candidate=candidate, date=dt.date(2025, 9, 1))  # ~10 months
    agreement = AgreementFactory(candidate=two)
    for number in (1, 2):
        AmendmentRoundFactory(agreement=agreement, number=number)
    MilestoneFactory(candidate=two, date=dt.date(2026, 1, 5))  # under 6 months
    MilestoneFactory(candidate=signed, date=dt.date(2025, 6, 1))
    MilestoneFactory(candidate=signed, kind="msa_signed", date=dt.date(2026, 5, 1))
    html = (
        as_user(member(Role.OBSERVER))
        .get(reverse("responsiveness", args=[evaluation.key]))
        .content.decode()
    )

    def row(c):
        link = reverse("candidate_negotiations", args=[c.pk])
        return html.split(f'href="{link}"')[1].split("</tr>")[0]

    assert "past two" in row(candidate) and "past 9 months" in row(candidate)
    assert "past two" not in row(two) and "past 9 months" not in row(two)
    assert "signed" in row(signed) and "past 9 months" not in row(signed)


def test_lead_sets_the_response_target_and_date(as_user, member, evaluation):
    lead = member(Role.LEAD)
    url = reverse("evaluation_edit", args=[evaluation.key])
    data = {
        "name": evaluation.name,
        "program": evaluation.program,
        "as_of": "2026-06-30",
        "response_target_days": "0",
    }
    response = as_user(lead).post(url, data)
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
    response = as_user(lead).post(url, {**data, "response_target_days": "4"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.response_target_days, evaluation.as_of) == (
        4,
        dt.date(2026, 6, 30),
    )
    assert as_user(member(Role.PROCUREMENT)).get(url).status_code == 403


# --- constant query counts ------------------------------------------------------------


def _grow(candidate, n):
    agreement = AgreementFactory(candidate=candidate)
    for i in range(n):
        InformationRequestFactory(candidate=candidate)
        EscalationFactory(candidate=candidate)
        SteeringMeetingFactory(candidate=candidate)
        AmendmentRoundFactory(
            agreement=agreement,
            number=i + 1,
            sent=dt.date(2026, 1, 1) + dt.timedelta(days=2 * i),
            returned=dt.date(2026, 1, 1) + dt.timedelta(days=2 * i + 1),
        )


@pytest.mark.parametrize("n", [3, 30])
def test_negotiations_page_queries_are_constant(
    as_user, member, candidate, django_assert_max_num_queries, n
):
    client = as_user(member(Role.EVALUATOR))
    _grow(candidate, n)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("candidate_negotiations", args=[candidate.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Request number") == n


@pytest.mark.parametrize("n", [3, 30])
def test_responsiveness_queries_are_constant(
    as_user, member, evaluation, django_assert_max_num_queries, n
):
    client = as_user(member(Role.OBSERVER))
    for _ in range(n):
        candidate = CandidateFactory(evaluation=evaluation)
        InformationRequestFactory(candidate=candidate)
        AmendmentRoundFactory(agreement=AgreementFactory(candidate=candidate))
        EscalationFactory(candidate=candidate)
        MilestoneFactory(candidate=candidate)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("responsiveness", args=[evaluation.key]))
    assert f"{n} candidates" in response.content.decode()
