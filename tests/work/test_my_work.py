""" "My work": what waits for each person, reminders, and the count of new items."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from partners.models import Finding, Role
from scorecards.models import PlanCriterion, ReportJob, Template
from scorecards.rating import services as rating_services
from scorecards.setup import services as setup_services
from scorecards.setup.selectors import selection_plan
from tests.factories import (
    CandidateFactory,
    CdmoFactory,
    EscalationFactory,
    EvaluationFactory,
    FindingFactory,
    InformationRequestFactory,
    MembershipFactory,
    SteeringMeetingFactory,
    UserFactory,
)
from tests.routes import build_world
from work import services
from work.models import Reminder
from work.selectors import my_work, new_since

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 2)  # a Wednesday


def _items(user, today=None):
    return {
        (w.evaluation.key, item.kind, item.title): item
        for w in my_work(user, today=today)
        for item in w.items
    }


def _kinds(user, today=None):
    return sorted({kind for _key, kind, _title in _items(user, today)})


def _scoring(key="ev", candidates=("Acme", "Birch")):
    lead, evaluator, observer = UserFactory(), UserFactory(), UserFactory()
    evaluation = EvaluationFactory(key=key, name=f"Evaluation {key}")
    for user, role in ((lead, Role.LEAD), (evaluator, Role.EVALUATOR)):
        MembershipFactory(evaluation=evaluation, user=user, role=role)
    MembershipFactory(evaluation=evaluation, user=observer, role=Role.OBSERVER)
    setup_services.evaluation_snapshot(
        evaluation=evaluation, template=Template.objects.get(key="biologics"), by=lead
    )
    setup_services.scoring_open(evaluation=evaluation, by=lead)
    made = [
        CandidateFactory(evaluation=evaluation, cdmo=CdmoFactory(name=name))
        for name in candidates
    ]
    return evaluation, lead, evaluator, observer, made


def _fill(scorecard, score_for):
    criteria = PlanCriterion.objects.filter(plan=scorecard.plan).rated_from("scorecard")
    versions = dict(scorecard.ratings.values_list("criterion_id", "version"))
    for criterion in criteria:
        rating_services.rating_save(
            scorecard=scorecard,
            criterion=criterion,
            score=score_for(criterion),
            rationale="Seen at the site visit.",
            seen_version=versions.get(criterion.pk),
            by=scorecard.evaluator,
        )
    return list(criteria)


def test_an_evaluator_declares_then_finishes_each_scorecard_it_may_score():
    evaluation, lead, evaluator, observer, (acme, birch) = _scoring()
    plan = selection_plan(evaluation)
    assert _kinds(evaluator) == ["conflicts"]
    setup_services.conflict_declare(
        plan=plan, evaluator=evaluator, candidates=[birch], text="Former employer."
    )
    items = _items(evaluator)
    assert list(items) == [
        ("ev", "scorecard", "Finish and submit your scorecard for Acme")
    ]  # not Birch: a standing conflict
    total = PlanCriterion.objects.filter(plan=plan).rated_from("scorecard").count()
    assert next(iter(items.values())).detail == f"{total} criteria left"
    card = rating_services.scorecard_start(
        plan=plan, candidate=acme, evaluator=evaluator
    )
    first = PlanCriterion.objects.filter(plan=plan).rated_from("scorecard").first()
    rating_services.rating_save(
        scorecard=card,
        criterion=first,
        score=3,
        rationale="",
        seen_version=None,
        by=evaluator,
    )
    assert next(iter(_items(evaluator).values())).detail == (
        f"{total - 1} criteria left"
    )
    _fill(card, lambda c: 3)
    assert next(iter(_items(evaluator).values())).detail == (
        "every criterion rated: ready to submit"
    )
    rating_services.scorecard_submit(scorecard=card, by=evaluator)
    assert _kinds(evaluator) == []
    assert _kinds(observer) == []  # observers do not score


def test_the_lead_is_asked_for_consensus_and_no_evaluator_sees_it():
    evaluation, lead, evaluator, observer, (acme, _birch) = _scoring()
    plan = selection_plan(evaluation)
    for user in (lead, evaluator):
        setup_services.conflict_declare(
            plan=plan, evaluator=user, candidates=[], text=""
        )
    wide = None
    for user, score in ((lead, 2), (evaluator, 4)):
        card = rating_services.scorecard_start(
            plan=plan, candidate=acme, evaluator=user
        )
        criteria = _fill(card, lambda c: 3)
        wide = criteria[0]
        rating_services.rating_save(
            scorecard=card,
            criterion=wide,
            score=score,
            rationale="Seen at the site visit.",
            seen_version=card.ratings.get(criterion=wide).version,
            by=user,
        )
        rating_services.scorecard_submit(scorecard=card, by=user)
    consensus = [i for i in _items(lead).values() if i.kind == "consensus"]
    assert [(i.title, i.detail) for i in consensus] == [
        (
            "Record consensus for Acme",
            "1 criterion where scorecards differ by 2 or more",
        )
    ]
    assert consensus[0].url == reverse("consensus", args=[acme.pk])
    assert "consensus" not in _kinds(evaluator)
    # The lead records it: the item goes.
    rating_services.consensus_record(
        candidate=acme,
        criterion=wide,
        score=3,
        reason="Agreed at the debrief.",
        by=lead,
    )
    assert "consensus" not in _kinds(lead)


def test_requests_findings_escalations_and_meetings_wait_for_their_owner():
    evaluation, lead, evaluator, observer, (acme, _birch) = _scoring()
    setup_services.scoring_close(evaluation=evaluation, by=lead)
    soon = InformationRequestFactory(
        answered=None,
        candidate=acme,
        subject="Batch records",
        sent=TODAY - dt.timedelta(days=10),
        due=TODAY + dt.timedelta(days=3),
        owner=evaluator,
    )
    late = InformationRequestFactory(
        answered=None,
        candidate=acme,
        subject="Deviation log",
        sent=TODAY - dt.timedelta(days=20),
        due=TODAY - dt.timedelta(days=2),
        owner=evaluator,
    )
    InformationRequestFactory(
        answered=None,  # not due for a month
        candidate=acme,
        sent=TODAY,
        due=TODAY + dt.timedelta(days=30),
        owner=evaluator,
    )
    InformationRequestFactory(
        # answered
        candidate=acme,
        sent=TODAY - dt.timedelta(days=20),
        due=TODAY - dt.timedelta(days=2),
        answered=TODAY - dt.timedelta(days=3),
        owner=evaluator,
    )
    FindingFactory(candidate=acme, owner=evaluator, text="No backup fill line")
    FindingFactory(candidate=acme, owner=evaluator, status=Finding.Status.BRIDGED)
    FindingFactory(candidate=acme, owner=evaluator, kind=Finding.Kind.STRENGTH)
    EscalationFactory(candidate=acme, owner=evaluator, decided=None)
    SteeringMeetingFactory(candidate=acme, planned=TODAY + dt.timedelta(days=5))
    items = list(_items(evaluator, today=TODAY).values())
    # Soonest deadline first, the overdue at the top; undated work after.
    assert [i.kind for i in items][:3] == ["request", "request", "meeting"]
    assert items[0].key == f"request:{late.pk}" and items[0].is_overdue(TODAY)
    assert items[1].key == f"request:{soon.pk}"
    assert sorted(i.kind for i in items) == sorted(
        ["request", "request", "meeting", "escalation", "finding"]
    )
    # The observer sees the meeting (every member does), not the evaluator's items.
    assert _kinds(observer, today=TODAY) == ["meeting"]


def test_a_stranger_sees_nothing_of_an_evaluation_they_do_not_belong_to():
    evaluation, lead, evaluator, observer, (acme, _birch) = _scoring()
    stranger = UserFactory()
    InformationRequestFactory(
        answered=None,  # owned by the stranger, but not their evaluation
        candidate=acme,
        sent=TODAY - dt.timedelta(days=5),
        due=TODAY + dt.timedelta(days=1),
        owner=stranger,
    )
    SteeringMeetingFactory(candidate=acme, planned=TODAY + dt.timedelta(days=5))
    assert my_work(stranger, today=TODAY) == []


def test_the_world_gives_each_role_its_own_items():
    world = build_world()
    lead, procurement = world.users["lead"], world.users["procurement"]
    assert "signature" in _kinds(lead)
    assert "signature" in _kinds(procurement)
    assert "scorecard" in _kinds(lead) and "scorecard" in _kinds(
        world.users["evaluator"]
    )
    assert "scorecard" not in _kinds(procurement)
    stranger = world.users["stranger"]  # a lead of another evaluation
    assert all(w.evaluation.key != "abx" for w in my_work(stranger))


def test_a_report_asked_for_is_listed_once_ready():
    evaluation, lead, *_rest, (acme, _birch) = _scoring()
    job = ReportJob.objects.create(
        evaluation=evaluation,
        candidate=acme,
        kind=ReportJob.Kind.DUE_DILIGENCE,
        requested_by=lead,
    )
    assert "report" not in _kinds(lead)
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.READY, finished_at=timezone.now()
    )
    report = [i for i in _items(lead).values() if i.kind == "report"]
    assert report[0].title == "Due-diligence report on Acme is ready"
    assert report[0].url == job.get_absolute_url()


def test_my_work_is_the_home_page_and_takes_a_fixed_number_of_queries(client):
    user = UserFactory()

    def grow(n):
        for _ in range(n):
            evaluation = EvaluationFactory()
            MembershipFactory(evaluation=evaluation, user=user, role=Role.LEAD)
            candidate = CandidateFactory(evaluation=evaluation)
            InformationRequestFactory(
                answered=None,
                candidate=candidate,
                sent=timezone.localdate() - dt.timedelta(days=3),
                due=timezone.localdate() + dt.timedelta(days=2),
                owner=user,
            )
            FindingFactory(candidate=candidate, owner=user)

    client.force_login(user)
    counts = {}
    for total in (5, 50):
        grow(total - sum(1 for _ in user.memberships.all()))
        client.get("/")  # the first visit also creates the read marker
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/")
        assert response.status_code == 200
        assert response.content.decode().count('class="list-group-item') == 2 * total
        counts[total] = len(ctx)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("work_count")).status_code == 200
        counts[f"count {total}"] = len(ctx)
    assert counts[5] == counts[50], counts
    assert counts["count 5"] == counts["count 50"], counts


def test_the_navigation_counts_what_came_due_since_the_last_visit(client):
    evaluation, lead, evaluator, *_rest, (acme, _birch) = _scoring()
    setup_services.scoring_close(evaluation=evaluation, by=lead)
    client.force_login(evaluator)
    count = reverse("work_count")
    InformationRequestFactory(
        answered=None,
        candidate=acme,
        sent=timezone.localdate() - dt.timedelta(days=3),
        due=timezone.localdate() + dt.timedelta(days=2),
        owner=evaluator,
    )
    assert ">1<" in client.get(count).content.decode()
    html = client.get(reverse("my_work")).content.decode()
    assert "Get an answer to" in html
    assert client.get(count).content.decode().strip() == '<span id="work-count"></span>'
    FindingFactory(candidate=acme, owner=evaluator)
    assert ">1<" in client.get(count).content.decode()
    assert new_since(my_work(evaluator), None) == 2


# --- reminders --------------------------------------------------------------------


def _due_request(acme, owner, days):
    return InformationRequestFactory(
        answered=None,
        candidate=acme,
        subject=f"Due in {days}",
        sent=TODAY - dt.timedelta(days=30),
        due=TODAY + dt.timedelta(days=days),
        owner=owner,
    )


def test_the_digest_names_what_is_due_soon_or_late_once_per_threshold():
    evaluation, lead, evaluator, *_rest, (acme, _birch) = _scoring()
    setup_services.scoring_close(evaluation=evaluation, by=lead)
    late = _due_request(acme, evaluator, -1)
    soon = _due_request(acme, evaluator, 2)
    _due_request(acme, evaluator, 6)  # beyond a daily digest's three days
    assert services.reminders_send(today=TODAY) == 1
    (message,) = mail.outbox
    assert message.to == [evaluator.email]
    assert message.subject == "2 items due soon or overdue (1 overdue)"
    assert "OVERDUE since 1 Dec 2026" in message.body
    assert "due 4 Dec 2026" in message.body
    assert "Due in 6" not in message.body
    assert f"#request-{late.pk}" in message.body
    # Once per item and threshold: the next day brings nothing new...
    assert services.reminders_send(today=TODAY + dt.timedelta(days=1)) == 0
    # ...until the soon one is late.
    assert services.reminders_send(today=TODAY + dt.timedelta(days=3)) == 1
    assert "Due in 2" in mail.outbox[1].body and "Due in -1" not in mail.outbox[1].body
    assert set(
        Reminder.objects.filter(user=evaluator).values_list("item", "threshold")
    ) >= {(f"request:{soon.pk}", "soon"), (f"request:{soon.pk}", "overdue")}


def test_the_profile_switches_the_digest_to_weekly_or_off():
    evaluation, lead, evaluator, *_rest, (acme, _birch) = _scoring()
    _due_request(acme, evaluator, 1)
    accounts_services.profile_update(user=evaluator, by=evaluator, digest="off")
    assert services.reminders_send(today=TODAY) == 0
    accounts_services.profile_update(user=evaluator, by=evaluator, digest="weekly")
    assert services.reminders_send(today=TODAY) == 0  # a Wednesday
    monday = TODAY + dt.timedelta(days=5)
    _due_request(acme, evaluator, 10)  # due the Friday after the Monday
    assert services.reminders_send(today=monday) == 1
    assert "Due in 10" in mail.outbox[0].body


def test_a_digest_that_could_not_be_sent_is_tried_again(monkeypatch):
    evaluation, lead, evaluator, *_rest, (acme, _birch) = _scoring()
    _due_request(acme, evaluator, 1)

    def broken(**kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("work.services.send_mail", broken)
    assert services.reminders_send(today=TODAY) == 0
    assert not Reminder.objects.exists()
    monkeypatch.undo()
    assert services.reminders_send(today=TODAY) == 1


def test_the_command_and_beat_run_the_digest(settings):
    evaluation, lead, evaluator, *_rest, (acme, _birch) = _scoring()
    InformationRequestFactory(
        answered=None,
        candidate=acme,
        sent=timezone.localdate() - dt.timedelta(days=3),
        due=timezone.localdate() + dt.timedelta(days=1),
        owner=evaluator,
    )
    call_command("send_reminders")
    assert len(mail.outbox) == 1
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] == "work.tasks.send_reminders"
    assert entry["schedule"].hour == {6}
