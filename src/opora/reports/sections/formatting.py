"""Figures as Russian documents print them, and lists of school names."""

from __future__ import annotations

from django.utils.translation import gettext as _

from opora.core.models import School

NAMES_SHOWN = 30  # school names listed in one cell before «и ещё N»


def pct(share: float | None) -> str:
    """A share 0–1 as Russian documents print it: «12,5 %»; «—» when there is no value."""
    if share is None:
        return "—"
    return f"{share * 100:.1f}".replace(".", ",") + " %"


def share(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def dec(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


def names(schools: list[School]) -> str:
    shown = ", ".join(s.name for s in schools[:NAMES_SHOWN])
    rest = len(schools) - NAMES_SHOWN
    if rest > 0:
        shown += " " + _("and %(n)s more") % {"n": rest}
    return shown or "—"
