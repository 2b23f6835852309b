"""The timeline SVG: standalone, accessible, escaped, no inline styles."""

import datetime as dt
import re

from negotiations.charts import timeline_svg
from negotiations.signals import MilestoneFacts

AS_OF = dt.date(2026, 6, 30)


def test_timeline_has_marks_elapsed_months_and_accessible_names():
    svg = str(
        timeline_svg(
            [
                MilestoneFacts("first_engagement", dt.date(2025, 11, 3)),
                MilestoneFacts("cda_signed", dt.date(2025, 11, 20)),
            ],
            as_of=AS_OF,
        )
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="880"')
    assert 'viewBox="0 0 880 230"' in svg
    assert 'role="img"' in svg
    assert 'aria-labelledby="timeline-title timeline-desc"' in svg
    assert '<title id="timeline-title">Negotiation timeline</title>' in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert "First engagement 3 Nov 2025; CDA signed 20 Nov 2025" in desc
    assert "7.9 months since first engagement" in desc  # 239 days / 30.44
    assert ">6 months<" in svg and ">9 months<" in svg
    assert "style=" not in svg
    assert "<script" not in svg


def test_signed_msa_reads_as_time_to_signature():
    svg = str(
        timeline_svg(
            [
                MilestoneFacts("first_engagement", dt.date(2025, 9, 1)),
                MilestoneFacts("msa_signed", dt.date(2026, 3, 3)),
            ],
            as_of=AS_OF,
        )
    )
    assert "MSA signed 6.0 months after first engagement" in svg


def test_no_milestones_still_renders_and_text_is_escaped():
    svg = str(timeline_svg([], as_of=AS_OF, uid='x"><script>'))
    assert "No milestones recorded yet." in svg
    assert "No first engagement recorded yet." in svg
    assert "<script>" not in svg
    assert "&quot;&gt;&lt;script&gt;" in svg
    svg = str(timeline_svg([MilestoneFacts("<b>odd</b>", AS_OF)], as_of=AS_OF))
    assert "<b>" not in svg and "&lt;b&gt;odd&lt;/b&gt;" in svg
