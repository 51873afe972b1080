"""Start-page block (not built yet; owned by D (meetings))."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def decisions_due(context: dict[str, Any]) -> str:
    """The block's HTML for context["user"]; empty when there is nothing to show."""
    return ""
