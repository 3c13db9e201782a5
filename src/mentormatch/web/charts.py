"""Server-rendered SVG charts for the coordinator dashboard (no script, no inline style).

Each function returns an accessible `<svg role="img">` with a title and description;
colours come from CSS classes in app.css, and every chart has a data table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

WIDTH = 480
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 40


def _nice_max(value: float) -> int:
    """A round axis maximum at or above value, with at most five steps."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if math.ceil(value / step) <= 5:
            return max(math.ceil(value / step), 1) * step
    return math.ceil(value)


def _ticks(top: int) -> list[int]:
    step = next(
        s
        for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, top)
        if top / s <= 5
    )
    return list(range(0, top + 1, step))


def _frame(chart_id: str, title: str, desc: str, body: list[str]) -> Markup:
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-t '
        f'{chart_id}-d" class="chart" id="{chart_id}">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return Markup("".join(parts))


def _y_axis(top: int, plot_h: float) -> list[str]:
    out = []
    for tick in _ticks(top):
        y = TOP + plot_h - plot_h * tick / top
        out.append(
            f'<line class="gridline" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    out.append(f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h:.1f}"/>')
    out.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h:.1f}" '
        f'y2="{TOP + plot_h:.1f}"/>'
    )
    return out


def bars(chart_id: str, title: str, labels: Sequence[str], values: Sequence[int]) -> Markup:
    """A vertical bar chart, e.g. how many newcomers have waited how long."""
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    top = _nice_max(max(values, default=0))
    body = _y_axis(top, plot_h)
    slot = plot_w / max(len(values), 1)
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top
        x = LEFT + i * slot + slot * 0.15
        y = TOP + plot_h - h
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{escape(name)}: {value}</title></rect>"
        )
        body.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle">{value}</text>'
        )
        body.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{TOP + plot_h + 16:.1f}" '
            f'text-anchor="middle">{escape(name)}</text>'
        )
    desc = "; ".join(f"{n}: {v}" for n, v in zip(labels, values, strict=True))
    return _frame(chart_id, title, desc, body)


def load_vs_capacity(
    chart_id: str, title: str, names: Sequence[str], loads: Sequence[int], capacity: Sequence[int]
) -> Markup:
    """Each mentor's approved + active pairings (bar) against capacity (dashed outline)."""
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    top = _nice_max(max([*loads, *capacity], default=0))
    body = _y_axis(top, plot_h)
    slot = plot_w / max(len(names), 1)
    for i, (name, load, cap) in enumerate(zip(names, loads, capacity, strict=True)):
        x = LEFT + i * slot + slot * 0.15
        w = slot * 0.7
        cap_h = plot_h * cap / top
        load_h = plot_h * load / top
        base = TOP + plot_h
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{base - load_h:.1f}" width="{w:.1f}" '
            f'height="{load_h:.1f}"><title>{escape(name)}: {load} of {cap}</title></rect>'
        )
        body.append(
            f'<rect class="cap" x="{x:.1f}" y="{base - cap_h:.1f}" width="{w:.1f}" '
            f'height="{cap_h:.1f}"/>'
        )
        body.append(
            f'<text x="{x + w / 2:.1f}" y="{base + 16:.1f}" text-anchor="middle">'
            f"{escape(name[:8])}</text>"
        )
    desc = "; ".join(
        f"{n}: {load} of {cap}" for n, load, cap in zip(names, loads, capacity, strict=True)
    )
    return _frame(chart_id, title, desc, body)


def stacked(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[int]],
) -> Markup:
    """Stacked bars: one bar per label, one CSS class (`s-<name>`) per series."""
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = _nice_max(max(totals, default=0))
    body = _y_axis(top, plot_h)
    slot = plot_w / max(len(labels), 1)
    for i, name in enumerate(labels):
        x = LEFT + i * slot + slot * 0.15
        w = slot * 0.7
        y: float = TOP + plot_h
        for status, values in series.items():
            h = plot_h * values[i] / top
            if values[i]:
                y -= h
                body.append(
                    f'<rect class="s-{escape(status)}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                    f'height="{h:.1f}"><title>{escape(name)} {escape(status)}: {values[i]}'
                    "</title></rect>"
                )
        body.append(
            f'<text x="{x + w / 2:.1f}" y="{TOP + plot_h + 16:.1f}" '
            f'text-anchor="middle">{escape(name)}</text>'
        )
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{s} {v[i]}" for s, v in series.items())
        for i, name in enumerate(labels)
    )
    return _frame(chart_id, title, desc, body)
