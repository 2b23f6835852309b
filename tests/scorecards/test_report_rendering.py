"""Report PDFs: what they may load (SafeURLFetcher).

The fetcher tests render in this process so they can watch every file opened and
every connection tried (an audit hook).
"""

import base64
import io
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import pypdf
import pytest
from django.template import Context, Template
from weasyprint import HTML

from scorecards.reports.fetcher import STATIC_BASE_URL, RefusedURL, SafeURLFetcher

# A 1x1 transparent PNG.
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PNG_DATA_URL = "data:image/png;base64," + base64.b64encode(PNG_1PX).decode()

# --- Watching file and network access -------------------------------------------

_io_events: list | None = None


def _audit(event, args):
    if _io_events is not None and (
        event == "open" or event.startswith(("socket.", "urllib."))
    ):
        _io_events.append((event, args))


sys.addaudithook(_audit)  # Audit hooks cannot be removed; this one idles outside.


@contextmanager
def watching_io():
    """Record files opened and network calls made in this process meanwhile."""
    global _io_events
    _io_events = events = []
    try:
        yield events
    finally:
        _io_events = None


def opened_paths(events) -> set[str]:
    return {str(args[0]) for event, args in events if event == "open"}


def network_calls(events) -> list:
    return [(event, args) for event, args in events if event != "open"]


# --- Helpers ----------------------------------------------------------------------


def render_here(html: str, fetcher: SafeURLFetcher) -> bytes:
    return HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).write_pdf()


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def report(body: str, **context) -> str:
    """A report template (extending reports/base.html) rendered like a view would."""
    template = Template(
        "{% extends 'reports/base.html' %}{% block content %}" + body + "{% endblock %}"
    )
    return template.render(Context(context))


# --- The fetcher --------------------------------------------------------------------

NOTE = (
    '<img src="file:///etc/passwd"> <link href="http://127.0.0.1:9/x"> '
    "<script>alert(1)</script>"
)


def test_user_text_with_markup_is_printed_as_text_and_fetches_nothing():
    html = report("<p>{{ note }}</p>", note=NOTE, run_title="Programme · Candidate")
    fetcher = SafeURLFetcher()

    with watching_io() as events:
        data = render_here(html, fetcher)

    text = one_line(" ".join(page_texts(data)))
    assert '<img src="file:///etc/passwd">' in text
    assert '<link href="http://127.0.0.1:9/x">' in text
    assert "<script>alert(1)</script>" in text
    assert fetcher.refused == []
    assert "/etc/passwd" not in opened_paths(events)
    assert network_calls(events) == []


def test_raw_html_cannot_reach_files_network_or_attach_files():
    hostname_file = Path("/etc/hostname")
    hostname = hostname_file.read_text().strip() if hostname_file.exists() else ""
    html = """<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:9/evil.css">
      <link rel="attachment" href="file:///etc/hostname" title="host">
    </head><body>
      <p>Body text.</p>
      <img src="file:///etc/passwd">
      <img src="http://127.0.0.1:9/pixel.png">
      <a rel="attachment" href="file:///etc/hostname">a link that attaches</a>
    </body></html>"""
    fetcher = SafeURLFetcher()

    with watching_io() as events:
        data = render_here(html, fetcher)

    assert set(fetcher.refused) == {
        "http://127.0.0.1:9/evil.css",
        "file:///etc/hostname",
        "file:///etc/passwd",
        "http://127.0.0.1:9/pixel.png",
    }
    assert fetcher.served == []
    assert not {"/etc/passwd", "/etc/hostname"} & opened_paths(events)
    assert network_calls(events) == []
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.attachments == {}
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert b"/EmbeddedFile" not in data
    if len(hostname) >= 4:  # a name this short could occur by chance
        assert hostname.encode() not in data


def test_static_files_are_served_from_the_app():
    html = report("<p>Styled.</p>")
    fetcher = SafeURLFetcher()

    render_here(html, fetcher)

    assert STATIC_BASE_URL + "static/reports/report.css" in fetcher.served
    assert any(url.endswith("LiberationSans-Regular.ttf") for url in fetcher.served)
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/static/reports/report.css",
        "ftp://127.0.0.1/x",
        "gopher://127.0.0.1/x",
        "data:text/html,<script>alert(1)</script>",
        "data:,plain",
        STATIC_BASE_URL + "reports/report.css",  # not under STATIC_URL
        STATIC_BASE_URL + "static/../cdmo_eval/settings.py",
        STATIC_BASE_URL + "static/%2e%2e/cdmo_eval/settings.py",
        STATIC_BASE_URL + "static/reports/..%2F..%2Fcdmo_eval/settings.py",
        STATIC_BASE_URL + "static//etc/passwd",
        STATIC_BASE_URL + "static/reports/missing.css",
    ],
)
def test_fetcher_refuses_without_touching_anything(url):
    fetcher = SafeURLFetcher()

    with watching_io() as events, pytest.raises(RefusedURL):
        fetcher(url)

    assert fetcher.refused == [url]
    assert network_calls(events) == []
    assert not [path for path in opened_paths(events) if "settings.py" in path]


def test_small_image_data_urls_are_allowed():
    fetcher = SafeURLFetcher()
    svg = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"

    assert fetcher(PNG_DATA_URL).read() == PNG_1PX
    assert fetcher(svg).read().startswith(b"<svg")
    assert fetcher.refused == []

    data = render_here(f'<p>Logo</p><img src="{PNG_DATA_URL}">', fetcher)
    assert pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/XObject"]


def test_data_urls_over_the_size_limit_are_refused(settings):
    settings.REPORT_DATA_URL_MAX_BYTES = 1000
    big = "data:image/png;base64," + base64.b64encode(PNG_1PX + b"\0" * 1000).decode()
    fetcher = SafeURLFetcher()

    with pytest.raises(RefusedURL):
        fetcher(big)
    assert fetcher(PNG_DATA_URL)  # still within the limit

    assert len(fetcher.refused) == 1
    assert fetcher.refused[0].startswith("data:image/png;base64,")
    assert len(fetcher.refused[0]) < 250  # recorded cut short, not 1.3 kB
