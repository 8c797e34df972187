"""Server-side SVG geometry for the dashboard chart: no JavaScript, no CDN, readable without colour.

The template (templates/accessrequests/_daily_chart.svg.html) only places the shapes computed here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

# Colours with >= 3:1 contrast on white; the legend and the data table carry the same information.
STATUS_COLOURS = {
    "Pending": "#b45309",
    "Approved": "#15803d",
    "Denied": "#b91c1c",
    "Canceled": "#4b5565",
    "Expired": "#6d28d9",
}


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass
class Tick:
    value: int
    y: float


@dataclass
class Label:
    x: float
    text: str


@dataclass
class BarTotal:
    x: float
    y: float
    value: int


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_bottom: int
    plot_right: int
    bars: list[Rect] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    totals: list[BarTotal] = field(default_factory=list)
    legend: list[tuple[str, str, float]] = field(default_factory=list)
    maximum: int = 0
    total: int = 0


NICE_STEPS = (1, 2, 5)
MAX_TICK_INTERVALS = 5


def integer_ticks(value: int) -> tuple[int, int]:
    """(step, top) for an integer axis from 0 to at least ``value``: the smallest step of 1, 2, 5, 10, 20,
    50, … that needs at most MAX_TICK_INTERVALS intervals, and the top line at a multiple of it."""
    value = max(int(value), 1)
    magnitude = 1
    while True:
        for base in NICE_STEPS:
            step = base * magnitude
            if math.ceil(value / step) <= MAX_TICK_INTERVALS:
                return step, step * math.ceil(value / step)
        magnitude *= 10


def daily_outcome_chart(days, statuses, *, width: int = 960, height: int = 300) -> Chart:
    """Stacked bars, one per day, one segment per status (bottom to top in ``statuses`` order).

    The y axis has integer ticks at a nice step and bars use the same scale, so a bar of 1 reaches the 1
    line exactly; each non-empty bar carries its total above it. The SVG scales to its card's width.
    """
    left, right, top, bottom = 40, width - 8, 20, height - 56
    chart = Chart(width, height, left, top, bottom, right)
    step, chart.maximum = integer_ticks(max((d.total for d in days), default=0))
    chart.total = sum(d.total for d in days)
    plot_h = bottom - top
    slot = (right - left) / max(len(days), 1)
    bar_w = max(slot * 0.7, 1)
    for i, d in enumerate(days):
        x = left + i * slot + (slot - bar_w) / 2
        stacked = 0
        for status in statuses:
            n = d.counts.get(status, 0)
            if not n:
                continue
            # Each segment's edges are computed from cumulative counts, so the top edge of a bar of total
            # t lies exactly on the line of value t (no rounding drift between segments).
            y_low = bottom - plot_h * stacked / chart.maximum
            stacked += n
            y_high = bottom - plot_h * stacked / chart.maximum
            chart.bars.append(Rect(round(x, 1), round(y_high, 1), round(bar_w, 1), round(y_low - y_high, 1),
                                   STATUS_COLOURS.get(status, "#1f2937"), f"{d.day:%d %b}: {n} {status}"))
        if stacked:
            chart.totals.append(BarTotal(round(x + bar_w / 2, 1), round(bottom - plot_h * stacked / chart.maximum - 4, 1),
                                         stacked))
        if i % 5 == 0 or i == len(days) - 1:
            chart.labels.append(Label(round(x + bar_w / 2, 1), f"{d.day:%d %b}"))
    for value in range(0, chart.maximum + 1, step):
        chart.ticks.append(Tick(value, round(bottom - plot_h * value / chart.maximum, 1)))
    legend_step = (right - left) / max(len(statuses), 1)
    chart.legend = [(s, STATUS_COLOURS.get(s, "#1f2937"), round(left + i * legend_step, 1))
                    for i, s in enumerate(statuses)]
    return chart
