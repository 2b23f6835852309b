"""Serving stored files that only members may read.

Every private download (attachments, redlines, report PDFs) goes out the same way:
the browser is told the type we sniffed at upload, may not guess another one
(``nosniff``), and neither it nor a shared cache keeps a copy (``private,
no-store``). Callers check access first, through their app's ``access`` module.
"""

from django.http import FileResponse


def private_file_response(
    file, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """Stream ``file`` (a stored `FieldFile`, opened here) under ``filename``, as a
    download or, with ``inline``, shown in the browser (a PDF in a new tab)."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
