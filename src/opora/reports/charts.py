"""The report's charts as PNG (matplotlib, Agg backend): the same bytes go into the DOCX and the PDF."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from opora.reports.content import Chart  # noqa: E402

COLOURS = ["#1f5fa8", "#b42318", "#2e7d32", "#e8a33d", "#6a3d9a", "#7b8494"]
DPI = 150


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=DPI)
    plt.close(figure)
    return buffer.getvalue()


def _percent(value: float, _pos: int) -> str:
    return f"{value * 100:.0f} %"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fail_dynamics(title: str, own: Mapping[str, Mapping[int, float | None]],
                  region: Mapping[str, Mapping[int, float | None]], *, own_label: str, region_label: str) -> Chart:
    """Lines of the share of marks «2» by year, one colour per procedure; the region dashed."""
    figure, axes = plt.subplots(figsize=(7, 3.6))
    years: set[int] = set()
    for n, procedure in enumerate(sorted(own)):
        colour = COLOURS[n % len(COLOURS)]
        for values, style, label in ((own[procedure], "-", _short(own_label, 30)),
                                     (region.get(procedure, {}), "--", region_label)):
            points = sorted((y, v) for y, v in values.items() if v is not None)
            if not points:
                continue
            years.update(y for y, _v in points)
            axes.plot([y for y, _v in points], [v for _y, v in points], style, marker="o", color=colour,
                      label=f"{procedure} — {label}")
    axes.set_xticks(sorted(years))
    axes.yaxis.set_major_formatter(FuncFormatter(_percent))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=7, loc="best")
    return Chart(title=title, png=_png(figure))


def mean_marks(title: str, bars: Sequence[tuple[str, float | None, float | None]], *, own_label: str,
               region_label: str | None) -> Chart:
    """Horizontal bars of the mean mark by procedure and subject; the region beside, when given."""
    bars = list(bars)[:20]
    height = max(2.4, 0.35 * len(bars) * (2 if region_label else 1) + 1)
    figure, axes = plt.subplots(figsize=(7, height))
    positions = list(range(len(bars)))
    step = 0.4 if region_label else 0.7
    axes.barh([p + (step / 2 if region_label else 0) for p in positions], [b[1] or 0 for b in bars], height=step,
              color=COLOURS[0], label=_short(own_label, 40))
    if region_label:
        axes.barh([p - step / 2 for p in positions], [b[2] or 0 for b in bars], height=step, color=COLOURS[5],
                  label=region_label)
    axes.set_yticks(positions)
    axes.set_yticklabels([_short(b[0]) for b in bars], fontsize=7)
    axes.invert_yaxis()
    axes.set_xlim(2, 5)
    axes.grid(axis="x", alpha=0.3)
    axes.legend(fontsize=7, loc="lower right")
    return Chart(title=title, png=_png(figure))
