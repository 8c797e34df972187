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
    legend: list[tuple[str, str, float]] = field(default_factory=list)
    maximum: int = 0
    total: int = 0


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** int(math.floor(math.log10(value)))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return value


def daily_outcome_chart(days, statuses, *, width: int = 760, height: int = 280) -> Chart:
    """Stacked bars, one per day, one segment per status (bottom to top in ``statuses`` order)."""
    left, right, top, bottom = 48, width - 12, 12, height - 56
    chart = Chart(width, height, left, top, bottom, right)
    chart.maximum = _nice_max(max((d.total for d in days), default=0))
    chart.total = sum(d.total for d in days)
    plot_h = bottom - top
    slot = (right - left) / max(len(days), 1)
    bar_w = max(slot * 0.7, 1)
    for i, d in enumerate(days):
        x = left + i * slot + (slot - bar_w) / 2
        y = bottom
        for status in statuses:
            n = d.counts.get(status, 0)
            if not n:
                continue
            h = plot_h * n / chart.maximum
            y -= h
            chart.bars.append(Rect(round(x, 1), round(y, 1), round(bar_w, 1), round(h, 1),
                                   STATUS_COLOURS.get(status, "#1f2937"), f"{d.day:%d %b}: {n} {status}"))
        if i % 5 == 0 or i == len(days) - 1:
            chart.labels.append(Label(round(x + bar_w / 2, 1), f"{d.day:%d %b}"))
    for k in range(5):
        value = round(chart.maximum * k / 4)
        chart.ticks.append(Tick(value, round(bottom - plot_h * k / 4, 1)))
    step = (right - left) / max(len(statuses), 1)
    chart.legend = [(s, STATUS_COLOURS.get(s, "#1f2937"), round(left + i * step, 1)) for i, s in enumerate(statuses)]
    return chart
