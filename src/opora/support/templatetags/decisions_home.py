"""Start-page block: the user's open parts of meeting decisions (their own, or their school's as
its head), overdue first and shown in red."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from opora.support import selectors_meetings as selectors

register = template.Library()
LIMIT = 8


@register.simple_tag(takes_context=True)
def decisions_due(context: dict[str, Any]) -> str:
    """The block's HTML for context["user"]; empty when there is nothing to show."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    parts, total = selectors.parts_due(user, limit=LIMIT, today=timezone.localdate())
    if not parts:
        return ""
    return render_to_string("support/meetings/_home_block.html", {"parts": parts, "total": total,
                                                                  "more": total > len(parts)})
