"""Start-page block: the next events the user's schools are invited to, or the user runs."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from opora.support.selectors_events import upcoming_for

register = template.Library()


@register.simple_tag(takes_context=True)
def events_upcoming(context: dict[str, Any]) -> SafeString | str:
    """The block's HTML for context["user"]; empty when there is nothing to show."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    events = upcoming_for(user, today=timezone.localdate())
    if not events:
        return ""
    return mark_safe(render_to_string("support/events/_home_block.html", {"events": events}))  # noqa: S308
