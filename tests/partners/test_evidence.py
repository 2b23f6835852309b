import csv
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cdmo_eval.downloads import private_file_response
from partners import services
from partners.models import (
    Attachment,
    Candidate,
    CultureInterview,
    Finding,
    Role,
    SiteVisit,
    StageChange,
)
from tests.factories import (
    CandidateFactory,
    ContactFactory,
    FindingFactory,
    InterviewFactory,
    SiteFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 64


@pytest.fixture
def candidate(evaluation):
    return CandidateFactory(evaluation=evaluation)


@pytest.fixture
def ops_contact(candidate):
    return ContactFactory(cdmo=candidate.cdmo, level="operations", name="R. Byrne")


def interview_data(candidate, interviewer, contact, **extra):
    return {
        "date": "2026-03-02",
        "site": candidate.bulk_site.pk,
        "interviewees": [contact.pk],
        "interviewers": [interviewer.pk],
        "meaning": "Say what you do, do what you say.",
        "notes": "Shift lead walked us through deviations.",
        **extra,
    }


def visit_data(candidate, attendee, **extra):
    return {
        "site": candidate.bulk_site.pk,
        "date": "2026-03-03",
        "attendees": [attendee.pk],
        "observations": "Line clearance observed.",
        **extra,
    }


# --- the three personas on every evidence view -------------------------------------


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.LEAD, Role.PROCUREMENT])
def test_editors_record_an_interview(as_user, member, candidate, ops_contact, role):
    user = member(role)
    response = as_user(user).post(
        reverse("interview_create", args=[candidate.pk]),
        interview_data(candidate, user, ops_contact),
    )
    assert response.status_code == 302
    interview = CultureInterview.objects.get()
    assert list(interview.interviewees.all()) == [ops_contact]
    assert interview.created_by == user
    page = as_user(user).get(candidate.get_absolute_url()).content.decode()
    assert "R. Byrne" in page
    assert "Operations" in page


