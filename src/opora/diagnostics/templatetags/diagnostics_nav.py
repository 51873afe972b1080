"""Main-menu checks of the risk-profile pages."""

from __future__ import annotations

from typing import Any

from django import template

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Role

register = template.Library()


@register.filter
def can_view_risk_profiles(user: Any) -> bool:
    """The user sees surveys and profiles for some school, or keeps the questionnaires."""
    return bool(user.is_authenticated and (access.has_perm_anywhere(user, Perm.VIEW_RISK_PROFILES)
                                           or access.has_perm_anywhere(user, Perm.MANAGE_INSTRUMENTS)))


@register.filter
def answers_surveys(user: Any) -> bool:
    """The user answers questionnaires signed in (a school head or a teacher)."""
    return bool(user.is_authenticated and access.roles(user) & {Role.SCHOOL_HEAD, Role.TEACHER})


@register.filter
def sees_risk_profiles_of(user: Any, school: Any) -> bool:
    """For the school card: the user may open the school's risk profiles."""
    return bool(user.is_authenticated and access.can_on_school(user, Perm.VIEW_RISK_PROFILES, school))
