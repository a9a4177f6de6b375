"""The server-side SVG charts: well-formed, titled, scaled, escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from parvis.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bars_are_scaled_to_the_largest_value() -> None:
    svg = _parse(charts.bars("c", "Comments per day", ["01/08", "02/08", "03/08"], [2, 0, 4]))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-title"
    assert svg.find(f"{SVG}title").text == "Comments per day"  # type: ignore[union-attr]
    heights = [float(r.get("height", "")) for r in svg.iter(f"{SVG}rect")]
    assert heights[1] == 0 and heights[2] == 2 * heights[0] == charts.HEIGHT - 10 - 24
    tips = [t.text for r in svg.iter(f"{SVG}rect") for t in r.iter(f"{SVG}title")]
    assert tips == ["01/08 : 2", "02/08 : 0", "03/08 : 4"]


def test_an_all_zero_chart_draws_flat_bars() -> None:
    svg = _parse(charts.bars("c", "t", ["a", "b"], [0, 0]))
    assert {r.get("height") for r in svg.iter(f"{SVG}rect")} == {"0.0"}


def test_line_has_one_point_per_day() -> None:
    svg = _parse(charts.line("q", "Queue", ["a", "b", "c"], [1, 3, 2]))
    assert len(list(svg.iter(f"{SVG}circle"))) == 3
    points = svg.find(f"{SVG}polyline").get("points").split()  # type: ignore[union-attr]
    assert len(points) == 3 and float(points[1].split(",")[1]) == 10.0  # the top


def test_stacked_rows_and_legend() -> None:
    svg = _parse(
        charts.stacked(
            "r",
            "Decisions per rule",
            [
                ("Insultes", [("validé", 1), ("refusé", 3)]),
                ("<none>", [("validé", 2), ("refusé", 0)]),
            ],
            [("approved", "validé"), ("rejected", "refusé")],
        )
    )
    classes = [r.get("class") for r in svg.iter(f"{SVG}rect")]
    assert classes.count("parvis-chart-approved") == 3  # two rows and the legend
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "<none>" in texts and "4" in texts  # escaped in the markup, read back as text


def test_text_is_escaped() -> None:
    markup = str(charts.bars("x", "<script>", ["a&b"], [1]))
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "a&amp;b" in markup
