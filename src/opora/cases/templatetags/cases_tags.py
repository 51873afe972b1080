from __future__ import annotations

from typing import Any

from django import template

from opora.cases import selectors

register = template.Library()


@register.filter
def may_open_cases(user: Any, region: Any) -> bool:
    return selectors.may_open(user, region)
