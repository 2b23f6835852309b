"""Child process entry point for :func:`scorecards.reports.pdf.render_pdf`.

Run as ``python -m scorecards.reports._child``. Reads one JSON object on stdin::

    {"html": "...", "out": "/abs/path/.report.pdf.part", "memory_mb": 1024,
     "static_url": "/static/", "static_roots": [["", "/app/static"], ...],
     "data_url_max_bytes": 2097152,
     "pdf_variant": "pdf/a-3b",                         (optional)
     "attachments": [{"path": "/abs/original.pdf", "name": "report.pdf",
                      "description": "…", "relationship": "Source"}]}  (optional)

caps its own address space at ``memory_mb`` (0 = no cap), renders ``html`` with
WeasyPrint through :class:`SafeURLFetcher` into ``out``, and prints one JSON line on
stdout: ``{"pages": 3, "refused": ["file:///etc/passwd"]}``. On failure it prints
the error as the last line of stderr and exits with :data:`EXIT_FAILED`, or
:data:`EXIT_MEMORY` when it ran out of memory.

Not an API: only ``render_pdf`` starts it.
"""

import errno
import json
import logging
import resource
import sys

EXIT_FAILED = 2
EXIT_MEMORY = 3


def _limit_memory(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _is_out_of_memory(error: BaseException) -> bool:
    if isinstance(error, MemoryError):
        return True
    # Under the cap, mapping a shared library fails with ENOMEM ("cannot allocate
    # memory") or, for an extension module, "failed to map segment".
    text = str(error).lower()
    return (isinstance(error, OSError) and error.errno == errno.ENOMEM) or (
        isinstance(error, (OSError, ImportError))
        and ("cannot allocate memory" in text or "failed to map segment" in text)
    )


def _render(job: dict) -> dict:
    # The parent resolved the static settings and finder directories, so Django is
    # never set up here: that saves half a second per report and keeps the child
    # away from the database, Celery and the .env file.
    from weasyprint import HTML

    from scorecards.reports.fetcher import STATIC_BASE_URL, SafeURLFetcher

    # Refused URLs come back in the result; WeasyPrint's own warnings about them
    # would only repeat them on stderr.
    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)

    fetcher = SafeURLFetcher(
        static_url=job["static_url"],
        static_roots=job["static_roots"],
        data_url_max_bytes=job["data_url_max_bytes"],
    )
    document = HTML(
        string=job["html"], base_url=STATIC_BASE_URL, url_fetcher=fetcher
    ).render()
    options = {}
    if job.get("pdf_variant"):
        options["pdf_variant"] = job["pdf_variant"]
    if job.get("attachments"):
        from weasyprint import Attachment

        # Files the parent wrote for us (an original report), never a URL.
        options["attachments"] = [
            Attachment(
                filename=a["path"],
                name=a["name"],
                description=a["description"],
                relationship=a.get("relationship", "Source"),
            )
            for a in job["attachments"]
        ]
    with open(job["out"], "wb") as out:
        document.write_pdf(out, **options)
    return {"pages": len(document.pages), "refused": fetcher.refused}


def main() -> int:
    job = json.load(sys.stdin)
    try:
        _limit_memory(int(job["memory_mb"]))
        result = _render(job)
    except BaseException as error:  # noqa: B036 - report everything to the parent
        message = f"{type(error).__name__}: {error}".replace("\n", " ")
        if _is_out_of_memory(error):
            # Free what we can so the report below does not fail too.
            job.clear()
            print(message, file=sys.stderr, flush=True)
            return EXIT_MEMORY
        print(message, file=sys.stderr, flush=True)
        return EXIT_FAILED
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
