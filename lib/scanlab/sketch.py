"""Small line charts as inline SVG, for explorer outputs.

A matplotlib PNG costs 70-90 ms to draw and tens of KB of widget state per setting; an
explorer that redraws on every keystroke in a live kernel needs under 20 ms. These charts
take well under a millisecond, weigh a few KB, stay sharp at any zoom, and their text
(title, ticks, legend) is real text, so the browser tests can read it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np

from scanlab.checks import ScanlabInputError

Marker = Literal["none", "dot", "hollow"]
LegendPlace = Literal["inside", "below"]
COLORS = ("#1f77b4", "#d62728", "#ff7f0e", "#2ca02c")  # matplotlib's C0, C3, C1, C2


@dataclass(frozen=True)
class Series:
    """One line (and/or markers) of a chart."""

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    color: str = COLORS[0]
    dashed: bool = False
    line: bool = True
    marker: Marker = "none"

    def __post_init__(self) -> None:
        if len(self.x) != len(self.y) or not self.x:
            raise ScanlabInputError(
                f"series {self.label!r}: x and y must be non-empty and of equal length, "
                f"got {len(self.x)} and {len(self.y)}"
            )


def series(label: str, x: Sequence[float], y: Sequence[float], **style) -> Series:
    """A Series from any numbers (arrays included)."""
    return Series(label, tuple(float(v) for v in x), tuple(float(v) for v in y), **style)


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About `count` round tick values covering [low, high] (1, 2 or 5 times a power of ten)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ScanlabInputError(f"ticks need finite limits, got {low} and {high}")
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    return ticks


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e5 else f"{value:.0e}"


@dataclass(frozen=True)
class LineChart:
    """A chart an explorer can show: `_repr_html_` is the SVG, `repr` names it."""

    title: str
    lines: tuple[Series, ...]
    xlabel: str = ""
    ylabel: str = ""
    zero_line: bool = True
    width: int = 380
    height: int = 190
    # "below": one legend row under the frame, so it never covers data (the frame shrinks).
    legend: LegendPlace = "inside"
    # (low, high): the y-axis shows only this band; lines are cut where they leave it.
    y_range: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        # Checked here, not when drawn: an explorer shows errors raised by its render function.
        if not self.lines:
            raise ScanlabInputError(f"chart {self.title!r} needs at least one series")
        if self.legend not in ("inside", "below"):
            raise ScanlabInputError(
                f"legend must be 'inside' or 'below', got {self.legend!r}"
            )
        if self.y_range is not None:
            low, high = self.y_range
            if not (math.isfinite(low) and math.isfinite(high) and low < high):
                raise ScanlabInputError(
                    f"y_range must be two finite numbers (low, high) with low < high, "
                    f"got {self.y_range!r}"
                )
        for s in self.lines:
            if not (np.all(np.isfinite(s.x)) and np.all(np.isfinite(s.y))):
                raise ScanlabInputError(
                    f"chart {self.title!r}: values of {s.label!r} must be finite to be drawn"
                )

    def __repr__(self) -> str:
        return f"<LineChart: {self.title}>"

    def _repr_html_(self) -> str:
        return self.svg()

    def svg(self) -> str:
        below = self.legend == "below"
        left, right, top, bottom = 46, 16, 22, 30 + (14 if below else 0)
        xs = np.concatenate([np.asarray(s.x) for s in self.lines])
        ys = np.concatenate([np.asarray(s.y) for s in self.lines])
        x_ticks = nice_ticks(float(xs.min()), float(xs.max()))
        if self.y_range is not None:
            y_low, y_high = map(float, self.y_range)
        else:
            y_low, y_high = float(ys.min()), float(ys.max())
            if self.zero_line:
                y_low, y_high = min(y_low, 0.0), max(y_high, 0.0)
        plot_w, plot_h = self.width - left - right, self.height - top - bottom
        if below and self.y_range is None:
            # A little room above and below, so markers on the extremes clear the frame.
            pad = 0.04 * ((y_high - y_low) or 1.0)
            y_low, y_high = y_low - pad, y_high + pad
        if not below:
            # Headroom at the top for the legend, so it does not sit on the data.
            legend_h = 11 * len(self.lines) + 6
            y_high += ((y_high - y_low) or 1.0) * legend_h / (plot_h - legend_h)
        y_ticks = nice_ticks(y_low, y_high)
        x0, x1 = min(x_ticks[0], xs.min()), max(x_ticks[-1], xs.max())
        pad = 0.02 * ((x1 - x0) or 1.0)  # markers on the first and last x stay off the frame
        x0, x1 = x0 - pad, x1 + pad
        y0, y1 = min(y_ticks[0], y_low), max(y_ticks[-1], y_high)

        def px(x: float) -> float:
            return round(left + (x - x0) / ((x1 - x0) or 1.0) * plot_w, 1)

        def py(y: float) -> float:
            return round(top + (y1 - y) / ((y1 - y0) or 1.0) * plot_h, 1)

        w, h = self.width, self.height
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="9" role="img" '
            f'aria-label="{html.escape(self.title)}">',
            _el("rect", x=left, y=top, width=plot_w, height=plot_h, fill="none", stroke="#999"),
            _el("text", self.title, x=w / 2, y=13, text_anchor="middle", font_size=10),
        ]
        parts += [
            _el("text", _fmt(t), x=px(t), y=top + plot_h + 11, text_anchor="middle")
            for t in x_ticks
        ]
        parts += [
            _el("text", _fmt(t), x=left - 3, y=py(t) + 3, text_anchor="end") for t in y_ticks
        ]
        if self.zero_line and y0 < 0 < y1:
            parts.append(_el("line", x1=left, x2=left + plot_w, y1=py(0), y2=py(0), stroke="#ccc"))
        for s in self.lines:
            dash = {"stroke_dasharray": "4 3"} if s.dashed else {}
            if s.line and len(s.x) > 1:
                if self.y_range is None:
                    runs = [list(zip(s.x, s.y, strict=True))]
                else:
                    runs = _clip_runs(s.x, s.y, y0, y1)
                for run in runs:
                    points = " ".join(f"{px(x)},{py(y)}" for x, y in run)
                    parts.append(
                        _el("polyline", points=points, fill="none", stroke=s.color,
                            stroke_width=1.2, **dash)
                    )
            if s.marker != "none":
                fill = "white" if s.marker == "hollow" else s.color
                radius = 3 if s.marker == "hollow" else 1.6
                parts += [
                    _el("circle", cx=px(x), cy=py(y), r=radius, fill=fill, stroke=s.color)
                    for x, y in zip(s.x, s.y, strict=True)
                    if y0 <= y <= y1
                ]
        legend_x = left
        for i, s in enumerate(self.lines):  # legend: top left inside the frame, or one row below
            if below:
                y = h - 4
            else:
                y = top + 10 + 11 * i
            dash = {"stroke_dasharray": "4 3"} if s.dashed else {}
            if s.line:
                parts.append(
                    _el("line", x1=legend_x + 5, x2=legend_x + 19, y1=y - 3, y2=y - 3,
                        stroke=s.color, stroke_width=1.5, **dash)
                )
            if s.marker != "none" or not s.line:
                fill = "white" if s.marker == "hollow" else s.color
                parts.append(
                    _el("circle", cx=legend_x + 12, cy=y - 3, r=3, fill=fill, stroke=s.color)
                )
            parts.append(_el("text", s.label, x=legend_x + 23, y=y))
            if below:  # the next entry follows this label (about 5.5 px a character at 9 px)
                legend_x += 23 + 5.5 * len(s.label) + 16
        if self.xlabel:
            parts.append(_el("text", self.xlabel, x=left + plot_w / 2,
                             y=top + plot_h + 24 if below else h - 3, text_anchor="middle"))
        if self.ylabel:
            middle = top + plot_h / 2
            parts.append(_el("text", self.ylabel, x=10, y=middle, text_anchor="middle",
                             transform=f"rotate(-90 10 {middle})"))
        parts.append("</svg>")
        # One element a line: the text a browser reads then has a break between labels.
        return "\n".join(parts)


def _clip_runs(
    xs: Sequence[float], ys: Sequence[float], low: float, high: float
) -> list[list[tuple[float, float]]]:
    """The parts of a polyline inside low <= y <= high, cut where it crosses the band's edges."""
    runs: list[list[tuple[float, float]]] = []
    run: list[tuple[float, float]] = []
    for (xa, ya), (xb, yb) in pairwise(zip(xs, ys, strict=True)):
        t0, t1, dy = 0.0, 1.0, yb - ya
        if dy == 0:
            inside = low <= ya <= high
        else:
            enter, leave = ((low - ya) / dy, (high - ya) / dy)[:: 1 if dy > 0 else -1]
            t0, t1 = max(t0, enter), min(t1, leave)
            inside = t0 <= t1
        if not inside:
            if run:
                runs.append(run)
            run = []
            continue
        a = (xa + t0 * (xb - xa), ya + t0 * dy)
        b = (xa + t1 * (xb - xa), ya + t1 * dy)
        if not (run and t0 == 0.0):
            if run:
                runs.append(run)
            run = [a]
        run.append(b)
        if t1 < 1.0:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _el(tag: str, text: str | None = None, **attrs: object) -> str:
    """One SVG element; attribute names use _ for - (stroke_width -> stroke-width)."""
    attributes = " ".join(
        f'{name.replace("_", "-")}="{html.escape(str(value))}"' for name, value in attrs.items()
    )
    if text is None:
        return f"<{tag} {attributes}/>"
    return f"<{tag} {attributes}>{html.escape(text)}</{tag}>"
