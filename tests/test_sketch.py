import itertools
import re

import pytest

from scanlab.checks import ScanlabInputError
from scanlab.explorer import html_text, render_outputs
from scanlab.sketch import LineChart, Series, nice_ticks, series


def test_nice_ticks_are_round_steps_inside_the_range():
    assert nice_ticks(0, 100) == [0, 50, 100]
    assert nice_ticks(0, 7) == [0, 2, 4, 6]  # ticks stay inside the data range
    ticks = nice_ticks(-0.83, 1.07)
    assert ticks == [-0.5, 0.0, 0.5, 1.0]
    assert all(abs(b - a - (ticks[1] - ticks[0])) < 1e-9 for a, b in itertools.pairwise(ticks))
    assert nice_ticks(3, 3) == nice_ticks(3, 4)  # a flat line still gets ticks
    with pytest.raises(ScanlabInputError, match="ticks need finite limits"):
        nice_ticks(0, float("inf"))


def test_series_checks_lengths():
    expected = r"series 'a': x and y must be non-empty and of equal length, got 2 and 1"
    with pytest.raises(ScanlabInputError, match=expected):
        Series("a", (1.0, 2.0), (1.0,))


def test_chart_svg_has_title_lines_and_legend_as_text():
    chart = LineChart(
        "walk <1>",
        (series("good", [0, 1, 2], [0, 1, -1]), series("bad", [0, 1, 2], [0, 2, 4], dashed=True)),
        xlabel="step",
    )
    svg = chart._repr_html_()
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2 and 'stroke-dasharray="4 3"' in svg
    text = html_text(svg)
    assert "walk <1>" in text and "good" in text and "bad" in text and "step" in text
    assert repr(chart) == "<LineChart: walk <1>>"
    # every point lies inside the frame
    frame = re.search(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', svg)
    x, y, w, h = map(float, frame.groups())
    for pair in re.search(r'points="([^"]+)"', svg).group(1).split():
        px, py = map(float, pair.split(","))
        assert x <= px <= x + w and y <= py <= y + h


def test_chart_refuses_non_finite_values_and_explorer_shows_the_message():
    def render():
        return LineChart("t", (series("s", [0, 1], [0, float("nan")]),))

    (out,) = render_outputs(render, {})
    assert "ScanlabInputError: chart 't': values of 's' must be finite" in out["data"]["text/plain"]


def test_markers_only_series_draws_circles():
    svg = LineChart("t", (series("start", [0, 1], [1, 1], line=False, marker="hollow"),)).svg()
    assert "<polyline" not in svg and svg.count("<circle") == 3  # two points and the legend


def _points(svg):
    return [
        tuple(map(float, pair.split(",")))
        for points in re.findall(r'points="([^"]+)"', svg)
        for pair in points.split()
    ]


def test_y_range_cuts_lines_at_the_band_and_keeps_points_inside_the_frame():
    chart = LineChart(
        "t", (series("up", [0, 1, 2, 3, 4], [0, 5, 0, -5, 0]),), y_range=(-1.0, 1.0)
    )
    svg = chart.svg()
    assert svg.count("<polyline") == 3  # the line leaves the band twice: three pieces
    frame = re.search(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', svg)
    x, y, w, h = map(float, frame.groups())
    for px, py in _points(svg):
        assert x <= px <= x + w and y <= py <= y + h
    ticks = [float(v) for v in re.findall(r'text-anchor="end">([-\d.e+]+)<', svg)]
    assert ticks and min(ticks) >= -1.0 and max(ticks) <= 1.0
    with pytest.raises(ScanlabInputError, match="y_range must be two finite numbers"):
        LineChart("t", (series("s", [0, 1], [0, 1]),), y_range=(1.0, 1.0))


def test_legend_below_sits_under_the_frame_in_one_row():
    chart = LineChart(
        "t",
        (series("first", [0, 1], [0, 1]), series("second", [0, 1], [1, 0])),
        xlabel="t",
        width=700,
        height=260,
        legend="below",
    )
    svg = chart.svg()
    assert 'width="700" height="260"' in svg
    frame = re.search(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', svg)
    bottom = float(frame.group(2)) + float(frame.group(4))
    labels = {
        m.group(3): (float(m.group(1)), float(m.group(2)))
        for m in re.finditer(r'<text x="([\d.]+)" y="([\d.]+)">(first|second)</text>', svg)
    }
    assert set(labels) == {"first", "second"}
    assert all(y > bottom for _x, y in labels.values())
    assert labels["first"][1] == labels["second"][1] and labels["first"][0] < labels["second"][0]
    with pytest.raises(ScanlabInputError, match="legend must be 'inside' or 'below'"):
        LineChart("t", (series("s", [0, 1], [0, 1]),), legend="left")
