"""Server-side SVG charts of the identification pages (no JavaScript chart library).

- `scatter_svg`: schools by social well-being (x) against the result (y), with the expected line
  and typology colours. A point without a label is drawn as an anonymous grey dot: no name, no
  code, no link, no tooltip reaches the page (a municipal user sees other schools only as dots).
- `quality_bars_svg`: the quality groups as stacked bars of the shares of marks 2/3/4/5 with the
  number of schools in each group.

Both return markup safe to insert in a template; every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TYPOLOGY_COLOURS: dict[str, str] = {
    "resilient": "#2e7d32",
    "disadvantaged": "#b42318",
    "underperforming": "#e8a33d",
    "favourable": "#1f5fa8",
    "typical": "#7b8494",
    "": "#a7b0bf",
}
ANONYMOUS = "#c3c8d0"
MARK_COLOURS = {2: "#d64545", 3: "#e8a33d", 4: "#7cb342", 5: "#2e7d32"}

WIDTH, HEIGHT = 760, 460
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 16, 52


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    typology: str = ""
    label: str | None = None  # None: an anonymous point (another municipality's school)
    href: str | None = None
    mark: str = ""  # a short text drawn beside the point (its number in the list under the chart)


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    ticks: tuple[float, ...]


def nice_axis(values: Sequence[float], count: int = 6) -> Axis:
    """An axis covering `values` with about `count` round ticks (1, 2, 2.5 or 5 × 10ⁿ apart)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    ticks = tuple(round(start + i * step, 10) for i in range(int(round((end - start) / step)) + 1))
    return Axis(low=start, high=end, ticks=ticks)


def _number(value: float, digits: int) -> str:
    return number_format(value, decimal_pos=digits)


def _digits(axis: Axis) -> int:
    step = axis.ticks[1] - axis.ticks[0] if len(axis.ticks) > 1 else 1.0
    return max(0, -math.floor(math.log10(step))) if step < 1 else 0


def scatter_svg(points: Sequence[Point], *, line: tuple[float, float] | None, x_label: str, y_label: str,
                title: str) -> SafeString:
    """Points (x, y) with the expected line y = intercept + slope·x (when given) over the x range.

    Labelled points are coloured by typology and carry their name; unlabelled ones are grey."""
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    if line is not None and xs:
        ys = ys + [line[0] + line[1] * min(xs), line[0] + line[1] * max(xs)]
    x_axis, y_axis = nice_axis(xs), nice_axis(ys)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(v: float) -> float:
        return LEFT + (v - x_axis.low) / (x_axis.high - x_axis.low) * plot_w

    def sy(v: float) -> float:
        return TOP + plot_h - (v - y_axis.low) / (y_axis.high - y_axis.low) * plot_h

    parts = [
        f'<svg class="chart scatter" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" class="plot"/>',
    ]
    xd, yd = _digits(x_axis), _digits(y_axis)
    for t in x_axis.ticks:
        parts.append(f'<line class="grid" x1="{sx(t):.1f}" x2="{sx(t):.1f}" y1="{TOP}" y2="{TOP + plot_h}"/>'
                     f'<text class="tick" x="{sx(t):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
                     f"{escape(_number(t, xd))}</text>")
    for t in y_axis.ticks:
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{sy(t):.1f}" y2="{sy(t):.1f}"/>'
                     f'<text class="tick" x="{LEFT - 6}" y="{sy(t) + 4:.1f}" text-anchor="end">'
                     f"{escape(_number(t, yd))}</text>")
    parts.append(f'<text class="axis-label" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
                 f"{escape(x_label)}</text>")
    parts.append(f'<text class="axis-label" transform="translate(14 {TOP + plot_h / 2:.1f}) rotate(-90)" '
                 f'text-anchor="middle">{escape(y_label)}</text>')
    if line is not None and xs:
        x0, x1 = x_axis.low, x_axis.high
        parts.append(f'<line class="expected" x1="{sx(x0):.1f}" y1="{sy(line[0] + line[1] * x0):.1f}" '
                     f'x2="{sx(x1):.1f}" y2="{sy(line[0] + line[1] * x1):.1f}"/>')
    # Anonymous points first, so the labelled ones stay on top.
    for p in sorted(points, key=lambda p: p.label is not None):
        cx, cy = sx(p.x), sy(p.y)
        if p.label is None:
            parts.append(f'<circle class="anon" cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{ANONYMOUS}"/>')
            continue
        colour = TYPOLOGY_COLOURS.get(p.typology, TYPOLOGY_COLOURS[""])
        dot = (f'<circle class="own" cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{colour}">'
               f"<title>{escape(p.label)}</title></circle>")
        if p.mark:
            dot += f'<text class="mark" x="{cx + 6:.1f}" y="{cy - 5:.1f}">{escape(p.mark)}</text>'
        if p.href:
            dot = f'<a href="{escape(p.href)}">{dot}</a>'
        parts.append(dot)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


@dataclass(frozen=True)
class GroupBar:
    group: int
    schools: int
    shares: tuple[float, float, float, float]  # marks 2, 3, 4, 5 (0–1)
    mean_mark: float | None = None


def quality_bars_svg(groups: Sequence[GroupBar], *, title: str, group_label: str, schools_label: str) -> SafeString:
    """One horizontal stacked bar per quality group (1 = lowest at the top) with its schools count."""
    row_h, gap, label_w, count_w = 26, 8, 90, 110
    bar_w = WIDTH - label_w - count_w - 20
    height = TOP + len(groups) * (row_h + gap) + 8
    parts = [
        f'<svg class="chart bars" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
    ]
    for i, g in enumerate(groups):
        y = TOP + i * (row_h + gap)
        parts.append(f'<text class="tick" x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">'
                     f"{escape(group_label)} {g.group}</text>")
        total = sum(g.shares) or 1.0
        x = float(label_w)
        for mark, share in zip((2, 3, 4, 5), g.shares, strict=True):
            w = bar_w * share / total
            if w <= 0:
                continue
            text = f"«{mark}»: {_number(100 * share, 1)}%"
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h}" fill="{MARK_COLOURS[mark]}">'
                         f"<title>{escape(text)}</title></rect>")
            if w > 34:
                parts.append(f'<text class="inbar" x="{x + w / 2:.1f}" y="{y + row_h / 2 + 4:.1f}" '
                             f'text-anchor="middle">{escape(_number(100 * share, 0))}%</text>')
            x += w
        parts.append(f'<text class="tick" x="{label_w + bar_w + 10}" y="{y + row_h / 2 + 4:.1f}">'
                     f"{escape(schools_label)}: {g.schools}</text>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
