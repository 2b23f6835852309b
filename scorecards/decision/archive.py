"""The decision archive: one ZIP with what an inspector or a successor team needs.

    README.txt                 what is in it
    bundle.json                the evaluation bundle (BUNDLE.md), decision included
    decision/report.pdf        the report the decision was signed over
    decision/signed-copy.pdf   the signed copy (PDF/A-3b, the report attached)
    audit-trail.csv            the evaluation's audit trail
    attachments/...            every file attached to evidence, and every redline
    manifest.json              each file above with its size and SHA-256, and any
                               file that was missing from storage
    SHA256SUMS                 the same, as ``sha256sum -c SHA256SUMS`` reads it

Written to a temporary file (spooled to disk past a few MB), never all in memory.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import zipfile

from django.utils import timezone

import cdmo_eval
from negotiations.selectors import evaluation_redlines
from partners.evidence import EVIDENCE_KINDS
from partners.selectors import evaluation_attachments

from ..bundles.exporter import dumps, export_bundle
from ..history.present import write_csv
from ..history.selectors import history_for
from .models import Decision

SAFE = re.compile(r"[^-\w.]+")


def _safe(name: str) -> str:
    return SAFE.sub("_", name).strip("._") or "file"


class _Writer:
    def __init__(self, out) -> None:
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.files: list[dict] = []
        self.names: set[str] = set()
        self.missing: list[dict] = []

    def _unique(self, path: str) -> str:
        base, n = path, 1
        while path in self.names:
            n += 1
            stem, dot, ext = base.rpartition(".")
            path = f"{stem}-{n}.{ext}" if dot else f"{base}-{n}"
        self.names.add(path)
        return path

    def add(self, path: str, data: bytes, what: str) -> None:
        path = self._unique(path)
        self.zip.writestr(path, data)
        self.files.append(
            {
                "path": path,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "what": what,
            }
        )

    def add_stored(self, path: str, field, what: str) -> None:
        """A stored file; one missing from storage is listed as missing."""
        try:
            with field.open("rb") as f:
                data = f.read()
        except OSError:
            self.missing.append({"path": path, "what": what})
            return
        self.add(path, data, what)


def build_archive(decision: Decision, *, user):
    """The archive of ``decision`` as an open temporary file, at its start."""
    evaluation = decision.evaluation
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    w = _Writer(out)
    w.add(
        "bundle.json",
        dumps(export_bundle(evaluation)).encode(),
        "The evaluation bundle (BUNDLE.md), with its decision and stage history",
    )
    if decision.original:
        w.add_stored(
            "decision/report.pdf",
            decision.original,
            f"The report the decision was signed over ({decision.report_name})",
        )
    if decision.signed_copy:
        w.add_stored(
            "decision/signed-copy.pdf",
            decision.signed_copy,
            "The signed copy: decision, signatures, the report attached (PDF/A-3b)",
        )
    trail = io.StringIO()
    write_csv(trail, history_for(user, evaluation))
    w.add("audit-trail.csv", trail.getvalue().encode(), "The audit trail")
    for a in evaluation_attachments(evaluation):
        parent = next(
            (getattr(a, k.name), k)
            for k in EVIDENCE_KINDS
            if getattr(a, f"{k.name}_id")
        )
        record, kind = parent
        folder = (
            f"attachments/{_safe(record.candidate.cdmo.key)}/{kind.key}-{record.pk}"
        )
        w.add_stored(
            f"{folder}/{_safe(a.original_name)}",
            a.file,
            f"Attached to {kind.label} {record} of {record.candidate}",
        )
    for r in evaluation_redlines(evaluation):
        agreement = r.agreement
        folder = (
            f"attachments/{_safe(agreement.candidate.cdmo.key)}/"
            f"{agreement.kind}-round-{r.number}"
        )
        w.add_stored(
            f"{folder}/{_safe(r.redline_name or 'redline')}",
            r.redline,
            f"Redline of {agreement.get_kind_display()} round {r.number}, "
            f"{agreement.candidate}",
        )
    readme = _readme(decision).encode()
    w.add("README.txt", readme, "What this archive holds")
    manifest = {
        "evaluation": evaluation.key,
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "made_by": user.get_username(),
        "software": f"CDMO evaluation {cdmo_eval.__version__}",
        "report_sha256": decision.report_sha256,
        "files": w.files,
        "missing": w.missing,
    }
    sums = "".join(f"{f['sha256']}  {f['path']}\n" for f in w.files)
    w.zip.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
    w.zip.writestr("SHA256SUMS", sums)
    w.zip.close()
    out.seek(0)
    return out


def _readme(decision: Decision) -> str:
    e = decision.evaluation
    chosen = decision.selected.cdmo.name if decision.selected else "none selected"
    return (
        f"Decision archive of {e.name} ({e.key})\n"
        f"Decided on {decision.decided_on.isoformat()}: {chosen}.\n\n"
        "bundle.json               the evaluation bundle, decision included\n"
        "decision/report.pdf       the report the signatures are over\n"
        "decision/signed-copy.pdf  the signed copy (PDF/A-3b; the report attached)\n"
        "audit-trail.csv           every recorded change, who, when and why\n"
        "attachments/              files on interviews and visits, and redlines\n"
        "manifest.json, SHA256SUMS each file's SHA-256; check with\n"
        "                          sha256sum -c SHA256SUMS\n\n"
        f"SHA-256 of the signed report: {decision.report_sha256}\n"
    )
