"""Formatting helpers of the identification pages: flags, typology, stability, signs."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.identification import explain
from opora.identification.charts import TYPOLOGY_COLOURS
from opora.identification.warnings import not_assessed_label

register = template.Library()


@register.filter
def can_view_identification(user: Any) -> bool:
    """For the main menu: the user sees identification for some school."""
    return bool(user.is_authenticated and access.has_perm_anywhere(user, Perm.VIEW_IDENTIFICATION))


@register.simple_tag
def flag(value: Any, title: str = "") -> str:
    """A raised flag as a red mark, a lowered one as a dash."""
    if value:
        return format_html('<span class="flag on" title="{}">●</span>', title or _("yes"))
    return format_html('<span class="flag off" title="{}">—</span>', _("no"))


@register.simple_tag
def typology(code: str | None) -> str:
    if not code:
        return "—"
    return format_html('<span class="typology"><span class="dot" style="background:{}"></span>{}</span>',
                       TYPOLOGY_COLOURS.get(code, TYPOLOGY_COLOURS[""]), explain.typology_label(code))


@register.filter
def stable_years(value: str | None) -> str:
    return explain.stable_years_text(value)


@register.filter
def sign_label(code: str) -> str:
    return explain.sign_label(code)


@register.filter
def signs_text(codes: list[str] | None) -> str:
    return ", ".join(explain.sign_label(c) for c in codes or [])


@register.filter
def number(value: Any, digits: int = 2) -> str:
    return explain.number(value, digits)


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    return explain.pct(value, digits)


@register.filter
def position_label(code: str | None) -> str:
    return explain.position_label(code)


@register.filter
def dynamics_label(code: str | None) -> str:
    return explain.dynamics_label(code)


@register.filter
def sees_identification_of(user: Any, school: Any) -> bool:
    """For the school card: the user sees this school's identification."""
    return bool(user.is_authenticated and access.can_on_school(user, Perm.VIEW_IDENTIFICATION, school))


@register.filter
def may_run_in(user: Any, region: Any) -> bool:
    """May the user start runs in the region (run, preview, recompute)?"""
    return access.can_on_region(user, Perm.RUN_IDENTIFICATION, region)


@register.filter
def shipped_text(rule_set: Any, field: str = "name") -> str:
    """A rule set's name or description; a shipped rule set's are English msgids, shown translated."""
    text = getattr(rule_set, field, "") or ""
    # A version's comment: only the first version of a shipped rule set carries Opora's msgid.
    shipped = getattr(rule_set, "shipped", None)
    if shipped is None and hasattr(rule_set, "rule_set"):
        shipped = rule_set.rule_set.shipped and rule_set.number == 1 and rule_set.created_by_id is None
    return _(text) if shipped and text else text


@register.filter
def not_assessed(code: str | None) -> str:
    """Why a school was not assessed, in words (empty when it was)."""
    return not_assessed_label(code or "")
