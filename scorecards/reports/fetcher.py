"""The only way a report PDF may load a resource: the app's own static files.

WeasyPrint loads every stylesheet, image, font and attachment through one URL
fetcher. Report HTML carries user-written text (notes, findings, names), so the
fetcher is the boundary that keeps a report from reading server files (``file://``),
reaching internal services (``http://127.0.0.1``) or embedding files as PDF
attachments (``<link rel="attachment">``, ``<a rel="attachment">``).

:class:`SafeURLFetcher` serves

* static files: URLs under :data:`STATIC_BASE_URL` + ``settings.STATIC_URL`` (what
  ``{% static %}`` produces once joined to the base URL the renderer uses), or under
  ``settings.STATIC_URL`` itself when that is an absolute URL (a CDN). They are read
  from ``STATIC_ROOT`` (collected, possibly hashed names) or through the
  staticfiles finders, never over the network;
* ``data:`` URLs of PNG, JPEG and SVG images up to ``REPORT_DATA_URL_MAX_BYTES``.

Everything else is refused before any file or network access and recorded in
``fetcher.refused``. WeasyPrint treats a refused URL like a broken one: the image
or stylesheet is left out and rendering goes on.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

from scorecards.reports.static import (
    STATIC_BASE_URL,
    static_search_roots,
    static_url_prefixes,
)

__all__ = ["STATIC_BASE_URL", "RefusedURL", "SafeURLFetcher"]


DATA_URL_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/svg+xml"})

# Refused URLs are recorded for tests and logs, not to be replayed: a 2 MB data URL
# is cut short.
_RECORDED_URL_MAX_CHARS = 200


class RefusedURL(ValueError):
    """A report tried to load a resource that is not one of the app's own."""


class SafeURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only static files and image data URLs.

    With no arguments it reads ``STATIC_URL``, the staticfiles finders,
    ``STATIC_ROOT`` and ``REPORT_DATA_URL_MAX_BYTES`` from the Django settings. The
    PDF child process passes them explicitly instead, so it never sets Django up.

    ``fetcher.refused`` lists each refused URL (in the order first seen, cut to
    200 characters); ``fetcher.served`` lists each URL that was served.
    """

    def __init__(
        self,
        *,
        static_url: str | None = None,
        static_roots: Sequence[tuple[str, str | Path]] | None = None,
        data_url_max_bytes: int | None = None,
    ) -> None:
        # fail_on_errors=False: a refused URL becomes a warning and a missing image,
        # not a failed report.
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        if static_url is None:
            static_url = settings.STATIC_URL
        if static_roots is None:
            static_roots = static_search_roots()
        if data_url_max_bytes is None:
            data_url_max_bytes = settings.REPORT_DATA_URL_MAX_BYTES
        self.static_prefixes = static_url_prefixes(static_url)
        self.static_roots = [(prefix, Path(root)) for prefix, root in static_roots]
        self.data_url_max_bytes = data_url_max_bytes
        self.refused: list[str] = []
        self.served: list[str] = []

    # WeasyPrint calls ``fetcher(url)`` -> ``fetch(url)``; ``open()`` also ends in
    # ``fetch()``. Overriding ``fetch`` replaces the parent's urllib opener entirely,
    # so no handler (file, http, ftp) is ever reached.
    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            if url[:5].lower() == "data:":
                response = self._data_url(url)
            else:
                response = self._static_file(url)
        except RefusedURL:
            self._record(self.refused, url)
            raise
        self._record(self.served, url)
        return response

    def _record(self, seen: list[str], url: str) -> None:
        if len(url) > _RECORDED_URL_MAX_CHARS:
            url = url[:_RECORDED_URL_MAX_CHARS] + "…"
        if url not in seen:
            seen.append(url)

    def _data_url(self, url: str) -> URLFetcherResponse:
        header, comma, payload = url[len("data:") :].partition(",")
        if not comma:
            raise RefusedURL("malformed data: URL")
        params = [part.strip().lower() for part in header.split(";")]
        mime_type = params[0]
        if mime_type not in DATA_URL_IMAGE_TYPES:
            raise RefusedURL(f"data: URL of type {mime_type or 'text/plain'!r}")
        is_base64 = "base64" in params[1:]
        # Check the encoded length first so an oversized URL is never decoded.
        encoded_max = self.data_url_max_bytes * (4 / 3 if is_base64 else 3) + 4
        if len(payload) > encoded_max:
            raise RefusedURL("data: URL too large")
        try:
            if is_base64:
                body = base64.b64decode(unquote(payload))
            else:
                body = unquote_to_bytes(payload)
        except ValueError as error:
            raise RefusedURL("undecodable data: URL") from error
        if len(body) > self.data_url_max_bytes:
            raise RefusedURL("data: URL too large")
        return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    def _static_file(self, url: str) -> URLFetcherResponse:
        path = self.static_path(url)
        if path is None:
            raise RefusedURL("not one of the app's static files")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {"Content-Type": content_type}
        return URLFetcherResponse(url, path.read_bytes(), headers)

    def static_path(self, url: str) -> Path | None:
        """The static file ``url`` names, or None if it names none.

        Only string checks run before the name is looked up in the static roots,
        and a file is served only if its real path lies inside the root it was
        found in (no ``..``, no symlink out of the tree).
        """
        for prefix in self.static_prefixes:
            if url.startswith(prefix):
                name = _safe_relative_name(url[len(prefix) :])
                break
        else:
            return None
        if name is None:
            return None
        for prefix, root in self.static_roots:
            if prefix:
                if not name.startswith(prefix.strip("/") + "/"):
                    continue
                relative = name[len(prefix.strip("/")) + 1 :]
            else:
                relative = name
            try:
                real_root = root.resolve(strict=True)
                real = (real_root / relative).resolve(strict=True)
            except OSError:
                continue
            if real.is_file() and real.is_relative_to(real_root):
                return real
        return None


def _safe_relative_name(rest: str) -> str | None:
    # Drop query and fragment ("font.woff2?v=3#iefix"), then decode %2e%2e and co.
    rest = rest.split("#", 1)[0].split("?", 1)[0]
    name = unquote(rest)
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return "/".join(parts)
