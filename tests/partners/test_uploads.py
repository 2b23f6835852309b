"""Uploads: stored under random names, and a save that fails leaves no file behind
while files stored earlier stay."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from partners import services
from partners.models import Attachment, CultureInterview, attachment_path
from partners.uploads import RandomPath
from tests.factories import CandidateFactory, ContactFactory

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 64


def _stored(files) -> list:
    return [p for p in files.rglob("*") if p.is_file()] if files.exists() else []


def test_random_path_keeps_nothing_of_the_uploaded_name():
    first = attachment_path(None, "../../etc/passwd.png")
    second = attachment_path(None, "../../etc/passwd.png")
    assert first.startswith("attachments/") and "passwd" not in first
    assert first != second
    # Equal by folder, so migrations see no change between runs.
    assert RandomPath("attachments") == attachment_path != RandomPath("redlines")


def test_files_written_before_a_later_upload_is_refused_are_deleted(
    evaluation, member, _private_files_in_tmp
):
    user = member("evaluator")
    candidate = CandidateFactory(evaluation=evaluation)
    contact = ContactFactory(cdmo=candidate.cdmo)
    interview = CultureInterview(candidate=candidate, date=dt.date(2026, 3, 2))
    with pytest.raises(ValidationError):
        services.evidence_save(
            record=interview,
            contacts=[contact],
            members=[user],
            uploads=[
                SimpleUploadedFile("photo.png", PNG),  # written, then rolled back
                SimpleUploadedFile("notes.png", b"not an image"),
            ],
            by=user,
        )
    assert not Attachment.objects.exists()
    assert not CultureInterview.objects.exists()
    assert _stored(_private_files_in_tmp) == []
