"""History pages and the reasons the audit trail keeps (issue #14)."""

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from scorecards.models import ConsensusRating, PlanCategory, PlanCriterion, Rating
from scorecards.rating import services as rating_services

pytestmark = pytest.mark.django_db


def _entries(model, **filters):
    return AuditEntry.objects.get_for_model(model).filter(**filters).order_by("pk")


def _history(client, evaluation, **query):
    return client.get(
        reverse("evaluation_history", args=[evaluation.key]), query
    ).content.decode()


def _csv(client, evaluation, **query):
    response = client.get(reverse("history_csv", args=[evaluation.key]), query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_weight_reason_is_kept_and_shown(scoring_evaluation, as_user):
    client = as_user(scoring_evaluation.lead)
    weights = {
        f"w-{c.key}": c.weight
        for c in PlanCategory.objects.filter(plan__evaluation=scoring_evaluation)
    }
    weights["w-culture"] = 30
    weights["reason"] = "Leadership asked to weigh culture double."
    client.post(reverse("what_if", args=[scoring_evaluation.key]), weights)
    culture = PlanCategory.objects.get(
        plan__evaluation=scoring_evaluation, key="culture"
    )
    (entry,) = _entries(PlanCategory, object_id=culture.pk, action=1)
    assert entry.reason == "Leadership asked to weigh culture double."
    assert entry.changes["weight"] == [15, 30]
    assert entry.actor == scoring_evaluation.lead
    assert entry.cid.startswith("req-")
    page = _history(client, scoring_evaluation)
    assert "Leadership asked to weigh culture double." in page
    assert '15 <span aria-hidden="true">→</span>' in page
    rows = _csv(client, scoring_evaluation)
    (row,) = [r for r in rows if r["reason"].startswith("Leadership")]
    assert (row["field"], row["from"], row["to"]) == ("Weight", "15", "30")


def test_every_consensus_change_keeps_its_reason(
    candidate, scoring_evaluation, member, declared, fill, as_user
):
    fill(declared(member("evaluator")), candidate, score=5)
    criterion = PlanCriterion.objects.get(
        plan__evaluation=scoring_evaluation, key="openness"
    )
    lead = as_user(scoring_evaluation.lead)
    url = reverse("consensus_record", args=[candidate.pk, criterion.pk])
    lead.post(url, {"score": "4", "reason": "Agreed at the debrief"})
    lead.post(url, {"score": "2", "reason": "The site visit changed our minds"})
    consensus = ConsensusRating.objects.get()
    assert consensus.score == 2
    entries = _entries(ConsensusRating, object_id=consensus.pk)
    assert [(e.reason, e.changes["score"][1]) for e in entries] == [
        ("Agreed at the debrief", 4),
        ("The site visit changed our minds", 2),
    ]
    assert entries[1].changes["score"] == [4, 2]
    page = lead.get(
        reverse(
            "record_history", args=[scoring_evaluation.key, "candidate", candidate.pk]
        )
    ).content.decode()
    assert "Agreed at the debrief" in page
    assert "The site visit changed our minds" in page


def test_every_reopen_keeps_its_reason_and_the_first_rationale_stays(
    candidate, scoring_evaluation, member, declared, fill, as_user, scorecard_criteria
):
    evaluator = declared(member("evaluator"))
    sc = fill(evaluator, candidate, score=5)
    url = reverse("scorecard_reopen", args=[sc.pk])
    lead = as_user(scoring_evaluation.lead)
    lead.post(url, {"reason": "Rated the wrong site"})
    criterion = scorecard_criteria[0]
    rating = Rating.objects.get(scorecard=sc, criterion=criterion)
    rating_services.rating_save(
        scorecard=sc,
        criterion=criterion,
        score=4,
        rationale="The bulk site is the one we visited",
        seen_version=rating.version,
        by=evaluator,
    )
    rating_services.scorecard_submit(scorecard=sc, by=evaluator)
    lead.post(url, {"reason": "One more look after the audit"})
    reasons = [e.reason for e in _entries(type(sc), object_id=sc.pk) if e.reason]
    assert reasons == ["Rated the wrong site", "One more look after the audit"]
    rationales = [
        e.changes["rationale"]
        for e in _entries(Rating, object_id=rating.pk)
        if "rationale" in e.changes
    ]
    assert rationales[0][1] == "because"
    assert rationales[-1] == ["because", "The bulk site is the one we visited"]


def test_history_is_blind_like_the_ratings_and_so_is_the_csv(
    candidate, scoring_evaluation, member, declared, fill, as_user
):
    first = declared(member("evaluator", username="first"))
    second = declared(member("evaluator", username="second"))
    fill(first, candidate, score=5)
    fill(second, candidate, score=3, submit=False)
    client = as_user(second)
    assert "first&#x27;s scorecard" not in _history(
        client, scoring_evaluation, actor=first.pk
    )
    # their own changes stay visible
    assert "second&#x27;s scorecard" in _history(client, scoring_evaluation)
    assert not [r for r in _csv(client, scoring_evaluation) if "first's" in r["record"]]
    record = client.get(
        reverse(
            "record_history", args=[scoring_evaluation.key, "candidate", candidate.pk]
        )
    ).content.decode()
    assert "first&#x27;s scorecard" not in record
    first_rating = Rating.objects.filter(scorecard__evaluator=first).first()
    assert (
        client.get(
            reverse(
                "record_history",
                args=[scoring_evaluation.key, "rating", first_rating.pk],
            )
        ).status_code
        == 404
    )
    # Once second submits, the candidate's ratings are theirs to read.
    rating_services.scorecard_submit(
        scorecard=Rating.objects.filter(scorecard__evaluator=second).first().scorecard,
        by=second,
    )
    assert "first&#x27;s scorecard" in _history(
        client, scoring_evaluation, actor=first.pk
    )
    assert [r for r in _csv(client, scoring_evaluation) if "first's" in r["record"]]


def test_history_filters_by_person_and_kind(
    candidate, scoring_evaluation, member, declared, fill, as_user
):
    first = declared(member("evaluator", username="first"))
    fill(first, candidate, score=5)
    client = as_user(scoring_evaluation.lead)
    by_first = _csv(client, scoring_evaluation, actor=first.pk)
    assert by_first and {r["who"] for r in by_first} == {"first"}
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(ConsensusRating).pk
    assert _csv(client, scoring_evaluation, kind=kind) == []
    assert "No changes match." in _history(client, scoring_evaluation, kind=kind)


def test_strangers_get_404_for_history(scoring_evaluation, stranger, as_user):
    client = as_user(stranger)
    for name in ("evaluation_history", "history_csv"):
        assert (
            client.get(reverse(name, args=[scoring_evaluation.key])).status_code == 404
        )
