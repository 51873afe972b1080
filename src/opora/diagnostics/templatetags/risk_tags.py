"""Template helpers of the risk-profile pages: level badges, scores, group names and notes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

from opora.diagnostics import reasons

register = template.Library()


@register.simple_tag
def level_badge(level: str, title: str = "") -> str:
    """`<span class="risk-level high">высокий</span>`; an empty level reads «нет данных»."""
    css = level if level in ("high", "medium", "low") else "none"
    if title:
        return format_html('<span class="risk-level {}" title="{}">{}</span>', css, title, reasons.level_name(level))
    return format_html('<span class="risk-level {}">{}</span>', css, reasons.level_name(level))


@register.filter
def level_label(level: str) -> str:
    return reasons.level_name(level)


@register.filter
def level_class(level: str) -> str:
    return level if level in ("high", "medium", "low") else "none"


@register.filter
def score(value: Any) -> str:
    """A 0–1 score with two decimals (local decimal separator), «—» when unknown."""
    if value is None or value == "":
        return "—"
    try:
        return number_format(float(value), decimal_pos=2)
    except (TypeError, ValueError):
        return "—"


@register.filter
def group_label(group: str) -> str:
    return reasons.group_name(group)


@register.filter
def note_label(note: str) -> str:
    return reasons.note_text(note)
