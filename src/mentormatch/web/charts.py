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
# Room under the axis for names written upwards, when they do not fit side by side.
BOTTOM_TURNED = 70
# The width of one character of the charts' 11 px labels, a little over the widest average.
CHAR_WIDTH = 6.6


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


def _empty(chart_id: str, title: str, message: str) -> Markup:
    """A chart with nothing to draw says so, in its picture and its description."""
    body = [
        f'<text class="empty" x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" '
        f'text-anchor="middle">{escape(message)}</text>'
    ]
    return _frame(chart_id, title, message, body)


def _turned(names: Sequence[str], slot: float) -> bool:
    """Whether the names under the bars must be written upwards not to overlap."""
    return any(len(name) * CHAR_WIDTH > slot - 4 for name in names)


def _x_label(name: str, x: float, axis_y: float, turned: bool) -> str:
    """One name under its bar: centred, or written upwards from the axis."""
    if turned:
        y = axis_y + 8
        return (
            f'<text class="xlabel" x="{x:.1f}" y="{y:.1f}" text-anchor="end" '
            f'dominant-baseline="middle" transform="rotate(-90 {x:.1f} {y:.1f})">'
            f"{escape(name)}</text>"
        )
    return (
        f'<text class="xlabel" x="{x:.1f}" y="{axis_y + 16:.1f}" text-anchor="middle">'
        f"{escape(name)}</text>"
    )


def _short(name: str, limit: int = 9) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


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


def bars(
    chart_id: str, title: str, labels: Sequence[str], values: Sequence[int], *, empty: str
) -> Markup:
    """A vertical bar chart, e.g. how many newcomers have waited how long; `empty` is what
    it says when every value is zero."""
    if not any(values):
        return _empty(chart_id, title, empty)
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(values), 1)
    turned = _turned(labels, slot)
    plot_h = HEIGHT - TOP - (BOTTOM_TURNED if turned else BOTTOM)
    top = _nice_max(max(values, default=0))
    body = _y_axis(top, plot_h)
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
        body.append(_x_label(name, x + slot * 0.35, TOP + plot_h, turned))
    desc = "; ".join(f"{n}: {v}" for n, v in zip(labels, values, strict=True))
    return _frame(chart_id, title, desc, body)


def load_vs_capacity(
    chart_id: str,
    title: str,
    names: Sequence[str],
    loads: Sequence[int],
    capacity: Sequence[int],
    *,
    empty: str,
    of: str = "%(load)s of %(capacity)s",
) -> Markup:
    """Each mentor's approved + active pairings (bar) against capacity (dashed outline);
    `of` writes a mentor's figures in the page's language ("3 of 4", "3 de 4")."""
    if not names:
        return _empty(chart_id, title, empty)
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(names), 1)
    shown = [_short(name) for name in names]
    turned = _turned(shown, slot)
    plot_h = HEIGHT - TOP - (BOTTOM_TURNED if turned else BOTTOM)
    top = _nice_max(max([*loads, *capacity], default=0))
    body = _y_axis(top, plot_h)
    for i, (name, load, cap) in enumerate(zip(names, loads, capacity, strict=True)):
        x = LEFT + i * slot + slot * 0.15
        w = slot * 0.7
        cap_h = plot_h * cap / top
        load_h = plot_h * load / top
        base = TOP + plot_h
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{base - load_h:.1f}" width="{w:.1f}" '
            f'height="{load_h:.1f}"><title>{escape(name)}: '
            f"{escape(of % {'load': load, 'capacity': cap})}</title></rect>"
        )
        body.append(
            f'<rect class="cap" x="{x:.1f}" y="{base - cap_h:.1f}" width="{w:.1f}" '
            f'height="{cap_h:.1f}"/>'
        )
        body.append(_x_label(shown[i], x + w / 2, base, turned))
    desc = "; ".join(
        f"{n}: {of % {'load': load, 'capacity': cap}}"
        for n, load, cap in zip(names, loads, capacity, strict=True)
    )
    return _frame(chart_id, title, desc, body)


def stacked(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    names: Mapping[str, str],
    empty: str,
) -> Markup:
    """Stacked bars: one bar per label, one CSS class (`s-<code>`) per series; `names` are
    the series' words."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    if not any(totals):
        return _empty(chart_id, title, empty)
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(labels), 1)
    turned = _turned(labels, slot)
    plot_h = HEIGHT - TOP - (BOTTOM_TURNED if turned else BOTTOM)
    top = _nice_max(max(totals, default=0))
    body = _y_axis(top, plot_h)
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
                    f'height="{h:.1f}"><title>{escape(name)} {escape(names[status])}: '
                    f"{values[i]}</title></rect>"
                )
        body.append(_x_label(name, x + w / 2, TOP + plot_h, turned))
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{names[s]} {v[i]}" for s, v in series.items())
        for i, name in enumerate(labels)
    )
    return _frame(chart_id, title, desc, body)
