"""Uploaded files: what may be uploaded (a short list of document types, recognised
by content), where it is stored (a random name), and how a failed save leaves no
file behind. Attachments and redlines both go through here."""

import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# MIME type → what we tell the user. Sniffed from the bytes, never from the name.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}


def sniff_upload(upload) -> str:
    """Return the real content type of ``upload`` or raise a ValidationError that
    says what is wrong: empty, too large, or not one of the allowed kinds."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, PNG, JPEG, DOCX or XLSX file (its content "
                "was checked, not its name)."
            )
            % {"name": upload.name},
            code="bad_type",
        )
    if kind.mime in OFFICE_TYPES:
        _check_office(upload)
    return kind.mime


OFFICE_TYPES = {m for m, label in ALLOWED_TYPES.items() if label in ("DOCX", "XLSX")}
"""Zip packages: what they unpack to is checked too."""


def _check_office(upload) -> None:
    """A DOCX or XLSX is a zip package: refuse one that would unpack past the
    limits (a zip bomb) or is not a readable package, reading only its directory."""
    max_bytes = settings.UPLOAD_MAX_UNPACKED_BYTES
    max_entries = settings.UPLOAD_MAX_ENTRIES
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ValidationError(
            _("“%(name)s” is damaged: it cannot be opened as a DOCX or XLSX file.")
            % {"name": upload.name},
            code="damaged",
        ) from exc
    finally:
        upload.seek(0)
    unpacked = sum(e.file_size for e in entries)
    if len(entries) > max_entries or unpacked > max_bytes:
        raise ValidationError(
            _(
                "“%(name)s” would unpack to %(size)s in %(n)s parts; the limits are "
                "%(max)s and %(max_n)s parts. Save it again without embedded media, "
                "or split it."
            )
            % {
                "name": upload.name,
                "size": filesizeformat(unpacked),
                "n": len(entries),
                "max": filesizeformat(max_bytes),
                "max_n": max_entries,
            },
            code="too_large_unpacked",
        )


@dataclass(frozen=True)
class CheckedUpload:
    """An upload and what is stored about it next to the file."""

    file: object
    name: str  # as the uploader named it, cut to fit the column
    content_type: str  # sniffed, never taken from the name or the browser
    size: int


def check_upload(upload) -> CheckedUpload:
    """``upload`` with its sniffed type, name and size, or the ValidationError of
    `sniff_upload`."""
    content_type = sniff_upload(upload)
    return CheckedUpload(upload, upload.name[:255], content_type, upload.size)


@deconstructible
class RandomPath:
    """``upload_to`` that stores every file as ``<folder>/<random hex>``: nothing the
    uploader chose reaches the file system."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{uuid.uuid4().hex}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomPath) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


class WrittenFiles:
    """The new files of one save, to delete if the save fails."""

    def __init__(self) -> None:
        self._files: list[FieldFile] = []

    def add(self, file: FieldFile) -> None:
        """Register ``file`` before its record is saved. A file already in storage
        (an unchanged redline on an edit) is not new and is never deleted."""
        if file and not file._committed:
            self._files.append(file)

    def delete(self) -> None:
        for file in self._files:
            if file._committed:  # written to storage by the save
                file.delete(save=False)


@contextmanager
def files_removed_on_rollback() -> Iterator[WrittenFiles]:
    """Files are written to storage when their record is saved, before the commit;
    if anything fails up to the end of the block, delete the ones registered with
    ``add`` so nothing is left half-saved. Open it outside ``transaction.atomic``."""
    written = WrittenFiles()
    try:
        yield written
    except BaseException:
        written.delete()
        raise
