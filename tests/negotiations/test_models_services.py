"""Negotiation writes: date rules refused with a message and nothing saved, round
numbering, redlines, ownership, reminders sent once, results marked stale."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEntry
from negotiations import services, tasks
from negotiations.models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
)
from partners.events import inputs_changed
from partners.models import Role
from tests.factories import (
    AgreementFactory,
    AmendmentRoundFactory,
    CandidateFactory,
    EscalationFactory,
    InformationRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def candidate(evaluation):
    return CandidateFactory(evaluation=evaluation)


def round_data(**extra):
    return {
        "agreement": "msa",
        "sent_by": "sponsor",
        "sent": "2026-02-01",
        "returned": "2026-02-09",
        "reviewers": "3",
        "comments": "14",
        "actionable_comments": "12",
        **extra,
    }


def add_round(candidate, user, sent, returned=None, kind="msa", reviewers=3):
    return services.round_add(
        candidate=candidate,
        kind=kind,
        round_=AmendmentRound(
            sent=sent, returned=returned, reviewers=reviewers, comments=4
        ),
        by=user,
    )


# --- dates that make no sense are refused, next to the field, and nothing is saved ---


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        (
            {"sent": "2026-03-10", "answered": "2026-03-09"},
            "Answered before it was sent: the answer date must be on or after "
            "2026-03-10.",
        ),
        (
            {"sent": "2026-03-10", "due": "2026-03-01"},
            "Due before it was sent: the due date must be on or after 2026-03-10.",
        ),
    ],
    ids=["answered-before-sent", "due-before-sent"],
)
def test_request_dates_out_of_order_are_refused(
    as_user, member, candidate, data, field_message
):
    response = as_user(member(Role.PROCUREMENT)).post(
        reverse("request_create", args=[candidate.pk]),
        {"subject": "Batch record template", **data},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert field_message in html
    assert "Nothing was saved." in html
    assert 'value="Batch record template"' in html  # input kept
    assert not InformationRequest.objects.exists()


def test_round_returned_before_sent_is_refused(as_user, member, candidate):
    response = as_user(member(Role.PROCUREMENT)).post(
        reverse("round_create", args=[candidate.pk]),
        round_data(sent="2026-02-10", returned="2026-02-01"),
    )
    assert response.status_code == 400
    assert "Returned before it was sent" in response.content.decode()
    assert not AmendmentRound.objects.exists()
    assert not Agreement.objects.exists()


def test_round_three_sent_before_round_two_returned_is_refused(
    as_user, member, candidate
):
    user = member(Role.PROCUREMENT)
    add_round(candidate, user, dt.date(2026, 2, 1), dt.date(2026, 2, 9))
    add_round(candidate, user, dt.date(2026, 2, 12), dt.date(2026, 3, 1))
    response = as_user(user).post(
        reverse("round_create", args=[candidate.pk]),
        round_data(sent="2026-02-20", returned=""),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sent before round 2 was returned (2026-03-01)" in html
    assert 'value="2026-02-20"' in html
    assert AmendmentRound.objects.count() == 2
    # On the return day itself it is accepted, as round 3.
    response = as_user(user).post(
        reverse("round_create", args=[candidate.pk]),
        round_data(sent="2026-03-01", returned=""),
    )
    assert response.status_code == 302
    assert list(AmendmentRound.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_next_round_waits_for_the_previous_return(candidate, member):
    user = member(Role.PROCUREMENT)
    add_round(candidate, user, dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as exc:
        add_round(candidate, user, dt.date(2026, 3, 1))
    assert "Round 1 has not been returned yet" in str(exc.value)
    assert AmendmentRound.objects.count() == 1


def test_editing_a_round_keeps_it_between_its_neighbours(as_user, member, candidate):
    user = member(Role.PROCUREMENT)
    first = add_round(candidate, user, dt.date(2026, 2, 1), dt.date(2026, 2, 9))
    add_round(candidate, user, dt.date(2026, 2, 12))
    response = as_user(user).post(
        reverse("round_edit", args=[first.pk]),
        round_data(sent="2026-02-01", returned="2026-02-20"),
    )
    assert response.status_code == 400
    assert "Returned after round 2 was sent (2026-02-12)" in response.content.decode()
    first.refresh_from_db()
    assert first.returned == dt.date(2026, 2, 9)


def test_actionable_comments_cannot_outnumber_comments(as_user, member, candidate):
    response = as_user(member(Role.LEAD)).post(
        reverse("round_create", args=[candidate.pk]),
        round_data(comments="3", actionable_comments="5"),
    )
    assert response.status_code == 400
    assert "Actionable comments (5) cannot outnumber the comments (3)." in (
        response.content.decode()
    )
    assert not AmendmentRound.objects.exists()


def test_decision_before_the_question_was_raised_is_refused(as_user, member, candidate):
    response = as_user(member(Role.PROCUREMENT)).post(
        reverse("escalation_create", args=[candidate.pk]),
        {
            "question": "Liability cap",
            "raised": "2026-04-10",
            "decided": "2026-04-01",
            "stakeholders": "4",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Decided before it was raised" in html
    assert "Liability cap" in html
    assert not Escalation.objects.exists()


def test_milestones_before_first_engagement_are_refused(as_user, member, candidate):
    url = reverse("milestones_edit", args=[candidate.pk])
    client = as_user(member(Role.PROCUREMENT))
    response = client.post(
        url,
        {
            "first_engagement": "2025-11-03",
            "cda_signed": "2025-10-01",
            "msa_draft": "2026-03-01",
            "msa_signed": "2026-02-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Before the first engagement (2025-11-03)." in html
    assert "The MSA cannot be signed before its draft was received" in html
    # The service's refusal sits next to the field it concerns.
    assert re.search(
        r'id="id_cda_signed_error"[^>]*>\s*<span[^>]*><strong>Before the first', html
    )
    assert re.search(
        r'id="id_msa_signed_error"[^>]*>\s*<span[^>]*><strong>The MSA cannot', html
    )
    assert not Milestone.objects.exists()
    response = client.post(
        url, {"first_engagement": "2025-11-03", "cda_signed": "2025-11-20"}
    )
    assert response.status_code == 302
    assert dict(Milestone.objects.values_list("kind", "date")) == {
        "first_engagement": dt.date(2025, 11, 3),
        "cda_signed": dt.date(2025, 11, 20),
    }
    # Clearing a recorded date needs a reason, and then removes that milestone.
    response = client.post(url, {"first_engagement": "2025-11-03"})
    assert response.status_code == 400
    assert "Say why a recorded date is cleared." in response.content.decode()
    assert Milestone.objects.count() == 2
    client.post(
        url, {"first_engagement": "2025-11-03", "reason": "The CDA was never signed"}
    )
    assert list(Milestone.objects.values_list("kind", flat=True)) == [
        "first_engagement"
    ]
    removed = AuditEntry.objects.get(content_type__model="milestone", action=2)
    assert removed.reason == "The CDA was never signed"
    assert removed.changes["date"] == ["2025-11-20", None]


@pytest.mark.parametrize(
    "call",
    [
        lambda c, u: services.request_save(
            info_request=InformationRequest(
                candidate=c,
                subject="x",
                sent=dt.date(2026, 3, 10),
                answered=dt.date(2026, 3, 1),
            ),
            by=u,
        ),
        lambda c, u: services.escalation_save(
            escalation=Escalation(
                candidate=c,
                question="x",
                raised=dt.date(2026, 3, 10),
                decided=dt.date(2026, 3, 1),
            ),
            by=u,
        ),
        lambda c, u: services.milestones_save(
            candidate=c,
            dates={
                "first_engagement": dt.date(2026, 1, 1),
                "rfp_issued": dt.date(2025, 12, 1),
            },
            by=u,
        ),
        lambda c, u: add_round(c, u, dt.date(2026, 3, 10), dt.date(2026, 3, 1)),
    ],
    ids=["request", "escalation", "milestones", "round"],
)
def test_services_recheck_the_rules_whoever_calls_them(candidate, call):
    with pytest.raises(ValidationError):
        call(candidate, UserFactory())
    assert not InformationRequest.objects.exists()
    assert not Escalation.objects.exists()
    assert not Milestone.objects.exists()
    assert not AmendmentRound.objects.exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda c: InformationRequestFactory(
            candidate=c, sent=dt.date(2026, 3, 10), answered=dt.date(2026, 3, 1)
        ),
        lambda c: EscalationFactory(
            candidate=c, raised=dt.date(2026, 3, 10), decided=dt.date(2026, 3, 1)
        ),
        lambda c: AmendmentRoundFactory(
            agreement=AgreementFactory(candidate=c),
            sent=dt.date(2026, 3, 10),
            returned=dt.date(2026, 3, 1),
        ),
        lambda c: AmendmentRoundFactory(
            agreement=AgreementFactory(candidate=c), comments=1, actionable_comments=2
        ),
    ],
    ids=["request", "escalation", "round", "actionable"],
)
def test_the_database_refuses_out_of_order_rows_too(candidate, make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make(candidate)


# --- defaults, numbering, owners ------------------------------------------------------


def test_request_without_due_date_is_due_after_the_response_target(candidate, member):
    candidate.evaluation.response_target_days = 7
    candidate.evaluation.save()
    user = member(Role.EVALUATOR)
    saved = services.request_save(
        info_request=InformationRequest(
            candidate=candidate, subject="SMF", sent=dt.date(2026, 3, 2)
        ),
        by=user,
    )
    assert saved.due == dt.date(2026, 3, 9)
    assert saved.owner == user
    assert saved.created_by == user


def test_owner_must_be_a_member(candidate, member):
    with pytest.raises(ValidationError) as exc:
        services.request_save(
            info_request=InformationRequest(
                candidate=candidate,
                subject="SMF",
                sent=dt.date(2026, 3, 2),
                owner=UserFactory(),
            ),
            by=member(Role.PROCUREMENT),
        )
    assert exc.value.message_dict == {
        "owner": ["The owner must be a member of this evaluation."]
    }


def test_escalation_owner_must_be_a_member(candidate, member):
    with pytest.raises(ValidationError) as exc:
        services.escalation_save(
            escalation=Escalation(
                candidate=candidate,
                question="Liability cap",
                raised=dt.date(2026, 3, 2),
                owner=UserFactory(),
            ),
            by=member(Role.PROCUREMENT),
        )
    assert exc.value.message_dict == {
        "owner": ["The owner must be a member of this evaluation."]
    }
    assert not Escalation.objects.exists()


def test_rounds_are_numbered_per_agreement(candidate, member):
    user = member(Role.PROCUREMENT)
    add_round(candidate, user, dt.date(2026, 2, 1), dt.date(2026, 2, 5))
    add_round(candidate, user, dt.date(2026, 2, 2), kind="quality_agreement")
    third = add_round(candidate, user, dt.date(2026, 2, 6))
    assert third.number == 2
    assert Agreement.objects.filter(candidate=candidate).count() == 2


def test_evaluator_edits_own_requests_only(as_user, member, candidate):
    evaluator = member(Role.EVALUATOR)
    client = as_user(evaluator)
    response = client.get(reverse("request_create", args=[candidate.pk]))
    assert 'name="owner"' not in response.content.decode()
    response = client.post(
        reverse("request_create", args=[candidate.pk]),
        {"subject": "Site master file", "sent": "2026-03-02"},
    )
    assert response.status_code == 302
    own = InformationRequest.objects.get()
    assert own.owner == evaluator
    others = InformationRequestFactory(
        candidate=candidate, owner=member(Role.PROCUREMENT)
    )
    assert client.get(reverse("request_edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("request_edit", args=[others.pk])).status_code == 403
    response = client.post(
        reverse("request_edit", args=[others.pk]),
        {"subject": "hijacked", "sent": "2026-01-10"},
    )
    assert response.status_code == 403
    others.refresh_from_db()
    assert others.subject != "hijacked"


# --- redlines follow the evidence upload rules ---------------------------------------


def test_redline_checked_by_content_and_nothing_stored_when_refused(
    as_user, member, candidate, _private_files_in_tmp
):
    client = as_user(member(Role.PROCUREMENT))
    response = client.post(
        reverse("round_create", args=[candidate.pk]),
        round_data(redline_file=SimpleUploadedFile("redline.pdf", b"<html>x</html>")),
    )
    assert response.status_code == 400
    assert "is not a PDF, PNG, JPEG, DOCX or XLSX" in response.content.decode()
    assert not AmendmentRound.objects.exists()
    files = _private_files_in_tmp
    assert not files.exists() or not [p for p in files.rglob("*") if p.is_file()]

    response = client.post(
        reverse("round_create", args=[candidate.pk]),
        round_data(redline_file=SimpleUploadedFile("MSA v1 redline.pdf", PDF)),
    )
    assert response.status_code == 302
    round_ = AmendmentRound.objects.get()
    assert round_.redline_name == "MSA v1 redline.pdf"
    assert round_.redline_content_type == "application/pdf"
    assert "redline" not in round_.redline.name.split("/")[-1]
    download = as_user(member(Role.OBSERVER)).get(
        reverse("redline_download", args=[round_.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_redline_written_then_refused_by_the_service_is_deleted(
    candidate, member, _private_files_in_tmp
):
    user = member(Role.PROCUREMENT)
    add_round(candidate, user, dt.date(2026, 2, 1))  # still out
    with pytest.raises(ValidationError):
        services.round_add(
            candidate=candidate,
            kind="msa",
            round_=AmendmentRound(sent=dt.date(2026, 3, 1)),
            redline=SimpleUploadedFile("r.pdf", PDF),
            by=user,
        )
    files = _private_files_in_tmp
    assert not files.exists() or not [p for p in files.rglob("*") if p.is_file()]


def test_failed_redline_replacement_deletes_the_new_file_and_keeps_the_old(
    candidate, member, _private_files_in_tmp, monkeypatch
):
    user = member(Role.PROCUREMENT)
    round_ = services.round_add(
        candidate=candidate,
        kind="msa",
        round_=AmendmentRound(sent=dt.date(2026, 2, 1)),
        redline=SimpleUploadedFile("v1.pdf", PDF),
        by=user,
    )
    old = round_.redline.name

    def fail(**kwargs):
        raise RuntimeError("after the new redline was written")

    monkeypatch.setattr(services, "notify_inputs_changed", fail)
    round_ = AmendmentRound.objects.get(pk=round_.pk)
    with pytest.raises(RuntimeError):
        services.round_update(
            round_=round_, redline=SimpleUploadedFile("v2.pdf", PDF), by=user
        )
    files = [p for p in _private_files_in_tmp.rglob("*") if p.is_file()]
    assert [p.name for p in files] == [old.split("/")[-1]]
    # An edit without a new redline that fails keeps the stored one too.
    round_ = AmendmentRound.objects.get(pk=round_.pk)
    assert round_.redline.name == old
    with pytest.raises(RuntimeError):
        services.round_update(round_=round_, by=user)
    assert [p for p in _private_files_in_tmp.rglob("*") if p.is_file()] == files


# --- results are marked stale after every write ---------------------------------------


def test_writes_notify_inputs_changed_after_commit(
    candidate, member, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, evaluation_id, **kwargs):
        received.append(evaluation_id)

    inputs_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            add_round(candidate, member(Role.LEAD), dt.date(2026, 2, 1))
    finally:
        inputs_changed.disconnect(listener)
    assert received == [candidate.evaluation_id]


# --- reminders ----------------------------------------------------------------------


TODAY = dt.date(2026, 6, 30)


def test_overdue_reminder_is_sent_once_to_the_owner(candidate, member, settings):
    settings.SITE_URL = "https://cdmo.example.com"
    owner = member(Role.EVALUATOR, email="owner@sponsor.example")
    late = InformationRequestFactory(
        candidate=candidate,
        subject="Batch record template",
        sent=dt.date(2026, 6, 1),
        due=dt.date(2026, 6, 8),
        answered=None,
        owner=owner,
    )
    # Not reminded: answered, due today, no owner.
    InformationRequestFactory(candidate=candidate, owner=owner)
    InformationRequestFactory(
        candidate=candidate, sent=TODAY, due=TODAY, answered=None, owner=owner
    )
    InformationRequestFactory(
        candidate=candidate, due=dt.date(2026, 6, 8), answered=None, owner=None
    )
    assert services.overdue_reminders_send(today=TODAY) == 1
    assert services.overdue_reminders_send(today=TODAY) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@sponsor.example"]
    assert "Batch record template" in message.subject
    assert "22 days overdue" in message.body
    assert (
        f"https://cdmo.example.com/candidates/{candidate.pk}/negotiations/"
        f"#request-{late.pk}" in message.body
    )
    late.refresh_from_db()
    assert late.reminder_sent_at is not None


def test_a_request_claimed_by_another_worker_is_not_sent_again(candidate, member):
    owner = member(Role.PROCUREMENT)
    late = InformationRequestFactory(
        candidate=candidate, due=dt.date(2026, 6, 8), answered=None, owner=owner
    )
    real_claim = services._claim_reminder

    def other_worker_first(request, now):
        # The other worker's conditional UPDATE lands between our read and ours.
        real_claim(request, now)
        return real_claim(request, now)

    with mock.patch.object(services, "_claim_reminder", other_worker_first):
        assert services.overdue_reminders_send(today=TODAY) == 0
    assert mail.outbox == []
    late.refresh_from_db()
    assert late.reminder_sent_at is not None


def test_a_failed_email_releases_the_claim(candidate, member):
    owner = member(Role.PROCUREMENT)
    late = InformationRequestFactory(
        candidate=candidate, due=dt.date(2026, 6, 8), answered=None, owner=owner
    )
    with mock.patch.object(services, "send_mail", side_effect=OSError("smtp down")):
        assert services.overdue_reminders_send(today=TODAY) == 0
    late.refresh_from_db()
    assert late.reminder_sent_at is None
    assert services.overdue_reminders_send(today=TODAY) == 1


def test_a_new_due_date_makes_a_new_reminder_due(candidate, member):
    owner = member(Role.PROCUREMENT)
    late = InformationRequestFactory(
        candidate=candidate, due=dt.date(2026, 6, 8), answered=None, owner=owner
    )
    assert services.overdue_reminders_send(today=TODAY) == 1
    late.due = dt.date(2026, 6, 20)
    services.request_save(info_request=late, by=owner)
    assert services.overdue_reminders_send(today=TODAY) == 1
    assert len(mail.outbox) == 2


def test_the_daily_task_and_the_command_send_reminders(candidate, member):
    owner = member(Role.PROCUREMENT)
    InformationRequestFactory(
        candidate=candidate,
        sent=dt.date(2020, 1, 1),
        due=dt.date(2020, 1, 8),
        answered=None,
        owner=owner,
    )
    assert tasks.send_overdue_reminders.delay().get() == 1
    InformationRequestFactory(
        candidate=candidate,
        sent=dt.date(2020, 1, 1),
        due=dt.date(2020, 1, 8),
        answered=None,
        owner=owner,
    )
    call_command("send_overdue_reminders")
    assert len(mail.outbox) == 2


def test_a_new_request_is_not_complete_before_its_answer(as_user, member, candidate):
    client = as_user(member(Role.PROCUREMENT))
    page = client.get(reverse("request_create", args=[candidate.pk])).content.decode()
    assert 'name="complete"' in page
    assert not re.search(r'<input[^>]*name="complete"[^>]*checked', page)
    response = client.post(
        reverse("request_create", args=[candidate.pk]),
        {"subject": "Batch records", "sent": "2026-03-02", "complete": "on"},
    )
    assert response.status_code == 400
    assert "an answer that has not come cannot be complete" in response.content.decode()
    assert not InformationRequest.objects.exists()
    response = client.post(
        reverse("request_create", args=[candidate.pk]),
        {
            "subject": "Batch records",
            "sent": "2026-03-02",
            "answered": "2026-03-05",
            "complete": "on",
        },
    )
    assert response.status_code == 302
    assert InformationRequest.objects.get().complete


@pytest.mark.parametrize(
    "cadence, badge, text",
    [
        (True, "text-bg-info", "A steering-committee cadence is in place for them."),
        (False, "text-bg-warning", "No steering-committee cadence yet"),
    ],
)
def test_the_bureaucracy_badge_agrees_with_the_governance_it_sits_beside(
    candidate, cadence, badge, text
):
    from django.template.loader import render_to_string

    html = render_to_string(
        "negotiations/_summary.html",
        {
            "candidate": candidate,
            "signals": {},
            "bureaucracy": True,
            "has_cadence": cadence,
        },
    )
    assert badge in html and text in html
    assert ("text-bg-warning" in html) is not cadence
