"""Server-side SVG charts of an objectivity case's evidence, drawn the way the identification
charts are (`opora.identification.charts`: no JavaScript, every text escaped):

- `distribution_svg`: the share of pupils at each primary score, the school's bars beside the
  region's, the mark boundaries as dashed lines;
- `journal_svg`: lowered / confirmed / raised shares, the school's bar above the region's;
- `years_svg`: the school's result by year over the interquartile range and the median of schools
  of similar context;
- `tasks_svg`: completion of each task, the region's easiest first, odd tasks marked.

The region appears only as a distribution: no other school is named or drawn on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opora.analytics.case_evidence import Distribution, Journal, Tasks, Years
from opora.identification.charts import Axis, nice_axis

WIDTH, HEIGHT = 760, 330
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 34, 52
SCHOOL, REGION, ODD, BAND = "#1f5fa8", "#a7b0bf", "#b42318", "#dfe6f0"
JOURNAL_COLOURS = {"lowered": "#d64545", "confirmed": "#7cb342", "raised": "#e8a33d"}


def _pct(share: float, digits: int = 0) -> str:
    return f"{number_format(100 * share, decimal_pos=digits)}%"


class _Plot:
    """A plot area with a y axis of `axis` and the chart's frame, title and axis labels."""

    def __init__(self, title: str, axis: Axis, *, x_label: str, y_label: str, css: str,
                 y_format: str = "{}") -> None:
        self.axis, self.plot_w, self.plot_h = axis, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
        self.parts = [
            f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
            f'font-size="12" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
            f'<rect x="{LEFT}" y="{TOP}" width="{self.plot_w}" height="{self.plot_h}" class="plot" '
            f'fill="#fff" stroke="#d0d5dd"/>',
        ]
        for t in axis.ticks:
            y = self.y(t)
            self.parts.append(f'<line class="grid" x1="{LEFT}" x2="{LEFT + self.plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                              f'stroke="#eef1f5"/><text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" '
                              f'text-anchor="end">{escape(y_format.format(number_format(t, decimal_pos=0)))}</text>')
        self.parts.append(f'<text class="axis-label" x="{LEFT + self.plot_w / 2:.1f}" y="{HEIGHT - 8}" '
                          f'text-anchor="middle">{escape(x_label)}</text>')
        self.parts.append(f'<text class="axis-label" transform="translate(14 {TOP + self.plot_h / 2:.1f}) '
                          f'rotate(-90)" text-anchor="middle">{escape(y_label)}</text>')

    def y(self, value: float) -> float:
        span = (self.axis.high - self.axis.low) or 1.0
        return TOP + self.plot_h - (value - self.axis.low) / span * self.plot_h

    def tick(self, x: float, text: str, colour: str = "") -> None:
        fill = f' fill="{colour}" font-weight="600"' if colour else ""
        self.parts.append(f'<text class="tick" x="{x:.1f}" y="{TOP + self.plot_h + 16}" text-anchor="middle"{fill}>'
                          f"{escape(text)}</text>")

    def legend(self, items: Sequence[tuple[str, str]]) -> None:
        x = LEFT
        for colour, text in items:
            self.parts.append(f'<rect x="{x}" y="10" width="12" height="12" fill="{colour}"/>'
                              f'<text class="tick" x="{x + 16}" y="20">{escape(text)}</text>')
            x += 28 + 7 * len(text)

    def done(self) -> SafeString:
        return mark_safe("".join([*self.parts, "</svg>"]))  # every text above is escaped


def _bar(x: float, y: float, w: float, h: float, colour: str, tip: str, extra: str = "") -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{colour}"{extra}>'
            f"<title>{escape(tip)}</title></rect>")


def school_label() -> str:
    return _("the school")


def region_label() -> str:
    return _("the region")


def distribution_svg(d: Distribution, title: str) -> SafeString:
    top = max([*d.school, *d.region, 0.01]) * 100
    plot = _Plot(title, nice_axis([0.0, top], 5), x_label=_("Primary score"), y_label=_("Share of pupils, %"),
                 css="case-distribution")
    band = plot.plot_w / len(d.scores)
    every = 1 if len(d.scores) <= 31 else 5
    for i, score in enumerate(d.scores):
        x = LEFT + i * band
        for n, (share, colour, who) in enumerate(((d.school[i], SCHOOL, school_label()),
                                                  (d.region[i], REGION, region_label()))):
            y = plot.y(100 * share)
            tip = _("Score %(score)s, %(who)s: %(share)s") % {"score": score, "who": who, "share": _pct(share, 1)}
            plot.parts.append(_bar(x + band * (0.1 + 0.4 * n), y, band * 0.4, TOP + plot.plot_h - y, colour, tip))
        if score % every == 0:
            plot.tick(x + band / 2, str(score))
    for b in d.boundaries:
        x = LEFT + d.scores.index(b.score) * band
        plot.parts.append(f'<line class="boundary" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot.plot_h}" '
                          f'stroke="{ODD}" stroke-width="1.5" stroke-dasharray="5 3"/>'
                          f'<text class="tick" x="{x + 3:.1f}" y="{TOP + 12}" fill="{ODD}">«{b.mark}»</text>')
    plot.legend([(SCHOOL, school_label()), (REGION, region_label())])
    return plot.done()


