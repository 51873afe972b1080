"""The unread badge of the top bar."""

from __future__ import annotations

from typing import Any

from django import template

from opora.notifications.selectors import unread_count

register = template.Library()


@register.filter
def unread_notifications(user: Any) -> int:
    return unread_count(user)
