"""Closing scoring, the decision, its electronic signatures, the signed copy,
verifying a copy, changes after the decision and the decision archive (#15).

The report a decision rests on is rendered by a stub (its content does not
matter here, only its bytes and fingerprint); the signed copy is rendered by
WeasyPrint for real and read back with pypdf.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pypdf
import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners import services as partners_services
from partners.models import (
    Candidate,
    CultureInterview,
    Evaluation,
    Finding,
    StageChange,
)
from scorecards.alignment.services import alignment_ensure_fresh
from scorecards.bundles.demo import DEMO_PASSWORD, load_demo
from scorecards.bundles.errors import InvalidBundle
from scorecards.bundles.exporter import export_bundle
from scorecards.bundles.importer import import_bundle
from scorecards.decision import selectors, services
from scorecards.models import Decision, Kind, PlanCriterion, ReportJob
from scorecards.rating import services as rating_services
from scorecards.reports import context as report_context
from scorecards.reports import services as report_services
from scorecards.reports.pdf import RenderInfo
from scorecards.setup import services as setup_services
from scorecards.setup.selectors import selection_plan
from tests.factories import InterviewFactory

STUB = b"%PDF-1.7\n% the report as rendered\n"


@pytest.fixture
def stub_reports(monkeypatch):
    def render(html, *, out_path, **kw):
        Path(out_path).parent.mkdir(parents=True, exist_ok=True)
        Path(out_path).write_bytes(STUB + html[:40].encode())
        return RenderInfo(pages=12, bytes=len(STUB))

    monkeypatch.setattr(report_services, "render_pdf", render)


@pytest.fixture
def demo(db, stub_reports):
    evaluation = next(e for e in load_demo() if e.key == "abx101-ds")
    # The demo is measured as of a day in June; a decision is taken today.
    partners_services.evaluation_update(
        evaluation=evaluation, as_of=None, by=_user("lead")
    )
    # A test's transaction never commits, so the recompute queued on commit
    # does not run: compute the results here.
    alignment_ensure_fresh(plan_id=selection_plan(evaluation).pk, caused_by_id=None)
    return evaluation


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _report(evaluation, candidate):
    lead = _user("lead")
    job = report_services.report_job_create(
        evaluation=evaluation, candidate=candidate, by=lead
    )
    return report_services.report_render(job_id=job.pk)


@pytest.fixture
def closed(demo):
    setup_services.scoring_close(evaluation=demo, by=_user("lead"))
    return demo


def _candidates(evaluation):
    return {c.cdmo.key: c for c in Candidate.objects.filter(evaluation=evaluation)}


def _decide(evaluation, key="northbridge", cosigners=(), report=None):
    cs = _candidates(evaluation)
    chosen = cs[key]
    return services.decision_record(
        evaluation=evaluation,
        selected=chosen,
        rationale="Best alignment on quality culture and the bulk site.",
        declined={c.pk: f"{c.cdmo.name}: weaker alignment" for c in cs.values()},
        report=report or _report(evaluation, chosen),
        cosigners=list(cosigners),
        by=_user("lead"),
    )


# --- closing and reopening scoring --------------------------------------------------


def test_reopening_scoring_needs_a_reason_and_closed_scoring(closed):
    lead = _user("lead")
    with pytest.raises(ValidationError) as no_reason:
        setup_services.scoring_reopen(evaluation=closed, reason=" ", by=lead)
    assert "reason" in no_reason.value.error_dict
    setup_services.scoring_reopen(
        evaluation=closed, reason="A late visit report came in", by=lead
    )
    closed.refresh_from_db()
    assert closed.status == Evaluation.Status.SCORING
    from audit.models import AuditEntry

    entry = AuditEntry.objects.filter(evaluation_id=closed.pk).first()
    assert entry.reason == "A late visit report came in"
    assert entry.changes["status"] == ["closed", "scoring"]
    with pytest.raises(ValidationError, match="not closed"):
        setup_services.scoring_reopen(evaluation=closed, reason="again", by=lead)


def test_evaluators_see_every_result_once_scoring_is_closed(closed, client):
    # Priya submitted three of four candidates: blind, she could not see the
    # ranking; once scoring is closed she does.
    client.force_login(_user("evaluator2"))
    page = client.get(reverse("dashboard", args=[closed.key])).content.decode()
    assert '<h2 class="h4" id="ranking-h">Ranking</h2>' in page
    assert "Scores by candidate name" not in page


# --- the decision's rules ------------------------------------------------------------


def test_a_decision_needs_scoring_closed(demo):
    with pytest.raises(ValidationError, match="Close scoring"):
        _decide(demo)


def test_a_decision_states_why_for_the_selection_and_each_declined(closed):
    cs = _candidates(closed)
    chosen = cs["northbridge"]
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            evaluation=closed,
            selected=chosen,
            rationale="",
            declined={cs["sakura"].pk: "Too small for our volumes"},
            report=_report(closed, chosen),
            by=_user("lead"),
        )
    errors = refused.value.error_dict
    assert "rationale" in errors
    assert f"declined-{cs['helvetica'].pk}" in errors
    assert f"declined-{cs['cascadia'].pk}" in errors
    assert f"declined-{cs['sakura'].pk}" not in errors
    assert f"declined-{chosen.pk}" not in errors
    assert not Decision.objects.exists()


def test_the_report_must_be_the_selected_candidates_and_current(closed):
    cs = _candidates(closed)
    other = _report(closed, cs["helvetica"])
    with pytest.raises(ValidationError) as wrong:
        _decide(closed, report=other)
    assert "due-diligence report of Northbridge" in str(
        wrong.value.error_dict["report"]
    )

    stale = _report(closed, cs["northbridge"])
    ReportJob.objects.filter(pk=stale.pk).update(fingerprint="0" * 64)
    stale.refresh_from_db()
    with pytest.raises(ValidationError) as old:
        _decide(closed, report=stale)
    assert "earlier inputs" in str(old.value.error_dict["report"])


def test_none_selected_rests_on_the_comparison_report(closed):
    cs = _candidates(closed)
    comparison = _report(closed, None)
    decision = services.decision_record(
        evaluation=closed,
        selected=None,
        rationale="No candidate meets the quality bar.",
        declined={c.pk: "Below the quality bar" for c in cs.values()},
        report=comparison,
        by=_user("lead"),
    )
    assert decision.selected is None
    assert {d.candidate_id for d in decision.declined.all()} == {
        c.pk for c in cs.values()
    }
    stages = Candidate.objects.filter(evaluation=closed).values_list("stage", flat=True)
    assert set(stages) == {"declined"}


def test_recording_moves_stages_freezes_the_as_of_date_and_asks_for_signatures(
    closed,
):
    decision = _decide(
        closed, cosigners=[(_user("procurement"), "approved for procurement")]
    )
    closed.refresh_from_db()
    assert closed.status == Evaluation.Status.DECIDED
    assert closed.as_of == decision.decided_on == timezone.localdate()
    stages = {c.cdmo.key: c.stage for c in Candidate.objects.filter(evaluation=closed)}
    assert stages == {
        "northbridge": "selected",
        "helvetica": "declined",
        "cascadia": "declined",
        "sakura": "declined",
    }
    move = StageChange.objects.get(candidate__cdmo__key="sakura", to_stage="declined")
    assert move.reason == "Sakura Pharma Services: weaker alignment"
    assert (
        decision.report_sha256 == hashlib.sha256(decision.original.read()).hexdigest()
    )
    assert [
        (s.signer.username, s.meaning, s.is_signed) for s in decision.signatures.all()
    ] == [
        ("lead", "approved as evaluation lead", False),
        ("procurement", "approved for procurement", False),
    ]
    assert decision.standings[0]["rank"] == 1
    # The as-of date is the decision's from now on, and a second decision is refused.
    with pytest.raises(ValidationError) as frozen:
        partners_services.evaluation_update(
            evaluation=closed, as_of=dt.date(2026, 1, 1), by=_user("lead")
        )
    assert "as_of" in frozen.value.error_dict
    with pytest.raises(ValidationError, match="already recorded"):
        _decide(closed)
    with pytest.raises(ValidationError, match="stays closed"):
        setup_services.scoring_reopen(evaluation=closed, reason="x", by=_user("lead"))


def test_only_procurement_and_observers_co_sign(closed):
    with pytest.raises(ValidationError) as refused:
        _decide(closed, cosigners=[(_user("evaluator"), "approved")])
    assert "not procurement or an observer" in str(
        refused.value.error_dict["cosigners"]
    )


# --- signing -------------------------------------------------------------------------


def _sign(client, signature, password, username=None):
    return client.post(
        reverse("decision_sign", args=[signature.pk]),
        {
            "username": username or signature.signer.username,
            "password": password,
            "confirm": "on",
        },
    )


def test_a_wrong_password_signs_nothing_and_counts_against_the_lockout(
    closed, client, settings
):
    decision = _decide(closed)
    lead = _user("lead")
    signature = decision.signatures.get(signer=lead)
    client.force_login(lead)
    response = _sign(client, signature, "not-my-password")
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    signature.refresh_from_db()
    assert not signature.is_signed and not decision.signed_copy
    assert AccessAttempt.objects.get(username="lead").failures_since_start == 1

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign(client, signature, "still-wrong")
    # Locked out as at sign-in: even the right password signs nothing now.
    locked = _sign(client, signature, DEMO_PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    signature.refresh_from_db()
    assert not signature.is_signed


def _pdf_text(data: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_signing_renders_a_pdf_a_3b_copy_that_carries_the_original(closed, client):
    decision = _decide(
        closed, cosigners=[(_user("procurement"), "approved for procurement")]
    )
    lead = _user("lead")
    client.force_login(lead)
    response = _sign(client, decision.signatures.get(signer=lead), DEMO_PASSWORD)
    assert response.status_code == 302
    decision.refresh_from_db()
    signature = decision.signatures.get(signer=lead)
    assert signature.printed_name == "Laura Lindqvist"
    assert signature.sha256 == decision.report_sha256
    assert signature.signed_at is not None

    copy = client.get(reverse("decision_file", args=[closed.key, "signed-copy"]))
    data = b"".join(copy.streaming_content)
    assert hashlib.sha256(data).hexdigest() == decision.signed_copy_sha256
    reader = pypdf.PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(="|>)3', xmp)
    assert re.search(r'pdfaid:conformance(="|>)B', xmp)
    ((name, (attached,)),) = reader.attachments.items()
    assert name == decision.report_name
    assert attached == decision.original.open("rb").read()
    last = " ".join(_pdf_text(data)[-1].split())
    assert (
        decision.report_sha256 in last.replace(" ", "")
        or decision.report_sha256 in last
    )
    assert "Laura Lindqvist" in last and "Approved as evaluation lead" in last
    assert "Paul Moreau" in last and "awaiting signature" in last
    first = " ".join(_pdf_text(data)[0].split())
    assert (
        "Northbridge Biologics" in first
        and "Best alignment on quality culture" in first
    )


def test_a_copy_verifies_against_the_original_and_not_a_changed_file(closed, client):
    decision = _decide(closed)
    original = decision.original.open("rb").read()
    assert selectors.verify(decision, original).matches
    changed = original.replace(b"rendered", b"Rendered")
    assert not selectors.verify(decision, changed).matches

    client.force_login(_user("observer"))
    url = reverse("decision_verify", args=[closed.key])
    ok = client.post(url, {"file": SimpleUploadedFile("r.pdf", original)})
    assert ok.status_code == 200
    assert "This is the report the decision was signed over" in ok.content.decode()
    bad = client.post(url, {"file": SimpleUploadedFile("r.pdf", changed)})
    assert "is not the signed report" in bad.content.decode()


# --- what the signature covers -------------------------------------------------------


def test_a_rating_changed_after_the_decision_is_flagged_with_what_changed(
    closed, client
):
    decision = _decide(closed)
    assert selectors.changes_since(decision) == []
    lead = _user("lead")
    cs = _candidates(closed)
    criterion = PlanCriterion.objects.filter(
        plan=selection_plan(closed), kind=Kind.RATED
    ).first()
    rating_services.consensus_record(
        candidate=cs["northbridge"],
        criterion=criterion,
        score=2,
        reason="Recalibrated after the audit",
        by=lead,
    )
    # A rating an interview held before the decision gives, changed after it.
    interview = CultureInterview.objects.filter(
        candidate=cs["northbridge"], date__lte=decision.decided_on
    ).first()
    rated = PlanCriterion.objects.filter(plan=selection_plan(closed)).rated_from(
        "interview"
    )[0]
    rating_services.evidence_ratings_save(
        record=interview,
        scores={rated.pk: 1},
        rationales={rated.pk: "Seen again"},
        by=lead,
    )
    # Evidence dated after the decision belongs to the partnership, not to it.
    InterviewFactory(
        candidate=cs["northbridge"],
        created_by=lead,
        date=decision.decided_on + dt.timedelta(days=3),
    )
    changes = selectors.changes_since(decision)
    assert [c.content_type.model for c in changes] == ["rating", "consensusrating"]
    client.force_login(_user("evaluator"))
    page = client.get(reverse("decision", args=[closed.key])).content.decode()
    assert "2 changes to what the decision rests on" in page
    assert rated.name in page
    assert "Recalibrated after the audit" in page
    assert criterion.name in page
    # ... and in every later report, which opens with the decision.
    html = report_context.report_html(
        report_context.report_content(evaluation=closed, candidate=cs["northbridge"])[
            0
        ],
        job=ReportJob(kind=ReportJob.Kind.DUE_DILIGENCE, requested_by=lead),
    )
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "The decision Selected Northbridge Biologics" in text
    assert "2 changes to what the decision rests on were made after it" in text
    assert "Recalibrated after the audit" in text
    assert decision.report_sha256 in text


# --- the archive ---------------------------------------------------------------------


def test_the_archive_holds_everything_with_checksums(closed, client):
    decision = _decide(closed)
    lead = _user("lead")
    client.force_login(lead)
    _sign(client, decision.signatures.get(signer=lead), DEMO_PASSWORD)
    response = client.get(reverse("decision_archive", args=[closed.key]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {
        "bundle.json",
        "decision/report.pdf",
        "decision/signed-copy.pdf",
        "audit-trail.csv",
        "README.txt",
        "manifest.json",
        "SHA256SUMS",
    } <= names
    manifest = json.loads(archive.read("manifest.json"))
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == names - {"manifest.json", "SHA256SUMS"}
    for path, f in listed.items():
        data = archive.read(path)
        assert hashlib.sha256(data).hexdigest() == f["sha256"]
        assert len(data) == f["bytes"]
    sums = dict(
        reversed(line.split("  ", 1))
        for line in archive.read("SHA256SUMS").decode().splitlines()
    )
    assert sums == {p: f["sha256"] for p, f in listed.items()}
    assert listed["decision/report.pdf"]["sha256"] == decision.report_sha256
    assert manifest["missing"] == []
    trail = list(csv.reader(io.StringIO(archive.read("audit-trail.csv").decode())))
    assert trail[0][0] == "when (UTC)" and len(trail) > 50
    bundle = json.loads(archive.read("bundle.json"))
    assert bundle["decision"]["selected"] == "northbridge"


# --- the bundle ----------------------------------------------------------------------


def test_the_decision_its_signatures_and_the_stage_history_travel_in_the_bundle(
    closed, client
):
    decision = _decide(closed)
    lead = _user("lead")
    client.force_login(lead)
    _sign(client, decision.signatures.get(signer=lead), DEMO_PASSWORD)
    doc = export_bundle(closed)
    assert doc["decision"]["selected"] == "northbridge"
    assert doc["decision"]["decided"] == decision.decided_on.isoformat()
    assert [d["candidate"] for d in doc["decision"]["declined"]] == [
        "cascadia",
        "helvetica",
        "sakura",
    ]
    (signature,) = doc["decision"]["signatures"]
    assert signature["username"] == "lead"
    assert signature["printed_name"] == "Laura Lindqvist"
    assert signature["sha256"] == decision.report_sha256
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", signature["signed_at"])
    moves = [m for m in doc["stage_history"] if m["to"] == "selected"]
    assert moves == [
        {
            "candidate": "northbridge",
            "from": "due_diligence",
            "to": "selected",
            "at": moves[0]["at"],
            "by": "lead",
            "reason": decision.rationale,
        }
    ]

    doc["evaluation"]["key"] = "abx101-copy"
    copy = import_bundle(doc, by=lead)
    again = export_bundle(copy)
    again["evaluation"]["key"] = doc["evaluation"]["key"]
    assert again["decision"] == doc["decision"]
    assert again["stage_history"] == doc["stage_history"]

    imported = Decision.objects.get(evaluation=copy)
    assert not imported.verifiable
    assert [s.verifiable for s in imported.signatures.all()] == [False]
    page = client.get(reverse("decision", args=[copy.key])).content.decode()
    assert "signed elsewhere, not verifiable here" in page
    # The report's hash still says whether a copy someone holds is the one signed.
    original = decision.original.open("rb").read()
    assert selectors.verify(imported, original).matches


def test_a_decision_in_a_bundle_needs_a_decided_evaluation(closed):
    doc = export_bundle(closed)
    doc["evaluation"]["key"] = "abx101-undecided"
    doc["decision"] = {
        "selected": "northbridge",
        "decided": "2026-07-15",
        "rationale": "Best fit",
        "declined": [{"candidate": "northbridge", "reason": "x"}],
        "signatures": [
            {
                "username": "lead",
                "printed_name": "L. Lind",
                "meaning": "approved as evaluation lead",
                "signed_at": "2026-07-15 10:05",
                "sha256": "abc",
            }
        ],
    }
    with pytest.raises(InvalidBundle) as refused:
        import_bundle(doc, by=_user("lead"))
    messages = {e.path: e.message for e in refused.value.errors}
    assert messages["$.decision"] == "only a decided evaluation has a decision"
    assert "cannot be declined too" in messages["$.decision.declined[0].candidate"]
    assert (
        "is not a time with its zone" in messages["$.decision.signatures[0].signed_at"]
    )
    assert "is not a SHA-256" in messages["$.decision.signatures[0].sha256"]


# --- what the review found ----------------------------------------------------------


def test_a_decision_is_taken_on_results_measured_as_of_today(closed):
    lead = _user("lead")
    partners_services.evaluation_update(
        evaluation=closed, as_of=dt.date(2026, 6, 30), by=lead
    )
    alignment_ensure_fresh(plan_id=selection_plan(closed).pk, caused_by_id=None)
    with pytest.raises(ValidationError) as refused:
        _decide(closed)
    assert "measured as of 30 Jun 2026" in str(refused.value.error_dict["report"])


def test_a_report_whose_findings_changed_since_is_not_current(closed):
    cs = _candidates(closed)
    report = _report(closed, cs["northbridge"])
    finding = Finding.objects.filter(candidate=cs["northbridge"]).first()
    finding.bridging_plan = "A new bridging plan, after the report"
    partners_services.finding_save(finding=finding, by=_user("lead"))
    with pytest.raises(ValidationError) as refused:
        _decide(closed, report=report)
    assert "earlier inputs" in str(refused.value.error_dict["report"])


def test_co_signers_sign_after_the_lead_and_only_as_their_role(closed, client):
    decision = _decide(
        closed, cosigners=[(_user("procurement"), "approved for procurement")]
    )
    client.force_login(_user("procurement"))
    early = _sign(client, decision.signatures.get(order=1), DEMO_PASSWORD)
    assert early.status_code == 400
    assert "The evaluation lead signs first" in early.content.decode()
    lead = _user("lead")
    client.force_login(lead)
    wrong_name = _sign(
        client, decision.signatures.get(signer=lead), DEMO_PASSWORD, "procurement"
    )
    assert "Give your own user name, lead." in wrong_name.content.decode()
    assert (
        _sign(client, decision.signatures.get(signer=lead), DEMO_PASSWORD).status_code
        == 302
    )
    first_copy = Decision.objects.get(pk=decision.pk).signed_copy.open("rb").read()
    client.force_login(_user("procurement"))
    assert (
        _sign(client, decision.signatures.get(order=1), DEMO_PASSWORD).status_code
        == 302
    )
    decision.refresh_from_db()
    # A copy downloaded after the first signature still verifies, as an earlier one.
    verdict = selectors.verify(decision, first_copy)
    assert verdict.matches and "earlier signed copy" in verdict.what
    assert [s.is_signed for s in decision.signatures.all()] == [True, True]


def test_a_changed_stored_report_is_not_signed(closed, client):
    decision = _decide(closed)
    path = Path(decision.original.path)
    path.write_bytes(path.read_bytes() + b"% changed")
    lead = _user("lead")
    client.force_login(lead)
    response = _sign(client, decision.signatures.get(signer=lead), DEMO_PASSWORD)
    assert response.status_code == 400
    assert "no longer matches the hash" in response.content.decode()
    assert not decision.signatures.get(signer=lead).is_signed


def test_missing_files_are_refused_or_not_found_never_a_server_error(closed, client):
    cs = _candidates(closed)
    report = _report(closed, cs["northbridge"])
    Path(report.file.path).unlink()
    with pytest.raises(ValidationError) as refused:
        _decide(closed, report=report)
    assert "file is missing" in str(refused.value.error_dict["report"])
    decision = _decide(closed)
    Path(decision.original.path).unlink()
    client.force_login(_user("lead"))
    url = reverse("decision_file", args=[closed.key, "report"])
    assert client.get(url).status_code == 404
    signing = _sign(client, decision.signatures.get(order=0), DEMO_PASSWORD)
    assert signing.status_code == 400
    assert "file is missing" in signing.content.decode()


def test_the_stages_follow_the_decision_and_its_record_is_hashed(closed):
    decision = _decide(closed)
    lead = _user("lead")
    with pytest.raises(ValidationError) as refused:
        partners_services.candidate_move(
            candidate=decision.selected, to_stage="declined", reason="x", by=lead
        )
    assert "stage" in refused.value.error_dict
    assert len(decision.record_sha256) == 64
    assert selectors.integrity(decision).record_intact
    Decision.objects.filter(pk=decision.pk).update(rationale="Changed in the database")
    decision.refresh_from_db()
    assert not selectors.integrity(decision).record_intact


def test_imported_signatures_must_be_over_one_report(closed):
    doc = export_bundle(closed)
    doc["evaluation"]["key"] = "abx101-two-hashes"
    doc["evaluation"]["status"] = "decided"
    signature = {
        "username": "lead",
        "printed_name": "L. Lind",
        "meaning": "approved as evaluation lead",
        "signed_at": "2026-07-15T10:05:00Z",
        "sha256": "a" * 64,
    }
    doc["decision"] = {
        "selected": "northbridge",
        "decided": "2026-07-15",
        "rationale": "Best fit",
        "declined": [],
        "signatures": [
            signature,
            {**signature, "username": "procurement", "sha256": "b" * 64},
        ],
    }
    with pytest.raises(InvalidBundle) as refused:
        import_bundle(doc, by=_user("lead"))
    assert any(
        e.path == "$.decision.signatures" and "their sha256 differ" in e.message
        for e in refused.value.errors
    )


def test_what_if_offers_no_saving_once_decided(closed, client):
    client.force_login(_user("lead"))
    url = reverse("what_if", args=[closed.key])
    assert "Save these weights" in client.get(url).content.decode()
    _decide(closed)
    page = client.get(url).content.decode()
    assert "Ranking with these weights" in page
    assert "Save these weights" not in page
