"""Numbers, codes and evidence values as a person reads them, in the locale's format."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from opora.identification.explain.evidence import is_number
from opora.identification.explain.labels import BOUNDARIES, CRITERIA, LABELS, MEASURES, REASONS, SHARES, SIGNS
from opora.identification.models import Dynamics, Position, RuleKind, Typology


@dataclass(frozen=True)
class Names:
    """Display names of procedure and subject codes (a code without a name shows as itself)."""

    procedures: Mapping[str, str] = field(default_factory=dict)
    subjects: Mapping[str, str] = field(default_factory=dict)

    def procedure(self, code: Any) -> str:
        return named(self.procedures, code) if code else "—"

    def subject(self, code: Any) -> str:
        return named(self.subjects, code) if code else "—"

    def work(self, record: Mapping[str, Any]) -> str:
        parts = [self.procedure(record.get("procedure"))]
        if record.get("subject"):
            parts.append(self.subject(record.get("subject")))
        if record.get("grade") is not None:
            parts.append(_("grade %(grade)s") % {"grade": record["grade"]})
        return ", ".join(parts)


def pct(share: Any, digits: int = 1) -> str:
    """0.305 → "30,5%"."""
    if not is_number(share):
        return "—"
    return f"{_half_up(float(share) * 100, digits)}%"


def points(change: Any) -> str:
    """A change of a share in percentage points, signed: +12,5."""
    if not is_number(change):
        return "—"
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    return sign + _half_up(abs(float(change)) * 100, 1)


def _half_up(value: float, digits: int) -> str:
    """Rounded half up, as people round (14 of 32 = 43,75% → 43,8%), in the locale's format."""
    rounded = Decimal(repr(round(value, 9))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=digits)


def number(value: Any, digits: int = 2) -> str:
    if not is_number(value):
        return "—"
    if float(value).is_integer() and abs(value) < 1e15:
        return number_format(int(value))
    return number_format(float(value), decimal_pos=digits)


def yes_no(value: Any) -> str:
    if value is None:
        return "—"
    return _("yes") if value else _("no")


def stable_years_text(value: str | None) -> str:
    """"2 of 3" → «2 из 3»."""
    parts = (value or "").split(" of ")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
        return _("%(n)s of %(m)s") % {"n": parts[0].strip(), "m": parts[1].strip()}
    return value or "—"


def named(names: Mapping[str, Any], code: Any, default: Any = None) -> str:
    """The name of a code; an unknown code shows as itself (or `default`), anything odd as text."""
    if isinstance(code, str):
        return str(names.get(code, code if default is None else default))
    return str(code) if default is None else str(default)


def typology_label(code: Any) -> str:
    return named(dict(Typology.choices), code, "—") if code else "—"


def position_label(code: Any) -> str:
    return named(dict(Position.choices), code, "—") if code else "—"


def dynamics_label(code: Any) -> str:
    return named(dict(Dynamics.choices), code, "—") if code else "—"


def reason_label(code: Any) -> str:
    return named(REASONS, code) if code else ""


def sign_label(code: Any) -> str:
    return named(SIGNS, code)


def label(key: str) -> str:
    return str(LABELS.get(key, key))


def display(key: str, value: Any, names: Names) -> str:
    """One value as a person reads it, by what the key means (a value of an unexpected shape is
    shown as plain text rather than breaking the page)."""
    try:
        return _display(key, value, names)
    except (TypeError, ValueError, AttributeError):
        return str(value)


def _display(key: str, value: Any, names: Names) -> str:
    if key == "subjects" and value is None:
        return _("all")  # the rule's subjects: None means every subject
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(value)
    if key == "kind":
        return named(dict(RuleKind.choices), value)
    if key in ("procedures", "confirm_procedures"):
        return ", ".join(names.procedure(v) for v in value) if isinstance(value, list) else str(value)
    if key == "subjects":
        if value == "core":
            return _("Russian and mathematics")
        return ", ".join(names.subject(v) for v in value) if isinstance(value, list) else _("all")
    if key in ("quality_selection", "selection") and isinstance(value, Mapping):
        return "; ".join(f"{names.procedure(p)}: {', '.join(str(g) for g in grades)}" for p, grades in value.items())
    if key == "connective":
        return _("and") if value == "and" else _("or")
    if key == "select":
        return _("the worst share of schools") if value == "share" else _("past the composite rank threshold")
    if key == "weights" and isinstance(value, Mapping):
        return "; ".join(f"{CRITERIA.get(k) or SIGNS.get(k) or k}: {number(v)}" for k, v in value.items())
    if key in ("measure", "expected_measure"):
        return named(MEASURES, value)
    if key == "position":
        return position_label(value)
    if key == "reason":
        return reason_label(value) or "—"
    if key == "procedure":
        return names.procedure(value)
    if key == "subject":
        return names.subject(value)
    if key == "boundary":
        return named(BOUNDARIES, value)
    if key == "factors" and isinstance(value, list):
        if all(is_number(v) for v in value):
            return ", ".join(f"×{number(v)}" for v in value)
        return ", ".join(named(LABELS, v) if v != "swi" else _("social well-being") for v in value)
    if key in ("change", "region_change", "relative_change", "change_before", "change_now"):
        return points(value)
    if key in SHARES:
        return pct(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, Mapping):
        return "; ".join(f"{label(str(k))}: {display(str(k), v, names)}" for k, v in value.items())
    if is_number(value):
        return number(value)
    return str(value)


def pairs(data: Mapping[str, Any], names: Names, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    if not isinstance(data, Mapping):
        return []
    hidden = set(skip)
    return [(label(str(k)), display(str(k), v, names)) for k, v in data.items() if k not in hidden]



def to_float(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
