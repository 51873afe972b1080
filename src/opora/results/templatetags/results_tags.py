"""Small formatting helpers for results pages: shares as percentages, the marks bar."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

MARK_COLOURS = {2: "#d64545", 3: "#e8a33d", 4: "#7cb342", 5: "#2e7d32"}


@register.simple_tag
def percent(share: float | None, digits: int = 1) -> str:
    if share is None:
        return "—"
    return number_format(share * 100, decimal_pos=digits)


@register.simple_tag
def insufficient() -> str:
    """What a share-based cell says for an aggregate whose mark counts the form suppressed."""
    return format_html('<span class="muted insufficient" title="{}">{}</span>',
                       _("the form gives only the mean: the mark counts are suppressed"), _("not enough data"))


@register.simple_tag
def signed_points(change: float | None) -> str:
    """A change of a share in percentage points, with its sign («+12,5»)."""
    if change is None:
        return "—"
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    return sign + number_format(abs(change) * 100, decimal_pos=1)


@register.simple_tag
def mark_bar(indicator: Any) -> str:
    """A stacked bar of marks 2–5 (shares of participants), readable without JavaScript."""
    if indicator.mark2 is None:
        return insufficient()
    total = indicator.mark2 + indicator.mark3 + indicator.mark4 + indicator.mark5
    if not total:
        return "—"
    parts = []
    for mark in (2, 3, 4, 5):
        count = getattr(indicator, f"mark{mark}")
        share = 100 * count / total
        parts.append((f"{share:.2f}", MARK_COLOURS[mark], f"«{mark}»: {number_format(share, decimal_pos=1)}%"))
    bars = format_html_join(
        "", '<span style="width:{}%;background:{}" title="{}"></span>', parts
    )
    return format_html('<span class="markbar" role="img" aria-label="{}">{}</span>',
                       " · ".join(p[2] for p in parts), bars)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