def journal_svg(j: Journal, title: str) -> SafeString:
    row_h, gap, label_w = 30, 14, 110
    bar_w = WIDTH - label_w - RIGHT
    height = TOP + 2 * (row_h + gap) + 10
    labels = journal_labels()
    parts = [f'<svg class="chart case-journal" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}" font-size="12" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    x = LEFT
    for key, colour in JOURNAL_COLOURS.items():
        parts.append(f'<rect x="{x}" y="10" width="12" height="12" fill="{colour}"/>'
                     f'<text class="tick" x="{x + 16}" y="20">{escape(labels[key])}</text>')
        x += 28 + 7 * len(labels[key])
    for i, (who, shares) in enumerate(((school_label(), j.school), (region_label(), j.region))):
        y = TOP + i * (row_h + gap)
        parts.append(f'<text class="tick" x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">'
                     f"{escape(who)}</text>")
        left = float(label_w)
        for key, colour in JOURNAL_COLOURS.items():
            share = float(getattr(shares, key))
            w = bar_w * share
            parts.append(_bar(left, y, w, row_h, colour, f"{who}, {labels[key]}: {_pct(share, 1)}"))
            if w > 36:
                parts.append(f'<text class="inbar" x="{left + w / 2:.1f}" y="{y + row_h / 2 + 4:.1f}" '
                             f'text-anchor="middle" fill="#fff">{escape(_pct(share))}</text>')
            left += w
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def journal_labels() -> dict[str, str]:
    return {"lowered": pgettext("journal", "lowered"), "confirmed": pgettext("journal", "confirmed"),
            "raised": pgettext("journal", "raised")}


def measure_label(measure: str) -> str:
    return _("Mean score, % of the maximum") if measure == "mean_pct" else _("Share of marks «2», %")


def years_svg(y: Years, title: str, peers_label: str) -> SafeString:
    scale = 1.0 if y.measure == "mean_pct" else 100.0
    values = [v * scale for p in y.points for v in (p.school, p.q1, p.q3, p.median) if v is not None]
    plot = _Plot(title, nice_axis([0.0, *values], 5), x_label=_("Year"), y_label=measure_label(y.measure),
                 css="case-years")
    step = plot.plot_w / max(len(y.points), 1)
    line = []
    for i, p in enumerate(y.points):
        x = LEFT + step * (i + 0.5)
        plot.tick(x, str(p.year))
        if p.q1 is not None and p.q3 is not None and p.median is not None:
            top, bottom = plot.y(p.q3 * scale) - 2, plot.y(p.q1 * scale) + 2  # a narrow range stays visible
            tip = _("%(year)s, %(peers)s (%(n)s): median %(median)s, quartiles %(q1)s–%(q3)s") % {
                "year": p.year, "peers": peers_label, "n": p.peers,
                "median": number_format(p.median * scale, decimal_pos=1),
                "q1": number_format(p.q1 * scale, decimal_pos=1), "q3": number_format(p.q3 * scale, decimal_pos=1)}
            plot.parts.append(_bar(x - 22, top, 44, bottom - top, BAND, tip, ' class="iqr"'))
            my = plot.y(p.median * scale)
            plot.parts.append(f'<line class="median" x1="{x - 22:.1f}" x2="{x + 22:.1f}" y1="{my:.1f}" '
                              f'y2="{my:.1f}" stroke="#7b8494" stroke-width="2" stroke-dasharray="4 2"/>')
        if p.school is not None:
            line.append((x, plot.y(p.school * scale), p))
    if len(line) > 1:
        path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy, _p in line)
        plot.parts.append(f'<polyline points="{path}" fill="none" stroke="{SCHOOL}" stroke-width="2"/>')
    for x, yy, p in line:
        tip = f"{p.year}, {school_label()}: {number_format((p.school or 0) * scale, decimal_pos=1)}"
        plot.parts.append(f'<circle class="own" cx="{x:.1f}" cy="{yy:.1f}" r="5" fill="{SCHOOL}">'
                          f"<title>{escape(tip)}</title></circle>")
    plot.legend([(SCHOOL, school_label()), (BAND, _("quartiles of %(peers)s") % {"peers": peers_label})])
    return plot.done()


def tasks_svg(t: Tasks, title: str) -> SafeString:
    plot = _Plot(title, Axis(0.0, 100.0, (0.0, 25.0, 50.0, 75.0, 100.0)),
                 x_label=_("Tasks, from the easiest for the region to the hardest"),
                 y_label=_("Completion, %"), css="case-tasks")
    band = plot.plot_w / max(len(t.rows), 1)
    for i, row in enumerate(t.rows):
        x = LEFT + i * band
        for n, (value, colour, who) in enumerate(((row.school, SCHOOL, school_label()),
                                                  (row.region, REGION, region_label()))):
            y = plot.y(100 * value)
            tip = _("Task %(task)s, %(who)s: %(share)s") % {"task": row.task, "who": who, "share": _pct(value, 1)}
            extra = f' stroke="{ODD}" stroke-width="2"' if row.odd and n == 0 else ""
            plot.parts.append(_bar(x + band * (0.1 + 0.4 * n), y, band * 0.4, TOP + plot.plot_h - y, colour, tip,
                                   extra))
        plot.tick(x + band / 2, f"№{row.task}" + ("!" if row.odd else ""), ODD if row.odd else "")
    plot.legend([(SCHOOL, school_label()), (REGION, region_label()),
                 (ODD, _("hard task done better than easier ones"))])
    return plot.done()
