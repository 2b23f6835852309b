"""Report PDFs: what they may load (SafeURLFetcher) and how render_pdf behaves.

The fetcher tests render in this process so they can watch every file opened and
every connection tried (an audit hook); the render_pdf tests go through the child
process the report job uses.
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

from scorecards.reports import pdf
from scorecards.reports.fetcher import STATIC_BASE_URL, RefusedURL, SafeURLFetcher
from scorecards.reports.pdf import (
    RenderFailed,
    RenderInfo,
    RenderTimeout,
    RenderTooLarge,
    render_pdf,
)

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


# --- render_pdf ---------------------------------------------------------------------

SECTIONS = [("alpha", "Alpha chapter"), ("beta", "Beta chapter"), ("gamma", "Gamma")]
TABLE_ROWS = 70


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A TOC page, a one-page chapter, a table over two pages or more, a last page."""
    rows = [(n, f"Criterion number {n}") for n in range(1, TABLE_ROWS + 1)]
    html = report(
        """
        <section class="chapter" id="alpha"><h1>Alpha chapter</h1><p>First.</p>
          <img src="file:///etc/passwd"></section>
        <section class="chapter" id="beta"><h1>Beta chapter</h1>
          <table><thead><tr><th>Row</th><th>Criterion heading</th></tr></thead>
          <tbody>{% for n, name in rows %}<tr><td>{{ n }}</td><td>{{ name }}</td>
          </tr>{% endfor %}</tbody></table></section>
        <section class="chapter" id="gamma"><h1>Gamma</h1><p>Last words.</p></section>
        """,
        rows=rows,
        toc_entries=SECTIONS,
        run_title="ABX-101 · Lonza Visp",
    )
    out = tmp_path_factory.mktemp("report") / "report.pdf"
    info = render_pdf(html, out_path=out)
    return info, out, pypdf.PdfReader(out)


def test_render_pdf_writes_the_pdf_and_reports_pages_size_and_refusals(rendered):
    info, out, reader = rendered
    assert isinstance(info, RenderInfo)
    assert info.pages == len(reader.pages) >= 5
    assert info.bytes == out.stat().st_size
    assert info.refused == ["file:///etc/passwd"]
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]


def test_every_page_says_page_x_of_y(rendered):
    info, _, reader = rendered
    n = info.pages
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    assert f"Page 1 of {n}" in first
    assert f"Page {n} of {n}" in last
    assert "ABX-101 · Lonza Visp" in first  # the running header
    assert "Confidential" in last  # the default marking


def test_toc_shows_the_page_each_section_starts_on(rendered):
    _, _, reader = rendered
    texts = [page.extract_text() for page in reader.pages]
    toc = texts[0]
    for anchor, title in SECTIONS:
        listed = int(re.search(rf"{title}[\s.]*(\d+)", toc).group(1))
        starts = next(i for i, t in enumerate(texts[1:], 2) if title in t)
        assert listed == starts, anchor
    assert int(re.search(r"Alpha chapter[\s.]*(\d+)", toc).group(1)) == 2


def test_table_header_repeats_on_the_next_page(rendered):
    _, _, reader = rendered
    texts = [page.extract_text() for page in reader.pages]
    table_pages = [t for t in texts if "Criterion number" in t]
    assert len(table_pages) >= 2
    assert all(t.count("Criterion heading") == 1 for t in table_pages)
    assert f"Criterion number {TABLE_ROWS}" in table_pages[-1]


def test_fonts_are_embedded(rendered):
    _, _, reader = rendered
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            fonts[font["/BaseFont"]] = descendant["/FontDescriptor"].get_object()
    assert fonts
    for name, descriptor in fonts.items():
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name
    # The vendored Liberation Sans, declared as "Report Sans", does the text.
    assert any("Report-Sans" in name for name in fonts)


def test_a_render_over_the_timeout_is_stopped_and_leaves_nothing(tmp_path):
    out = tmp_path / "report.pdf"
    out.write_bytes(b"an older report")

    with pytest.raises(RenderTimeout) as error:
        render_pdf(report("<p>Slow.</p>"), out_path=out, timeout=0.01)

    assert str(error.value).startswith(
        "The report took longer than 0.01 seconds to render and was stopped."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_render_over_the_memory_cap_is_stopped_and_leaves_nothing(tmp_path):
    with pytest.raises(RenderTooLarge) as error:
        render_pdf(report("<p>Big.</p>"), out_path=tmp_path / "r.pdf", memory_mb=64)

    assert "more than 64 MB of memory" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_a_failing_renderer_reports_its_last_error_line(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "_CHILD_MODULE", "scorecards.reports.no_such_child")

    with pytest.raises(RenderFailed) as error:
        render_pdf("<p>x</p>", out_path=tmp_path / "r.pdf")

    assert "No module named scorecards.reports.no_such_child" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_defaults_come_from_settings(settings, tmp_path):
    settings.REPORT_TIMEOUT_SECONDS = 0.01

    with pytest.raises(RenderTimeout, match="longer than 0.01 seconds"):
        render_pdf("<p>x</p>", out_path=tmp_path / "r.pdf")
