"""Main-menu checks of the support and teachers pages."""

from __future__ import annotations

from typing import Any

from django import template

from opora.core import access
from opora.core.access import Perm

register = template.Library()


@register.filter
def can_view_support(user: Any) -> bool:
    return bool(user.is_authenticated and access.has_perm_anywhere(user, Perm.VIEW_SUPPORT))


@register.filter
def can_view_teachers(user: Any) -> bool:
    """Aggregate staffing figures are shown to anyone who sees schools; names only in scope."""
    return bool(user.is_authenticated and access.has_perm_anywhere(user, Perm.VIEW_SCHOOL))