def test_observer_reads_but_cannot_record(as_user, member, candidate, ops_contact):
    observer = member(Role.OBSERVER)
    interview = InterviewFactory(candidate=candidate, interviewees=[ops_contact])
    visit = VisitFactory(candidate=candidate)
    finding = FindingFactory(candidate=candidate)
    client = as_user(observer)
    page = client.get(candidate.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert finding.text in html
    assert "Record an interview" not in html
    assert "Edit" not in html
    assert client.get(interview.get_absolute_url()).status_code == 200
    assert client.get(visit.get_absolute_url()).status_code == 200
    for name, pk in [
        ("interview_create", candidate.pk),
        ("visit_create", candidate.pk),
        ("finding_create", candidate.pk),
        ("interview_edit", interview.pk),
        ("visit_edit", visit.pk),
        ("finding_edit", finding.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 403, name
    response = client.post(
        reverse("interview_create", args=[candidate.pk]),
        interview_data(candidate, observer, ops_contact),
    )
    assert response.status_code == 403
    assert CultureInterview.objects.count() == 1


def test_future_date_is_refused_and_input_kept(as_user, member, candidate, ops_contact):
    user = member(Role.EVALUATOR)
    response = as_user(user).post(
        reverse("interview_create", args=[candidate.pk]),
        interview_data(candidate, user, ops_contact, date="2999-01-01"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The date cannot be in the future." in html
    assert "Shift lead walked us through deviations." in html
    assert not CultureInterview.objects.exists()


def test_contact_of_another_cdmo_is_not_a_choice(as_user, member, candidate):
    user = member(Role.EVALUATOR)
    foreign = ContactFactory()
    response = as_user(user).post(
        reverse("interview_create", args=[candidate.pk]),
        interview_data(candidate, user, foreign),
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not CultureInterview.objects.exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "is not a PDF"),
        ("big.pdf", PDF + b"\0" * (25 * 1024 * 1024), "the limit is 20.0"),
        ("empty.pdf", b"", "The file is empty."),
    ],
    ids=["renamed-html", "25MB", "empty"],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    as_user, member, candidate, _private_files_in_tmp, name, content, message
):
    user = member(Role.EVALUATOR)
    response = as_user(user).post(
        reverse("visit_create", args=[candidate.pk]),
        visit_data(candidate, user, attachment=SimpleUploadedFile(name, content)),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SiteVisit.objects.exists()
    assert not Attachment.objects.exists()
    stored = (
        list(_private_files_in_tmp.rglob("*")) if _private_files_in_tmp.exists() else []
    )
    assert [p for p in stored if p.is_file()] == []


def test_bad_upload_on_existing_visit_stores_nothing(as_user, member, candidate):
    visit = VisitFactory(candidate=candidate)
    response = as_user(member(Role.EVALUATOR)).post(
        reverse("attachment_add", args=["visits", visit.pk]),
        {"file": SimpleUploadedFile("agenda.docx", b"<html>not a docx</html>")},
    )
    assert response.status_code == 400
    assert "is not a PDF, PNG, JPEG, DOCX or XLSX" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_added_to_an_interview_later_is_kept_and_downloads(
    as_user, member, candidate
):
    interview = InterviewFactory(candidate=candidate)
    client = as_user(member(Role.EVALUATOR))
    response = client.post(
        reverse("attachment_add", args=["interviews", interview.pk]),
        {"file": SimpleUploadedFile("minutes.pdf", PDF)},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(interview=interview)
    assert (attachment.original_name, attachment.content_type) == (
        "minutes.pdf",
        "application/pdf",
    )
    page = client.get(interview.get_absolute_url()).content.decode()
    assert "minutes.pdf" in page and attachment.get_absolute_url() in page
    download = client.get(attachment.get_absolute_url())
    assert b"".join(download.streaming_content) == PDF


def test_visit_with_attachment_downloads_as_attachment(as_user, member, candidate):
    user = member(Role.EVALUATOR)
    client = as_user(user)
    response = client.post(
        reverse("visit_create", args=[candidate.pk]),
        visit_data(candidate, user, attachment=SimpleUploadedFile("photo.png", PNG)),
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert "photo" not in attachment.file.name  # stored under a random name
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="photo.png"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PNG
    observer = as_user(member(Role.OBSERVER))
    assert observer.get(attachment.get_absolute_url()).status_code == 200


def test_private_file_response_shows_inline_when_asked():
    # The report PDFs open in a browser tab; attachments and redlines download.
    response = private_file_response(
        ContentFile(PNG), filename="photo.png", content_type="image/png", inline=True
    )
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PNG


def test_finding_from_an_interview_of_another_candidate_is_refused(
    as_user, member, candidate, evaluation
):
    other = InterviewFactory(candidate=CandidateFactory(evaluation=evaluation))
    response = as_user(member(Role.EVALUATOR)).post(
        reverse("finding_create", args=[candidate.pk]),
        {
            "kind": "shared_gap",
            "text": "Validation timing undefined",
            "source": "interview",
            "interview": other.pk,
            "status": "open",
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Finding.objects.exists()


def test_finding_owner_outside_the_evaluation_is_refused_with_other_errors(
    member, candidate
):
    finding = Finding(
        candidate=candidate,
        kind="weakness",
        text="Slow CAPA closure",
        source="interview",
        owner=UserFactory(),
    )
    with pytest.raises(ValidationError) as exc:
        services.finding_save(finding=finding, by=member(Role.EVALUATOR))
    assert exc.value.message_dict == {
        "interview": ["Choose the culture interview this came from."],
        "owner": ["The owner must be a member of this evaluation."],
    }
    assert not Finding.objects.exists()


def test_finding_from_interview_needs_the_interview(as_user, member, candidate):
    response = as_user(member(Role.EVALUATOR)).post(
        reverse("finding_create", args=[candidate.pk]),
        {
            "kind": "weakness",
            "text": "Slow QA",
            "source": "interview",
            "status": "open",
        },
    )
    assert response.status_code == 400
    assert "Choose the culture interview this came from." in response.content.decode()


# --- candidates: lead adds and moves; others cannot --------------------------------


def test_lead_moves_stage_with_a_reason(as_user, member, candidate):
    lead = member(Role.LEAD)
    url = reverse("candidate_move", args=[candidate.pk])
    response = as_user(lead).post(url, {"stage": "due_diligence", "reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = as_user(lead).post(
        url, {"stage": "due_diligence", "reason": "Strong site visit"}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == "due_diligence"
    change = StageChange.objects.get()
    assert (change.from_stage, change.reason) == ("short_list", "Strong site visit")
    page = as_user(lead).get(candidate.get_absolute_url()).content.decode()
    assert "Strong site visit" in page


def test_evaluator_cannot_move_or_add(as_user, member, candidate, evaluation):
    client = as_user(member(Role.EVALUATOR))
    response = client.post(
        reverse("candidate_move", args=[candidate.pk]),
        {"stage": "selected", "reason": "I like them"},
    )
    assert response.status_code == 403
    assert (
        client.get(reverse("candidate_add", args=[evaluation.key])).status_code == 403
    )


def test_lead_adds_candidate_with_a_site_of_its_own(as_user, member, evaluation):
    site = SiteFactory()
    other_site = SiteFactory()
    client = as_user(member(Role.LEAD))
    url = reverse("candidate_add", args=[evaluation.key])
    response = client.post(
        url, {"cdmo": site.cdmo.pk, "bulk_site": other_site.pk, "stage": "long_list"}
    )
    assert response.status_code == 400
    assert "Choose one of" in response.content.decode()
    assert not Candidate.objects.exists()
    response = client.post(
        url, {"cdmo": site.cdmo.pk, "bulk_site": site.pk, "stage": "long_list"}
    )
    assert response.status_code == 302
    assert Candidate.objects.get().bulk_site == site


# --- indicators ---


def test_candidate_page_flags_unvisited_bulk_site_and_missing_ops(as_user, member):
    candidate = CandidateFactory(
        evaluation=member(Role.OBSERVER).memberships.get().evaluation
    )
    leader = ContactFactory(cdmo=candidate.cdmo, level="leadership")
    InterviewFactory(candidate=candidate, interviewees=[leader])
    client = as_user(candidate.evaluation.memberships.get().user)
    html = client.get(candidate.get_absolute_url()).content.decode()
    assert "The proposed bulk site has not been visited." in html
    assert "Interviewed operations / quality / project-team people:" in html
    assert ">no<" in html
    VisitFactory(candidate=candidate)
    ops = ContactFactory(cdmo=candidate.cdmo, level="quality")
    InterviewFactory(candidate=candidate, interviewees=[ops])
    html = client.get(candidate.get_absolute_url()).content.decode()
    assert "The proposed bulk site has not been visited." not in html
    assert ">yes<" in html


# --- the findings register and its CSV ---


def test_register_filters_and_exports_csv(as_user, member, evaluation):
    a = CandidateFactory(evaluation=evaluation)
    b = CandidateFactory(evaluation=evaluation)
    FindingFactory(candidate=a, text="=HYPERLINK(evil)", carry_to_msa=True)
    FindingFactory(candidate=a, text="Not for the MSA", carry_to_msa=False)
    FindingFactory(candidate=b, text="Bridged gap", status="bridged")
    client = as_user(member(Role.PROCUREMENT))
    url = reverse("finding_register", args=[evaluation.key])
    html = client.get(url).content.decode()
    assert "Bridged gap" in html and "Not for the MSA" not in html
    html = client.get(url, {"candidate": a.pk, "carry_to_msa": ""}).content.decode()
    assert "Not for the MSA" in html and "Bridged gap" not in html
    response = client.get(url, {"status": "bridged", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Candidate"
    assert [r[2] for r in rows[1:]] == ["Bridged gap"]
    rows = list(
        csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode()))
    )
    assert "'=HYPERLINK(evil)" in [r[2] for r in rows]  # no spreadsheet formula


# --- constant query counts -----------------------------------------------------------


def _grow(evaluation, n):
    for _ in range(n - evaluation.candidates.count()):
        CandidateFactory(evaluation=evaluation)


@pytest.mark.parametrize("n", [5, 50])
def test_candidate_list_queries_are_constant(
    as_user, member, evaluation, django_assert_max_num_queries, n
):
    client = as_user(member(Role.OBSERVER))
    _grow(evaluation, n)
    for c in evaluation.candidates.all()[:5]:
        VisitFactory(candidate=c)
        FindingFactory(candidate=c)
    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("candidate_list", args=[evaluation.key]), {"order": "name"}
        )
    assert response.status_code == 200
    assert f"{n} candidates" in response.content.decode()


@pytest.mark.parametrize("n", [5, 50])
def test_candidate_page_queries_are_constant(
    as_user, member, candidate, django_assert_max_num_queries, n
):
    client = as_user(member(Role.EVALUATOR))
    people = [ContactFactory(cdmo=candidate.cdmo) for _ in range(3)]
    for _ in range(n):
        InterviewFactory(candidate=candidate, interviewees=people)
        VisitFactory(candidate=candidate)
        FindingFactory(candidate=candidate)
    # 18 for the evidence, 4 for the negotiations summary (one query per record type).
    with django_assert_max_num_queries(22):
        response = client.get(candidate.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('/edit/">Edit<') == n


@pytest.mark.parametrize("n", [5, 50])
def test_finding_register_queries_are_constant(
    as_user, member, candidate, django_assert_max_num_queries, n
):
    client = as_user(member(Role.PROCUREMENT))
    visit = VisitFactory(candidate=candidate)
    for _ in range(n):
        FindingFactory(candidate=candidate, source="site_visit", visit=visit)
    url = reverse("finding_register", args=[candidate.evaluation.key])
    with django_assert_max_num_queries(12):
        response = client.get(url, {"order": "candidate"})
    assert f"{n} findings" in response.content.decode()
    with django_assert_max_num_queries(8):
        csv_response = client.get(url, {"format": "csv"})
    assert csv_response.content.decode().count("Gap number") == n


def test_candidate_list_pages_keep_the_filters(as_user, member, evaluation):
    client = as_user(member(Role.OBSERVER))
    for _ in range(30):
        CandidateFactory(evaluation=evaluation, stage="due_diligence")
    url = reverse("candidate_list", args=[evaluation.key])
    html = client.get(url, {"stage": "due_diligence", "page": "2"}).content.decode()
    assert "30 candidates" in html
    assert 'href="?stage=due_diligence&amp;page=1"' in html
    assert client.get(url, {"page": "junk"}).status_code == 200


def test_an_empty_submission_gets_required_errors(as_user, member, candidate):
    client = as_user(member(Role.EVALUATOR))
    for name in ("interview_create", "visit_create", "finding_create"):
        response = client.post(reverse(name, args=[candidate.pk]), {})
        assert response.status_code == 400, name
        assert "This field is required." in response.content.decode()
    assert not CultureInterview.objects.exists()
    assert not SiteVisit.objects.exists()
    assert not Finding.objects.exists()


def _docx(parts: dict[str, bytes]) -> bytes:
    """A minimal DOCX package (filetype recognises it by its first part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        package.writestr("word/document.xml", "<w:document/>")
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "parts, message",
    [
        ({"word/media/bomb.bin": b"\0" * (101 * 1024 * 1024)}, "would unpack to"),
        ({f"word/p{i}.xml": b"" for i in range(2001)}, "in 2003 parts"),
    ],
    ids=["unpacks-past-100MB", "too-many-parts"],
)
def test_office_files_that_unpack_past_the_limits_are_refused(
    as_user, member, candidate, _private_files_in_tmp, parts, message
):
    bomb = _docx(parts)
    assert len(bomb) < 1024 * 1024  # small on the wire
    visit = VisitFactory(candidate=candidate)
    response = as_user(member(Role.EVALUATOR)).post(
        reverse("attachment_add", args=["visits", visit.pk]),
        {"file": SimpleUploadedFile("agenda.docx", bomb)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    stored = (
        list(_private_files_in_tmp.rglob("*")) if _private_files_in_tmp.exists() else []
    )
    assert [p for p in stored if p.is_file()] == []


def test_an_ordinary_docx_is_accepted(as_user, member, candidate):
    visit = VisitFactory(candidate=candidate)
    response = as_user(member(Role.EVALUATOR)).post(
        reverse("attachment_add", args=["visits", visit.pk]),
        {"file": SimpleUploadedFile("agenda.docx", _docx({}))},
    )
    assert response.status_code == 302
    (attachment,) = Attachment.objects.all()
    assert attachment.content_type.endswith("wordprocessingml.document")
