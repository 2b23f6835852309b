"""SVG charts: standalone, accessible, CSP-safe SVG that WeasyPrint can draw."""

import io
import xml.etree.ElementTree as ET

import pypdf
import pytest
from django.utils.safestring import SafeString
from weasyprint import HTML

from scorecards.charts import SERIES_COLOURS, category_chart_svg, score_bar_svg
from scorecards.reports.fetcher import STATIC_BASE_URL, SafeURLFetcher

SVG = "{http://www.w3.org/2000/svg}"
TRICKY = '<b>&"x'
CATEGORIES = [("quality", "Quality systems"), ("capacity", "Capacity & scheduling")]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def chart(series_count: int = 2, category_count: int = 2, **kwargs) -> str:
    categories = [(f"c{i}", f"Category {i}") for i in range(category_count)]
    series = [
        (
            f"Candidate {n}",
            {key: (n * 7 + i * 11) % 101 for i, (key, _) in enumerate(categories)},
        )
        for n in range(series_count)
    ]
    return category_chart_svg(categories, series, title="Scores", **kwargs)


def test_category_chart_is_standalone_accessible_svg():
    svg = category_chart_svg(
        CATEGORIES,
        [("Lonza", {"quality": 72.5, "capacity": 40}), ("Samsung", {"quality": 61})],
        title="Category scores",
    )

    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") and root.get("height")
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.find(f"{SVG}title").text == "Category scores"
    desc = root.find(f"{SVG}desc").text
    assert "A = Lonza" in desc and "Quality systems: A 72.5, B 61." in desc
    assert "Capacity & scheduling: A 40, B no score." in desc


def test_axis_runs_from_0_to_100_with_gridlines_every_25():
    root = parse(chart())
    lines = root.findall(f".//{SVG}line")
    assert len(lines) == 5
    labels = texts(root)
    for value in ("0", "25", "50", "75", "100"):
        assert labels.count(value) == 2  # above and below the bars


def test_a_missing_score_is_written_not_drawn_as_zero():
    root = parse(
        category_chart_svg(
            CATEGORIES,
            [("Lonza", {"quality": 0.0, "capacity": None}), ("Samsung", {})],
            title="t",
        )
    )
    labels = texts(root)
    assert labels.count("A no score") == 1  # capacity: None
    assert labels.count("B no score") == 2  # no entries at all
    # A real zero is a (zero-length) bar with its value, the three gaps are not bars.
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 1
    assert "A 0" in labels


def test_colour_is_not_the_only_cue():
    root = parse(chart(series_count=3, category_count=1))
    labels = texts(root)
    # The legend names each letter, and each bar carries its letter next to the value.
    for number, key in enumerate("ABC"):
        name = f"Candidate {number}"
        assert key in labels and name in labels
        assert any(label.startswith(f"{key} ") for label in labels)


def _contrast(colour: str, background: str = "#ffffff") -> float:
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in channels
        )
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted([luminance(colour), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_series_colours_are_distinct_and_contrast_with_white():
    assert len(set(SERIES_COLOURS)) == len(SERIES_COLOURS) == 12
    assert all(_contrast(colour) >= 3 for colour in SERIES_COLOURS)


def test_names_are_escaped():
    svg = category_chart_svg(
        [("q", TRICKY)], [(TRICKY, {"q": 50})], title=f"Title {TRICKY}"
    )

    assert "<b>" not in svg
    root = parse(svg)  # would fail on a stray & or <
    assert TRICKY in texts(root)  # legend
    assert root.find(f"{SVG}title").text == f"Title {TRICKY}"
    assert TRICKY in root.find(f"{SVG}desc").text


@pytest.mark.parametrize("series_count", [1, 4, 12])
def test_one_to_twelve_series_over_twelve_categories(series_count):
    root = parse(chart(series_count=series_count, category_count=12))
    height = float(root.get("height"))
    # Every text stays inside the drawing.
    for node in root.iter(f"{SVG}text"):
        for tspan in [node, *node.iter(f"{SVG}tspan")]:
            if tspan.get("y"):
                assert 0 < float(tspan.get("y")) <= height
    legend_keys = [t for t in texts(root) if len(t) == 1 and t.isalpha()]
    assert legend_keys == [chr(ord("A") + n) for n in range(series_count)]


def test_no_style_attributes_or_elements_anywhere():
    """The site's CSP has no 'unsafe-inline' for styles."""
    for svg in (
        chart(series_count=12, category_count=12),
        category_chart_svg([], [], title="empty"),
        score_bar_svg(50, label="x"),
        score_bar_svg(None, label="x"),
    ):
        root = parse(svg)
        for node in root.iter():
            assert "style" not in node.attrib, node.tag
            assert node.tag != f"{SVG}style"


def test_no_data_gives_a_message_not_an_empty_frame():
    root = parse(category_chart_svg(CATEGORIES, [], title="Scores"))
    assert "No scores yet." in texts(root)
    assert root.get("role") == "img"


def test_score_bar():
    root = parse(score_bar_svg(72.5, label=TRICKY))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == f"{TRICKY}: 72.5 out of 100"
    fill = root.findall(f"{SVG}rect")[1]
    assert float(fill.get("width")) == pytest.approx(0.725 * 98, abs=0.1)

    over = parse(score_bar_svg(130, label="x")).findall(f"{SVG}rect")[1]
    assert float(over.get("width")) == 98  # clamped to the track

    empty = parse(score_bar_svg(None, label="Quality"))
    assert empty.find(f"{SVG}title").text == "Quality: no score"
    assert texts(empty) == ["no score"]


def test_charts_render_in_weasyprint():
    html = (
        "<html><body><p>Chart below.</p>"
        + chart(series_count=4, category_count=9)
        + "<p>"
        + score_bar_svg(61, label="Quality")
        + score_bar_svg(None, label="Capacity")
        + "</p></body></html>"
    )
    fetcher = SafeURLFetcher()

    data = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).write_pdf()

    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Candidate 3" in text and "Category 8" in text and "no score" in text
    assert fetcher.refused == []


def test_the_score_bar_and_the_empty_chart_escape_what_they_print():
    # The mark_safe sites bandit reports (B308): each escapes every name.
    bar = score_bar_svg(50, label=TRICKY)
    empty = category_chart_svg([], [], title=TRICKY)
    for svg in (bar, empty):
        assert "<b>" not in svg
        parse(svg)  # would fail on a stray & or <
    assert TRICKY in texts(parse(empty))
