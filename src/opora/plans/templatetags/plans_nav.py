"""Main-menu check of the roadmap pages."""

from __future__ import annotations

from typing import Any

from django import template

from opora.core import access
from opora.core.access import Perm

register = template.Library()


@register.filter
def can_view_plans(user: Any) -> bool:
    return bool(user.is_authenticated and access.has_perm_anywhere(user, Perm.VIEW_PLANS))
