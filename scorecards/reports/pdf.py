"""Turn report HTML into a PDF file, in a child process with a time and memory cap.

WeasyPrint runs in a separate process (``python -m scorecards.reports._child``,
started with :mod:`subprocess`, which works inside a daemonized Celery prefork
worker where :mod:`multiprocessing` children are not allowed). The parent kills the
child's whole process group when it overruns ``timeout``; the child caps its own
address space at ``memory_mb``. The PDF is written to a temporary file next to
``out_path`` and moved into place with :func:`os.replace` only when rendering
succeeded, so ``out_path`` either holds a complete PDF or does not exist.

Resources are loaded only through :class:`~scorecards.reports.fetcher.SafeURLFetcher`:
link static files with ``{% static %}``; nothing else is fetched.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext

from scorecards.reports import _child
from scorecards.reports.static import static_search_roots

_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_CHILD_MODULE = "scorecards.reports._child"


class RenderError(Exception):
    """A report could not be rendered. ``str(error)`` is meant for the user."""


class RenderTimeout(RenderError):
    """Rendering took longer than the timeout and was stopped."""


class RenderTooLarge(RenderError):
    """Rendering needed more memory than the cap allows."""


class RenderFailed(RenderError):
    """Rendering failed for another reason; the message ends with the child's error."""


@dataclass(frozen=True)
class PdfAttachment:
    """A local file to embed in the PDF (PDF/A-3 "associated file")."""

    path: Path
    name: str
    description: str = ""
    relationship: str = "Source"


@dataclass(frozen=True)
class RenderInfo:
    """What a successful render produced."""

    pages: int
    bytes: int
    refused: list[str] = field(default_factory=list)


def render_pdf(
    html: str,
    *,
    out_path: Path,
    timeout: float | None = None,
    memory_mb: int | None = None,
    pdf_variant: str = "",
    attachments: tuple[PdfAttachment, ...] = (),
) -> RenderInfo:
    """Render ``html`` to a PDF at ``out_path``; replace any file already there.

    ``timeout`` (seconds) defaults to ``settings.REPORT_TIMEOUT_SECONDS`` and
    ``memory_mb`` to ``settings.REPORT_MEMORY_MB`` (0 = no memory cap). Relative and
    ``{% static %}`` URLs in ``html`` resolve against the app's static files; every
    other URL is refused and listed in ``RenderInfo.refused``.

    ``pdf_variant`` (``"pdf/a-3b"``) asks WeasyPrint for that PDF variant;
    ``attachments`` are local files embedded in the PDF.

    Raises :class:`RenderTimeout`, :class:`RenderTooLarge` or :class:`RenderFailed`;
    after an error nothing exists at ``out_path`` (a previous file there is removed
    too, so a stale report is never mistaken for the new one).
    """
    if timeout is None:
        timeout = settings.REPORT_TIMEOUT_SECONDS
    if memory_mb is None:
        memory_mb = settings.REPORT_MEMORY_MB
    out_path = Path(out_path).resolve()
    out_path.parent.mkdir(parents=True, exist_ok=True)

    fd, part_name = tempfile.mkstemp(
        dir=out_path.parent, prefix=f".{out_path.name}.", suffix=".part"
    )
    os.close(fd)
    part = Path(part_name)
    job = {
        "html": html,
        "out": str(part),
        "memory_mb": memory_mb,
        "static_url": settings.STATIC_URL,
        "static_roots": static_search_roots(),
        "data_url_max_bytes": settings.REPORT_DATA_URL_MAX_BYTES,
        "pdf_variant": pdf_variant,
        "attachments": [
            {
                "path": str(Path(a.path).resolve()),
                "name": a.name,
                "description": a.description,
                "relationship": a.relationship,
            }
            for a in attachments
        ],
    }
    try:
        # WeasyPrint puts @font-face files in TMPDIR; a killed child cannot clean
        # up after itself, so it gets a folder of its own that we remove.
        with tempfile.TemporaryDirectory(prefix="cdmo-report-") as child_tmp:
            returncode, stdout, stderr = _run_child(
                json.dumps(job), timeout=timeout, tmpdir=child_tmp
            )
        if returncode is None:
            raise RenderTimeout(_timeout_message(timeout))
        if returncode == _child.EXIT_MEMORY:
            raise RenderTooLarge(_memory_message(memory_mb))
        if returncode != 0:
            raise RenderFailed(_failed_message(returncode, stderr))
        result = _parse_result(stdout)
        os.replace(part, out_path)
    except BaseException:
        part.unlink(missing_ok=True)
        out_path.unlink(missing_ok=True)
        raise
    return RenderInfo(
        pages=result["pages"],
        bytes=out_path.stat().st_size,
        refused=result["refused"],
    )


def _run_child(
    job_json: str, *, timeout: float, tmpdir: str
) -> tuple[int | None, str, str]:
    """Run the child; return (returncode or None on timeout, stdout, stderr)."""
    env = {
        **os.environ,
        "TMPDIR": tmpdir,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", _CHILD_MODULE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=_PROJECT_ROOT,
        env=env,
        # Its own process group, so a timeout kills it and anything it started.
        start_new_session=True,
        text=True,
        encoding="utf-8",
    )
    try:
        stdout, stderr = process.communicate(job_json, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        return None, "", ""
    except BaseException:
        # Interrupted (worker shutdown, KeyboardInterrupt): leave no child behind.
        _kill_group(process)
        process.wait()
        raise
    return process.returncode, stdout, stderr


def _parse_result(stdout: str) -> dict:
    try:
        result = json.loads(stdout.strip().splitlines()[-1])
        return {"pages": int(result["pages"]), "refused": list(result["refused"])}
    except (IndexError, ValueError, KeyError, TypeError) as error:
        raise RenderFailed(_failed_message(0, "the renderer gave no result")) from error


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _timeout_message(timeout: float) -> str:
    return gettext(
        "The report took longer than %(seconds)s seconds to render and was stopped. "
        "Try again later; if it keeps happening, shorten the report or ask an "
        "administrator to raise REPORT_TIMEOUT_SECONDS."
    ) % {"seconds": f"{timeout:g}"}


def _memory_message(memory_mb: int) -> str:
    return gettext(
        "The report needed more than %(mb)s MB of memory to render and was stopped. "
        "Shorten the report, or ask an administrator to raise REPORT_MEMORY_MB."
    ) % {"mb": memory_mb}


def _failed_message(returncode: int, stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    if returncode < 0:
        detail = f"the renderer was killed by signal {signal.Signals(-returncode).name}"
    else:
        detail = lines[-1] if lines else f"the renderer exited with code {returncode}"
    return gettext(
        "The report could not be rendered (%(detail)s). Try again; if it keeps "
        "failing, send this message to an administrator."
    ) % {"detail": detail}
